import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { FORMULA_TRIGGER_CHARACTERS, escapeCsvCell, toCsv } from './csv-safety.ts';

describe('escapeCsvCell', () => {
  it('prefixes a quote to each dangerous leading character', () => {
    assert.equal(escapeCsvCell('=HYPERLINK("http://x","y")'), `'=HYPERLINK("http://x","y")`);
    assert.equal(escapeCsvCell('+33 1 23'), `'+33 1 23`);
    assert.equal(escapeCsvCell('-Dupont'), `'-Dupont`);
    assert.equal(escapeCsvCell('@SUM(A1)'), `'@SUM(A1)`);
    assert.equal(escapeCsvCell('\t=1+1'), `'\t=1+1`);
    assert.equal(escapeCsvCell('\r=1+1'), `'\r=1+1`);
  });

  it('leaves every other value alone', () => {
    for (const safe of ['', 'Dupont', 'Jean-Pierre', 'a=b', " 'x", "'=already", '1+1', '\n=x']) assert.equal(escapeCsvCell(safe), safe);
  });

  it('never yields a leading trigger, changes at most one leading quote, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapeCsvCell(value);
        assert.equal(FORMULA_TRIGGER_CHARACTERS.includes(escaped.charAt(0)), false);
        assert.ok(escaped === value || escaped === `'${value}`);
        assert.equal(escapeCsvCell(escaped), escaped);
      }),
    );
  });
});

describe('toCsv', () => {
  it('escapes every cell, header included, and quotes what needs quoting', () => {
    const text = toCsv(
      [{ name: '=1+2', note: 'a;b', other: 'say "hi"', multi: 'line1\nline2', n: 42, empty: null }],
      ['name', 'note', 'other', 'multi', 'n', 'empty', { key: 'missing', header: '-header' }],
      { delimiter: ';' },
    );
    assert.equal(text, `name;note;other;multi;n;empty;'-header\r\n'=1+2;"a;b";"say ""hi""";"line1\nline2";42;;\r\n`);
  });

  it('supports comma, LF, no header and a BOM', () => {
    assert.equal(toCsv([{ a: 'x,y', b: '@me' }], ['a', 'b'], { delimiter: ',', recordDelimiter: '\n', header: false }), `"x,y",'@me\n`);
    assert.ok(toCsv([], ['a'], { bom: true }).startsWith('\uFEFFa'));
  });

  it('quotes lone CR and LF whatever the record delimiter, so cells survive a parse', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), fc.constantFrom<';' | ','>(';', ','), (cells, delimiter) => {
        const rows = cells.map(([a = '', b = '']) => ({ a, b }));
        const text = toCsv(rows, ['a', 'b'], { delimiter, header: false });
        const back = parse(text, { delimiter, record_delimiter: '\r\n', relax_quotes: true }) as string[][];
        assert.deepEqual(back, cells.map((pair) => pair.map(escapeCsvCell)));
      }),
    );
  });
});
