import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { CROUS_CARD_FILE_COLUMNS } from '../../src/modules/crous/domain/crous-card-file.ts';
import { preEncodedCardFor } from '../../src/modules/crous/crous-card-file-import.service.ts';

// The CROUS's pre-encoded card file (issue 11): each line links a chip (CSN) to its CROUS card.
// As the person import: one bad line refuses the file (nothing written) unless partial; every bad
// line is reported with its number; the connector finds a chip's card with preEncodedCardFor.

interface Report {
  totalLines: number; valid: number; invalid: number; created: number; updated: number; unchanged: number; rejected: boolean; committed: boolean;
  errors: Array<{ line: number; field?: string; code: string }>;
}
interface Problem { code: string; field?: string; line?: number; errors?: Array<{ line?: number; field?: string; code: string }>; report?: Report }

let t: TestApp;
let alphaAdmin: TestClient;
let betaAdmin: TestClient;
let alphaId: number;

const HEADER = CROUS_CARD_FILE_COLUMNS.join(';');
const line = (csn: string, number: string, overrides: Partial<Record<string, string>> = {}): string => {
  const values: Record<string, string> = {
    'PIX.SS': '0A', 'PIX.NN': '1B', AAPL: '0001', NUM_PROTOCOLAIRE: csn, NUM_APPLICATIF: `R${number}`, NFO: '3', CNOUS: '0', CROUS: '12',
    EMETTEUR: '1A2B', MAPPING: '7', NUM_CARTE: number, DATE_CREATION: '15/07/2025', ...overrides,
  };
  return CROUS_CARD_FILE_COLUMNS.map((column) => values[column]).join(';');
};
const file = (...lines: string[]) => `${[HEADER, ...lines].join('\r\n')}\r\n`;

function upload(client: TestClient, body: string, query = '') {
  return client.request<Report & Problem>('POST', `/api/v1/admin/crous/card-files${query}`, { payload: body, headers: { 'content-type': 'text/csv' } });
}

