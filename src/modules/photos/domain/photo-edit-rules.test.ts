import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProblemError } from '../../../platform/http/problem.ts';
import { QUARTER_TURNS, editedSize, resolvePhotoEdits, rotateRect, rotateSize } from './photo-edit-rules.ts';
import type { ImageSize, PhotoCrop, PhotoEdits, QuarterTurn } from './photo-edit-rules.ts';

const SOURCE: ImageSize = { width: 400, height: 500 };

function problemCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ProblemError);
    assert.equal(error.status, 422);
    return error.code;
  }
  return 'accepted';
}

/** A pixel (x, y) of `frame` after turning the frame clockwise by `turn`. */
function rotatePoint(x: number, y: number, frame: ImageSize, turn: QuarterTurn): [number, number] {
  switch (turn) {
    case 0:
      return [x, y];
    case 90:
      return [frame.height - 1 - y, x];
    case 180:
      return [frame.width - 1 - x, frame.height - 1 - y];
    case 270:
      return [y, frame.width - 1 - x];
  }
}

const frameAndRect = fc
  .record({ width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }) })
  .chain((frame) =>
    fc
      .record({ left: fc.integer({ min: 0, max: frame.width - 1 }), top: fc.integer({ min: 0, max: frame.height - 1 }) })
      .chain(({ left, top }) =>
        fc.record({
          frame: fc.constant(frame),
          rect: fc.record({
            left: fc.constant(left),
            top: fc.constant(top),
            width: fc.integer({ min: 1, max: frame.width - left }),
            height: fc.integer({ min: 1, max: frame.height - top }),
          }),
        }),
      ),
  );

test('no edits resolve to the neutral edits', () => {
  assert.deepEqual(resolvePhotoEdits(undefined, SOURCE), { rotate: 0, crop: undefined, brightness: 1 });
  assert.deepEqual(resolvePhotoEdits({}, SOURCE), { rotate: 0, crop: undefined, brightness: 1 });
});

test('valid edits are kept', () => {
  const crop = { left: 10, top: 20, width: 390, height: 480 };
  assert.deepEqual(resolvePhotoEdits({ rotate: 270, crop, brightness: 0.5 }, SOURCE), { rotate: 270, crop, brightness: 0.5 });
  assert.deepEqual(resolvePhotoEdits({ brightness: 1.5 }, SOURCE).brightness, 1.5);
  assert.deepEqual(resolvePhotoEdits({ crop: { left: 0, top: 0, width: 400, height: 500 } }, SOURCE).crop, {
    left: 0, top: 0, width: 400, height: 500,
  });
});

test('malformed edits are photo_edit_invalid, crops outside the source photo_crop_out_of_bounds', () => {
  const invalid: unknown[] = [
    { rotate: 45 }, { rotate: -90 }, { rotate: '90' },
    { brightness: 0.49 }, { brightness: 1.51 }, { brightness: Number.POSITIVE_INFINITY }, { brightness: '1' },
    { crop: { left: 0, top: 0, width: 0, height: 10 } },
    { crop: { left: 0, top: 0, width: 10.5, height: 10 } },
    { crop: { left: 0, top: 0, width: 10 } },
  ];
  for (const edits of invalid) {
    assert.equal(problemCode(() => resolvePhotoEdits(edits as PhotoEdits, SOURCE)), 'photo_edit_invalid', JSON.stringify(edits));
  }
  const outside: PhotoCrop[] = [
    { left: -1, top: 0, width: 10, height: 10 },
    { left: 0, top: -1, width: 10, height: 10 },
    { left: 391, top: 0, width: 10, height: 10 },
    { left: 0, top: 491, width: 10, height: 10 },
    { left: 0, top: 0, width: 401, height: 500 },
  ];
  for (const crop of outside) {
    assert.equal(problemCode(() => resolvePhotoEdits({ crop }, SOURCE)), 'photo_crop_out_of_bounds', JSON.stringify(crop));
  }
});

test('a crop is accepted exactly when it lies within the source', () => {
  fc.assert(
    fc.property(
      fc.record({
        left: fc.integer({ min: -50, max: 450 }),
        top: fc.integer({ min: -50, max: 550 }),
        width: fc.integer({ min: 1, max: 450 }),
        height: fc.integer({ min: 1, max: 550 }),
      }),
      (crop) => {
        const inside = crop.left >= 0 && crop.top >= 0 && crop.left + crop.width <= 400 && crop.top + crop.height <= 500;
        assert.equal(problemCode(() => resolvePhotoEdits({ crop }, SOURCE)), inside ? 'accepted' : 'photo_crop_out_of_bounds');
      },
    ),
  );
});

test('rotateRect moves every corner pixel the way the frame turns', () => {
  fc.assert(
    fc.property(frameAndRect, fc.constantFrom(...QUARTER_TURNS), ({ frame, rect }, turn) => {
      const turned = rotateRect(rect, frame, turn);
      const turnedFrame = rotateSize(frame, turn);
      assert.ok(turned.left >= 0 && turned.top >= 0);
      assert.ok(turned.left + turned.width <= turnedFrame.width && turned.top + turned.height <= turnedFrame.height);
      assert.equal(turned.width * turned.height, rect.width * rect.height);
      const corners: Array<[number, number]> = [
        [rect.left, rect.top],
        [rect.left + rect.width - 1, rect.top + rect.height - 1],
      ];
      for (const [x, y] of corners) {
        const [tx, ty] = rotatePoint(x, y, frame, turn);
        assert.ok(tx >= turned.left && tx < turned.left + turned.width, `x of corner ${x},${y}`);
        assert.ok(ty >= turned.top && ty < turned.top + turned.height, `y of corner ${x},${y}`);
      }
    }),
  );
});

test('four quarter turns bring a rectangle back where it was', () => {
  fc.assert(
    fc.property(frameAndRect, ({ frame, rect }) => {
      let current = rect;
      let currentFrame = frame;
      for (let i = 0; i < 4; i += 1) {
        current = rotateRect(current, currentFrame, 90);
        currentFrame = rotateSize(currentFrame, 90);
      }
      assert.deepEqual(current, { ...rect });
      assert.deepEqual(rotateRect(rotateRect(rect, frame, 90), rotateSize(frame, 90), 180), rotateRect(rect, frame, 270));
    }),
  );
});

test('editedSize is the crop, turned', () => {
  const crop = { left: 0, top: 0, width: 300, height: 200 };
  assert.deepEqual(editedSize(SOURCE, { rotate: 0, crop: undefined, brightness: 1 }), SOURCE);
  assert.deepEqual(editedSize(SOURCE, { rotate: 90, crop: undefined, brightness: 1 }), { width: 500, height: 400 });
  assert.deepEqual(editedSize(SOURCE, { rotate: 180, crop, brightness: 1 }), { width: 300, height: 200 });
  assert.deepEqual(editedSize(SOURCE, { rotate: 270, crop, brightness: 1 }), { width: 200, height: 300 });
});
