/**
 * Card export (issue 12): the card list's filters and order, as a CSV file made by a job, that only
 * its author downloads; scoped by the author's institutions and person types in the query.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import type { TestClient } from '../helpers/test-app.ts';
import { startTestApp } from '../helpers/test-app.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import type { JobRunView } from '../../src/modules/jobs/jobs.service.ts';
import { CARD_EXPORT_QUEUE, CARD_EXPORT_COLUMNS } from '../../src/modules/cards/card-export.service.ts';
import { createJobRunsService } from '../../src/modules/jobs/jobs.service.ts';
import { sweepLostRuns } from '../../src/app/job-definitions.ts';
import {
  configureInstitution, createInstitution, createPerson, enabledCard, institutionCode, move, officeClients, requestCard, type CardsWorld,
} from './cards.fixtures.ts';

let w: CardsWorld;
let codeA: string;
let managerA: TestClient;
let managerB: TestClient;
let staffManagerA: TestClient;
const cardsOfB: string[] = [];
let formulaCard = '';

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  const names = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
  for (const [index, lastName] of names.entries()) {
    const person = await createPerson(t, { lastName, personType: index % 3 === 0 ? 'staff' : 'student', studentNumber: `2024${String(index).padStart(4, '0')}` });
    const card = await requestCard(w, person.id);
    if (index % 4 === 1) await move(w.manager, card.id, 'REQUEST_CHECKED');
  }
  const enabled = await enabledCard(w, (await createPerson(t, { lastName: 'Zola' })).id);
  assert.equal((await w.manager.post(`/api/v1/cards/${enabled.id}/renew`)).status, 201);
  // Cells a spreadsheet would run as formulas, and cells that need quoting.
  const formula = await createPerson(t, { lastName: '=HYPERLINK("http://x";"y")', firstName: '-2+3' });
  formulaCard = (await requestCard(w, formula.id)).id;
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  staffManagerA = await t.loginAs('manager', { institutions: [codeA], personTypes: ['staff'] });
  for (const lastName of ['Bécassine', 'Martin']) {
    const person = await createPerson(t, { lastName, institution: 'ecole-b' });
    cardsOfB.push((await requestCard(w, person.id, w.admin, 'ecole-b')).id);
  }
});
after(async () => { await w.t.close(); });

interface Exported {
  job: JobRunView;
  text: string;
  header: string[];
  rows: Array<Record<string, string>>;
}

async function submit(client: TestClient, body: Record<string, unknown>): Promise<JobRunView> {
  const response = await client.post<{ job: JobRunView }>('/api/v1/cards/exports', body);
  assert.equal(response.status, 202, response.text);
  assert.equal(response.headers.location, `/api/v1/cards/exports/${response.body.job.id}`);
  assert.equal(response.body.job.status, 'queued');
  return response.body.job;
}

/** Asks for an export, runs its job, and reads the file back. */
async function exportCards(client: TestClient, body: Record<string, unknown> = {}): Promise<Exported> {
  const submitted = await submit(client, body);
  await w.t.runtime.jobs.drain([CARD_EXPORT_QUEUE]);
  const status = await client.get<{ job: JobRunView }>(`/api/v1/cards/exports/${submitted.id}`);
  assert.equal(status.status, 200, status.text);
  const job = status.body.job;
  assert.equal(job.status, 'succeeded', JSON.stringify(job));
  const file = await client.get(`/api/v1/cards/exports/${submitted.id}/file`);
  assert.equal(file.status, 200, file.text);
  assert.match(String(file.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(String(file.headers['content-disposition']), /^attachment; filename="cards-\d{4}-\d{2}-\d{2}\.csv"$/);
  assert.equal(Number(file.headers['content-length']), Buffer.byteLength(file.text));
  const records = parse(file.text, { delimiter: ';', bom: true }) as string[][];
  const [header = [], ...lines] = records;
  return { job, text: file.text, header, rows: lines.map((line) => Object.fromEntries(header.map((key, i) => [key, line[i] ?? '']))) };
}

/** Every card the list gives for `query`, in its order (cursor walk). */
async function listAll(client: TestClient, query: string): Promise<CardView[]> {
  const seen: CardView[] = [];
  let cursor: string | null = null;
  do {
    const response: { status: number; text: string; body: { items: CardView[]; nextCursor: string | null } } = await client.get(
      `/api/v1/cards?${query}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(response.status, 200, response.text);
    seen.push(...response.body.items);
    cursor = response.body.nextCursor;
  } while (cursor !== null);
  return seen;
}

test('every filter and order of the list gives the same cards, in the same order, as the list', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const cases: Array<{ body: Record<string, unknown>; query: string }> = [
    { body: {}, query: '' },
    { body: { state: ['NEW', 'REQUEST_CHECKED'] }, query: 'state=NEW,REQUEST_CHECKED' },
    { body: { state: ['NEW,RENEWED'] }, query: 'state=NEW&state=RENEWED' },
    { body: { personType: ['staff'] }, query: 'personType=staff' },
    { body: { q: 'mar' }, query: 'q=mar' },
    { body: { q: 'ma' }, query: 'q=ma' },
    { body: { hasPendingRequest: true }, query: 'hasPendingRequest=true' },
    { body: { hasPendingRequest: false, state: ['ENABLED'] }, query: 'hasPendingRequest=false&state=ENABLED' },
    { body: { requestedFrom: today, requestedTo: today }, query: `requestedFrom=${today}&requestedTo=${today}` },
    { body: { updatedFrom: '2000-01-01', updatedTo: '2000-12-31' }, query: 'updatedFrom=2000-01-01&updatedTo=2000-12-31' },
    { body: { sort: 'lastName', order: 'asc' }, query: 'sort=lastName&order=asc' },
    { body: { sort: 'updatedAt', order: 'asc', state: ['NEW'] }, query: 'sort=updatedAt&order=asc&state=NEW' },
  ];
  for (const { body, query } of cases) {
    const listed = await listAll(w.admin, query);
    const exported = await exportCards(w.admin, body);
    assert.deepEqual(exported.rows.map((row) => row.id), listed.map((card) => card.id), `${JSON.stringify(body)} as ${query}`);
  }
  const all = await listAll(w.admin, '');
  assert.ok(all.length >= 15, 'the cases above ran on real data');

  const person = all.find((card) => card.state === 'RENEWED');
  assert.ok(person);
  const byPerson = await exportCards(w.admin, { personId: person.personId });
  assert.deepEqual(new Set(byPerson.rows.map((row) => row.id)), new Set((await listAll(w.admin, `personId=${person.personId}`)).map((card) => card.id)));
  assert.equal(byPerson.rows.length, 2);
});

test('the file has the list\'s columns, as the list shows the card, and escapes formula cells', async () => {
  const { header, rows, text, job } = await exportCards(w.admin, { sort: 'lastName', order: 'asc' });
  assert.ok(text.startsWith('\uFEFFid;holder;institution;eppn;personType;state;requestedAt;updatedAt;escn;csn;expiresAt;studentNumber;email;channel\r\n'));
  assert.deepEqual(header, [...CARD_EXPORT_COLUMNS]);
  assert.equal(job.result?.rows, rows.length);
  const enabled = (await listAll(w.admin, 'state=ENABLED'))[0];
  assert.ok(enabled);
  assert.deepEqual(rows.find((row) => row.id === enabled.id), {
    id: enabled.id, holder: `${enabled.holder.lastName} ${enabled.holder.firstName}`, institution: enabled.institution, eppn: enabled.holder.eppn,
    personType: enabled.holder.personType, state: 'ENABLED', requestedAt: enabled.requestedAt, updatedAt: enabled.updatedAt,
    escn: enabled.escn ?? '', csn: enabled.csn?.hex ?? '', expiresAt: enabled.expiresAt ?? '', studentNumber: enabled.holder.studentNumber ?? '',
    email: enabled.holder.email ?? '', channel: enabled.requestChannel,
  });
  // The holder cell starts with "=": a quote goes in front; the ";" and quotes inside make it quoted.
  const formula = rows.find((row) => row.id === formulaCard);
  assert.equal(formula?.holder, `'=HYPERLINK("http://x";"y") -2+3`);
  assert.ok(text.includes(`;"'=HYPERLINK(""http://x"";""y"") -2+3";`), 'quoted, inner quotes doubled');
  for (const row of rows) for (const cell of Object.values(row)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);

  // Chosen columns, in the chosen order, with the caller's titles (the web list's translated ones).
  const chosen = await exportCards(w.admin, { columns: ['state', 'holder', 'state'], labels: { state: 'État', holder: '@Titulaire' }, state: ['NEW'] });
  assert.deepEqual(chosen.header, ['État', `'@Titulaire`]);
  assert.ok(chosen.rows.length > 0 && chosen.rows.every((row) => row['État'] === 'NEW'));
});

test('an export holds only the caller\'s institutions and person types, and only its author reads it', async () => {
  const ofA = await exportCards(managerA);
  assert.ok(ofA.rows.length > 0);
  assert.ok(ofA.rows.every((row) => row.institution === codeA), 'only A\'s cards');
  assert.ok(!ofA.rows.some((row) => cardsOfB.includes(row.id ?? '')));
  // Asking for B's cards by name or person does not reach them either.
  const searched = await exportCards(managerA, { q: 'bécassine' });
  assert.equal(searched.rows.length, 0);

  const ofB = await exportCards(managerB);
  assert.deepEqual(new Set(ofB.rows.map((row) => row.id)), new Set(cardsOfB));

  const staffOnly = await exportCards(staffManagerA, { personType: ['student', 'staff'] });
  assert.ok(staffOnly.rows.length > 0 && staffOnly.rows.every((row) => row.personType === 'staff'));

  // Another manager, of the same institution or not, even an unrestricted admin: not found.
  for (const other of [managerB, staffManagerA, w.admin]) {
    for (const path of [`/api/v1/cards/exports/${ofA.job.id}`, `/api/v1/cards/exports/${ofA.job.id}/file`]) {
      const response = await other.get(path);
      assert.equal(response.status, 404, `${path}: ${response.text}`);
      assert.equal(response.body.code, 'export_not_found');
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    }
  }
  // A cardholder may not export at all.
  const holder = await w.t.loginAs('cardholder', { personId: (await createPerson(w.t, { institution: codeA })).id });
  assert.equal((await holder.post('/api/v1/cards/exports', {})).status, 403);
  // Another job's id is no export.
  const other = await w.t.runtime.services.jobRuns.create(w.t.runtime.database.db, 'person-import', {}, 'someone');
  assert.equal((await w.admin.get(`/api/v1/cards/exports/${other.id}`)).status, 404);
});

test('progress: the run counts the cards and reaches 100 %; the file waits until it is done', async () => {
  const submitted = await submit(w.viewer, { state: ['NEW'] });
  const early = await w.viewer.get(`/api/v1/cards/exports/${submitted.id}/file`);
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'export_not_ready');
  await w.t.runtime.jobs.drain([CARD_EXPORT_QUEUE]);
  const done = (await w.viewer.get<{ job: JobRunView }>(`/api/v1/cards/exports/${submitted.id}`)).body.job;
  const news = await listAll(w.admin, 'state=NEW');
  assert.equal(done.status, 'succeeded');
  assert.deepEqual(done.progress, { current: news.length, total: news.length, percent: 100 });
  assert.equal(done.result?.rows, news.length);
  // The generic job page shows the same run.
  assert.equal((await w.viewer.get<JobRunView>(`/api/v1/jobs/${submitted.id}`)).body.status, 'succeeded');
});

test('bad filters are refused before any job: 400 problem+json', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ state: ['FLYING'] }, 'unknown_state'],
    [{ state: ['NEW,FLYING'] }, 'unknown_state'],
    [{ requestedFrom: 'yesterday' }, 'invalid_date'],
    [{ updatedTo: '2024-02-30' }, 'invalid_date'],
    [{ sort: 'eppn' }, 'validation_failed'],
    [{ columns: ['password'] }, 'validation_failed'],
    [{ labels: { nope: 'x' } }, 'validation_failed'],
    [{ limit: 10 }, 'validation_failed'],
    [{ personId: 'not-a-uuid' }, 'validation_failed'],
  ];
  const before = await w.t.runtime.services.jobRuns.list({ kind: 'card-export', limit: 1000 });
  for (const [body, code] of cases) {
    const response = await w.admin.post('/api/v1/cards/exports', body);
    assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(response.body.code, code, JSON.stringify(body));
  }
  assert.equal((await w.t.runtime.services.jobRuns.list({ kind: 'card-export', limit: 1000 })).length, before.length, 'no run recorded');
  assert.equal((await w.admin.get('/api/v1/cards/exports/not-a-uuid')).status, 400);
});

