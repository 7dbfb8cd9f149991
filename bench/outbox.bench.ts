import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { startEscRouterSimulator, type EscRouterSimulator } from '../src/adapters/esc-router/esc-router.simulator.ts';
import { createEscRouterClient, isEscRouterError, type EscRouterClient } from '../src/adapters/esc-router/esc-router.client.ts';
import type { EscSyncService } from '../src/modules/esc/esc-sync.service.ts';
import type { SqlPool } from '../src/platform/db/pglite-pool.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

/** The onboarding the issue sizes the drain for: a deployment's every card registered at once. */
const ONBOARDED_CARDS = 300_000;
/** The engine's concurrency before ESC_SYNC_CONCURRENCY (eight calls in flight, whatever the router). */
const FORMER_CONCURRENCY = 8;
/** Subjects the former concurrency delivers at the router's latency: enough for a rate, not a whole drain (minutes). */
const FORMER_SAMPLE = 400;

/** What one drain measured. */
interface Drain {
  seconds: number;
  /** HTTP calls the router answered. */
  ops: number;
  rate: number;
}

/**
 * ESC outbox drain on PostgreSQL against the router simulator over HTTP, with the router's network
 * round trip played by the simulator (OUTBOX_LATENCY_MS, default 100 ms: a router 50–200 ms away;
 * a new connection pays one more round trip): router operations per second while workers bring the
 * router up to date for every enabled card of consenting persons, spread over the synthetic
 * institutions, each syncing with its own PIC and its own API key (set encrypted, as an admin
 * would). Baseline: the same calls sent straight through the client (no outbox, no database), with
 * the same concurrency and latency, in the same run. Then: the time to onboard 300,000 cards at
 * that rate (from the router calls one onboarded card costs, counted), against the engine's former
 * concurrency (8) measured in the same run on a sample; and the same drain without latency.
 * OUTBOX_PERSONS (default 5,000; about half hold a card the router shows) sizes the data,
 * ESC_SYNC_CONCURRENCY the engine's concurrency (the deployment's default otherwise).
 */
