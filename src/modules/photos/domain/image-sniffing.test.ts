import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDeclaredType, identifyContent, jpegHasEndMarker, sniffImageType } from './image-sniffing.ts';

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
const TEXT = Buffer.from('Hello, card office!\r\n\tThis is a plain text file — with UTF-8.\n');

test('JPEG and PNG are recognised by their magic bytes', () => {
  assert.equal(sniffImageType(JPEG_HEAD), 'jpeg');
  assert.equal(sniffImageType(PNG_HEAD), 'png');
  assert.equal(sniffImageType(JPEG_HEAD.subarray(0, 2)), null, 'SOI alone is too short to be sure');
  assert.equal(sniffImageType(PNG_HEAD.subarray(0, 7)), null, 'a partial PNG signature is not PNG');
  assert.equal(sniffImageType(new Uint8Array(0)), null);
  assert.equal(sniffImageType(TEXT), null);
});

test('the rejected kinds are named for the problem detail', () => {
  const cases: Array<[string | Buffer, string]> = [
    ['GIF89a\x01\x00', 'GIF'],
    ['GIF87a\x01\x00', 'GIF'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 2, 3, 4]), Buffer.from('WEBPVP8 ')]), 'WebP'],
    [Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic')]), 'HEIF/AVIF'],
    [Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'TIFF'],
    [Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'TIFF'],
    ['BM\x36\x00\x00\x00', 'BMP'],
    ['%PDF-1.7\n', 'PDF'],
    ['  <?xml version="1.0"?><svg/>', 'SVG/XML'],
    ['<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'SVG/XML'],
    [TEXT, 'text'],
    [Buffer.alloc(0), 'empty'],
    [Buffer.from([0x00, 0x01, 0x02, 0x03]), 'unknown'],
    [JPEG_HEAD, 'jpeg'],
    [PNG_HEAD, 'png'],
  ];
  for (const [content, kind] of cases) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    assert.equal(identifyContent(bytes), kind, `${bytes.subarray(0, 8).toString('hex')}`);
  }
});

test('a long text whose probe ends inside a multi-byte character is still text', () => {
  const text = Buffer.from('é'.repeat(400));
  assert.equal(identifyContent(text.subarray(0, 511)), 'text');
  assert.equal(identifyContent(Buffer.from('ab'.repeat(300))), 'text');
});

test('the content decides; declared names and types are only compared', () => {
  const pngAsJpg = checkDeclaredType(PNG_HEAD, { fileName: 'photo.jpg', mimeType: 'image/jpeg' });
  assert.deepEqual(pngAsJpg, {
    sniffed: 'png',
    accepted: true,
    declaredByFileName: 'jpeg',
    declaredByMimeType: 'jpeg',
    declaredMatches: false,
  });
  const jpegAsPng = checkDeclaredType(JPEG_HEAD, { mimeType: 'IMAGE/PNG; charset=binary' });
  assert.equal(jpegAsPng.accepted, true);
  assert.equal(jpegAsPng.sniffed, 'jpeg');
  assert.equal(jpegAsPng.declaredByMimeType, 'png');
  assert.equal(jpegAsPng.declaredMatches, false);

  const textAsJpg = checkDeclaredType(TEXT, { fileName: 'photo.jpg', mimeType: 'image/jpeg' });
  assert.equal(textAsJpg.accepted, false);
  assert.equal(textAsJpg.sniffed, null);

  assert.equal(checkDeclaredType(JPEG_HEAD, { fileName: 'Portrait.JPEG', mimeType: 'image/pjpeg' }).declaredMatches, true);
  assert.equal(checkDeclaredType(JPEG_HEAD, { fileName: 'scan.jfif' }).declaredMatches, true);
  assert.equal(checkDeclaredType(PNG_HEAD, { fileName: 'archive.png.exe' }).declaredByFileName, 'other');
  assert.equal(checkDeclaredType(PNG_HEAD, { fileName: 'no-extension' }).declaredByFileName, 'other');
  assert.equal(checkDeclaredType(PNG_HEAD).declaredMatches, true, 'nothing claimed, nothing contradicted');
});

test('sniffing depends on the head only and never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (head, tail) => {
      const whole = new Uint8Array([...head, ...tail]);
      const sniffed = sniffImageType(whole);
      assert.equal(sniffed === 'jpeg', whole[0] === 0xff && whole[1] === 0xd8 && whole[2] === 0xff);
      assert.equal(sniffImageType(new Uint8Array([...JPEG_HEAD, ...tail])), 'jpeg');
      assert.equal(sniffImageType(new Uint8Array([...PNG_HEAD, ...tail])), 'png');
      assert.equal(typeof identifyContent(whole), 'string');
      assert.equal(checkDeclaredType(whole, { fileName: 'x.jpg' }).accepted, sniffed !== null);
    }),
  );
});

test('jpegHasEndMarker: the end marker after the scans, not one inside an EXIF thumbnail', () => {
  const soi = [0xff, 0xd8];
  const app1WithThumbnailEnd = [0xff, 0xe1, 0x00, 0x06, 0xff, 0xd9, 0x00, 0x00];
  const sos = [0xff, 0xda, 0x00, 0x04, 0x01, 0x02];
  const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56];
  assert.equal(jpegHasEndMarker(Uint8Array.from([...soi, ...app1WithThumbnailEnd, ...sos, ...scan, 0xff, 0xd9])), true);
  assert.equal(jpegHasEndMarker(Uint8Array.from([...soi, ...app1WithThumbnailEnd, ...sos, ...scan])), false);
  assert.equal(jpegHasEndMarker(Uint8Array.from([...soi, 0xff, 0xe1, 0x00])), false);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
    jpegHasEndMarker(Uint8Array.from([...soi, ...tail]));
  }));
});
