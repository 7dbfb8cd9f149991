import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { ProblemError } from '../../platform/http/problem.ts';
import { sniffImageType } from './domain/image-sniffing.ts';
import {
  DEFAULT_PHOTO_LIMITS,
  PHOTO_HEIGHT,
  PHOTO_MIN_HEIGHT,
  PHOTO_MIN_WIDTH,
  PHOTO_WIDTH,
  processPhoto,
} from './photo-processing.ts';
import type { ProcessedPhoto } from './photo-processing.ts';

type Rgb = [number, number, number];

const RED = '#ff0000';
const GREEN = '#00ff00';
const BLUE = '#0000ff';
const WHITE = '#ffffff';

function solid(width: number, height: number, background: string) {
  return sharp({ create: { width, height, channels: 3, background } });
}

function noise(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
}

/** Four coloured quadrants: red top-left, green top-right, blue bottom-left, white bottom-right. */
function quadrants(width: number, height: number) {
  const w = width / 2;
  const h = height / 2;
  const block = (background: string) => ({ create: { width: w, height: h, channels: 3 as const, background } });
  return solid(width, height, RED).composite([
    { input: block(GREEN), left: w, top: 0 },
    { input: block(BLUE), left: 0, top: h },
    { input: block(WHITE), left: w, top: h },
  ]);
}

/** Top half `top`, bottom half `bottom`. */
function halves(width: number, height: number, top: string, bottom: string) {
  return solid(width, height, top).composite([
    { input: { create: { width, height: height / 2, channels: 3, background: bottom } }, left: 0, top: height / 2 },
  ]);
}

async function pixelAt(jpeg: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const index = (y * info.width + x) * info.channels;
  return [data[index] ?? -1, data[index + 1] ?? -1, data[index + 2] ?? -1];
}

function assertColour(actual: Rgb, expected: string, where: string): void {
  const hex = expected.slice(1);
  const want = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const close = actual.every((value, i) => Math.abs(value - (want[i] ?? 0)) <= 40);
  assert.ok(close, `${where}: expected about ${expected}, got rgb(${actual.join(', ')})`);
}

async function meanLuma(jpeg: Buffer): Promise<number> {
  const stats = await sharp(jpeg).greyscale().stats();
  return stats.channels[0]?.mean ?? -1;
}

async function rejectsWith(promise: Promise<unknown>, status: number, code: string): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
    assert.equal(error.status, status, `status of ${error.code}: ${error.message}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${status} ${code}, but the photo was accepted`);
}

async function assertCardPhoto(photo: ProcessedPhoto): Promise<void> {
  assert.equal(photo.width, PHOTO_WIDTH);
  assert.equal(photo.height, PHOTO_HEIGHT);
  assert.equal(sniffImageType(photo.jpeg), 'jpeg');
  const metadata = await sharp(photo.jpeg).metadata();
  assert.equal(metadata.format, 'jpeg');
  assert.equal(metadata.width, PHOTO_WIDTH);
  assert.equal(metadata.height, PHOTO_HEIGHT);
  assert.equal(metadata.isProgressive, false);
  assert.equal(photo.sha256, createHash('sha256').update(photo.jpeg).digest('hex'));
}

/** Rewrites the IHDR of a PNG to claim other dimensions, with a correct CRC. */
function forgePngDimensions(png: Buffer, width: number, height: number): Buffer {
  const forged = Buffer.from(png);
  assert.equal(forged.toString('latin1', 12, 16), 'IHDR');
  forged.writeUInt32BE(width, 16);
  forged.writeUInt32BE(height, 20);
  forged.writeUInt32BE(crc32(forged.subarray(12, 29)), 29);
  return forged;
}

/** Rewrites the baseline SOF0 segment of a JPEG to claim other dimensions. */
function forgeJpegDimensions(jpeg: Buffer, width: number, height: number): Buffer {
  const forged = Buffer.from(jpeg);
  const sof = forged.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0, 'SOF0 marker present');
  forged.writeUInt16BE(height, sof + 5);
  forged.writeUInt16BE(width, sof + 7);
  return forged;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A genuine, fully valid decompression bomb: a 1-bit greyscale PNG of `side` x `side` pixels,
 * all black, that deflates to a few tens of kilobytes.
 */