export async function runOutboxBench(options: { persons?: number; latencyMs?: number } = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const persons = options.persons ?? Number(process.env.OUTBOX_PERSONS ?? 5_000);
  const latencyMs = options.latencyMs ?? Number(process.env.OUTBOX_LATENCY_MS ?? 100);
  const simulator = await startEscRouterSimulator({ port: 0, apiKeys: {} });
  const database = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', ESC_ROUTER_URL: simulator.url,
    ESC_ROUTER_API_KEY: 'bench-deployment-key', ESC_KEY_ENCRYPTION_KEY: 'bench-key-encryption-secret-0123456789abcdef',
    ESC_SYNC_CONCURRENCY: process.env.ESC_SYNC_CONCURRENCY,
  });
  const concurrency = config.syncConcurrency.esc;
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    const pool = runtime.database.pool;
    const escSync = runtime.services.escSync;
    await loadSyntheticCards(pool, persons);
    const institutions = (await pool.query<{ id: number; pic: string }>(
      `SELECT id, pic FROM institutions WHERE kind = 'institution' AND pic IS NOT NULL ORDER BY id`)).rows;
    const keyOf = (id: number) => `bench-key-${id}`;
    for (const institution of institutions) {
      simulator.registerApiKey(keyOf(Number(institution.id)), { pic: institution.pic });
      await escSync.setApiKey(Number(institution.id), keyOf(Number(institution.id)), { actor: 'bench' });
    }
    await pool.query(`UPDATE persons SET esi = 'urn:schac:personalUniqueCode:int:esi:fr:' || ine`);
    await pool.query(`UPDATE enrolments SET academic_level = 6, rights_end = current_date + 365`);
    await pool.query(`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at)
      SELECT id, 'esc', true, '2026-01', 'office', now() FROM persons`);

    // At the router's latency, with the configured concurrency: the figure the goal is about.
    simulator.setLatency(latencyMs);
    const entries = await queueOnboarding(pool, simulator);
    const drain = await drainOutbox(escSync, simulator);
    const cardsAtRouter = simulator.state.cards.size;
    const opsPerCard = drain.ops / cardsAtRouter;
    const calls = callKinds(simulator);
    const calledWith = new Set(simulator.requestLog.map((entry) => entry.pic)).size;
    const connections = simulator.connectionsOpened;
    const direct = await sendDirect(pool, simulator, concurrency, keyOf);

    // The former concurrency, same latency, on a sample (a whole drain at 80 calls/s takes minutes).
    await queueOnboarding(pool, simulator);
    const former = await drainOutbox(escSync.withOptions({ concurrency: FORMER_CONCURRENCY }), simulator, FORMER_SAMPLE);

    // No latency: what the engine and the database give when the router answers at once.
    simulator.setLatency(0);
    await queueOnboarding(pool, simulator);
    const local = await drainOutbox(escSync, simulator);
    const directLocal = await sendDirect(pool, simulator, concurrency, keyOf);

    const minutes = (rate: number) => (ONBOARDED_CARDS * opsPerCard) / rate / 60;
    const onboarding = minutes(drain.rate);
    const onboardingBefore = minutes(former.rate);
    return {
      rows: [
        {
          metric: `outbox drain, router ${latencyMs} ms away, concurrency ${concurrency} (${entries} institution × person entries, ${calledWith} institutions' keys, ${cardsAtRouter} cards at router, ${connections} connections)`,
          value: drain.rate, unit: 'ops/s',
          baseline: { name: `client calls without outbox, concurrency ${concurrency}, ${latencyMs} ms`, value: direct.rate }, ratio: drain.rate / direct.rate,
          goal: '>= 500 ops/s', pass: drain.rate >= 500,
        },
        {
          metric: `onboarding ${ONBOARDED_CARDS.toLocaleString('en')} cards at ${latencyMs} ms (${opsPerCard.toFixed(2)} router calls per card: ${calls}); concurrency ${FORMER_CONCURRENCY} drained ${former.rate.toFixed(0)} ops/s`,
          value: onboarding, unit: 'min',
          baseline: { name: `concurrency ${FORMER_CONCURRENCY} (the former default), same latency`, value: onboardingBefore }, ratio: onboardingBefore / onboarding,
          goal: `<= ${minutes(500).toFixed(0)} min (500 ops/s)`, pass: drain.rate >= 500,
        },
        {
          metric: `outbox drain, router on the loopback without added latency, concurrency ${concurrency}`,
          value: local.rate, unit: 'ops/s',
          baseline: { name: `client calls without outbox, concurrency ${concurrency}, 0 ms`, value: directLocal.rate }, ratio: local.rate / directLocal.rate,
          goal: '>= 500 ops/s', pass: local.rate >= 500,
        },
      ],
      context: {
        database: 'postgresql', router: 'simulator over HTTP', latencyMs, concurrency, persons, opsPerCard, onboardedCards: ONBOARDED_CARDS,
        onboardingMinutes: onboarding, formerConcurrency: { concurrency: FORMER_CONCURRENCY, rate: former.rate, ops: former.ops, onboardingMinutes: onboardingBefore },
        drainSeconds: drain.seconds, connectionsOpened: connections,
      },
    };
  } finally {
    await runtime.close();
    await database.drop();
    await simulator.close();
  }
}

/**
 * An empty router and an outbox asking, for every institution's view of a person with a card the
 * router shows, to bring it there (what turning the sync on for a whole deployment does).
 */
async function queueOnboarding(pool: SqlPool, simulator: EscRouterSimulator): Promise<number> {
  simulator.reset();
  await pool.query(`DELETE FROM sync_outbox WHERE connector = 'esc'`);
  await pool.query(`DELETE FROM sync_records WHERE connector = 'esc'`);
  await pool.query(`DELETE FROM sync_leases WHERE connector = 'esc'`);
  const queued = await pool.query(`INSERT INTO sync_outbox (connector, institution_id, person_id, reason)
    SELECT DISTINCT 'esc', institution_id, person_id, 'bench' FROM cards WHERE state IN ('ENABLED', 'DISABLED')`);
  await pool.query('ANALYZE sync_outbox');
  return queued.rowCount ?? 0;
}

