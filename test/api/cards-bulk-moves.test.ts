import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import type { Principal } from '../../src/modules/auth/domain/roles.ts';
import { CARD_STATES, type CardState } from '../../src/modules/cards/domain/card-state.ts';
import { USER_MOVES } from '../../src/modules/cards/domain/card-state-machine.ts';
import type { BulkMoveItem, BulkMoveResult } from '../../src/modules/cards/cards.service.ts';
import { ProblemError } from '../../src/platform/http/problem.ts';
import { configureInstitution, createInstitution, createPerson, officeClients, type CardsWorld } from './cards.fixtures.ts';

/**
 * Bulk moves (issue 12) are set-based, yet answer and write exactly what as many single moves
 * would: the equivalence is checked on twin worlds (the same holders and cards in the same
 * states, created twice), one moved card by card, the other in one bulk move, comparing the
 * per-card answers and every row the moves write (cards, history, audit entries, events, ESC and
 * webhook outbox entries, mails). A manager of one institution reaches nobody else's cards.
 */
let w: CardsWorld;
let t: TestApp;
let idA: number;
let idB: number;
let managerA: TestClient;
let codeA: string;
let principal: Principal;

before(async () => {
  t = await startTestApp({
    env: {
      ESC_ROUTER_URL: 'http://127.0.0.1:9', ESC_ROUTER_API_KEY: 'bulk-test-key',
      CONNECTOR_SECRETS_KEY: 'bulk-test-connector-secrets-key-0123456789', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
    },
  });
  await configureInstitution(t);
  w = await officeClients(t);
  idA = 1;
  idB = await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  const everywhere = { institutionIds: null, personTypes: null, focusInstitutionId: null };
  await t.runtime.services.webhooks.create(everywhere, { url: 'http://127.0.0.1:9/hook', events: ['card.*'], institution: null, grants: [] }, { actor: 'test' });
  codeA = await codeOf(idA);
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  const id = randomUUID();
  principal = {
    kind: 'session', id, actor: `account:${id}`, displayName: 'manager A', role: 'manager', personTypes: null,
    institutionIds: [idA], grantedInstitutionIds: [idA], focusInstitutionId: null, personId: null,
  };
});
after(async () => { await t.close(); });

async function codeOf(institutionId: number): Promise<string> {
  const result = await sql<{ code: string }>`SELECT code FROM institutions WHERE id = ${institutionId}`.execute(t.runtime.database.db);
  return result.rows[0]?.code as string;
}

/** A card to create: its state and what a card in that state may carry. */
interface CardSpec {
  state: CardState;
  lock: 'none' | 'mine' | 'other';
  disable: 'none' | 'manager' | 'self';
}

interface WorldSpec {
  /** The cards of each holder at institution A, oldest first (at most one ENABLED each). */
  holders: CardSpec[][];
  items: Array<{ target: number | 'elsewhere' | 'missing'; to: string; reason?: string; comment?: string; expectedVersion?: number }>;
}

/** One world's persons and cards: A's holders, and one card of institution B. */
interface Twin {
  personIds: string[];
  cardIds: string[];
  elsewhere: string;
}

const MISSING = '00000000-0000-4000-8000-00000000dead';

async function insertCard(personId: string, institutionId: number, spec: CardSpec, order: number): Promise<string> {
  const locked = spec.state === 'IN_PRINT' || spec.state === 'IN_ENCODE';
  const lockedBy = !locked || spec.lock === 'none' ? null : spec.lock === 'mine' ? principal.id : randomUUID();
  const disabled = spec.state === 'DISABLED' || spec.state === 'CADUC';
  const disable = !disabled || spec.disable === 'none' ? null
    : spec.disable === 'manager' ? { reason: 'MANAGER', by: 'manager', comment: 'vu' } : { reason: 'LOST', by: 'self', comment: null };
  const result = await sql<{ id: string }>`
    INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, escn, expires_at, locked_by, locked_at,
      disable_reason, disabled_by, disable_comment, created_at, holder_eppn, holder_first_name, holder_last_name, holder_email, holder_person_type)
    SELECT p.id, ${institutionId}, ${institutionId}, ${spec.state}, 'office', 'test', ${randomUUID()}, current_date + 300,
      ${lockedBy}, ${lockedBy === null ? null : new Date()}, ${disable?.reason ?? null}, ${disable?.by ?? null}, ${disable?.comment ?? null},
      now() - make_interval(secs => 100 - ${order}), p.eppn, p.first_name, p.last_name, p.email, 'student'
    FROM persons p WHERE p.id = ${personId}
    RETURNING id`.execute(t.runtime.database.db);
  return result.rows[0]?.id as string;
}