function pngBomb(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.writeUInt8(1, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  const rowBytes = 1 + Math.ceil(side / 8);
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('processPhoto: accepted uploads', () => {
  test('a valid JPEG becomes a card photo of the fixed size', async () => {
    const input = await noise(900, 1200).jpeg({ quality: 90 }).toBuffer();
    const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, {
      declared: { fileName: 'portrait.JPG', mimeType: 'image/jpeg' },
    });
    await assertCardPhoto(photo);
    assert.equal(photo.sourceFormat, 'jpeg');
    assert.equal(photo.declaredTypeMatches, true);
  });

  test('a valid PNG with transparency becomes a JPEG flattened on white', async () => {
    const input = await sharp({ create: { width: 400, height: 500, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { declared: { fileName: 'me.png', mimeType: 'image/png' } });
    await assertCardPhoto(photo);
    assert.equal(photo.sourceFormat, 'png');
    assertColour(await pixelAt(photo.jpeg, 240, 300), WHITE, 'transparent area');
  });

  test('limits default to DEFAULT_PHOTO_LIMITS', async () => {
    assert.deepEqual({ ...DEFAULT_PHOTO_LIMITS }, { maxBytes: 5 * 1024 * 1024, maxPixels: 40_000_000, maxDimension: 8000 });
    const photo = await processPhoto(await solid(300, 400, BLUE).png().toBuffer());
    await assertCardPhoto(photo);
  });

  test('a PNG renamed .jpg is accepted as PNG: the content decides', async () => {
    const input = await solid(400, 500, GREEN).png().toBuffer();
    const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { declared: { fileName: 'photo.jpg', mimeType: 'image/jpeg' } });
    await assertCardPhoto(photo);
    assert.equal(photo.sourceFormat, 'png');
    assert.equal(photo.declaredTypeMatches, false);
    assertColour(await pixelAt(photo.jpeg, 10, 10), GREEN, 'corner');
  });

  test('a JPEG sent as image/png is accepted as JPEG', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { declared: { fileName: 'photo.png', mimeType: 'image/png' } });
    await assertCardPhoto(photo);
    assert.equal(photo.sourceFormat, 'jpeg');
    assert.equal(photo.declaredTypeMatches, false);
  });

  test('landscape and small-but-sufficient photos are cover-fitted to exactly the card size', async () => {
    for (const [width, height] of [[1600, 900], [PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT], [3000, 3000]] as const) {
      const photo = await processPhoto(await solid(width, height, BLUE).jpeg().toBuffer());
      await assertCardPhoto(photo);
    }
  });

  test('CMYK and greyscale JPEGs and 16-bit PNGs all come out as 3-channel sRGB', async () => {
    const inputs = [
      await solid(400, 500, RED).toColourspace('cmyk').jpeg().toBuffer(),
      await solid(400, 500, RED).greyscale().jpeg().toBuffer(),
      await solid(400, 500, RED).toColourspace('rgb16').png().toBuffer(),
    ];
    assert.equal((await sharp(inputs[0]).metadata()).space, 'cmyk');
    for (const input of inputs) {
      const photo = await processPhoto(input);
      await assertCardPhoto(photo);
      const metadata = await sharp(photo.jpeg).metadata();
      assert.equal(metadata.channels, 3);
      assert.equal(metadata.space, 'srgb');
    }
  });

  test('the output is deterministic and parallel calls all complete', async () => {
    const input = await noise(800, 1000).jpeg().toBuffer();
    const photos = await Promise.all(Array.from({ length: 5 }, () => processPhoto(input)));
    assert.equal(new Set(photos.map((photo) => photo.sha256)).size, 1);
  });
});