/** Passes until nothing is due (or `maxPersons` subjects are delivered), timed; the router's calls counted. */
async function drainOutbox(escSync: Pick<EscSyncService, 'deliverPending'>, simulator: EscRouterSimulator, maxPersons?: number): Promise<Drain> {
  const before = simulator.requestLog.length;
  const started = performance.now();
  let delivered = 0;
  for (let pass = 0; pass < 1000; pass++) {
    const report = await escSync.deliverPending(maxPersons === undefined ? {} : { maxPersons: maxPersons - delivered });
    delivered += report.persons;
    if (report.persons === 0 || (maxPersons !== undefined && delivered >= maxPersons)) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const ops = simulator.requestLog.length - before;
  return { seconds, ops, rate: ops / seconds };
}

/** The same onboarding sent straight through the client, `concurrency` persons at a time, each person's two calls in order. */
async function sendDirect(pool: SqlPool, simulator: EscRouterSimulator, concurrency: number, keyOf: (id: number) => string): Promise<Drain> {
  simulator.reset();
  const institutions = (await pool.query<{ id: number }>(`SELECT id FROM institutions WHERE kind = 'institution' AND pic IS NOT NULL`)).rows;
  const clients = new Map<number, EscRouterClient>(institutions.map((i) => [Number(i.id), createEscRouterClient({ baseUrl: simulator.url, apiKey: keyOf(Number(i.id)) })]));
  const rows = (await pool.query<{ institutionId: number; pic: string; esi: string; name: string; escn: string; state: string; expires: string; issued: string }>(`
    SELECT c.institution_id AS "institutionId", i.pic, p.esi, p.first_name || ' ' || p.last_name AS name, c.escn, c.state, c.expires_at::text AS expires,
      -- The issue date the sync sends: the card's first enabling, else its creation.
      (coalesce((SELECT min(m.at) FROM card_moves m WHERE m.card_id = c.id AND m.to_state = 'ENABLED'), c.created_at) AT TIME ZONE 'UTC')::date::text AS issued
    FROM cards c JOIN persons p ON p.id = c.person_id JOIN institutions i ON i.id = c.institution_id
    WHERE c.state IN ('ENABLED', 'DISABLED')`)).rows;
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < rows.length) {
      const row = rows[next++] as (typeof rows)[number];
      const client = clients.get(Number(row.institutionId)) as EscRouterClient;
      try {
        await client.upsertPerson({ identifier: row.esi, identifierCode: 'ESI', fullName: row.name,
          personOrganisationUpdateViews: [{ organisationIdentifier: row.pic, academicLevel: 'BACHELOR' }] });
        await client.upsertCard({ cardNumber: row.escn, cardStatusType: row.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', cardType: 'SMART_NO_CDZ',
          expiresAt: row.expires, issuedAt: row.issued, issuerIdentifier: row.pic, personIdentifier: row.esi });
      } catch (error) {
        // A refusal (a synthetic card expiring before its issue, say) ends the person, as it fails the sync's entry.
        if (!isEscRouterError(error) || error.kind !== 'failed') throw error;
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const ops = simulator.requestLog.length;
  return { seconds, ops, rate: ops / seconds };
}

/** The router's calls by method and resource, e.g. `POST /persons ×2500, POST /cards ×2500`. */
function callKinds(simulator: EscRouterSimulator): string {
  const counts = new Map<string, number>();
  for (const entry of simulator.requestLog) {
    const key = `${entry.method} ${entry.path.replace(/^\/api\/v2/, '').replace(/^(\/\w+)\/.+$/, '$1/{id}')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ');
}