async function createTwin(spec: WorldSpec): Promise<Twin> {
  const personIds: string[] = [];
  const cardIds: string[] = [];
  let order = 0;
  for (const cards of spec.holders) {
    const person = await createPerson(t, { institution: codeA });
    personIds.push(person.id);
    for (const card of cards) cardIds.push(await insertCard(person.id, idA, card, order++));
  }
  const other = await createPerson(t, { institution: 'ecole-b' });
  personIds.push(other.id);
  const elsewhere = await insertCard(other.id, idB, { state: 'NEW', lock: 'none', disable: 'none' }, order);
  return { personIds, cardIds, elsewhere };
}

function itemsOf(spec: WorldSpec, twin: Twin): BulkMoveItem[] {
  return spec.items.map(({ target, ...move }) => {
    const cardId = target === 'elsewhere' ? twin.elsewhere : target === 'missing' ? MISSING : twin.cardIds[target % twin.cardIds.length] as string;
    return { cardId, ...move } as BulkMoveItem;
  });
}

/** The first ids of the logs the moves append to, so a snapshot reads only what they wrote. */
async function marks(): Promise<{ audit: string; events: string; outbox: string }> {
  const result = await sql<{ audit: string; events: string; outbox: string }>`SELECT
    (SELECT coalesce(max(id), 0) FROM audit_log)::text AS audit, (SELECT coalesce(max(id), 0) FROM events)::text AS events,
    (SELECT coalesce(max(id), 0) FROM sync_outbox)::text AS outbox`.execute(t.runtime.database.db);
  return result.rows[0] as { audit: string; events: string; outbox: string };
}

