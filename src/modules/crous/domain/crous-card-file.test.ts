import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CROUS_CARD_FILE_COLUMNS, parseCrousCardFile } from './crous-card-file.ts';

const HEADER = CROUS_CARD_FILE_COLUMNS.join(';');
const line = (csn: string, number: string, overrides: Partial<Record<string, string>> = {}): string => {
  const values: Record<string, string> = {
    'PIX.SS': '0A', 'PIX.NN': '1B', AAPL: '0001', NUM_PROTOCOLAIRE: csn, NUM_APPLICATIF: `R${number}`, NFO: '3', CNOUS: '0', CROUS: '12',
    EMETTEUR: '1A2B', MAPPING: '7', NUM_CARTE: number, DATE_CREATION: '15/07/2025', ...overrides,
  };
  return CROUS_CARD_FILE_COLUMNS.map((column) => values[column]).join(';');
};

describe('CROUS pre-encoded card file', () => {
  it('reads each column into its SmartCard field (BOM, CRLF, quotes, blank lines accepted)', () => {
    const text = `\uFEFF${HEADER}\r\n${line('04a1b2c3d4e5f6', '99990001')}\r\n\r\n"0A";"1B";"0001";"0011223344";"R2";"3";"0";"12";"ff";"8";"99990002";"01/01/2024"\r\n`;
    const result = parseCrousCardFile(text);
    assert.deepEqual(result.errors, []);
    assert.equal(result.lineCount, 2);
    assert.deepEqual(result.cards[0], {
      line: 2, csn: '04A1B2C3D4E5F6', rid: 'R99990001', idTransmitter: 0x1a2b, idMapping: 7, idZdc: 99990001, creationDay: '2025-07-15',
      pixSs: '0A', pixNn: '1B', appl: '0001', nfo: '3', cnous: '0', crous: '12',
    });
    assert.deepEqual([result.cards[1]?.line, result.cards[1]?.csn, result.cards[1]?.idTransmitter, result.cards[1]?.creationDay], [4, '0011223344', 255, '2024-01-01']);
  });

  it('refuses bad lines with their line number and column, keeps the good ones', () => {
    const text = [
      HEADER,
      line('04A1B2C3', '1'),
      line('nothex', '2'),
      line('04A1B2C4', 'x3'),
      line('04A1B2C5', '4', { EMETTEUR: 'G1', DATE_CREATION: '31/02/2025' }),
      line('04a1b2c3', '5'),
      line('04A1B2C6', '1'),
      '0A;1B;short',
      line('04A1B2C7', '7', { NUM_APPLICATIF: '' }),
      line('04A1B2C8', '8', { DATE_CREATION: '2025-07-15' }),
    ].join('\n');
    const result = parseCrousCardFile(text);
    assert.deepEqual(result.cards.map((card) => card.line), [2]);
    assert.deepEqual(result.errors.map((e) => [e.line, e.column, e.code]), [
      [3, 'NUM_PROTOCOLAIRE', 'csn_invalid'],
      [4, 'NUM_CARTE', 'integer_invalid'],
      [5, 'EMETTEUR', 'hex_invalid'],
      [5, 'DATE_CREATION', 'date_invalid'],
      [6, 'NUM_PROTOCOLAIRE', 'duplicate_csn'],
      [7, 'NUM_CARTE', 'duplicate_card_number'],
      [8, undefined, 'column_count'],
      [9, 'NUM_APPLICATIF', 'required'],
      [10, 'DATE_CREATION', 'date_invalid'],
    ]);
    assert.match(result.errors[4]?.message ?? '', /line 2/);
    assert.equal(result.lineCount, 9);
  });

  it('a wrong header refuses the file on line 1', () => {
    const result = parseCrousCardFile(`${HEADER.replace('EMETTEUR', 'ISSUER')}\n${line('04A1B2C3', '1')}`);
    assert.deepEqual(result.cards, []);
    assert.deepEqual(result.errors.map((e) => [e.line, e.code]), [[1, 'header_invalid']]);
    assert.deepEqual(parseCrousCardFile('').errors.map((e) => e.code), ['header_invalid']);
  });

  it('every data line ends up as exactly one card or at least one error on that line (property)', () => {
    const field = fc.oneof(fc.constantFrom('', 'x', 'ff', '04A1B2C3', '01/02/2024', '12'), fc.stringMatching(/^[0-9A-F]{8}$/), fc.stringMatching(/^\d{1,8}$/));
    const good = fc.tuple(fc.stringMatching(/^([0-9A-F]{2}){4,7}$/), fc.integer({ min: 1, max: 1e9 })).map(([csn, n]) => line(csn, String(n)));
    const bad = fc.array(field, { minLength: 12, maxLength: 12 }).map((fields) => fields.join(';'));
    fc.assert(fc.property(fc.array(fc.oneof(good, bad), { maxLength: 30 }), (rows) => {
      const result = parseCrousCardFile([HEADER, ...rows].join('\n'));
      const dataLines = rows.map((row, i) => ({ row, line: i + 2 })).filter(({ row }) => row.trim() !== '');
      assert.equal(result.lineCount, dataLines.length);
      for (const { line: n } of dataLines) {
        const carded = result.cards.filter((card) => card.line === n).length;
        const failed = result.errors.some((e) => e.line === n);
        assert.ok((carded === 1) !== failed, `line ${n}`);
      }
      assert.equal(new Set(result.cards.map((c) => c.csn)).size, result.cards.length);
      assert.equal(new Set(result.cards.map((c) => c.idZdc)).size, result.cards.length);
    }));
  });
});
