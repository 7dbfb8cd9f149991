import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';
import { configureInstitution, createInstitution, institutionCode, officeClients, type CardsWorld } from './cards.fixtures.ts';
import { sampleSheetPdf } from '../../src/modules/printers/domain/sample-sheet.ts';

/**
 * Printers: the office's API (scoped by institution in the query, credential shown once and
 * stored hashed, rotation) and the printer client's API (credential auth, job lifecycle,
 * long poll, bad input as problem+json), on a job of a PDF file.
 */

interface Printer {
  id: string; institution: string; name: string; model: string; site: string; duplex: boolean; templateIds: string[]; enabled: boolean;
  tokenHint: string; online: boolean; lastSeenAt: string | null; jobsWaiting: number; currentJob: Job | null;
  client: { version: string | null; state: string | null; message: string | null };
}
interface Job { id: string; status: string; pagesDone: number; pagesTotal: number | null; cardsDone: number; error: { code: string | null; message: string | null } | null }
interface Created { printer: Printer; token: string }
interface Problem { code: string; field?: string }

let t: TestApp;
let w: CardsWorld;
let codeA: string;
let managerA: TestClient;
let managerB: TestClient;
let dir: string;
let pdfPath: string;

before(async () => {
  t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-pr', name: 'École PR', pic: '777777771' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-pr'] });
  dir = await mkdtemp(join(tmpdir(), 'printers-test-'));
  pdfPath = join(dir, 'sheet.pdf');
  await writeFile(pdfPath, sampleSheetPdf(4, 'test sheet'));
});
after(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function create(client: TestClient, body: Record<string, unknown> = {}): Promise<Created> {
  const response = await client.post<Created>('/api/v1/printers', { name: `P ${Math.random().toString(36).slice(2, 8)}`, model: 'Evolis Primacy 2', ...body });
  assert.equal(response.status, 201, response.text);
  return response.body;
}
const printerClient = (token: string) => new TestClient(t.app, { bearer: token });
const queueFile = async (printerId: string, pages = 4) =>
  t.runtime.services.printers.sendFile(printerId, { filePath: pdfPath, title: 'Sheet', pages, cards: pages / 2 }, { actor: 'test' });

test('a manager registers a printer of their institution; the credential is shown once and stored hashed', async () => {
  const { printer, token } = await create(managerA, { site: 'Campus Nord', duplex: false });
  assert.match(token, /^ccp_[A-Za-z0-9_-]{43}$/);
  assert.equal(printer.institution, codeA);
  assert.equal(printer.site, 'Campus Nord');
  assert.equal(printer.duplex, false);
  assert.equal(printer.tokenHint, token.slice(-4));
  assert.equal(printer.online, false);
  assert.equal(printer.lastSeenAt, null);
  const fetched = await managerA.get<Printer>(`/api/v1/printers/${printer.id}`);
  assert.equal(fetched.status, 200);
  assert.ok(!fetched.text.includes(token), 'the credential is never shown again');
  const stored = await sql<{ hash: string }>`SELECT token_hash AS hash FROM printers WHERE id = ${printer.id}`.execute(t.runtime.database.db);
  assert.notEqual(stored.rows[0]?.hash, token);
  assert.match(stored.rows[0]?.hash ?? '', /^[0-9a-f]{64}$/);
  const audit = await sql<{ changes: string }>`SELECT changes::text AS changes FROM audit_log WHERE table_name = 'printers' AND row_id = ${printer.id}`.execute(t.runtime.database.db);
  assert.ok(audit.rows.length > 0);
  assert.ok(audit.rows.every((row) => !row.changes.includes(stored.rows[0]!.hash)), 'the hash never reaches the audit log');
});

test('another institution\'s manager can neither see nor change nor use a printer', async () => {
  const { printer } = await create(managerA);
  const list = await managerB.get<{ items: Printer[] }>('/api/v1/printers');
  assert.ok(!list.body.items.some((item) => item.id === printer.id));
  for (const response of [
    await managerB.get(`/api/v1/printers/${printer.id}`),
    await managerB.put(`/api/v1/printers/${printer.id}`, { name: 'Taken over' }),
    await managerB.post(`/api/v1/printers/${printer.id}/token`),
    await managerB.get(`/api/v1/printers/${printer.id}/jobs`),
    await managerB.delete(`/api/v1/printers/${printer.id}`),
  ]) {
    assert.equal(response.status, 404, response.text);
    assert.equal((response.body as unknown as Problem).code, 'printer_not_found');
  }
  const named = await managerB.post<Problem>('/api/v1/printers', { name: 'X', model: 'Zebra ZC300', institution: codeA });
  assert.equal(named.status, 404);
  assert.equal(named.body.code, 'institution_not_found');
  assert.equal((await managerA.get<Printer>(`/api/v1/printers/${printer.id}`)).body.name, printer.name);
  const viewer = await t.loginAs('viewer', { institutions: [codeA] });
  assert.equal((await viewer.get('/api/v1/printers')).status, 403);
});

test('bad input is 4xx problem+json with a stable code and field, nothing written', async () => {
  const before = await managerA.get<{ items: Printer[] }>('/api/v1/printers');
  const cases: Array<[Record<string, unknown>, number, string, string | undefined]> = [
    [{ name: '', model: 'Zebra ZC300' }, 400, 'validation_failed', undefined],
    [{ name: '   ', model: 'Zebra ZC300' }, 422, 'blank', '/name'],
    [{ name: 'Ok', model: 'Zebra ZC300', templateIds: ['not-a-uuid'] }, 400, 'validation_failed', undefined],
    [{ name: 'Ok', model: 'Zebra ZC300', extra: 1 }, 400, 'validation_failed', undefined],
  ];
  for (const [body, status, code, field] of cases) {
    const response = await managerA.post<Problem>('/api/v1/printers', body);
    assert.equal(response.status, status, response.text);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(response.body.code, code);
    if (field) assert.equal(response.body.field, field);
  }
  const { printer } = await create(managerA, { name: 'Unique' });
  const duplicate = await managerA.post<Problem>('/api/v1/printers', { name: 'Unique', model: 'Zebra ZC300' });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.code, 'printer_name_taken');
  const after = await managerA.get<{ items: Printer[] }>('/api/v1/printers');
  assert.equal(after.body.items.length, before.body.items.length + 1);
  assert.ok(after.body.items.some((item) => item.id === printer.id));
  // An admin of several institutions must say which one.
  const admin = await t.loginAs('admin', { institutions: [codeA, 'ecole-pr'] });
  const unsure = await admin.post<Problem>('/api/v1/printers', { name: 'Where', model: 'Zebra ZC300' });
  assert.equal(unsure.status, 422);
  assert.equal(unsure.body.code, 'institution_required');
});

