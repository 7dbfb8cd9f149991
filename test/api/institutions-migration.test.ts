import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { pino } from 'pino';
import { startRuntime } from '../../src/app/runtime.ts';
import { databaseBeforeMigration } from '../helpers/test-database.ts';
import { TestClient } from '../helpers/test-app.ts';

/*
 * Issue 9: an existing single-institution database migrates to several institutions with nothing
 * lost. A database is brought to migration 0018 (the last before institutions), filled the way
 * that version's code writes (every table it used, cards in every state), then migrated to the
 * LATEST migration, whatever later ones exist. Every row of every table that existed reads back
 * identical in every column that still exists, what moved is found where it moved, and every
 * `institution_id` a later migration adds to an existing table says the first institution.
 */

type Row = Record<string, unknown>;
type Query = (text: string, values?: unknown[]) => Promise<Row[]>;

/** Columns moved from persons to enrolments by 0019. */
const MOVED_PERSON_COLUMNS = ['person_type', 'student_number', 'rights_end', 'academic_level', 'affiliation'];
/** Tables whose rows the migrations may change by design, compared by hand below. */
const COMPARED_BY_HAND = new Set(['institution', 'schema_migrations', 'audit_log']);
/** Tables a later migration renamed (0039: the ESC Router's outbox became every connector's), with their renamed columns. */
const RENAMED_TABLES = new Map<string, { to: string; columns: Record<string, string> }>([
  ['esc_outbox', { to: 'sync_outbox', columns: { router_status: 'remote_status' } }],
  ['esc_router_records', { to: 'sync_records', columns: { router_status: 'remote_status' } }],
  ['esc_sync_leases', { to: 'sync_leases', columns: {} }],
]);
/**
 * New `institution_id` columns of existing tables that are null for existing rows, null meaning
 * "the whole deployment": overrides become deployment-wide defaults, and job runs stay visible to
 * callers with no institution limit (every existing account) and to whoever started them.
 */
const NULL_INSTITUTION_COLUMNS = new Set(['mail_template_overrides.institution_id', 'job_runs.institution_id']);

const ALL_STATES = ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'REJECTED', 'CANCELED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED',
  'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'] as const;


