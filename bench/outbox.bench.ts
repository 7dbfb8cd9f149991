import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { startEscRouterSimulator } from '../src/adapters/esc-router/esc-router.simulator.ts';
import { createEscRouterClient } from '../src/adapters/esc-router/esc-router.client.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

const PIC = '999000001';
const API_KEY = 'bench-key';

/**
 * ESC outbox drain on PostgreSQL against the router simulator over HTTP: router operations per
 * second while workers bring the router up to date for every enabled card of consenting persons,
 * against the same operations sent straight through the client (no outbox, no database) in the
 * same run, with the same concurrency.
 */
export async function runOutboxBench(options: { persons?: number } = {}): Promise<BenchRow[]> {
  const persons = options.persons ?? 5_000;
  const simulator = await startEscRouterSimulator({ port: 0, apiKeys: { [API_KEY]: { pic: PIC } } });
  const database = await freshDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', ESC_ROUTER_URL: simulator.url, ESC_ROUTER_API_KEY: API_KEY });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    await runtime.services.institution.save({ name: 'Bench University', pic: PIC, schacHomeOrganization: 'bench.example', country: 'FR', esiScope: 'national' }, { actor: 'bench' });
    const pool = runtime.database.pool;
    await loadSyntheticCards(pool, persons);
    await pool.query(`UPDATE persons SET esi = 'urn:schac:personalUniqueCode:int:esi:fr:' || ine, academic_level = 6, rights_end = current_date + 365`);
    await pool.query(`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at)
      SELECT id, 'esc', true, '2026-01', 'office', now() FROM persons`);
    const queued = await pool.query(`INSERT INTO esc_outbox (person_id, reason)
      SELECT DISTINCT person_id, 'bench' FROM cards WHERE state IN ('ENABLED', 'DISABLED')`);
    const entries = queued.rowCount ?? 0;

    const started = performance.now();
    for (let pass = 0; pass < 1000; pass++) {
      const report = await runtime.services.escSync.deliverPending({});
      if (report.persons === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const outboxOps = simulator.requestLog.length;
    const cardsAtRouter = simulator.state.cards.size;

    simulator.reset();
    const client = createEscRouterClient({ baseUrl: simulator.url, apiKey: API_KEY });
    const rows = (await pool.query<{ esi: string; name: string; escn: string; state: string; expires: string }>(`
      SELECT p.esi, p.first_name || ' ' || p.last_name AS name, c.escn, c.state, c.expires_at::text AS expires
      FROM cards c JOIN persons p ON p.id = c.person_id WHERE c.state IN ('ENABLED', 'DISABLED')`)).rows;
    const directStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < rows.length) {
        const row = rows[next++] as (typeof rows)[number];
        await client.upsertPerson({ identifier: row.esi, identifierCode: 'ESI', fullName: row.name,
          personOrganisationUpdateViews: [{ organisationIdentifier: PIC, academicLevel: 'BACHELOR' }] } as never);
        await client.upsertCard({ cardNumber: row.escn, cardStatusType: row.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', cardType: 'SMART_NO_CDZ',
          expiresAt: row.expires, issuedAt: new Date().toISOString().slice(0, 10), issuerIdentifier: PIC, personIdentifier: row.esi } as never);
      }
    }));
    const directSeconds = (performance.now() - directStarted) / 1000;
    const directOps = simulator.requestLog.length;

    const rate = outboxOps / seconds;
    const directRate = directOps / directSeconds;
    return [
      { metric: `outbox drain (${entries} persons, ${cardsAtRouter} cards at router)`, value: rate, unit: 'ops/s',
        baseline: { name: 'client calls without outbox', value: directRate }, ratio: rate / directRate, goal: '>= 500 ops/s', pass: rate >= 500 },
    ];
  } finally {
    await runtime.close();
    await database.drop();
    await simulator.close();
  }
}
