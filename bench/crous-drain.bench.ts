import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { createCrousClient, type CrousClient } from '../src/adapters/crous/crous.client.ts';
import { CROUS_CONNECTOR_ID } from '../src/modules/crous/crous-connector-settings.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

/** A valid-looking UAI per synthetic institution (seven digits and a letter). */
function uaiOf(institutionId: number): string {
  return `${String(7_500_000 + institutionId).padStart(7, '0')}B`;
}

/**
 * CROUS drain on PostgreSQL against the CROUS simulator over HTTP (the one `serve` embeds):
 * operations per second while the connector engine brings the CROUS up to date for every enabled
 * card of a consenting person, spread over the synthetic institutions, each with its own UAI and
 * OAuth2 credentials; against the same calls (read the account, create it, read the card, add
 * it) sent straight through the client, with no outbox and no database, in the same run and with
 * the same concurrency. On an empty CROUS every operation the connector applies is two calls (a
 * read, then the write): the engine's calls are counted from the operations its entries record,
 * the client's by its own call events (authentication apart in both).
 */
export async function runCrousDrainBench(options: { persons?: number } = {}): Promise<BenchRow[]> {
  const persons = options.persons ?? 2_500;
  const database = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', CROUS_SIMULATOR: 'true',
    CONNECTOR_SECRETS_KEY: 'bench-connector-secrets-key-0123456789abcdef',
  });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, embeddedCrous: true, logger: pino({ level: 'silent' }) });
  try {
    const embedded = runtime.embeddedCrous;
    if (!embedded) throw new Error('the embedded CROUS simulator did not start');
    const pool = runtime.database.pool;
    await loadSyntheticCards(pool, persons);
    const institutions = (await pool.query<{ id: number }>(`SELECT id FROM institutions WHERE kind = 'institution' ORDER BY id`)).rows.map((row) => Number(row.id));
    for (const id of institutions) {
      await runtime.services.connectorSettings.seed(id, CROUS_CONNECTOR_ID, {
        enabled: true, settings: { mode: 'api', environment: 'simulator', rneOrgCode: uaiOf(id), identifier: 'eppn' },
      }, { actor: 'bench' }, { replace: true });
    }
    await pool.query(`UPDATE enrolments SET rights_end = current_date + 365`);
    // Cards made through the lifecycle have moves; the first one's number makes a self-encoded card's idZdc.
    await pool.query(`INSERT INTO card_moves (card_id, actor, actor_kind, from_state, to_state)
      SELECT id, 'bench', 'system', NULL, state FROM cards WHERE state = 'ENABLED'`);
    await pool.query(`INSERT INTO person_consents (person_id, kind, granted, text_version, channel, decided_at)
      SELECT id, 'crous', true, '2026-01', 'office', now() FROM persons ON CONFLICT DO NOTHING`);
    const queued = await pool.query(`INSERT INTO sync_outbox (connector, institution_id, person_id, reason)
      SELECT DISTINCT 'crous', institution_id, person_id, 'bench' FROM cards WHERE state = 'ENABLED' AND csn IS NOT NULL`);
    const entries = queued.rowCount ?? 0;

    let directCalls = 0;
    const sync = runtime.services.crousSync.withOptions({ concurrency: 8 });
    const started = performance.now();
    for (let pass = 0; pass < 1000; pass++) {
      const report = await sync.deliverPending({});
      if (report.persons === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    sync.close();
    const accounts = embedded.simulator.accounts.size;
    let cardsAtCrous = 0;
    for (const account of embedded.simulator.accounts.values()) cardsAtCrous += account.cards.size;
    const applied = await pool.query<{ operations: string | number | null; failed: string | number }>(`
      SELECT sum(jsonb_array_length(result->'operations')) FILTER (WHERE status = 'done') AS operations,
        count(*) FILTER (WHERE status <> 'done') AS failed
      FROM sync_outbox WHERE connector = 'crous'`);
    if (Number(applied.rows[0]?.failed ?? 0) > 0) {
      const why = await pool.query(`SELECT status, last_error_code, last_error_message, count(*) FROM sync_outbox WHERE connector = 'crous' AND status <> 'done' GROUP BY 1, 2, 3`);
      throw new Error(`${applied.rows[0]?.failed} CROUS entries not delivered: ${JSON.stringify(why.rows)}`);
    }
    if (cardsAtCrous < entries) throw new Error(`only ${cardsAtCrous} cards of ${entries} reached the CROUS`);
    const engineOps = 2 * Number(applied.rows[0]?.operations ?? 0);

    // The same four calls per card through the client alone, against a fresh state.
    embedded.simulator.reset();
    const clients = new Map<number, CrousClient>(institutions.map((id) => {
      const credentials = embedded.credentialsFor(uaiOf(id));
      return [id, createCrousClient({
        baseUrl: embedded.url, environment: 'preproduction',
        onCall: (event) => {
          if (event.operation !== 'authenticate') directCalls += 1;
        },
        auth: { mode: 'oauth2', accessUrl: embedded.url, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
      })];
    }));
    const rows = (await pool.query<{ institutionId: number; eppn: string; firstName: string; lastName: string; email: string | null; csn: string; sequence: number }>(`
      SELECT c.institution_id AS "institutionId", p.eppn, p.first_name AS "firstName", p.last_name AS "lastName", p.email, c.csn,
        row_number() OVER (ORDER BY c.id)::int AS sequence
      FROM cards c JOIN persons p ON p.id = c.person_id WHERE c.state = 'ENABLED' AND c.csn IS NOT NULL`)).rows;
    const dueDate = new Date(Date.now() + 300 * 86_400_000);
    const directStarted = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < rows.length) {
        const row = rows[next++] as (typeof rows)[number];
        const client = clients.get(Number(row.institutionId)) as CrousClient;
        if (!(await client.getRightHolder(row.eppn))) {
          await client.createRightHolder({
            identifier: row.eppn, firstName: row.firstName, lastName: row.lastName, email: row.email ?? `${row.eppn}`, dueDate,
            idCompanyRate: 10, idRate: 1, simpleBirthDate: '', ine: null, rneOrgCode: uaiOf(Number(row.institutionId)),
          });
        }
        const idZdc = 99_990_000 + row.sequence;
        if (!(await client.getSmartCard(row.eppn, idZdc))) {
          await client.addSmartCard(row.eppn, {
            idTransmitter: 0, idMapping: 0, idZdc, zdcCreationDate: new Date(), pixSs: '', pixNn: '', appl: '', uid: row.csn.toUpperCase(), rid: '',
          });
        }
      }
    }));
    const directSeconds = (performance.now() - directStarted) / 1000;
    for (const client of clients.values()) client.close();

    const rate = engineOps / seconds;
    const directRate = directCalls / directSeconds;
    return [
      {
        metric: `CROUS drain (${entries} institution × person entries, ${institutions.length} institutions' credentials, ${accounts} accounts and ${cardsAtCrous} cards at the CROUS)`,
        value: rate, unit: 'ops/s', baseline: { name: 'the same calls through the client alone', value: directRate }, ratio: rate / directRate,
        goal: '>= 500 ops/s', pass: rate >= 500,
      },
    ];
  } finally {
    await runtime.close();
    await database.drop();
  }
}