/** Everything the moves wrote in a world, with ids replaced by positions (cards a renewal created: `new`). */
async function snapshot(twin: Twin, since: { audit: string; events: string; outbox: string }, results: BulkMoveResult[]) {
  const db = t.runtime.database.db;
  const known = new Map<string, string>([...twin.cardIds.map((id, index) => [id, `card${index}`] as const), [twin.elsewhere, 'elsewhere'], [MISSING, 'missing']]);
  const persons = new Map(twin.personIds.map((id, index) => [id, `person${index}`]));
  const key = (id: string | null) => (id === null ? null : known.get(id) ?? 'new');
  const cards = (await sql<Record<string, unknown> & { id: string; personId: string; renewalOf: string | null }>`
    SELECT id, person_id AS "personId", state, version, locked_by AS "lockedBy", disable_reason AS "disableReason", disabled_by AS "disabledBy",
      disable_comment AS "disableComment", reject_reason AS "rejectReason", printed_lines IS NOT NULL AS printed, enabled_at IS NOT NULL AS enabled,
      renewal_of AS "renewalOf", request_channel AS channel
    FROM cards WHERE person_id = ANY(${twin.personIds}::uuid[]) ORDER BY created_at, id`.execute(db)).rows
    .map(({ id, personId, renewalOf, lockedBy, ...row }) => ({
      ...row, card: key(id), person: persons.get(personId), renewalOf: key(renewalOf),
      lockedBy: lockedBy === null ? null : lockedBy === principal.id ? 'mine' : 'other',
    }));
  const ids = (await sql<{ id: string }>`SELECT id FROM cards WHERE person_id = ANY(${twin.personIds}::uuid[])`.execute(db)).rows.map((row) => row.id);
  const history = (await sql<{ cardId: string; actorKind: string; actor: string; fromState: string | null; toState: string; reason: string | null; comment: string | null }>`
    SELECT card_id AS "cardId", actor_kind AS "actorKind", actor, from_state AS "fromState", to_state AS "toState", reason, comment
    FROM card_moves WHERE card_id = ANY(${ids}::uuid[]) AND at > now() - interval '1 hour' ORDER BY seq`.execute(db)).rows
    .map(({ cardId, ...row }) => ({ ...row, card: key(cardId) }));
  const audit = (await sql<{ tableName: string; operation: string; rowId: string; changes: Record<string, unknown> }>`
    SELECT table_name AS "tableName", operation, row_id AS "rowId", changes FROM audit_log
    WHERE id > ${since.audit}::bigint AND table_name IN ('cards', 'card_moves', 'mails') ORDER BY id`.execute(db)).rows
    .filter((row) => row.tableName !== 'cards' || ids.includes(row.rowId))
    .map((row) => ({
      table: row.tableName, operation: row.operation,
      // Keys as the application reads them (camel case); a mail is about its person.
      card: row.tableName === 'cards' ? key(row.rowId)
        : row.tableName === 'mails' ? persons.get(String(row.changes.personId)) ?? null : key(String(row.changes.cardId)),
      changed: Object.keys(row.changes).sort(),
    }));
  const events = (await sql<{ cardId: string | null; name: string; payload: Record<string, unknown> }>`
    SELECT card_id AS "cardId", name, payload FROM events WHERE id > ${since.events}::bigint AND person_id = ANY(${twin.personIds}::uuid[]) ORDER BY id`.execute(db)).rows
    .map((row) => ({ card: key(row.cardId), name: row.name, from: row.payload.from, to: row.payload.to, disableReason: row.payload.disableReason }));
  // A webhook entry names its event, not its card: the event says which card it is about.
  const outbox = (await sql<{ connector: string; personId: string; reason: string; cardId: string | null }>`
    SELECT o.connector, o.person_id::text AS "personId", o.reason, coalesce(o.target->>'cardId', e.card_id::text) AS "cardId"
    FROM sync_outbox o LEFT JOIN events e ON e.id = (o.target->>'eventId')::bigint
    WHERE o.id > ${since.outbox}::bigint ORDER BY o.id`.execute(db)).rows
    .map((row) => ({ connector: row.connector, person: persons.get(row.personId) ?? 'endpoint', reason: row.reason, card: key(row.cardId) }));
  const mails = (await sql<{ personId: string; template: string }>`
    SELECT person_id AS "personId", template FROM mails WHERE person_id = ANY(${twin.personIds}::uuid[])`.execute(db)).rows
    .map((row) => `${persons.get(row.personId)}:${row.template}`).sort();
  const byCard = <T extends { card: string | null | undefined }>(rows: T[]) => [...rows].sort((a, b) => String(a.card).localeCompare(String(b.card)));
  return {
    results: results.map((result) => ({
      card: key(result.cardId), status: result.status, code: result.problem?.code ?? null, field: result.problem?.field ?? null,
      state: result.card?.state ?? null, version: result.card?.version ?? null, created: result.card ? key(result.card.id) : null,
    })),
    cards, history: byCard(history),
    // Per card, in the order written (a bulk groups the cards: the order across cards is not kept).
    audit: byCard(audit), events: byCard(events),
    outbox: [...outbox].sort((a, b) => `${a.connector}${a.person}${a.card}`.localeCompare(`${b.connector}${b.person}${b.card}`)),
    mails,
  };
}

/** The per-card answers of single moves made one after the other (the behaviour bulk moves keep). */
async function moveOneByOne(items: readonly BulkMoveItem[]): Promise<BulkMoveResult[]> {
  const results: BulkMoveResult[] = [];
  for (const item of items) {
    try {
      const { cardId, ...input } = item;
      const card = await t.runtime.services.cards.move(cardId, input, principal, { actor: principal.actor });
      results.push({ cardId, status: 200, card: { id: card.id, state: card.state, version: card.version } });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      results.push({ cardId: item.cardId, status: error.status, problem: { code: error.code, detail: error.message, ...(error.field ? { field: error.field } : {}) } });
    }
  }
  return results;
}

