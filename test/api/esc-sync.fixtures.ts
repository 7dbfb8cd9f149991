/**
 * Shared set-up of the ESC Router sync tests: the application wired to a router simulator over
 * real HTTP, consents, set-based creation of many enabled cards, and the comparison of the
 * simulator's state with what campuscard says the router should hold.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startEscRouterSimulator, type EscRouterSimulator } from '../../src/adapters/esc-router/esc-router.simulator.ts';
import { createEscnGenerator } from '../../src/modules/esc/domain/escn.ts';
import type { Principal } from '../../src/modules/auth/domain/roles.ts';
import type { EscSyncService } from '../../src/modules/esc/esc-sync.service.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { configureInstitution, officeClients, type CardsWorld } from './cards.fixtures.ts';

export const PIC = '999999999';
export const ROUTER_KEY = 'test-router-key';
/** The secret institutions' own keys are encrypted with in these tests. */
export const KEY_ENCRYPTION_KEY = 'esc-sync-tests-key-encryption-secret-0123456789';

export interface EscWorld extends CardsWorld {
  sim: EscRouterSimulator;
  escSync: EscSyncService;
  close(): Promise<void>;
}

/** Millisecond backoffs (and no jitter) so that a test waits for retries in milliseconds, not minutes. */
export const FAST = { backoff: { baseMs: 5, maxMs: 40 }, random: () => 0.5 };

/** The app with ESC_ROUTER_URL pointing at a fresh simulator, the institution set up, office clients. */
export async function startEscWorld(options: { env?: Record<string, string>; settings?: Record<string, unknown> } = {}): Promise<EscWorld> {
  const sim = await startEscRouterSimulator({ apiKeys: { [ROUTER_KEY]: { pic: PIC, name: 'Université Exemple' } } });
  const t = await startTestApp({
    env: { ESC_ROUTER_URL: sim.url, ESC_ROUTER_API_KEY: ROUTER_KEY, ESC_KEY_ENCRYPTION_KEY: KEY_ENCRYPTION_KEY, ...(options.env ?? {}) },
  });
  await configureInstitution(t, options.settings ?? {});
  const world = await officeClients(t);
  return {
    ...world,
    sim,
    escSync: t.runtime.services.escSync,
    async close() {
      await t.close();
      await sim.close();
    },
  };
}

/** Records the person's ESC consent decision through the people service (as the office would). */
export async function setEscConsent(t: TestApp, personId: string, granted: boolean, kind: 'esc' | 'photo_publication' = 'esc'): Promise<void> {
  await t.runtime.services.people.setConsent(personId, { kind, granted, textVersion: '2026-01', locale: 'fr', channel: 'office' }, { actor: 'test' });
}

/** An admin principal for calling services directly. */
export const SYSTEM_ADMIN: Principal = {
  kind: 'token', id: 'test', actor: 'test', displayName: 'test', role: 'admin', personTypes: null, personId: null,
  institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
};

/** The first institution: the one every test world sets up (PIC {@link PIC}). */
export async function firstInstitution(t: TestApp): Promise<{ id: number; pic: string }> {
  const result = await sql<{ id: number }>`SELECT min(id) AS id FROM institutions`.execute(t.runtime.database.db);
  return { id: Number(result.rows[0]?.id), pic: PIC };
}

let batch = 0;

/**
 * Creates `count` students with an INE (hence an ESI) and, when `consent`, a granted ESC consent,
 * each with one card, set-based. `via: 'service'` inserts the cards ENCODED and enables each
 * through the cards service, so the outbox is written by the real listeners, one transaction per
 * card as in real life; `via: 'sql'` (fast, for a thousand cards) inserts them ENABLED and queues
 * their sync with the sync service's set-based `requestSync`. Returns the person ids.
 */
