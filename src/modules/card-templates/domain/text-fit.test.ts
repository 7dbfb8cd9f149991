import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ELLIPSIS, fitText, graphemes, type FitRequest, type MeasureText } from './text-fit.ts';

// A stand-in for font metrics: a width per grapheme that depends on its characters, so that
// prefixes of different graphemes differ in width (0.2 to 0.7 mm a point).
const measure: MeasureText = (text) => graphemes(text)
  .reduce((sum, grapheme) => sum + 0.2 + ((grapheme.codePointAt(0)! * 7919) % 50) / 100, 0);

function request(text: string, overrides: Partial<FitRequest> = {}): FitRequest {
  return { text, boxWidthMm: 30, fontSizePt: 10, minFontSizePt: 6, overflow: 'shrink', ...overrides };
}

describe('fitText', () => {
  it('keeps a text that fits as it is, at its size', () => {
    const fitted = fitText(request('Léa'), measure);
    assert.deepEqual([fitted.text, fitted.fontSizePt, fitted.cut], ['Léa', 10, false]);
  });

  it('shrinks a text that does not fit to the largest size that fits, above the minimum', () => {
    const text = 'Jean-Édouard';
    const fitted = fitText(request(text, { boxWidthMm: measure(text) * 8 }), measure);
    assert.equal(fitted.text, text);
    assert.equal(fitted.fontSizePt, 8);
    assert.ok(fitted.widthMm <= measure(text) * 8);
  });

  it('cuts at the minimum size with an ellipsis when shrinking is not enough', () => {
    const text = 'Maximilienne-Anne-Charlotte de Saint-Exupéry-Montmorency';
    const fitted = fitText(request(text), measure);
    assert.equal(fitted.fontSizePt, 6);
    assert.ok(fitted.cut);
    assert.ok(fitted.text.endsWith(ELLIPSIS));
    assert.ok(text.startsWith(fitted.text.slice(0, -1).trimEnd()));
    assert.ok(fitted.widthMm <= 30);
  });

  it('cuts at the asked size when the element only cuts', () => {
    const fitted = fitText(request('Maximilienne-Anne-Charlotte de Saint-Exupéry', { overflow: 'ellipsis' }), measure);
    assert.equal(fitted.fontSizePt, 10);
    assert.ok(fitted.text.endsWith(ELLIPSIS));
  });

  it('never splits a letter from its accent (grapheme boundaries)', () => {
    const text = 'e\u0301'.repeat(40); // é written as e + combining acute
    const fitted = fitText(request(text, { boxWidthMm: 5 }), measure);
    const kept = fitted.text.slice(0, -1);
    assert.equal(kept.length % 2, 0);
  });

  it('draws nothing when not even the ellipsis fits', () => {
    const fitted = fitText(request('Zoé', { boxWidthMm: 0.01 }), measure);
    assert.deepEqual([fitted.text, fitted.widthMm], ['', 0]);
  });

  it('never overflows its box, for any text, box and sizes (property)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'É', 'e\u0301', '-', ' ', 'W', 'ل', 'م', '李', 'さ', '👩‍🎓'), fc.integer({ min: 0x20, max: 0x2fff }).map((code) => String.fromCodePoint(code))), maxLength: 60 });
    fc.assert(fc.property(text, fc.double({ min: 0.5, max: 90, noNaN: true }), fc.double({ min: 3, max: 40, noNaN: true }),
      fc.double({ min: 3, max: 40, noNaN: true }), fc.constantFrom('shrink' as const, 'ellipsis' as const),
      (value, boxWidthMm, fontSizePt, minFontSizePt, overflow) => {
        const fitted = fitText({ text: value, boxWidthMm, fontSizePt, minFontSizePt, overflow }, measure);
        assert.ok(fitted.widthMm <= boxWidthMm + 1e-9, `${fitted.widthMm} > ${boxWidthMm}`);
        assert.ok(Math.abs(measure(fitted.text) * fitted.fontSizePt - fitted.widthMm) < 1e-9);
        assert.ok(fitted.fontSizePt <= fontSizePt && fitted.fontSizePt >= Math.min(minFontSizePt, fontSizePt) - 1e-9);
        if (!fitted.cut) assert.equal(fitted.text, value);
        else if (fitted.text !== '') assert.ok(value.startsWith(fitted.text.slice(0, -1)) && fitted.text.endsWith(ELLIPSIS));
      }), { numRuns: 500 });
  });
});