describe('processPhoto: refused uploads', () => {
  test('more bytes than maxBytes: 413 photo_too_large, before anything else', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    const error = await rejectsWith(processPhoto(input, { ...DEFAULT_PHOTO_LIMITS, maxBytes: input.length - 1 }), 413, 'photo_too_large');
    assert.equal(error.extensions.maxBytes, input.length - 1);
    // Not even the content is looked at: oversize garbage is still "too large", not "unsupported".
    const oversize = Buffer.alloc(DEFAULT_PHOTO_LIMITS.maxBytes + 1, 0x41);
    await rejectsWith(processPhoto(oversize), 413, 'photo_too_large');
  });

  test('exactly maxBytes is accepted', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    await assertCardPhoto(await processPhoto(input, { ...DEFAULT_PHOTO_LIMITS, maxBytes: input.length }));
  });

  test('a text file renamed .jpg: 415 photo_unsupported_type naming "text"', async () => {
    const input = Buffer.from('name,email\nAda,ada@example.edu\n');
    const error = await rejectsWith(
      processPhoto(input, DEFAULT_PHOTO_LIMITS, { declared: { fileName: 'photo.jpg', mimeType: 'image/jpeg' } }),
      415,
      'photo_unsupported_type',
    );
    assert.match(error.message, /text/);
    assert.equal(error.extensions.detected, 'text');
  });

  test('a GIF, an empty file and random binary: 415 naming what was found', async () => {
    const gif = await solid(300, 400, RED).gif().toBuffer();
    assert.match((await rejectsWith(processPhoto(gif), 415, 'photo_unsupported_type')).message, /GIF/);
    assert.equal((await rejectsWith(processPhoto(Buffer.alloc(0)), 415, 'photo_unsupported_type')).extensions.detected, 'empty');
    const binary = Buffer.from([0x00, 0x01, 0x02, 0xfe, 0x00, 0x10, 0x20, 0x30]);
    assert.equal((await rejectsWith(processPhoto(binary), 415, 'photo_unsupported_type')).extensions.detected, 'unknown');
  });

  test('a genuine 20000x20000 PNG bomb: 422 photo_dimensions_too_large, quickly', async () => {
    const bomb = pngBomb(20_000);
    assert.ok(bomb.length < DEFAULT_PHOTO_LIMITS.maxBytes, `the bomb is small on disk (${bomb.length} bytes)`);
    const started = performance.now();
    const error = await rejectsWith(processPhoto(bomb), 422, 'photo_dimensions_too_large');
    const elapsed = performance.now() - started;
    // Decoding 400 megapixels takes seconds and gigabytes; reading a header takes microseconds.
    assert.ok(elapsed < 1000, `rejected in ${elapsed.toFixed(0)} ms`);
    assert.equal(error.extensions.width, 20_000);
    assert.equal(error.extensions.height, 20_000);
  });

  test('forged 20000x20000 headers are rejected on dimensions without decoding', async () => {
    // The forged files carry pixel data for a 16x16 image: any attempt to decode them would fail
    // as corrupt, so a dimensions error proves the check ran on the header alone.
    const png = forgePngDimensions(await solid(16, 16, RED).png().toBuffer(), 20_000, 20_000);
    const jpeg = forgeJpegDimensions(await solid(16, 16, RED).jpeg().toBuffer(), 20_000, 20_000);
    for (const forged of [png, jpeg]) {
      const started = performance.now();
      const error = await rejectsWith(processPhoto(forged), 422, 'photo_dimensions_too_large');
      assert.ok(performance.now() - started < 1000);
      assert.match(error.message, /20000x20000/);
      // With a pixel budget too generous for sharp's own guard to fire, only the header check is left.
      const generous = { ...DEFAULT_PHOTO_LIMITS, maxPixels: 1_000_000_000 };
      await rejectsWith(processPhoto(forged, generous), 422, 'photo_dimensions_too_large');
    }
  });

  test('maxPixels and maxDimension are each enforced', async () => {
    const input = await solid(1000, 1000, RED).jpeg().toBuffer();
    await rejectsWith(processPhoto(input, { ...DEFAULT_PHOTO_LIMITS, maxPixels: 999_999 }), 422, 'photo_dimensions_too_large');
    await rejectsWith(processPhoto(input, { ...DEFAULT_PHOTO_LIMITS, maxDimension: 999 }), 422, 'photo_dimensions_too_large');
    await assertCardPhoto(await processPhoto(input, { ...DEFAULT_PHOTO_LIMITS, maxPixels: 1_000_000, maxDimension: 1000 }));
    const wide = await solid(8001, 200, RED).png().toBuffer();
    await rejectsWith(processPhoto(wide), 422, 'photo_dimensions_too_large');
  });

  test('a truncated JPEG, baseline or progressive: 422 photo_corrupt', async () => {
    for (const progressive of [false, true]) {
      const input = await noise(1200, 1500).jpeg({ quality: 85, progressive }).toBuffer();
      for (const keep of [0.5, 0.9]) {
        const truncated = input.subarray(0, Math.floor(input.length * keep));
        // The header is intact: only decoding can notice the missing scan data.
        assert.equal((await sharp(truncated).metadata()).width, 1200);
        await rejectsWith(processPhoto(truncated), 422, 'photo_corrupt');
      }
      // Only the end-of-image marker missing.
      await rejectsWith(processPhoto(input.subarray(0, input.length - 2)), 422, 'photo_corrupt');
    }
  });

  test('a truncated PNG and garbage behind a valid signature: 422 photo_corrupt', async () => {
    const png = await noise(400, 500).png().toBuffer();
    await rejectsWith(processPhoto(png.subarray(0, Math.floor(png.length * 0.6))), 422, 'photo_corrupt');
    const junkJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x5a)]);
    await rejectsWith(processPhoto(junkJpeg), 422, 'photo_corrupt');
    const junkPng = Buffer.concat([png.subarray(0, 8), Buffer.alloc(2000, 0x5a)]);
    await rejectsWith(processPhoto(junkPng), 422, 'photo_corrupt');
  });

  test('smaller than the minimum: 422 photo_too_small', async () => {
    const error = await rejectsWith(processPhoto(await solid(100, 120, RED).jpeg().toBuffer()), 422, 'photo_too_small');
    assert.equal(error.extensions.width, 100);
    await rejectsWith(processPhoto(await solid(PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT - 1, RED).png().toBuffer()), 422, 'photo_too_small');
  });

  test('whatever follows a JPEG or PNG signature, failures are ProblemErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom([0xff, 0xd8, 0xff], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], []),
        fc.uint8Array({ maxLength: 600 }),
        async (signature, tail) => {
          try {
            await processPhoto(Buffer.concat([Buffer.from(signature), tail]));
          } catch (error) {
            assert.ok(error instanceof ProblemError, String(error));
            assert.ok([415, 422].includes(error.status));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('processPhoto: metadata and orientation', () => {
  test('EXIF, GPS and the ICC profile are gone from the output', async () => {
    const input = await noise(600, 750)
      .jpeg()
      .withExif({
        IFD0: { Make: 'CampusCam', Copyright: 'Private person' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
      })
      .withIccProfile('p3')
      .toBuffer();
    const before = await sharp(input).metadata();
    assert.ok(before.exif?.includes('CampusCam'), 'the input carries EXIF');
    assert.ok(before.exif?.includes(Buffer.from([0x25, 0x88])), 'the input carries a GPS IFD (tag 0x8825)');
    assert.ok(before.icc, 'the input carries an ICC profile');

    const photo = await processPhoto(input);
    await assertCardPhoto(photo);
    const after = await sharp(photo.jpeg).metadata();
    assert.equal(after.exif, undefined);
    assert.equal(after.icc, undefined);
    assert.equal(after.xmp, undefined);
    assert.equal(after.iptc, undefined);
    assert.equal(after.orientation, undefined);
    assert.equal(after.space, 'srgb');
    assert.equal(photo.jpeg.includes('Exif\0\0'), false);
    assert.equal(photo.jpeg.includes('CampusCam'), false);
  });

  test('the EXIF orientation is applied, then dropped', async () => {
    // Stored landscape, red on the left; orientation 6 means "turn 90 degrees clockwise to view",
    // which puts the left side on top.
    const stored = solid(500, 400, RED).composite([
      { input: { create: { width: 250, height: 400, channels: 3, background: BLUE } }, left: 250, top: 0 },
    ]);
    const input = await sharp(await stored.jpeg().toBuffer()).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    assert.equal((await sharp(input).metadata()).orientation, 6);
    const photo = await processPhoto(input);
    await assertCardPhoto(photo);
    assertColour(await pixelAt(photo.jpeg, 240, 100), RED, 'top');
    assertColour(await pixelAt(photo.jpeg, 240, 500), BLUE, 'bottom');
  });
});

describe('processPhoto: card office edits', () => {
  test('rotate turns the photo clockwise', async () => {
    const input = await halves(400, 500, RED, BLUE).png().toBuffer();
    const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { rotate: 90 } });
    await assertCardPhoto(photo);
    // Turned clockwise, the red top becomes the right side.
    assertColour(await pixelAt(photo.jpeg, 60, 300), BLUE, 'left');
    assertColour(await pixelAt(photo.jpeg, 420, 300), RED, 'right');

    const upsideDown = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { rotate: 180 } });
    assertColour(await pixelAt(upsideDown.jpeg, 240, 60), BLUE, 'top after 180');
    const counter = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { rotate: 270 } });
    assertColour(await pixelAt(counter.jpeg, 60, 300), RED, 'left after 270');
  });

  test('crop keeps the chosen region, in source pixels', async () => {
    const input = await quadrants(800, 1000).png().toBuffer();
    const corners: Array<[number, number, string]> = [[0, 0, RED], [400, 0, GREEN], [0, 500, BLUE], [400, 500, WHITE]];
    for (const [left, top, colour] of corners) {
      const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { crop: { left, top, width: 400, height: 500 } } });
      await assertCardPhoto(photo);
      assertColour(await pixelAt(photo.jpeg, 5, 5), colour, `crop at ${left},${top} top-left`);
      assertColour(await pixelAt(photo.jpeg, 474, 594), colour, `crop at ${left},${top} bottom-right`);
    }
  });

  test('crop is taken in the upright source, then the turn applies to the cropped region', async () => {
    const input = await quadrants(800, 1000).png().toBuffer();
    const crop = { left: 0, top: 0, width: 800, height: 500 }; // red | green
    const cases: Array<[90 | 180 | 270, Array<[number, number, string]>]> = [
      [90, [[240, 60, RED], [240, 540, GREEN]]],
      [180, [[60, 300, GREEN], [420, 300, RED]]],
      [270, [[240, 60, GREEN], [240, 540, RED]]],
    ];
    for (const [rotate, samples] of cases) {
      const photo = await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { rotate, crop } });
      await assertCardPhoto(photo);
      for (const [x, y, colour] of samples) assertColour(await pixelAt(photo.jpeg, x, y), colour, `rotate ${rotate} at ${x},${y}`);
    }
    // Cropping the green quadrant of an EXIF-rotated photo uses the upright coordinates too.
    const sideways = await quadrants(1000, 800).jpeg().toBuffer(); // stored: red|green over blue|white
    const tagged = await sharp(sideways).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    // Upright (turned clockwise): blue|red over white|green, 800x1000.
    const photo = await processPhoto(tagged, DEFAULT_PHOTO_LIMITS, { edits: { crop: { left: 400, top: 500, width: 400, height: 500 } } });
    assertColour(await pixelAt(photo.jpeg, 240, 300), GREEN, 'upright bottom-right quadrant');
  });

  test('brightness scales the luminance', async () => {
    const input = await solid(400, 500, '#808080').jpeg().toBuffer();
    const plain = await meanLuma((await processPhoto(input)).jpeg);
    const brighter = await meanLuma((await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { brightness: 1.4 } })).jpeg);
    const darker = await meanLuma((await processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { brightness: 0.6 } })).jpeg);
    assert.ok(brighter > plain + 20, `brighter ${brighter} vs ${plain}`);
    assert.ok(darker < plain - 20, `darker ${darker} vs ${plain}`);
  });

  test('invalid edits: 422 photo_edit_invalid with the field at fault', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    const bright = await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { brightness: 1.6 } }), 422, 'photo_edit_invalid');
    assert.equal(bright.field, '/brightness');
    await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { brightness: Number.NaN } }), 422, 'photo_edit_invalid');
    const turn = JSON.parse('{"rotate":45}') as { rotate: 90 };
    const rotate = await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: turn }), 422, 'photo_edit_invalid');
    assert.equal(rotate.field, '/rotate');
    const fractional = { left: 0.5, top: 0, width: 200, height: 250 };
    await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { crop: fractional } }), 422, 'photo_edit_invalid');
  });

  test('a crop leaving the photo: 422 photo_crop_out_of_bounds', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    const outside = [
      { left: 300, top: 0, width: 200, height: 250 },
      { left: 0, top: 300, width: 200, height: 250 },
      { left: -1, top: 0, width: 200, height: 250 },
      { left: 0, top: 0, width: 401, height: 500 },
    ];
    for (const crop of outside) {
      const error = await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { crop } }), 422, 'photo_crop_out_of_bounds');
      assert.equal(error.field, '/crop');
    }
  });

  test('a crop leaving too few pixels: 422 photo_too_small', async () => {
    const input = await solid(400, 500, RED).jpeg().toBuffer();
    const crop = { left: 0, top: 0, width: 100, height: 100 };
    await rejectsWith(processPhoto(input, DEFAULT_PHOTO_LIMITS, { edits: { crop } }), 422, 'photo_too_small');
  });
});
