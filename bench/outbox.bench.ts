import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { startEscRouterSimulator } from '../src/adapters/esc-router/esc-router.simulator.ts';
import { createEscRouterClient, type EscRouterClient } from '../src/adapters/esc-router/esc-router.client.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

/**
 * ESC outbox drain on PostgreSQL against the router simulator over HTTP: router operations per
 * second while workers bring the router up to date for every enabled card of consenting persons,
 * spread over the synthetic institutions, each syncing with its own PIC and its own API key (set
 * encrypted, as an admin would), against the same operations sent straight through the client
 * (no outbox, no database) in the same run, with the same concurrency.
 */
export async function runOutboxBench(options: { persons?: number } = {}): Promise<BenchRow[]> {
  const persons = options.persons ?? 5_000;
  const simulator = await startEscRouterSimulator({ port: 0, apiKeys: {} });
  const database = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', ESC_ROUTER_URL: simulator.url,
    ESC_ROUTER_API_KEY: 'bench-deployment-key', ESC_KEY_ENCRYPTION_KEY: 'bench-key-encryption-secret-0123456789abcdef',
  });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    const pool = runtime.database.pool;
    await loadSyntheticCards(pool, persons);
    const institutions = (await pool.query<{ id: number; pic: string }>(
      `SELECT id, pic FROM institutions WHERE kind = 'institution' AND pic IS NOT NULL ORDER BY id`)).rows;
    const keyOf = (id: number) => `bench-key-${id}`;
    for (const institution of institutions) {
      simulator.registerApiKey(keyOf(Number(institution.id)), { pic: institution.pic });
      await runtime.services.escSync.setApiKey(Number(institution.id), keyOf(Number(institution.id)), { actor: 'bench' });
    }
    await pool.query(`UPDATE persons SET esi = 'urn:schac:personalUniqueCode:int:esi:fr:' || ine`);
    await pool.query(`UPDATE enrolments SET academic_level = 6, rights_end = current_date + 365`);
    await pool.query(`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at)
      SELECT id, 'esc', true, '2026-01', 'office', now() FROM persons`);
    const queued = await pool.query(`INSERT INTO sync_outbox (connector, institution_id, person_id, reason)
      SELECT DISTINCT 'esc', institution_id, person_id, 'bench' FROM cards WHERE state IN ('ENABLED', 'DISABLED')`);
    const entries = queued.rowCount ?? 0;

    const started = performance.now();
    for (let pass = 0; pass < 1000; pass++) {
      const report = await runtime.services.escSync.deliverPending({});
      if (report.persons === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const outboxOps = simulator.requestLog.length;
    const cardsAtRouter = simulator.state.cards.size;
    const calledWith = new Set(simulator.requestLog.map((entry) => entry.pic)).size;

    simulator.reset();
    const clients = new Map<number, EscRouterClient>(institutions.map((i) => [Number(i.id), createEscRouterClient({ baseUrl: simulator.url, apiKey: keyOf(Number(i.id)) })]));
    const rows = (await pool.query<{ institutionId: number; pic: string; esi: string; name: string; escn: string; state: string; expires: string }>(`
      SELECT c.institution_id AS "institutionId", i.pic, p.esi, p.first_name || ' ' || p.last_name AS name, c.escn, c.state, c.expires_at::text AS expires
      FROM cards c JOIN persons p ON p.id = c.person_id JOIN institutions i ON i.id = c.institution_id
      WHERE c.state IN ('ENABLED', 'DISABLED')`)).rows;
    const directStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < rows.length) {
        const row = rows[next++] as (typeof rows)[number];
        const client = clients.get(Number(row.institutionId)) as EscRouterClient;
        await client.upsertPerson({ identifier: row.esi, identifierCode: 'ESI', fullName: row.name,
          personOrganisationUpdateViews: [{ organisationIdentifier: row.pic, academicLevel: 'BACHELOR' }] });
        await client.upsertCard({ cardNumber: row.escn, cardStatusType: row.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', cardType: 'SMART_NO_CDZ',
          expiresAt: row.expires, issuedAt: new Date().toISOString().slice(0, 10), issuerIdentifier: row.pic, personIdentifier: row.esi });
      }
    }));
    const directSeconds = (performance.now() - directStarted) / 1000;
    const directOps = simulator.requestLog.length;

    const rate = outboxOps / seconds;
    const directRate = directOps / directSeconds;
    return [
      { metric: `outbox drain (${entries} institution × person entries, ${calledWith} institutions' keys, ${cardsAtRouter} cards at router)`, value: rate, unit: 'ops/s',
        baseline: { name: 'client calls without outbox', value: directRate }, ratio: rate / directRate, goal: '>= 500 ops/s', pass: rate >= 500 },
    ];
  } finally {
    await runtime.close();
    await database.drop();
    await simulator.close();
  }
}