test('a run whose worker died is taken back and written again from its first part', async () => {
  const { runtime } = w.t;
  const submitted = await submit(w.admin, { state: ['NEW'] });
  const fetched = await runtime.jobs.boss.fetch<{ runId: string }>(CARD_EXPORT_QUEUE, { batchSize: 10 });
  const job = (fetched ?? []).find((candidate) => candidate.data.runId === submitted.id);
  assert.ok(job, 'the export job was queued');
  // "Another process" starts the run, writes a part, and dies.
  const other = createJobRunsService(runtime.database.db).reporter(submitted.id, { queue: CARD_EXPORT_QUEUE, jobId: job.id });
  await other.start(100, 'exporting');
  await sql`INSERT INTO card_export_parts (job_run_id, seq, content) VALUES (${submitted.id}, 0, 'half a file')`.execute(runtime.database.db);
  other.release();
  await sql`UPDATE job_runs SET heartbeat_at = now() - interval '1 minute' WHERE id = ${submitted.id}`.execute(runtime.database.db);

  assert.deepEqual(await sweepLostRuns(runtime.jobs, runtime.services), [{ id: submitted.id, kind: 'card-export', retrying: true }]);
  await sql`UPDATE pgboss.job SET start_after = now() WHERE id = ${job.id}`.execute(runtime.database.db);
  await runtime.jobs.drain([CARD_EXPORT_QUEUE]);

  const done = (await w.admin.get<{ job: JobRunView }>(`/api/v1/cards/exports/${submitted.id}`)).body.job;
  assert.equal(done.status, 'succeeded');
  assert.equal(done.attempt, 2);
  const file = await w.admin.get(`/api/v1/cards/exports/${submitted.id}/file`);
  assert.ok(file.text.startsWith('\uFEFFid;holder;'), 'the dead attempt\'s part is gone');
  const ids = (parse(file.text, { delimiter: ';', bom: true, from_line: 2 }) as string[][]).map((line) => line[0]);
  assert.deepEqual(ids, (await listAll(w.admin, 'state=NEW')).map((card) => card.id));
});