const cardSpec = fc.record({
  state: fc.constantFrom(...CARD_STATES),
  lock: fc.constantFrom('none' as const, 'mine' as const, 'other' as const),
  disable: fc.constantFrom('none' as const, 'manager' as const, 'self' as const),
});
/** A holder's cards, at most one of them ENABLED (the database's rule). */
const holderCards = fc.array(cardSpec, { minLength: 1, maxLength: 3 })
  .map((cards) => cards.map((card, index) => (card.state === 'ENABLED' && cards.findIndex((other) => other.state === 'ENABLED') !== index ? { ...card, state: 'DISABLED' as const } : card)));
/** The states a card may be asked to go to by the office, per state (the moves most bulk requests make). */
function officeTargets(state: CardState): CardState[] {
  return [...new Set(USER_MOVES.filter((rule) => rule.from === state).map((rule) => rule.to))];
}

/** Holders, then moves: mostly to a state the card's own state leads to, sometimes anywhere. */
const worldSpec: fc.Arbitrary<WorldSpec> = fc.array(holderCards, { minLength: 1, maxLength: 5 }).chain((holders) => {
  const states = holders.flat().map((card) => card.state);
  const move = fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: states.length - 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('elsewhere' as const, 'missing' as const) },
  ).chain((target) => {
    const legal = typeof target === 'number' ? officeTargets(states[target] as CardState) : [];
    const anywhere = fc.oneof({ weight: 9, arbitrary: fc.constantFrom<string>(...CARD_STATES) }, { weight: 1, arbitrary: fc.constant('BOGUS') });
    return fc.record({
      target: fc.constant(target),
      to: legal.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom<string>(...legal) }, { weight: 1, arbitrary: anywhere }) : anywhere,
      reason: fc.option(fc.constantFrom('LOST', 'MANAGER', 'REPLACED', 'NOPE'), { nil: undefined }),
      comment: fc.option(fc.constantFrom('pourquoi pas', '  '), { freq: 2, nil: undefined }),
      expectedVersion: fc.option(fc.constantFrom(1, 2), { freq: 4, nil: undefined }),
    }, { requiredKeys: ['target', 'to'] });
  });
  return fc.record({ holders: fc.constant(holders), items: fc.array(move, { minLength: 1, maxLength: 8 }) });
});

test('a bulk move answers and writes exactly what single moves one after the other do (property, twin worlds)', async () => {
  let moved = 0;
  await fc.assert(fc.asyncProperty(worldSpec, async (spec) => {
    const singleTwin = await createTwin(spec);
    const bulkTwin = await createTwin(spec);
    const beforeSingle = await marks();
    const single = await snapshot(singleTwin, beforeSingle, await moveOneByOne(itemsOf(spec, singleTwin)));
    const beforeBulk = await marks();
    const bulkResults = await t.runtime.services.cards.moveMany(itemsOf(spec, bulkTwin), principal, { actor: principal.actor });
    const bulk = await snapshot(bulkTwin, beforeBulk, bulkResults);
    assert.deepEqual(bulk, single);
    moved += bulkResults.filter((result) => result.status === 200).length;
  }), { numRuns: 1, examples: [[{"holders":[[{"state":"CADUC","lock":"none","disable":"self"},{"state":"RENEWED","lock":"other","disable":"none"},{"state":"ENCODED","lock":"other","disable":"none"}],[{"state":"DESTROYED","lock":"other","disable":"self"},{"state":"NEW","lock":"none","disable":"self"}],[{"state":"ENCODED","lock":"mine","disable":"self"}]],"items":[{"target":0,"to":"DESTROYED"},{"target":5,"to":"ENABLED"},{"target":0,"to":"DESTROYED"}]}]] });
  // The generator leans to moves the office makes: the runs must have moved cards, not only refused them.
  assert.ok(moved > 0, 'no move succeeded in any run');
});