test('the client authenticates with its credential only; rotation and disabling stop the old one', async () => {
  const { printer, token } = await create(managerA);
  const none = await t.anonymous.post<Problem>('/api/v1/printer-client/heartbeat', {});
  assert.equal(none.status, 401);
  assert.equal(none.body.code, 'printer_token_invalid');
  const wrong = await printerClient('ccp_wrongwrongwrongwrongwrongwrongwrongwrongwro').post<Problem>('/api/v1/printer-client/heartbeat', {});
  assert.equal(wrong.status, 401);
  // An office session is no printer credential.
  assert.equal((await managerA.post('/api/v1/printer-client/heartbeat', {})).status, 401);
  const beat = await printerClient(token).post<{ name: string; duplex: boolean }>('/api/v1/printer-client/heartbeat', { version: '1.0', state: 'idle' });
  assert.equal(beat.status, 200, beat.text);
  assert.equal(beat.body.name, printer.name);
  const seen = (await managerA.get<Printer>(`/api/v1/printers/${printer.id}`)).body;
  assert.equal(seen.online, true);
  assert.ok(seen.lastSeenAt);
  assert.deepEqual(seen.client, { version: '1.0', state: 'idle', message: null });

  const rotated = await managerA.post<Created>(`/api/v1/printers/${printer.id}/token`);
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.token, token);
  assert.equal((await printerClient(token).post('/api/v1/printer-client/heartbeat', {})).status, 401);
  assert.equal((await printerClient(rotated.body.token).post('/api/v1/printer-client/heartbeat', {})).status, 200);

  assert.equal((await managerA.put(`/api/v1/printers/${printer.id}`, { enabled: false })).status, 200);
  const disabled = await printerClient(rotated.body.token).post<Problem>('/api/v1/printer-client/heartbeat', {});
  assert.equal(disabled.status, 403);
  assert.equal(disabled.body.code, 'printer_disabled');
  assert.equal((await managerA.get<Printer>(`/api/v1/printers/${printer.id}`)).body.online, false);
});

