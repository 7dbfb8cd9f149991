import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { FORMULA_TRIGGER_CHARACTERS, csvRecord, escapeCsvCell, toCsv } from './csv-safety.ts';

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

describe('csvRecord', () => {
  it('writes what toCsv writes, cell for cell, whatever the values and the delimiter', () => {
    const cell = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('=1', '-x', 'a;b', 'a,b', '"q"', 'l1\r\nl2', '\r', ''),
      fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.constantFrom(';' as const, ',' as const),
        (records, delimiter) => {
          const width = Math.max(...records.map((record) => record.length));
          const keys = Array.from({ length: width }, (_, i) => `c${i}`);
          const rows = records.map((record) => Object.fromEntries(keys.map((key, i) => [key, record[i] ?? null])));
          const expected = toCsv(rows, keys, { delimiter, header: false });
          const written = records.map((record) => csvRecord(keys.map((_, i) => record[i] ?? null), delimiter)).join('');
          assert.equal(written, expected);
        }),
    );
  });

  it('reads back through a CSV parser as the escaped cells', () => {
    const line = csvRecord(['=cmd', 'a;b', 'say "hi"', 'two\nlines', null, 7]);
    assert.equal(line, `'=cmd;"a;b";"say ""hi""";"two\nlines";;7\r\n`);
    assert.deepEqual(parse(line, { delimiter: ';' }), [[`'=cmd`, 'a;b', 'say "hi"', 'two\nlines', '', '7']]);
  });
});