export async function bulkEnabledCards(t: TestApp, count: number,
  options: { consent?: boolean; via?: 'service' | 'sql'; institution?: { id: number; pic: string } } = {}): Promise<string[]> {
  const via = options.via ?? 'service';
  const institution = options.institution ?? await firstInstitution(t);
  const { db } = t.runtime.database;
  const { people, cards } = t.runtime.services;
  const tag = `${process.pid.toString(36)}${(++batch).toString(36)}`.slice(-6).padStart(6, '0');
  const inputs = Array.from({ length: count }, (_, i) => ({
    eppn: `bulk${tag}-${i}@univ.example.fr`,
    lastName: `Bulk${i}`,
    firstName: 'Étudiant',
    personType: 'student' as const,
    email: `bulk${tag}-${i}@mail.example.org`,
    ine: `${tag.toUpperCase().replace(/[^0-9A-Z]/g, '0')}${String(i).padStart(4, '0')}A`,
    academicLevel: 6 as const,
  }));
  const result = await people.upsertMany(db, inputs, { actor: 'test' }, { channel: 'api', institutionId: institution.id });
  const ids = result.results.map((row) => row.id);
  if (options.consent ?? true) {
    await sql`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at)
      SELECT u.p, 'esc', true, '2026-01', 'office', now() FROM unnest(${ids}::uuid[]) AS u(p)`.execute(db);
  }
  const generator = createEscnGenerator({ pic: institution.pic, prefix: 1 });
  const rows = ids.map((personId, i) => ({
    personId,
    institutionId: institution.id,
    cardGroup: institution.id,
    state: via === 'sql' ? 'ENABLED' : 'ENCODED',
    requestChannel: 'office' as const,
    requestedBy: 'test',
    photoId: null,
    escn: generator.next(),
    expiresAt: '2099-08-31',
    disableReason: null, disableComment: null, disabledBy: null, rejectReason: null, deliveryAddress: null, deliveredAt: null,
    dueDate: null, lockedBy: null, lockedAt: null, enabledAt: via === 'sql' ? new Date() : null, renewalOf: null, printedLines: null,
    csn: null, csnReversed: null, csnDecimal: null, csnDecimalReversed: null,
    holderEppn: inputs[i]?.eppn ?? '', holderFirstName: 'Étudiant', holderLastName: `Bulk${i}`, holderEmail: null,
    holderStudentNumber: null, holderIne: null, holderPersonType: 'student',
  }));
  const cardIds: string[] = [];
  for (let start = 0; start < rows.length; start += 500) {
    const inserted = await db.insertInto('cards').values(rows.slice(start, start + 500)).returning('id').execute();
    cardIds.push(...inserted.map((row) => row.id));
  }
  if (via === 'sql') {
    await t.runtime.services.escSync.requestSync(db, ids, 'card_enabled');
    return ids;
  }
  for (let start = 0; start < cardIds.length; start += 500) {
    const items = cardIds.slice(start, start + 500).map((cardId) => ({ cardId, to: 'ENABLED' }));
    const moved = await cards.moveMany(items, SYSTEM_ADMIN, { actor: 'test' });
    assert.ok(moved.every((item) => item.status === 200), JSON.stringify(moved.find((item) => item.status !== 200)));
  }
  return ids;
}

/**
 * What the router should hold according to campuscard's data, computed independently of the sync
 * code: for each institution with a PIC, `<PIC>:<esi>` of each consenting person it issued a card
 * that is ENABLED or DISABLED, and those cards with their issuer.
 */
export async function expectedRouterState(t: TestApp, options: { deleteDisabledCards?: boolean } = {}) {
  const { db } = t.runtime.database;
  const rows = await sql<{ pic: string; esi: string; escn: string; state: string; expiresAt: string }>`
    SELECT i.pic, p.esi, c.escn, c.state, c.expires_at::text AS "expiresAt"
    FROM persons p JOIN person_consents pc ON pc.person_id = p.id AND pc.kind = 'esc' AND pc.granted
    JOIN cards c ON c.person_id = p.id AND c.escn IS NOT NULL AND c.state IN ('ENABLED', 'DISABLED')
    JOIN institutions i ON i.id = c.institution_id AND i.pic IS NOT NULL`.execute(db);
  const persons = new Set<string>();
  const cards = new Map<string, { status: string; person: string; expiresAt: string; issuer: string }>();
  for (const row of rows.rows) {
    persons.add(`${row.pic}:${row.esi.toLowerCase()}`);
    if (row.state === 'DISABLED' && options.deleteDisabledCards) continue;
    cards.set(row.escn, {
      status: row.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', person: row.esi.toLowerCase(), expiresAt: row.expiresAt, issuer: row.pic,
    });
  }
  return { persons, cards };
}

/** The simulator's state in the same shape: one `<PIC>:<esi>` per institution's link to a person. */
export function routerState(sim: EscRouterSimulator) {
  const persons = new Set([...sim.state.persons].flatMap(([esi, person]) => [...person.organisations.keys()].map((pic) => `${pic}:${esi}`)));
  const cards = new Map([...sim.state.cards.values()].map((card) => [card.cardNumber.toLowerCase(), {
    status: card.cardStatusType, person: card.personIdentifier.toLowerCase(), expiresAt: card.expiresAt, issuer: card.issuerIdentifier,
  }]));
  return { persons, cards };
}

/** Asserts that the router holds exactly what campuscard says it should. */
export async function assertRouterMatches(t: TestApp, sim: EscRouterSimulator, options: { deleteDisabledCards?: boolean } = {}): Promise<void> {
  const expected = await expectedRouterState(t, options);
  const actual = routerState(sim);
  assert.deepEqual([...actual.persons].sort(), [...expected.persons].sort(), 'persons at the router');
  assert.deepEqual(new Map([...actual.cards].sort()), new Map([...expected.cards].sort()), 'cards at the router');
}

/**
 * Delivers until nothing is pending, waiting for backoff delays to pass (tests use millisecond
 * backoffs). Fails after `maxRounds`.
 */
export async function drain(escSync: Pick<EscSyncService, 'deliverPending' | 'status'>, maxRounds = 500): Promise<number> {
  let rounds = 0;
  for (;;) {
    await escSync.deliverPending();
    const status = await escSync.status();
    if (status.counts.pending === 0) return rounds;
    rounds += 1;
    assert.ok(rounds < maxRounds, `still ${status.counts.pending} pending after ${rounds} rounds`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Requests the simulator saw, by method and path template. */
export function callCounts(sim: EscRouterSimulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of sim.requestLog) {
    const template = entry.path.replace(/\/persons\/[^/]+/, '/persons/{esi}').replace(/\/cards\/[^/]+/, '/cards/{escn}');
    const key = `${entry.method} ${template} ${entry.status ?? 'reset'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