test('job lifecycle: queued → taken → printing → done, the file served to its printer only', async () => {
  const { printer, token } = await create(managerA);
  const other = await create(managerA);
  const client = printerClient(token);
  assert.equal((await client.get('/api/v1/printer-client/jobs/next')).status, 204);
  const queued = await queueFile(printer.id);
  const listed = (await managerA.get<Printer>(`/api/v1/printers/${printer.id}`)).body;
  assert.equal(listed.jobsWaiting, 1);
  assert.equal(listed.currentJob, null);

  const next = await client.get<Job>('/api/v1/printer-client/jobs/next');
  assert.equal(next.status, 200, next.text);
  assert.equal(next.body.id, queued.id);
  assert.equal(next.body.status, 'taken');
  // The job is held: polling again (a restarted client) gives it back.
  assert.equal((await client.get<Job>('/api/v1/printer-client/jobs/next?wait=0')).body.id, queued.id);
  // Another printer's client reaches none of it.
  const stranger = printerClient(other.token);
  assert.equal((await stranger.get('/api/v1/printer-client/jobs/next')).status, 204);
  assert.equal((await stranger.get(`/api/v1/printer-client/jobs/${queued.id}/file`)).status, 404);
  assert.equal((await stranger.post(`/api/v1/printer-client/jobs/${queued.id}/done`)).status, 404);

  const file = await client.get(`/api/v1/printer-client/jobs/${queued.id}/file`);
  assert.equal(file.status, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.ok(file.text.startsWith('%PDF-1.4'));

  const tooMuch = await client.post<Problem>(`/api/v1/printer-client/jobs/${queued.id}/progress`, { pagesDone: 5 });
  assert.equal(tooMuch.status, 422);
  assert.equal(tooMuch.body.code, 'progress_exceeds_total');
  assert.equal(tooMuch.body.field, '/pagesDone');
  const negative = await client.post<Problem>(`/api/v1/printer-client/jobs/${queued.id}/progress`, { pagesDone: -1 });
  assert.equal(negative.status, 400);
  const progress = await client.post<Job>(`/api/v1/printer-client/jobs/${queued.id}/progress`, { pagesDone: 2, cardsDone: 1 });
  assert.equal(progress.status, 200, progress.text);
  assert.equal(progress.body.status, 'printing');
  const current = (await managerA.get<Printer>(`/api/v1/printers/${printer.id}`)).body.currentJob;
  assert.equal(current?.id, queued.id);
  assert.equal(current?.pagesDone, 2);
  // A printer printing a job cannot be deleted.
  assert.equal((await managerA.delete<Problem>(`/api/v1/printers/${printer.id}`)).body.code, 'printer_busy');

  const done = await client.post<Job>(`/api/v1/printer-client/jobs/${queued.id}/done`);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'done');
  assert.equal(done.body.pagesDone, 4);
  assert.equal((await client.post<Job>(`/api/v1/printer-client/jobs/${queued.id}/done`)).body.status, 'done', 'a repeated report answers the same');
  const late = await client.post<Problem>(`/api/v1/printer-client/jobs/${queued.id}/failed`, { message: 'too late' });
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'job_status');
  assert.equal((await client.get<Problem>(`/api/v1/printer-client/jobs/${queued.id}/file`)).body.code, 'job_status');
  const jobs = await managerA.get<{ items: Job[] }>(`/api/v1/printers/${printer.id}/jobs`);
  assert.deepEqual(jobs.body.items.map((job) => job.status), ['done']);
});

test('a failed job keeps its error; a queued job is cancelled by the office, not a taken one', async () => {
  const { printer, token } = await create(managerA);
  const client = printerClient(token);
  const first = await queueFile(printer.id);
  const second = await queueFile(printer.id);
  assert.equal((await client.get<Job>('/api/v1/printer-client/jobs/next')).body.id, first.id, 'oldest first');
  const badCode = await client.post<Problem>(`/api/v1/printer-client/jobs/${first.id}/failed`, { code: 'Bad Code!', message: 'x' });
  assert.equal(badCode.status, 400);
  const failed = await client.post<Job>(`/api/v1/printer-client/jobs/${first.id}/failed`, { code: 'spooler_refused', message: 'lp: no such queue' });
  assert.equal(failed.body.status, 'failed');
  assert.deepEqual(failed.body.error, { code: 'spooler_refused', message: 'lp: no such queue' });
  const cancelTaken = await managerA.post<Problem>(`/api/v1/printers/${printer.id}/jobs/${first.id}/cancel`);
  assert.equal(cancelTaken.status, 409);
  assert.equal((await managerB.post(`/api/v1/printers/${printer.id}/jobs/${second.id}/cancel`)).status, 404);
  const cancelled = await managerA.post<Job>(`/api/v1/printers/${printer.id}/jobs/${second.id}/cancel`);
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal((await client.get('/api/v1/printer-client/jobs/next')).status, 204);
});

test('the long poll answers as soon as a job is queued, and 204 when none comes', async () => {
  const { printer, token } = await create(managerA);
  const client = printerClient(token);
  const started = Date.now();
  assert.equal((await client.get('/api/v1/printer-client/jobs/next?wait=1')).status, 204);
  assert.ok(Date.now() - started >= 900, 'waited about a second');
  const waiting = client.get<Job>('/api/v1/printer-client/jobs/next?wait=20');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const job = await queueFile(printer.id, 2);
  const polled = Date.now();
  const answer = await waiting;
  assert.equal(answer.status, 200);
  assert.equal(answer.body.id, job.id);
  assert.ok(Date.now() - polled < 5_000, 'woken by the queued job, not at the end of the wait');
  assert.equal((await client.get<Problem>('/api/v1/printer-client/jobs/next?wait=31')).status, 400);
});

test('sending a print batch needs the templates module\'s batches; a printer\'s CSN report is refused outside its institution', async () => {
  const { printer, token } = await create(managerA);
  const send = await managerA.post<Problem>(`/api/v1/printers/${printer.id}/jobs`, { batchId: '00000000-0000-4000-8000-000000000000' });
  assert.ok([404, 409].includes(send.status), send.text);
  const csn = await printerClient(token).post<Problem>('/api/v1/printer-client/cards/00000000-0000-4000-8000-000000000000/csn', { csn: '04A1B2C3D4E5F6', form: 'hex' });
  assert.equal(csn.status, 404, csn.text);
});
