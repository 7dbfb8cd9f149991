/**
 * Card migration from another card office system (issue 13): a generated export of 10,000 cards
 * in every state, dry run then real run, every field read back; no connector traffic; conflicts
 * reported by line; a bad file is a 4xx problem with its line; a run interrupted midway is
 * continued; a manager of another institution reaches nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { TestClient } from '../helpers/test-app.ts';
import { startTestApp } from '../helpers/test-app.ts';
import type { JobRunView } from '../../src/modules/jobs/jobs.service.ts';
import { CARD_MIGRATION_QUEUE, type MigrationReport } from '../../src/modules/card-migration/card-migration.service.ts';
import { csnForms } from '../../src/modules/cards/domain/csn.ts';
import { esupCsv, genericCsv, personsCsv, sampleCards, sampleZip, type SampleCard } from '../../scripts/migration-sample.ts';
import { configureInstitution, createInstitution, createPerson, enabledCard, institutionCode, officeClients, type CardsWorld } from './cards.fixtures.ts';

const PIC = '999999999';
const BIG = 10_000;
const PHOTOS = 20;

let w: CardsWorld;
let codeA: string;
let managerB: TestClient;
let big: SampleCard[];
let bigZip: Uint8Array;

async function count(table: string, where = sql`true`): Promise<number> {
  const result = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${where}`.execute(w.t.runtime.database.db);
  return Number(result.rows[0]?.n);
}

async function connectorTraffic(): Promise<number> {
  return (await count('sync_outbox')) + (await count('events'));
}

async function post(client: TestClient, query: string, body: Uint8Array, type = 'application/zip') {
  return client.request<MigrationReport & { code?: string; line?: number; errors?: Array<{ line: number; code: string; field?: string }>; job?: JobRunView }>(
    'POST', `/api/v1/card-migrations?${query}`, { payload: Buffer.from(body), headers: { 'content-type': type } });
}

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  big = sampleCards({ count: BIG, pic: PIC, firstId: 1 });
  bigZip = await sampleZip(genericCsv(big, PHOTOS), big, PHOTOS);
});
after(async () => { await w.t.close(); });

test('a dry run of 10,000 cards reports per state, institution and person, and writes nothing', async () => {
  const traffic = await connectorTraffic();
  const started = Date.now();
  const response = await post(w.admin, `institution=${codeA}&dryRun=true&wait=true`, bigZip);
  const ms = Date.now() - started;
  assert.equal(response.status, 200, response.text.slice(0, 2000));
  const report = response.body;
  assert.equal(report.format, 'generic');
  assert.equal(report.totalLines, BIG);
  assert.equal(report.valid, BIG);
  assert.equal(report.invalid, 0);
  assert.deepEqual(report.conflicts, []);
  assert.equal(Object.values(report.byState).reduce((a, b) => a + b, 0), BIG);
  assert.equal(Object.keys(report.byState).length, 13);
  assert.deepEqual(report.byInstitution, { [codeA]: BIG });
  assert.deepEqual(report.persons, { matched: 0, created: BIG, enrolled: 0 });
  assert.equal(report.photos, PHOTOS);
  assert.equal(report.committed, false);
  assert.equal(await count('cards'), 0);
  assert.equal(await count('persons', sql`eppn LIKE 'etu%'`), 0);
  assert.equal(await connectorTraffic(), traffic);
  process.stdout.write(`# dry run of ${BIG} cards: ${ms} ms\n`);
});

test('the real run (a job) imports 10,000 cards with every field, and sends nothing to the connectors', async () => {
  const traffic = await connectorTraffic();
  const response = await post(w.admin, `institution=${codeA}`, bigZip);
  assert.equal(response.status, 202, response.text);
  const runId = (response.body.job as JobRunView).id;
  const started = Date.now();
  await w.t.runtime.jobs.drain([CARD_MIGRATION_QUEUE]);
  const ms = Date.now() - started;
  const status = await w.admin.get<{ job: JobRunView }>(`/api/v1/card-migrations/${runId}`);
  assert.equal(status.status, 200, status.text);
  assert.equal(status.body.job.status, 'succeeded', JSON.stringify(status.body.job.error));
  const report = status.body.job.result as unknown as MigrationReport;
  assert.equal(report.imported, BIG);
  assert.deepEqual(Object.keys(report.byState).filter((state) => state.includes('_')).sort(), ['IN_ENCODE', 'IN_PRINT', 'REQUEST_CHECKED'],
    'the stored report reads back with the states\' names (not camel-cased into INPRINT)');
  assert.deepEqual(report.batches, { total: 20, done: 20, skipped: 0 });
  assert.equal(await count('card_migration_batches', sql`job_run_id = ${runId}`), 20);
  assert.equal(await connectorTraffic(), traffic, 'no outbox entry nor event for migrated persons and cards');
  process.stdout.write(`# real run of ${BIG} cards: ${ms} ms\n`);

  const db = w.t.runtime.database.db;
  const rows = await sql<{
    sourceId: string; id: string; state: string; requestedAt: Date; enabledAt: Date | null; deliveredAt: Date | null; expiresAt: string;
    csn: string; csnReversed: string; csnDecimal: string; csnDecimalReversed: string; escn: string; photoId: string | null;
    disableReason: string | null; holderEppn: string; holderLastName: string; holderPersonType: string; holderStudentNumber: string; requestChannel: string;
    moveAt: Date; moveTo: string; moveComment: string; moves: string;
  }>`SELECT m.source_id, c.id, c.state, c.requested_at, c.enabled_at, c.delivered_at, c.expires_at::text AS expires_at, c.csn, c.csn_reversed,
      c.csn_decimal, c.csn_decimal_reversed, c.escn, c.photo_id, c.disable_reason, c.holder_eppn, c.holder_last_name, c.holder_person_type,
      c.holder_student_number, c.request_channel, mv.at AS move_at, mv.to_state AS move_to, mv.comment AS move_comment,
      (SELECT count(*) FROM card_moves x WHERE x.card_id = c.id) AS moves
    FROM migrated_cards m JOIN cards c ON c.id = m.card_id JOIN card_moves mv ON mv.card_id = c.id`.execute(db);
  assert.equal(rows.rows.length, BIG);
  const identifiers = await w.t.runtime.services.cardIdentifiers.ofCards(db, rows.rows.map((row) => row.id));
  const consents = await sql<{ eppn: string; kind: string; granted: boolean; decidedAt: Date }>`SELECT p.eppn, c.kind, c.granted, c.decided_at
    FROM person_consents c JOIN persons p ON p.id = c.person_id`.execute(db);
  const consentOf = new Map(consents.rows.map((row) => [`${row.eppn}:${row.kind}`, row]));
  const bySource = new Map(big.map((card) => [card.id, card]));
  for (const row of rows.rows) {
    const card = bySource.get(row.sourceId) as SampleCard;
    const forms = csnForms(card.csn);
    assert.deepEqual({
      state: row.state, requestedAt: row.requestedAt.toISOString(), enabledAt: row.enabledAt?.toISOString() ?? null,
      deliveredAt: row.deliveredAt?.toISOString() ?? null, expiresAt: row.expiresAt, csn: [row.csn, row.csnReversed, row.csnDecimal, row.csnDecimalReversed],
      escn: row.escn, disableReason: row.disableReason, eppn: row.holderEppn, lastName: row.holderLastName, personType: row.holderPersonType,
      studentNumber: row.holderStudentNumber, channel: row.requestChannel, moveAt: row.moveAt.toISOString(), moveTo: row.moveTo, comment: row.moveComment,
      moves: Number(row.moves), photo: row.photoId !== null, identifiers: identifiers.get(row.id),
      crous: consentOf.get(`${card.eppn}:crous`)?.granted, crousAt: consentOf.get(`${card.eppn}:crous`)?.decidedAt.toISOString(),
      photoPublication: consentOf.get(`${card.eppn}:photo_publication`)?.granted, esc: consentOf.get(`${card.eppn}:esc`)?.granted,
    }, {
      state: card.state, requestedAt: card.requestedAt.toISOString(), enabledAt: card.enabledAt?.toISOString() ?? null,
      deliveredAt: card.deliveredAt?.toISOString() ?? null, expiresAt: card.expiresAt, csn: [forms.hex, forms.hexReversed, forms.decimal, forms.decimalReversed],
      escn: card.escn, disableReason: card.disableReason, eppn: card.eppn, lastName: card.lastName, personType: card.personType,
      studentNumber: card.studentNumber, channel: 'import', moveAt: card.stateChangedAt.toISOString(), moveTo: card.state, comment: 'imported',
      moves: 1, photo: Number(card.id) <= PHOTOS, identifiers: { accessControlId: card.accessControlId, secondaryId: card.secondaryId },
      crous: card.crousConsent, crousAt: card.requestedAt.toISOString(), photoPublication: card.photoPublication, esc: true,
    }, `card ${card.id}`);
  }

  // The same export again creates nothing: every card is already migrated.
  const again = await post(w.admin, `institution=${codeA}&wait=true`, bigZip);
  assert.equal(again.status, 200, again.text.slice(0, 2000));
  assert.equal(again.body.alreadyMigrated, BIG);
  assert.equal(again.body.imported, 0);
  assert.equal(await count('cards'), BIG);
});

test('conflicts are reported with their lines, and a refused file writes nothing', async () => {
  const person = await createPerson(w.t, { lastName: 'Vivant', institution: codeA });
  const live = await enabledCard(w, person.id, codeA);
  const liveCsn = (await sql<{ csn: string }>`SELECT csn FROM cards WHERE id = ${live.id}`.execute(w.t.runtime.database.db)).rows[0]?.csn as string;
  const cards = sampleCards({ count: 12, pic: PIC, firstId: 500_001 });
  const otherPic = sampleCards({ count: 1, pic: '888888888', firstId: 600_001 })[0] as SampleCard;
  const c = (index: number) => cards[index] as SampleCard;
  c(1).csn = c(0).csn; // line 3: duplicate CSN in the file
  c(2).csn = liveCsn; // line 4: CSN of a live card
  c(3).escn = c(0).escn; // line 5: duplicate ESCN
  c(4).escn = otherPic.escn; // line 6: ESCN of another PIC
  c(5).state = 'ENABLED'; c(6).state = 'ENABLED'; c(6).eppn = c(5).eppn; // line 8: two ENABLED cards for one person
  c(7).personType = 'astronaut'; // line 9: unknown person type
  c(8).state = 'ENABLED'; c(8).eppn = person.eppn; // line 10: the person already has an ENABLED card
  const lines = genericCsv(cards, 0).split('\r\n');
  lines[10] = (lines[10] as string).replace('2027-08-31', '2027-02-30'); // line 11: bad date
  lines[12] = (lines[12] as string).replace(`;${c(11).eppn};;`, `;${c(11).eppn};nowhere;`); // line 13: unknown institution
  const zip = await sampleZip(lines.join('\r\n'), cards, 0);
  const before = await count('cards');
  const response = await post(w.manager, `institution=${codeA}&wait=true`, zip);
  assert.equal(response.status, 422, response.text);
  assert.equal(response.body.code, 'migration_conflicts');
  const found = (response.body.errors ?? []).map((error) => `${error.line}:${error.code}`);
  for (const expected of ['3:duplicate_csn', '4:csn_taken', '5:duplicate_escn', '6:escn_other_pic', '8:two_enabled_cards', '9:unknown_person_type',
    '10:enabled_card_exists', '11:date_invalid', '13:unknown_institution']) {
    assert.ok(found.includes(expected), `${expected} in ${found.join(', ')}`);
  }
  assert.equal(response.body.line, 3);
  assert.equal(await count('cards'), before);

  // partial: the lines without conflicts go in.
  const partial = await post(w.manager, `institution=${codeA}&wait=true&partial=true`, zip);
  assert.equal(partial.status, 200, partial.text);
  assert.equal(partial.body.imported, partial.body.valid);
  assert.equal(await count('cards'), before + partial.body.valid);
});

test('an invalid photo is a conflict of its line', async () => {
  const cards = sampleCards({ count: 2, pic: PIC, firstId: 700_001 });
  const zip = await sampleZip(genericCsv(cards, 2), cards, 2);
  const { unzipSync, zipSync } = await import('fflate');
  const files = unzipSync(zip);
  files['photos/700002.jpg'] = new TextEncoder().encode('not a jpeg at all');
  const response = await post(w.admin, `institution=${codeA}&wait=true&dryRun=true`, zipSync(files));
  assert.equal(response.status, 422, response.text);
  assert.deepEqual((response.body.errors ?? []).map((error) => [error.line, error.code, error.field]), [[3, 'photo_invalid', 'photo']]);
});

test('a bad file is a 4xx problem naming the line', async () => {
  const header = await post(w.admin, `institution=${codeA}&wait=true`, new TextEncoder().encode('nom;prenom\nA;B\n'), 'text/csv');
  assert.equal(header.status, 422);
  assert.match(String(header.headers['content-type']), /application\/problem\+json/);
  assert.equal(header.body.code, 'invalid_migration_file');
  assert.equal(header.body.line, 1);
  const latin1 = await post(w.admin, `institution=${codeA}&wait=true`, Uint8Array.from([0x63, 0x61, 0x72, 0x64, 0xe9, 0x0a]), 'text/csv');
  assert.equal(latin1.status, 422);
  assert.equal(latin1.body.line, 1);
  const empty = await post(w.admin, `institution=${codeA}&wait=true`, new Uint8Array(0), 'text/csv');
  assert.equal(empty.status, 400);
  const brokenZip = await post(w.admin, `institution=${codeA}&wait=true`, Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
  assert.equal(brokenZip.status, 422);
  assert.equal(brokenZip.body.code, 'invalid_migration_file');
  const zone = await post(w.admin, `institution=${codeA}&wait=true&timeZone=Mars/Olympus`, bigZip);
  assert.equal(zone.status, 400);
});

test('ESUP-SGC export.zip: persons known by eppn, its dates, CSNs, consents, ids, photos and ESCN from the QR code', async () => {
  const cards = sampleCards({ count: 26, pic: PIC, firstId: 800_001 });
  const zip = await sampleZip(esupCsv(cards), cards, 5);
  // Unknown persons first: ESUP-SGC's export names them by eppn only.
  const unknown = await post(w.admin, `institution=${codeA}&wait=true&dryRun=true`, zip);
  assert.equal(unknown.status, 422);
  assert.equal((unknown.body.errors ?? [])[0]?.code, 'unknown_person');
  const persons = await w.admin.request('POST', `/api/v1/imports/persons?institution=${codeA}&wait=true`,
    { payload: Buffer.from(personsCsv(cards)), headers: { 'content-type': 'text/csv' } });
  assert.equal(persons.status, 200, persons.text);
  const traffic = await connectorTraffic();
  const response = await post(w.admin, `institution=${codeA}&wait=true`, zip);
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.format, 'esup-sgc');
  assert.equal(response.body.imported, 26);
  assert.equal(response.body.persons.matched, 26);
  assert.equal(response.body.photos, 5);
  assert.equal(await connectorTraffic(), traffic);
  const db = w.t.runtime.database.db;
  const first = cards.find((card) => card.state === 'ENABLED') as SampleCard;
  const row = (await sql<{ id: string; state: string; csn: string; escn: string; requestedAt: Date; enabledAt: Date }>`SELECT c.id, c.state, c.csn, c.escn,
      c.requested_at, c.enabled_at FROM migrated_cards m JOIN cards c ON c.id = m.card_id WHERE m.source_id = ${first.id}`.execute(db)).rows[0];
  assert.ok(row);
  assert.deepEqual([row.state, row.csn, row.escn], ['ENABLED', first.csn, first.escn]);
  // ESUP-SGC writes Paris time to the second: the instant comes back.
  assert.equal(row.requestedAt.toISOString(), first.requestedAt.toISOString());
  assert.equal(row.enabledAt.toISOString(), first.requestedAt.toISOString());
  const ids = await w.t.runtime.services.cardIdentifiers.ofCards(db, [row.id]);
  assert.deepEqual(ids.get(row.id), { accessControlId: first.accessControlId, secondaryId: first.secondaryId });
});

test('a run stopped midway is continued by the next run of the same file, batch by batch', async () => {
  const cards = sampleCards({ count: 1200, pic: PIC, firstId: 900_001 });
  const zip = await sampleZip(genericCsv(cards, 0), cards, 0);
  const db = w.t.runtime.database.db;
  // The third batch fails (as a process killed while writing it would leave it: not committed).
  await sql`CREATE FUNCTION fail_migration() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.source_id = '901100' THEN RAISE EXCEPTION 'stopped'; END IF; RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER fail_migration BEFORE INSERT ON migrated_cards FOR EACH ROW EXECUTE FUNCTION fail_migration()`.execute(db);
  const before = await count('cards');
  const submitted = await post(w.admin, `institution=${codeA}`, zip);
  assert.equal(submitted.status, 202);
  await w.t.runtime.jobs.drain([CARD_MIGRATION_QUEUE]);
  const failed = await w.admin.get<{ job: JobRunView }>(`/api/v1/card-migrations/${(submitted.body.job as JobRunView).id}`);
  assert.equal(failed.body.job.status, 'failed');
  assert.equal(await count('cards'), before + 1000, 'the two committed batches stay');
  await sql`DROP TRIGGER fail_migration ON migrated_cards`.execute(db);
  await sql`DROP FUNCTION fail_migration()`.execute(db);
  const resumed = await post(w.admin, `institution=${codeA}&wait=true`, zip);
  assert.equal(resumed.status, 200, resumed.text);
  assert.equal(resumed.body.alreadyMigrated, 1000);
  assert.equal(resumed.body.imported, 200);
  assert.equal(await count('cards'), before + 1200);
  assert.equal(await count('migrated_cards', sql`source_id LIKE '9%' AND length(source_id) = 6`), 1200);
});

test('a manager of another institution cannot migrate into it nor read its runs', async () => {
  const cards = sampleCards({ count: 3, pic: PIC, firstId: 990_001 });
  const zip = await sampleZip(genericCsv(cards, 0), cards, 0);
  const refused = await post(managerB, `institution=${codeA}&wait=true&dryRun=true`, zip);
  assert.equal(refused.status, 404);
  assert.equal(refused.body.code, 'institution_not_found');
  const own = await post(w.manager, `institution=${codeA}&dryRun=true`, zip);
  assert.equal(own.status, 202);
  const id = (own.body.job as JobRunView).id;
  assert.equal((await managerB.get(`/api/v1/card-migrations/${id}`)).status, 404);
  assert.equal((await w.admin.get(`/api/v1/card-migrations/${id}`)).status, 200);
  const viewer = await w.viewer.request('POST', `/api/v1/card-migrations?institution=${codeA}`, { payload: Buffer.from(zip), headers: { 'content-type': 'application/zip' } });
  assert.equal(viewer.status, 403);
});