/** Stored (not generated) columns of every table of the public schema. */
async function storedColumns(query: Query): Promise<Map<string, string[]>> {
  const rows = await query(`SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND is_generated = 'NEVER'
      AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
    ORDER BY table_name, ordinal_position`);
  const tables = new Map<string, string[]>();
  for (const row of rows) {
    const table = String(row.table_name);
    tables.set(table, [...(tables.get(table) ?? []), String(row.column_name)]);
  }
  return tables;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every row of a table, as JSON objects of these columns, in a stable order. */
async function rowsOf(query: Query, table: string, columns: string[], renamed: Record<string, string> = {}): Promise<Row[]> {
  const select = columns.map((column) => (renamed[column] ? `${quoted(renamed[column])} AS ${quoted(column)}` : quoted(column)));
  const [result] = await query(`SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]') AS rows
    FROM (SELECT ${select.join(', ')} FROM ${quoted(table)}) x`);
  return result?.rows as Row[];
}

/** Fills a database at 0018 the way that version's code did: one institution and everything around it. */
async function fillSingleInstitution(query: Query) {
  const one = async (text: string, values: unknown[] = []) => {
    const [row] = await query(text, values);
    assert.ok(row, text);
    return row;
  };
  const id = async (text: string, values: unknown[] = []) => String((await one(text, values)).id);

  // The institution as the settings page saved it: full settings, request rules per person type
  // (partial: a type missing there took the defaults), a logo, colours.
  await query(`INSERT INTO institution (name, pic, uai, schac_home_organization, country, esi_scope, logo, logo_mime, colors, settings, demo_seeded_at)
    VALUES ('Université de Caen Normandie', '999884732', '0141408E', 'unicaen.fr', 'FR', 'institution', '\\x89504e47'::bytea, 'image/png',
      '{"primary": "#0b6e4f", "secondary": "#1a1a2e"}',
      $1::jsonb, '2026-02-01 08:00:00+00')`, [JSON.stringify({
    autoEnableAfterEncode: true,
    enableOnDelivery: false,
    selfServiceDisableReasons: ['LOST', 'THEFT'],
    requestRules: {
      staff: { selfRequest: false, deliveryAddress: true },
      guest: { selfRequest: true, deliveryAddress: false },
      external: { selfRequest: false, deliveryAddress: true },
    },
    cardValidityMonths: 24,
    showHolderOnVerification: true,
    escDeleteDisabledCards: true,
  })]);

  const person = (values: {
    eppn: string; first: string; last: string; type: string; number?: string; ine?: string; esi?: string; level?: number;
    rightsEnd?: string; affiliation?: string; email?: string; birth?: string; locale?: string; free?: Row;
  }) => id(`INSERT INTO persons (eppn, first_name, last_name, birth_date, email, person_type, student_number, ine, esi, academic_level,
      rights_end, affiliation, free_fields, locale, created_at, updated_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '2025-09-01 09:00:00+00', '2026-01-15 10:30:00+00', 3) RETURNING id`, [
    values.eppn, values.first, values.last, values.birth ?? null, values.email ?? values.eppn, values.type, values.number ?? null,
    values.ine ?? null, values.esi ?? null, values.level ?? null, values.rightsEnd ?? null, values.affiliation ?? null,
    JSON.stringify(values.free ?? {}), values.locale ?? null,
  ]);
  const alice = await person({
    eppn: 'alice.durand@unicaen.fr', first: 'Alice', last: 'Durand', type: 'student', number: '21901234', ine: '0123456789A',
    esi: 'urn:schac:personalUniqueCode:int:esi:fr:0123456789A', level: 6, rightsEnd: '2026-08-31', affiliation: 'student',
    birth: '2004-05-06', locale: 'en', free: { campus: 'Caen', badge: 42 },
  });
  const bruno = await person({ eppn: 'bruno.petit@unicaen.fr', first: 'Bruno', last: 'Petit', type: 'staff', rightsEnd: '2030-12-31', affiliation: 'staff' });
  const chloe = await person({ eppn: 'chloe.weber@uni-koeln.example', first: 'Chloé', last: 'Weber', type: 'guest', rightsEnd: '2026-06-30', affiliation: 'affiliate', email: 'chloe@uni-koeln.example' });
  const david = await person({ eppn: 'david.leroy@unicaen.fr', first: 'David', last: 'Leroy', type: 'external', affiliation: 'library-walk-in' });
  const emma = await person({
    eppn: 'emma.nguyen@unicaen.fr', first: 'Emma', last: 'Nguyen', type: 'student', number: '21705555', ine: '1234567890B', level: 8,
    rightsEnd: '2027-08-31', affiliation: 'student', locale: 'fr',
  });
  // A student with neither number nor rights end (the fields were optional) and no e-mail.
  const farid = await id(`INSERT INTO persons (eppn, first_name, last_name, person_type) VALUES ('farid.b@unicaen.fr', 'Farid', 'Benali', 'student') RETURNING id`);
  const persons = { alice, bruno, chloe, david, emma, farid };

  const photo = async (personId: string, bytes: string) => id(`INSERT INTO photos (person_id, jpeg, sha256, width, height, source_format, created_at, uploaded_at)
    VALUES ($1, convert_to($2, 'UTF8'), encode(sha256(convert_to($2, 'UTF8')), 'hex'), 480, 600, 'jpeg', '2025-09-02 10:00:00+00', '2025-09-02 10:00:00+00') RETURNING id`,
  [personId, bytes]);
  const photos: Record<string, string> = {};
  for (const [name, personId] of Object.entries(persons)) photos[name] = await photo(personId, `jpeg of ${name}`);

  // Cards in every state, with the fields each state carries, and their moves.
  const holder = async (personId: string) => one(`SELECT eppn, first_name, last_name, email, student_number, ine, person_type FROM persons WHERE id = $1`, [personId]);
  const cards: Record<string, string> = {};
  let minute = 0;
  const card = async (name: string, personId: string, photoName: string, path: string[], extra: Row = {}) => {
    const h = await holder(personId);
    const fields: Row = {
      person_id: personId, state: path[path.length - 1], card_kind: 'physical', request_channel: 'web',
      requested_at: '2025-10-01 12:00:00+00', requested_by: `account:${personId}`, photo_id: photos[photoName] ?? null,
      holder_eppn: h.eppn, holder_first_name: h.first_name, holder_last_name: h.last_name, holder_email: h.email,
      holder_student_number: h.student_number, holder_ine: h.ine, holder_person_type: h.person_type,
      version: path.length, created_at: '2025-10-01 12:00:00+00', updated_at: '2026-01-10 16:00:00+00', ...extra,
    };
    const names = Object.keys(fields);
    cards[name] = await id(`INSERT INTO cards (${names.join(', ')}) VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING id`,
      names.map((key) => {
        const value = fields[key];
        return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
      }));
    let from: string | null = null;
    for (const to of path) {
      minute += 1;
      await query(`INSERT INTO card_moves (card_id, at, actor, actor_kind, from_state, to_state, reason, comment, remote_address)
        VALUES ($1, timestamptz '2025-10-01 12:00:00+00' + make_interval(mins => $2), $3, $4, $5, $6, $7, $8, $9)`, [
        cards[name], minute, to === 'NEW' ? `account:${personId}` : 'account:manager', to === 'NEW' ? 'cardholder' : 'manager', from, to,
        to === 'DISABLED' ? String(extra.disable_reason ?? 'MANAGER') : to === 'REJECTED' ? 'photo' : null,
        to === 'REJECTED' ? 'Photo floue' : null, '192.0.2.10',
      ]);
      from = to;
    }
  };
  const printed = ['NEW', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED'];
  const lines = { firstName: 'Alice', lastName: 'Durand', eppn: 'alice.durand@unicaen.fr', personType: 'student' };
  await card('aliceDestroyed', alice, 'alice', [...printed, 'ENABLED', 'DISABLED', 'DESTROYED'], {
    csn: '04AA000000000001', csn_reversed: '01000000000000AA04', csn_decimal: '1', csn_decimal_reversed: '2', escn: '11111111-aaaa-1aaa-8aaa-999884732001',
    disable_reason: 'OUT_OF_ORDER', disabled_by: 'manager', printed_lines: lines, enabled_at: '2025-10-05 09:00:00+00', expires_at: '2026-08-31',
  });
  await card('aliceDisabled', alice, 'alice', [...printed, 'ENABLED', 'DISABLED'], {
    csn: '04AA000000000002', escn: '11111111-aaaa-1aaa-8aaa-999884732002', disable_reason: 'LOST', disabled_by: 'self',
    disable_comment: 'Perdue au RU', enabled_at: '2025-11-05 09:00:00+00', expires_at: '2026-08-31', delivered_at: '2025-11-04 15:00:00+00',
  });
  await card('aliceEnabled', alice, 'alice', [...printed, 'ENABLED'], {
    csn: '04AA000000000003', escn: '11111111-aaaa-1aaa-8aaa-999884732003', enabled_at: '2026-01-05 09:00:00+00', expires_at: '2026-08-31',
    delivery_address: '3 rue des Lilas, 14000 Caen', delivered_at: '2026-01-04 15:00:00+00', due_date: '2026-01-20',
  });
  await card('aliceRenewed', alice, 'alice', ['RENEWED'], { request_channel: 'renewal', requested_by: 'system:rights-end', renewal_of: cards.aliceEnabled });
  await card('brunoCaduc', bruno, 'bruno', [...printed, 'ENABLED', 'CADUC'], {
    csn: '04BB000000000001', escn: '22222222-bbbb-1bbb-8bbb-999884732001', disable_reason: 'RIGHTS_ENDED', disabled_by: 'system', request_channel: 'office',
  });
  await card('brunoEncoded', bruno, 'bruno', printed, { csn: '04BB000000000002', escn: '22222222-bbbb-1bbb-8bbb-999884732002', request_channel: 'import' });
  await card('chloeNew', chloe, 'chloe', ['NEW'], { request_channel: 'api', requested_by: 'token:import-robot' });
  await card('chloeRejected', chloe, 'chloe', ['NEW', 'REJECTED'], { reject_reason: 'Photo floue' });
  await card('chloeCanceled', chloe, 'chloe', ['NEW', 'CANCELED']);
  await card('davidInPrint', david, 'david', ['NEW', 'REQUEST_CHECKED', 'IN_PRINT'], { locked_by: 'token:station-1', locked_at: '2026-01-10 15:59:00+00' });
  await card('davidPrinted', david, 'david', ['NEW', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED'], { printed_lines: { firstName: 'David', lastName: 'Leroy', eppn: 'david.leroy@unicaen.fr', personType: 'external' } });
  await card('davidInEncode', david, 'david', ['NEW', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE'], { csn: '04DD000000000001' });
  await card('emmaChecked', emma, 'emma', ['NEW', 'REQUEST_CHECKED'], { card_kind: 'virtual' });
  await card('emmaVirtual', emma, 'emma', ['NEW', 'REQUEST_CHECKED', 'ENABLED'], {
    card_kind: 'virtual', escn: '33333333-cccc-1ccc-8ccc-999884732001', enabled_at: '2025-12-01 10:00:00+00', expires_at: '2027-08-31',
  });
  const states = (await query('SELECT DISTINCT state FROM cards')).map((row) => String(row.state));
  assert.deepEqual(states.sort(), [...ALL_STATES].sort(), 'the fixture has a card in every state');

  // ESC Router sync: pending, done, failed and superseded outbox entries, what the router holds, a lease.
  const outbox = async (values: Row) => {
    const names = Object.keys(values);
    return id(`INSERT INTO esc_outbox (${names.join(', ')}) VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING id`,
      names.map((key) => (values[key] !== null && typeof values[key] === 'object' ? JSON.stringify(values[key]) : values[key])));
  };
  const done = await outbox({
    person_id: emma, reason: 'card_enabled', target: { cardId: cards.emmaVirtual }, status: 'done', attempts: 1, router_status: 200,
    result: { person: 'created', cards: { upserted: 1 } }, created_by: 'account:manager', created_at: '2025-12-01 10:00:00+00', done_at: '2025-12-01 10:00:02+00',
  });
  await outbox({
    person_id: alice, reason: 'card_disabled', target: { cardId: cards.aliceDisabled }, status: 'failed', attempts: 8, router_status: 500,
    last_error_code: 'router_5xx', last_error_message: 'Internal Server Error', created_at: '2025-12-02 10:00:00+00',
    replayed_by: 'account:admin', replayed_at: '2025-12-03 10:00:00+00',
  });
  const superseded = await outbox({ person_id: alice, reason: 'person_changed', status: 'done', created_at: '2025-12-04 10:00:00+00', done_at: '2025-12-04 10:00:00+00' });
  const pending = await outbox({ person_id: alice, reason: 'card_enabled', target: { cardId: cards.aliceEnabled }, next_attempt_at: '2026-01-05 09:00:30+00', attempts: 2, last_error_code: 'timeout' });
  await query('UPDATE esc_outbox SET superseded_by = $1 WHERE id = $2', [pending, superseded]);
  await outbox({ person_id: bruno, reason: 'rights_ended', status: 'pending', created_by: 'system:rights-end' });
  assert.ok(done);
  await query(`INSERT INTO esc_router_records (person_id, kind, identifier, body_hash, router_status, confirmed_at, updated_at) VALUES
    ($1, 'person', 'urn:schac:personalUniqueCode:int:esi:fr:0123456789A', 'hash-a', 'ACTIVE', '2026-01-05 09:00:01+00', '2026-01-05 09:00:01+00'),
    ($1, 'card', '11111111-aaaa-1aaa-8aaa-999884732003', NULL, NULL, NULL, '2026-01-05 09:00:01+00'),
    ($2, 'person', 'urn:schac:personalUniqueCode:int:esi:fr:1234567890B', 'hash-e', 'ACTIVE', '2025-12-01 10:00:01+00', '2025-12-01 10:00:01+00'),
    ($2, 'card', '33333333-cccc-1ccc-8ccc-999884732001', 'hash-ec', 'ACTIVE', '2025-12-01 10:00:01+00', '2025-12-01 10:00:01+00')`, [alice, emma]);
  await query(`INSERT INTO esc_sync_leases (person_id, owner, expires_at) VALUES ($1, 'node-1', '2026-01-05 09:01:00+00')`, [alice]);

  // Mails in every status (one without a person: the address was given by hand), and two overrides.
  const mail = (personId: string | null, template: string, status: string, extra: Row = {}) => query(`INSERT INTO mails
    (person_id, to_address, locale, template, subject, body_text, body_html, status, attempts, last_error, created_at, sent_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
    personId, extra.to ?? 'someone@unicaen.fr', extra.locale ?? 'fr', template, `Sujet ${template}`, `Bonjour,\n\n${template}`,
    `<p>Bonjour,</p><p>${template}</p>`, status, extra.attempts ?? 0, extra.lastError ?? null, extra.createdAt ?? '2026-01-02 10:00:00+00',
    status === 'sent' ? '2026-01-02 10:00:05+00' : null,
  ]);
  await mail(alice, 'card_ready', 'sent', { locale: 'en', attempts: 1 });
  await mail(alice, 'card_disabled', 'stored');
  await mail(chloe, 'request_rejected', 'failed', { attempts: 6, lastError: '550 mailbox unavailable' });
  await mail(emma, 'card_enabled', 'queued', { attempts: 2, lastError: 'connection timeout' });
  await mail(null, 'request_checked', 'stored', { to: 'office@unicaen.fr' });
  await query(`INSERT INTO mail_template_overrides (template, locale, subject, body, updated_at, updated_by) VALUES
    ('card_ready', 'fr', 'Votre carte {{institutionName}} est prête', 'Bonjour {{firstName}},\n\nVotre carte est prête.', '2026-01-03 10:00:00+00', 'account:admin'),
    ('card_ready', 'en', 'Your card is ready', 'Hello {{firstName}},\n\nYour card is ready.', '2026-01-03 10:01:00+00', 'account:admin')`);

  // Daily statistics as the snapshot job wrote them.
  await query(`INSERT INTO card_state_daily (day, person_type, state, count) VALUES
    ('2026-01-08', 'student', 'ENABLED', 2), ('2026-01-08', 'student', 'NEW', 1), ('2026-01-08', 'staff', 'ENCODED', 1),
    ('2026-01-09', 'student', 'ENABLED', 2), ('2026-01-09', 'guest', 'NEW', 1), ('2026-01-09', 'external', 'IN_PRINT', 1),
    ('2026-01-09', 'staff', 'CADUC', 1)`);
  await query(`INSERT INTO card_state_days (day, taken_at) VALUES ('2026-01-07', '2026-01-08 00:05:00+00'),
    ('2026-01-08', '2026-01-09 00:05:00+00'), ('2026-01-09', '2026-01-10 00:05:00+00')`);

  // Accounts of every role (a manager limited to students), sessions, tokens acting for accounts.
  const account = (email: string, role: string, personTypes: string[] | null, personId: string | null = null) => id(
    `INSERT INTO accounts (email, display_name, password_hash, role, person_types, person_id, last_login_at, created_at, updated_at)
     VALUES ($1, $1, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', $2, $3, $4, '2026-01-09 08:00:00+00', '2025-09-01 08:00:00+00', '2025-09-01 08:00:00+00')
     RETURNING id`, [email, role, personTypes, personId]);
  const admin = await account('admin@unicaen.fr', 'admin', null);
  const manager = await account('scolarite@unicaen.fr', 'manager', ['student']);
  await account('rh@unicaen.fr', 'manager', ['staff', 'guest']);
  await account('accueil@unicaen.fr', 'viewer', null);
  await account('station@unicaen.fr', 'station', null);
  await account('courrier@unicaen.fr', 'deliverer', null);
  await account('alice.durand@unicaen.fr', 'cardholder', null, alice);
  await query(`UPDATE accounts SET disabled_at = '2026-01-01 00:00:00+00' WHERE email = 'accueil@unicaen.fr'`);
  await query(`INSERT INTO sessions (token_hash, account_id, ip, created_at, expires_at) VALUES ('session-hash', $1, '192.0.2.1', '2026-01-09 08:00:00+00', '2026-01-09 20:00:00+00')`, [admin]);
  await query(`INSERT INTO api_tokens (name, token_prefix, token_hash, role, person_types, created_by, account_id, created_at, last_used_at, revoked_at) VALUES
    ('SI scolarité', 'cc_abcd', 'token-hash-1', 'manager', '{student}', $1, $2, '2025-09-03 08:00:00+00', '2026-01-09 07:00:00+00', NULL),
    ('Station 1', 'cc_efgh', 'token-hash-2', 'station', NULL, $3, $4, '2025-09-03 08:00:00+00', NULL, NULL),
    ('Ancien', 'cc_ijkl', 'token-hash-3', 'admin', NULL, $3, $4, '2025-09-03 08:00:00+00', NULL, '2025-12-01 00:00:00+00')`,
  [`account:${manager}`, manager, `account:${admin}`, admin]);

  // Consents and their proof (texts of 2026-01 and 2026-12 both exist at 0018).
  await query(`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at) VALUES
    ($1, 'esc', true, '2026-01', 'web', '2025-10-01 11:00:00+00'), ($1, 'photo_publication', false, '2026-01', 'web', '2025-10-01 11:00:00+00'),
    ($2, 'esc', true, '2026-12', 'office', '2025-12-01 09:00:00+00'), ($2, 'crous', true, '2026-12', 'paper', '2025-12-01 09:00:00+00')`, [alice, emma]);
  await query(`INSERT INTO consent_events (person_id, kind, granted, text_version, locale, channel, actor, ip, at) VALUES
    ($1, 'esc', true, '2026-01', 'en', 'web', 'account:alice', '192.0.2.7', '2025-10-01 11:00:00+00'),
    ($1, 'photo_publication', false, '2026-01', 'en', 'web', 'account:alice', '192.0.2.7', '2025-10-01 11:00:00+00'),
    ($2, 'esc', true, '2026-12', 'fr', 'office', 'account:manager', NULL, '2025-12-01 09:00:00+00'),
    ($2, 'crous', true, '2026-12', 'fr', 'paper', 'account:manager', NULL, '2025-12-01 09:00:00+00')`, [alice, emma]);

  // A finished import and its (not yet deleted) upload, a job run.
  const job = await id(`INSERT INTO job_runs (kind, status, progress_current, progress_total, params, result, created_by, created_at, started_at, finished_at, attempt)
    VALUES ('person-import', 'succeeded', 6, 6, '{"format": "csv"}', '{"created": 6}', 'account:admin', '2025-09-01 08:30:00+00', '2025-09-01 08:30:01+00', '2025-09-01 08:30:09+00', 1) RETURNING id`);
  await query(`INSERT INTO import_uploads (job_run_id, file_name, byte_size, content, created_by) VALUES ($1, 'inscrits.csv', 4, '\\x61626364'::bytea, 'account:admin')`, [job]);
  // Changes of person records as the API made them: an identity field, an enrolment field.
  await query(`UPDATE persons SET email = 'bruno.petit@rh.unicaen.fr' WHERE id = $1`, [bruno]);
  await query(`UPDATE persons SET student_number = '21901235' WHERE id = $1`, [alice]);
  await query(`INSERT INTO login_throttle (key_hash, attempts, admitted) VALUES ('key-hash', ARRAY['2026-01-09 08:00:00+00'::timestamptz], true)`);

  return { persons, cards, admin, manager };
}

test('migration to several institutions: a database filled at 0018 reads back identical, what moved is where it moved', { timeout: 120_000 }, async () => {
  const { database, query, close } = await databaseBeforeMigration(loadConfig().databaseUrl, '0019');
  try {
    const { persons, cards } = await fillSingleInstitution(query);

    // Snapshot: every stored column of every table, and the audit log so far.
    const tablesBefore = await storedColumns(query);
    const before = new Map<string, Row[]>();
    for (const [table, columns] of tablesBefore) before.set(table, await rowsOf(query, table, columns));
    const [auditMark] = await query('SELECT max(id)::text AS id, count(*)::int AS n FROM audit_log');
    const auditColumns = tablesBefore.get('audit_log') ?? [];
    const auditBefore = await rowsOf(query, 'audit_log', auditColumns);
    const [institutionBefore] = await query('SELECT * FROM institution');
    const personsBefore = new Map((await query('SELECT * FROM persons')).map((row) => [String(row.id), row]));
    const cardCount = (await query('SELECT count(*)::int AS n FROM cards'))[0]?.n;

    await migrate(database.pool);

    const tablesAfter = await storedColumns(query);
    // 1. Every row of every table that existed reads back identical in every column it had
    //    (apart from those that moved by design, compared below).
    for (const [table, columns] of tablesBefore) {
      if (COMPARED_BY_HAND.has(table)) continue;
      const renamed = RENAMED_TABLES.get(table);
      const now = tablesAfter.get(renamed?.to ?? table);
      assert.ok(now, `table ${table} still exists`);
      const kept = table === 'persons' ? columns.filter((column) => !MOVED_PERSON_COLUMNS.includes(column)) : columns;
      const lost = kept.filter((column) => !now.includes(renamed?.columns[column] ?? column));
      assert.deepEqual(lost, [], `no column of ${table} disappeared`);
      const expected = (before.get(table) ?? []).map((row) => Object.fromEntries(kept.map((column) => [column, row[column]])));
      const actual = await rowsOf(query, renamed?.to ?? table, kept, renamed?.columns);
      assert.deepEqual(difference(actual, expected), { missing: [], unexpected: [] }, `rows of ${table} read back identical`);
      // 2. An institution_id a later migration added to an existing table says the first
      //    institution for every existing row (or null where null means deployment-wide).
      for (const column of now.filter((name) => !columns.includes(name) && /^institution_id$|^card_group$/.test(name))) {
        const values = (await query(`SELECT DISTINCT ${quoted(column)} AS v FROM ${quoted(renamed?.to ?? table)}`)).map((row) => row.v);
        const wanted = NULL_INSTITUTION_COLUMNS.has(`${table}.${column}`) ? null : 1;
        if ((before.get(table) ?? []).length > 0) assert.deepEqual(values, [wanted], `${table}.${column} of existing rows`);
      }
    }

    // The ESC Router's rows are the 'esc' connector's.
    for (const table of ['sync_outbox', 'sync_records', 'sync_leases']) {
      assert.deepEqual((await query(`SELECT DISTINCT connector FROM ${table}`)).map((row) => row.connector), ['esc'], `${table}.connector`);
    }

    // 3. The institution: every column it had, its code from the SCHAC home organisation, the
    //    request rules moved into its person types (a type the rules did not name took the defaults).
    const [institution] = await query('SELECT * FROM institutions');
    assert.equal((await query('SELECT count(*)::int AS n FROM institutions'))[0]?.n, 1);
    assert.ok(institution && institutionBefore);
    for (const [column, value] of Object.entries(institutionBefore)) {
      if (column === 'settings' || column === 'updated_at') continue;
      assert.deepEqual(institution[column], value, `institutions.${column}`);
    }
    assert.equal(institution.id, 1);
    assert.equal(institution.code, 'unicaen');
    assert.equal(institution.kind, 'institution');
    assert.equal(institution.parent_id, null);
    assert.equal(institution.disabled_at, null);
    const { requestRules: _rules, ...otherSettings } = institutionBefore.settings as Row;
    assert.deepEqual(institution.settings, otherSettings, 'settings kept, request rules moved out');
    const types = await query(`SELECT code, self_request, delivery_address, card_kinds, validity_months, affiliations, disabled_at
      FROM person_types WHERE institution_id = 1 ORDER BY position`);
    assert.deepEqual(types.map((row) => [row.code, row.self_request, row.delivery_address]), [
      ['student', true, false], // not in the stored rules: the default
      ['staff', false, true],
      ['guest', true, false],
      ['external', false, true],
    ]);
    for (const row of types) {
      assert.deepEqual(row.card_kinds, ['physical', 'virtual']);
      assert.equal(row.validity_months, null, 'validity: the institution setting (24 months)');
      assert.equal(row.disabled_at, null);
    }
    assert.deepEqual(types.find((row) => row.code === 'guest')?.affiliations, ['affiliate']);

    // 4. Persons: what moved is in one enrolment each, at the first institution, with the same
    //    dates; the search text keeps the identity (no student number any more).
    const enrolments = await query('SELECT * FROM enrolments ORDER BY person_id');
    assert.equal(enrolments.length, personsBefore.size);
    for (const enrolment of enrolments) {
      const old = personsBefore.get(String(enrolment.person_id));
      assert.ok(old, 'an enrolment of an existing person');
      assert.equal(enrolment.institution_id, 1);
      for (const column of [...MOVED_PERSON_COLUMNS, 'created_at', 'updated_at']) {
        assert.deepEqual(enrolment[column], old[column], `enrolments.${column} of ${String(old.eppn)}`);
      }
      assert.equal(enrolment.id, `${String(enrolment.person_id)}:1`);
    }
    const [alice] = await query('SELECT search_text FROM persons WHERE id = $1', [persons.alice]);
    assert.equal(alice?.search_text, 'durand alice alice.durand@unicaen.fr alice.durand@unicaen.fr 0123456789a');

    // 5. Cards: all issued by the first institution, in its own card group; the one ENABLED
    //    card per person and group still holds, and so does the rule on live chips.
    const cardRows = await query('SELECT id, state, institution_id, card_group FROM cards');
    assert.equal(cardRows.length, cardCount);
    for (const row of cardRows) assert.deepEqual([row.institution_id, row.card_group], [1, 1], `card ${String(row.state)}`);
    await assert.rejects(query(`UPDATE cards SET state = 'ENABLED' WHERE id = $1`, [cards.aliceDisabled]), (error: { code?: string }) => error.code === '23505');
    await assert.rejects(query(`UPDATE cards SET state = 'ENABLED', csn = '04AA000000000003' WHERE id = $1`, [cards.emmaChecked]),
      (error: { code?: string }) => error.code === '23505');
    const [renewal] = await query('SELECT renewal_of FROM cards WHERE id = $1', [cards.aliceRenewed]);
    assert.equal(renewal?.renewal_of, cards.aliceEnabled);

    // 6. Accounts and tokens keep their role and person types and cover every institution.
    for (const table of ['accounts', 'api_tokens']) {
      const grants = await query(`SELECT DISTINCT institution_ids FROM ${table}`);
      assert.deepEqual(grants, [{ institution_ids: null }], `${table} cover every institution`);
    }
    assert.deepEqual(await query('SELECT DISTINCT current_institution_id FROM accounts'), [{ current_institution_id: null }]);
    assert.deepEqual((await query(`SELECT institutions_covered('{1}') AS c`))[0]?.c, [1]);

    // 7. The audit log is append-only and the migrations did not rewrite history; entries about
    //    the institution's data are filed under it, a person's identity changes under none.
    const auditAfter = (await rowsOf(query, 'audit_log', auditColumns)).filter((row) => Number(row.id) <= Number(auditMark?.id));
    assert.deepEqual(difference(auditAfter, auditBefore), { missing: [], unexpected: [] });
    const filed = async (table: string, rowId: string) => (await query(
      'SELECT operation, changes, institution_id FROM audit_log WHERE table_name = $1 AND row_id = $2 AND id <= $3 ORDER BY id', [table, rowId, auditMark?.id]))
      .map((row) => [row.operation, Object.keys(row.changes as Row).includes('email') && row.operation === 'UPDATE' ? 'email' : 'other', row.institution_id]);
    assert.deepEqual(await filed('persons', persons.bruno), [['INSERT', 'other', 1], ['UPDATE', 'email', null]]);
    assert.deepEqual(await filed('persons', persons.alice), [['INSERT', 'other', 1], ['UPDATE', 'other', 1]]);
    assert.deepEqual((await query(`SELECT DISTINCT institution_id FROM audit_log WHERE table_name IN ('cards', 'card_moves', 'mails', 'institution')`)),
      [{ institution_id: 1 }]);
    assert.deepEqual((await query(`SELECT DISTINCT institution_id FROM audit_log WHERE table_name IN ('accounts', 'person_consents', 'photos')`)),
      [{ institution_id: null }]);
    // From now on the triggers file each entry under the institution of the row it records.
    await query(`UPDATE cards SET disable_comment = 'Retrouvée' WHERE id = $1`, [cards.aliceDisabled]);
    await query(`UPDATE persons SET first_name = 'Alicia' WHERE id = $1`, [persons.alice]);
    await query(`UPDATE enrolments SET student_number = '21901236' WHERE person_id = $1`, [persons.alice]);
    const latest = await query('SELECT table_name, institution_id FROM audit_log WHERE id > $1 ORDER BY id DESC LIMIT 3', [auditMark?.id]);
    assert.deepEqual(latest.reverse(), [
      { table_name: 'cards', institution_id: 1 }, { table_name: 'persons', institution_id: null }, { table_name: 'enrolments', institution_id: 1 },
    ]);
  } finally {
    await close();
  }
});

/** JSON text with object keys sorted at every depth, so equal values give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Row)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Rows expected but not found, and found but not expected (as canonical JSON): a short message when they differ. */
function difference(actual: Row[], expected: Row[]): { missing: string[]; unexpected: string[] } {
  const remaining = actual.map(canonical);
  const missing: string[] = [];
  for (const row of expected.map(canonical)) {
    const index = remaining.indexOf(row);
    if (index === -1) missing.push(row);
    else remaining.splice(index, 1);
  }
  return { missing, unexpected: remaining };
}

test('migration to several institutions: a database never set up (persons and cards, no institution row) gets the placeholder institution', { timeout: 120_000 }, async () => {
  const { database, query, close } = await databaseBeforeMigration(loadConfig().databaseUrl, '0019');
  try {
    const [person] = await query(`INSERT INTO persons (eppn, first_name, last_name, person_type, student_number, rights_end)
      VALUES ('zoe@example.fr', 'Zoé', 'Lambert', 'guest', 'G-17', '2026-12-31') RETURNING id`);
    const personId = String(person?.id);
    await query(`INSERT INTO cards (person_id, state, request_channel, requested_by, holder_eppn, holder_first_name, holder_last_name, holder_person_type)
      VALUES ($1, 'NEW', 'import', 'cli', 'zoe@example.fr', 'Zoé', 'Lambert', 'guest')`, [personId]);

    await migrate(database.pool);

    const institutions = await query('SELECT id, name, code, kind, pic, schac_home_organization, country, parent_id, settings FROM institutions');
    assert.deepEqual(institutions, [{
      id: 1, name: 'Établissement', code: 'main', kind: 'institution', pic: null, schac_home_organization: null, country: 'FR', parent_id: null, settings: {},
    }]);
    const types = await query('SELECT code, self_request, delivery_address FROM person_types WHERE institution_id = 1 ORDER BY position');
    assert.deepEqual(types.map((row) => [row.code, row.self_request, row.delivery_address]), [
      ['student', true, false], ['staff', true, true], ['guest', false, false], ['external', false, false],
    ], 'the built-in request rules');
    assert.deepEqual(await query('SELECT person_id, institution_id, person_type, student_number, rights_end FROM enrolments'),
      [{ person_id: personId, institution_id: 1, person_type: 'guest', student_number: 'G-17', rights_end: '2026-12-31' }]);
    assert.deepEqual(await query('SELECT institution_id, card_group FROM cards'), [{ institution_id: 1, card_group: 1 }]);
    // The next institution an admin creates gets the next id (the sequence starts past the placeholder).
    const [created] = await query(`INSERT INTO institutions (name, code, country) VALUES ('École', 'ecole', 'FR') RETURNING id`);
    assert.equal(created?.id, 2);
  } finally {
    await close();
  }
});

test('migration to several institutions: the application started on a database filled at 0018 shows the same persons, cards, mails, templates, statistics and accounts', { timeout: 180_000 }, async () => {
  const before = await databaseBeforeMigration(loadConfig().databaseUrl, '0019');
  const { persons, cards } = await fillSingleInstitution(before.query);
  const personsBefore = await before.query('SELECT * FROM persons ORDER BY id');
  const cardsBefore = new Map((await before.query('SELECT c.*, (SELECT count(*)::int FROM card_moves m WHERE m.card_id = c.id) AS moves FROM cards c')).map((row) => [String(row.id), row]));
  const mailsBefore = (await before.query('SELECT subject FROM mails ORDER BY subject')).map((row) => row.subject);
  // What `npm start` does on an old database: open it and migrate (PGlite: from a copy of its data directory).
  const dump = before.database.kind === 'pglite' ? await (before.database.dump as () => Promise<Blob>)() : undefined;
  await before.database.close();
  const config = loadConfig({
    DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...(before.target.databaseUrl ? { DATABASE_URL: before.target.databaseUrl } : {}),
  });
  config.dataDir = 'memory://';
  const runtime = await startRuntime(config, {
    command: 'test', http: true, workers: false, logger: pino({ level: 'silent' }),
    ...(dump ? { loadDataDir: dump } : {}),
    // The statistics window ends on the day after the last snapshot of the fixture.
    now: () => new Date('2026-01-10T12:00:00Z'),
  });
  try {
    const app = runtime.app;
    assert.ok(app);
    await runtime.services.auth.createAccount({ email: 'auditor@unicaen.fr', password: 'correct horse battery staple', role: 'admin', displayName: 'Auditor' }, { actor: 'test' });
    const anonymous = new TestClient(app);
    const login = await anonymous.post<{ csrfToken: string }>('/api/v1/auth/login', { email: 'auditor@unicaen.fr', password: 'correct horse battery staple' });
    assert.equal(login.status, 200, login.text);
    const setCookie = login.headers['set-cookie'];
    const admin = new TestClient(app, { cookie: String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '', csrfToken: login.body.csrfToken });

    // Persons: the enrolment fields read as they were, at the institution that was there.
    for (const old of personsBefore) {
      const person = await admin.get<Row & { enrolments: Row[] }>(`/api/v1/persons/${String(old.id)}`);
      assert.equal(person.status, 200, person.text);
      assert.deepEqual(
        [person.body.eppn, person.body.institution, person.body.personType, person.body.studentNumber, person.body.rightsEnd, person.body.academicLevel,
          person.body.affiliation, person.body.ine, person.body.locale, person.body.enrolments.length],
        [old.eppn, 'unicaen', old.person_type, old.student_number, old.rights_end, old.academic_level, old.affiliation, old.ine, old.locale, 1],
        String(old.eppn));
    }
    assert.equal((await admin.get<Row>(`/api/v1/persons/${persons.alice}`)).body.studentNumber, '21901235');

    // Cards: same state, numbers and history, issued by the institution.
    for (const [id, old] of cardsBefore) {
      const card = await admin.get<Row & { history: Row[] }>(`/api/v1/cards/${id}`);
      assert.equal(card.status, 200, card.text);
      assert.deepEqual([card.body.state, card.body.escn, (card.body.csn as Row | null)?.hex ?? null, card.body.cardKind, card.body.institution,
        card.body.history.length],
        [old.state, old.escn, old.csn, old.card_kind, 'unicaen', old.moves], `card ${String(old.state)}`);
    }
    const list = await admin.get<{ items: Row[] }>('/api/v1/cards?limit=200');
    assert.equal(list.body.items.length, cardsBefore.size);
    assert.equal((await admin.get<Row>(`/api/v1/cards/${cards.aliceRenewed}`)).body.state, 'RENEWED');

    // Mails and the templates an admin had rewritten (now the deployment-wide text).
    const mails = await admin.get<{ items: Row[] }>('/api/v1/mails?limit=200');
    assert.deepEqual(mails.body.items.map((mail) => mail.subject).sort(), mailsBefore);
    assert.deepEqual([...new Set(mails.body.items.map((mail) => mail.institution))], ['unicaen']);
    const templates = await admin.get<{ items: Array<Row & { override: Row | null }> }>('/api/v1/mail-templates');
    const ready = templates.body.items.find((item) => item.template === 'card_ready' && item.locale === 'fr');
    assert.deepEqual([ready?.institution, ready?.override?.subject], [null, 'Votre carte {{institutionName}} est prête']);

    // Statistics: the daily snapshots as the job wrote them.
    const stats = await admin.get<{ history: Array<{ day: string; byType: Record<string, Record<string, number>> }> }>('/api/v1/stats/cards?days=3');
    assert.equal(stats.status, 200, stats.text);
    const day = (wanted: string) => stats.body.history.find((entry) => entry.day === wanted)?.byType;
    assert.deepEqual(day('2026-01-08'), { student: { ENABLED: 2, NEW: 1 }, staff: { ENCODED: 1 } });
    assert.deepEqual(day('2026-01-09'), { student: { ENABLED: 2 }, guest: { NEW: 1 }, external: { IN_PRINT: 1 }, staff: { CADUC: 1 } });

    // Request rules, now the institution's person types.
    const types = await admin.get<Row[] | { items: Row[] }>('/api/v1/institutions/unicaen/person-types');
    assert.equal(types.status, 200, types.text);
    const typeRows = Array.isArray(types.body) ? types.body : types.body.items;
    assert.deepEqual(typeRows.map((type) => [type.code, type.selfRequest, type.deliveryAddress]),
      [['student', true, false], ['staff', false, true], ['guest', true, false], ['external', false, true]]);

    // Accounts keep their role and person types, and cover every institution.
    const accounts = await admin.get<{ items: Row[] }>('/api/v1/accounts?limit=500');
    const scolarite = accounts.body.items.find((account) => account.email === 'scolarite@unicaen.fr');
    assert.deepEqual([scolarite?.role, scolarite?.personTypes, scolarite?.institutions], ['manager', ['student'], null]);
    assert.deepEqual([...new Set(accounts.body.items.map((account) => account.institutions))], [null]);
  } finally {
    await runtime.close();
    await before.target.drop();
  }
});