test('many holders checked in one bulk move: grouped writes, the same rows as one by one', async () => {
  const spec: WorldSpec = {
    holders: Array.from({ length: 12 }, (_, index) => [{ state: index % 3 === 0 ? 'ENABLED' : index % 3 === 1 ? 'NEW' : 'IN_PRINT', lock: 'mine', disable: 'none' }]),
    items: Array.from({ length: 12 }, (_, index) => ({
      target: index, to: index % 3 === 0 ? 'DISABLED' : index % 3 === 1 ? 'REQUEST_CHECKED' : 'PRINTED', ...(index % 3 === 0 ? { reason: 'LOST' } : {}),
    })),
  };
  const singleTwin = await createTwin(spec);
  const bulkTwin = await createTwin(spec);
  const single = await snapshot(singleTwin, await marks(), await moveOneByOne(itemsOf(spec, singleTwin)));
  const beforeBulk = await marks();
  const bulk = await snapshot(bulkTwin, beforeBulk, await t.runtime.services.cards.moveMany(itemsOf(spec, bulkTwin), principal, { actor: principal.actor }));
  assert.deepEqual(bulk, single);
  assert.ok(bulk.results.every((result) => result.status === 200));
  assert.equal(bulk.outbox.filter((entry) => entry.connector === 'esc').length, 4, 'the disabled cards are filed for the ESC Router');
  assert.equal(bulk.mails.length, 8, 'mails: four checked requests, four disabled cards');
});

test('a manager of A moves no card of B through a bulk move: 404 per card, nothing written, the others move', async () => {
  const twin = await createTwin({ holders: [[{ state: 'NEW', lock: 'none', disable: 'none' }]], items: [] });
  const since = await marks();
  const response = await managerA.post<{ results: BulkMoveResult[] }>('/api/v1/cards/moves', {
    items: [{ cardId: twin.elsewhere, to: 'REQUEST_CHECKED' }, { cardId: twin.cardIds[0], to: 'REQUEST_CHECKED' }],
  });
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body.results.map((result) => [result.status, result.problem?.code ?? result.card?.state]),
    [[404, 'card_not_found'], [200, 'REQUEST_CHECKED']]);
  const db = t.runtime.database.db;
  const card = (await sql<{ state: string; version: number }>`SELECT state, version FROM cards WHERE id = ${twin.elsewhere}`.execute(db)).rows[0];
  assert.deepEqual(card, { state: 'NEW', version: 1 });
  const written = await sql<{ n: number }>`SELECT
    (SELECT count(*) FROM card_moves WHERE card_id = ${twin.elsewhere}) + (SELECT count(*) FROM audit_log WHERE id > ${since.audit}::bigint AND row_id = ${twin.elsewhere})
    + (SELECT count(*) FROM events WHERE id > ${since.events}::bigint AND card_id = ${twin.elsewhere})
    + (SELECT count(*) FROM mails WHERE person_id = ${twin.personIds[1]}) AS n`.execute(db);
  assert.equal(Number(written.rows[0]?.n), 0);
  // B's own manager, through the same route, moves it.
  const managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  const byB = await managerB.post<{ results: BulkMoveResult[] }>('/api/v1/cards/moves', { items: [{ cardId: twin.elsewhere, to: 'REQUEST_CHECKED' }] });
  assert.deepEqual(byB.body.results.map((result) => result.status), [200]);
});

test('a bad bulk request is a 4xx problem, never a 5xx', async () => {
  const bad: unknown[] = [
    {}, { items: [] }, { items: 'all' }, { items: [{ to: 'REQUEST_CHECKED' }] }, { items: [{ cardId: MISSING }] },
    { items: [{ cardId: MISSING, to: 'REQUEST_CHECKED', extra: 1 }] }, { items: [{ cardId: MISSING, to: 'REQUEST_CHECKED', expectedVersion: 'one' }] },
    { items: Array.from({ length: 501 }, () => ({ cardId: MISSING, to: 'REQUEST_CHECKED' })) },
  ];
  for (const body of bad) {
    const response = await managerA.post('/api/v1/cards/moves', body);
    assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(body).slice(0, 80)}: ${response.status}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(typeof response.body.code, 'string');
  }
  const perCard = await managerA.post<{ results: BulkMoveResult[] }>('/api/v1/cards/moves', {
    items: [{ cardId: 'not-a-uuid', to: 'REQUEST_CHECKED' }, { cardId: MISSING, to: 'NOWHERE' }, { cardId: MISSING, to: 'DISABLED', reason: 'BORED' }],
  });
  assert.equal(perCard.status, 200);
  assert.deepEqual(perCard.body.results.map((result) => [result.status, result.problem?.code, result.problem?.field ?? null]),
    [[404, 'card_not_found', null], [422, 'unknown_state', '/to'], [422, 'reason_not_allowed', '/reason']]);
});