async function storedCount(): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM crous_pre_encoded_cards`.execute(t.runtime.database.db);
  return result.rows[0]?.n ?? -1;
}

before(async () => {
  t = await startTestApp();
  const admin = await t.loginAs('admin');
  for (const [code, pic] of [['alpha', '111111111'], ['beta', '222222222']] as const) {
    const created = await admin.post<{ id: number }>('/api/v1/institutions', { code, name: code.toUpperCase(), pic });
    assert.equal(created.status, 201, created.text);
  }
  alphaId = (await t.runtime.services.institution.byCode(t.runtime.database.db, 'alpha'))?.id as number;
  alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  betaAdmin = await t.loginAs('admin', { institutions: ['beta'] });
});

after(async () => {
  await t?.close();
});

test('a good file links each chip to its CROUS card; the connector finds it by CSN; importing it again changes nothing', async () => {
  const response = await upload(alphaAdmin, file(line('04a1b2c3d4e5f6', '99990001'), line('04A1B2C3D4E5F7', '99990002', { EMETTEUR: 'ff' })));
  assert.equal(response.status, 200, response.text);
  assert.deepEqual([response.body.totalLines, response.body.created, response.body.updated, response.body.unchanged, response.body.committed], [2, 2, 0, 0, true]);
  const card = await preEncodedCardFor(t.runtime.database.db, alphaId, '04:a1:b2:c3:d4:e5:f6');
  assert.deepEqual(card, {
    csn: '04A1B2C3D4E5F6', idZdc: 99990001, rid: 'R99990001', idTransmitter: 0x1a2b, idMapping: 7, pixSs: '0A', pixNn: '1B', appl: '0001',
    creationDay: '2025-07-15', zdcCreationDate: new Date('2025-07-15T00:00:00Z'),
  });
  assert.equal((await preEncodedCardFor(t.runtime.database.db, alphaId, '04A1B2C3D4E5F7'))?.idTransmitter, 255);
  assert.equal(await preEncodedCardFor(t.runtime.database.db, alphaId, '0499999999'), undefined);
  assert.equal(await preEncodedCardFor(t.runtime.database.db, alphaId, 'not a csn'), undefined);
  const again = await upload(alphaAdmin, file(line('04a1b2c3d4e5f6', '99990001'), line('04A1B2C3D4E5F7', '99990002', { EMETTEUR: 'FF', DATE_CREATION: '16/07/2025' })));
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 1, 1]);
  const lookup = await alphaAdmin.get<{ creationDay: string }>('/api/v1/admin/crous/pre-encoded-cards/04A1B2C3D4E5F7');
  assert.equal(lookup.status, 200, lookup.text);
  assert.equal(lookup.body.creationDay, '2025-07-16');
});

test('bad lines refuse the whole file with their line numbers, and nothing is written', async () => {
  const before = await storedCount();
  const response = await upload(alphaAdmin, file(
    line('04B0000001', '99990101'),
    line('nothex', '99990102'),
    line('04B0000003', '99990103', { DATE_CREATION: '31/02/2025' }),
    line('04B0000004', '99990001'),
  ));
  assert.equal(response.status, 422, response.text);
  assert.equal(response.body.code, 'card_file_rejected');
  assert.equal(response.body.line, 3);
  assert.deepEqual(response.body.errors?.map((error) => [error.line, error.field, error.code]), [
    [3, 'NUM_PROTOCOLAIRE', 'csn_invalid'],
    [4, 'DATE_CREATION', 'date_invalid'],
    [5, 'NUM_CARTE', 'card_number_taken'],
  ]);
  assert.equal(response.body.report?.committed, false);
  assert.equal(await storedCount(), before, 'not even the good line 2');
  assert.equal(await preEncodedCardFor(t.runtime.database.db, alphaId, '04B0000001'), undefined);
});

test('partial writes the good lines and reports the bad ones; a dry run writes nothing', async () => {
  const body = file(line('04C0000001', '99990201'), line('04C0000002', 'x'), line('04C0000003', '99990203'));
  const dry = await upload(alphaAdmin, body, '?partial=true&dryRun=true');
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual([dry.body.created, dry.body.invalid, dry.body.committed], [2, 1, false]);
  assert.equal(await preEncodedCardFor(t.runtime.database.db, alphaId, '04C0000001'), undefined);
  const partial = await upload(alphaAdmin, body, '?partial=true');
  assert.equal(partial.status, 200, partial.text);
  assert.deepEqual([partial.body.valid, partial.body.invalid, partial.body.created, partial.body.committed], [2, 1, 2, true]);
  assert.deepEqual(partial.body.errors.map((error) => [error.line, error.field, error.code]), [[3, 'NUM_CARTE', 'integer_invalid']]);
  assert.equal((await preEncodedCardFor(t.runtime.database.db, alphaId, '04C0000003'))?.idZdc, 99990203);
});

function multipart(fields: Array<{ name: string; fileName?: string; content: string }>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----crous-test-boundary';
  const parts = fields.map((field) => `--${boundary}\r\nContent-Disposition: form-data; name="${field.name}"${field.fileName ? `; filename="${field.fileName}"\r\nContent-Type: text/csv` : ''}\r\n\r\n${field.content}\r\n`);
  return { payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

test('the file may come as multipart field "file"; any other field is a 400 naming it', async () => {
  const good = await alphaAdmin.request<Report>('POST', '/api/v1/admin/crous/card-files?dryRun=true',
    multipart([{ name: 'file', fileName: 'cartes.csv', content: file(line('04E0000001', '99990301')) }]));
  assert.equal(good.status, 200, good.text);
  assert.equal(good.body.created, 1);
  const wrongFile = await alphaAdmin.request<Problem>('POST', '/api/v1/admin/crous/card-files',
    multipart([{ name: 'upload', fileName: 'cartes.csv', content: file(line('04E0000001', '99990301')) }]));
  assert.equal(wrongFile.status, 400, wrongFile.text);
  assert.equal(wrongFile.body.field, '/upload');
  const extra = await alphaAdmin.request<Problem>('POST', '/api/v1/admin/crous/card-files',
    multipart([{ name: 'partial', content: 'true' }, { name: 'file', fileName: 'cartes.csv', content: file(line('04E0000001', '99990301')) }]));
  assert.equal(extra.status, 400, extra.text);
  assert.equal(extra.body.field, '/partial');
  const none = await alphaAdmin.request<Problem>('POST', '/api/v1/admin/crous/card-files', multipart([]));
  assert.ok(none.status >= 400 && none.status < 500, none.text);
});

test('a wrong header refuses the file at line 1; an empty or binary upload is refused before reading', async () => {
  const response = await upload(alphaAdmin, 'csn;number\r\n04A1B2C3;1\r\n');
  assert.equal(response.status, 422, response.text);
  assert.equal(response.body.code, 'invalid_card_file');
  assert.equal(response.body.line, 1);
  assert.equal((await upload(alphaAdmin, '')).status, 400);
  const xlsx = await alphaAdmin.request<Problem>('POST', '/api/v1/admin/crous/card-files', { payload: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(xlsx.status, 415);
  assert.equal(xlsx.body.code, 'not_csv');
});

test('the imports are listed with their reports, and another institution\'s admin sees none of them nor their cards', async () => {
  const history = await alphaAdmin.get<{ items: Array<{ institution: string; report: Report }>; cardCount: number }>('/api/v1/admin/crous/card-files?institution=alpha');
  assert.equal(history.status, 200, history.text);
  assert.ok(history.body.items.length >= 4, 'the refused imports are listed too (not the dry run)');
  assert.ok(history.body.items.some((item) => item.report.rejected && item.report.errors.length === 3));
  assert.equal(history.body.cardCount, 4);
  const theirs = await betaAdmin.get<{ items: unknown[] }>('/api/v1/admin/crous/card-files');
  assert.deepEqual(theirs.body.items, []);
  assert.equal((await betaAdmin.get<Problem>('/api/v1/admin/crous/card-files?institution=alpha')).body.code, 'institution_not_found');
  assert.equal((await betaAdmin.get<Problem>('/api/v1/admin/crous/pre-encoded-cards/04A1B2C3D4E5F6')).status, 404);
  assert.equal((await betaAdmin.get<Problem>('/api/v1/admin/crous/pre-encoded-cards/04A1B2C3D4E5F6?institution=alpha')).status, 404);
  assert.equal((await upload(betaAdmin, file(line('04D0000001', '1')), '?institution=alpha')).status, 404);
  // The same chip may be pre-encoded for beta separately: links are per institution.
  const own = await upload(betaAdmin, file(line('04A1B2C3D4E5F6', '99990001')));
  assert.equal(own.status, 200, own.text);
  assert.equal((await preEncodedCardFor(t.runtime.database.db, alphaId, '04A1B2C3D4E5F6'))?.rid, 'R99990001');
});
