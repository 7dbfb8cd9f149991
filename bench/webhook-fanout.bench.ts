import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { deliverWebhook, type WebhookEvent } from '../src/modules/webhooks/webhook-delivery.ts';
import type { WebhookEndpointTarget } from '../src/modules/webhooks/webhooks.service.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

/** Card moves written per transaction while the events are made (a busy office's pace, not one giant batch). */
const MOVES_PER_TRANSACTION = 100;

/**
 * Webhook fan-out on PostgreSQL: `events` card events (one per synthetic card, through the event
 * log's listener, which files one outbox entry per event and endpoint in the move's transaction)
 * to `endpoints` endpoints of the whole deployment on a loopback receiver, delivered by the
 * connector engine, signed; deliveries per second, against the same signed POSTs (same bodies,
 * same signing, same receiver) sent straight with deliverWebhook, no outbox and no database, in
 * the same run and with the engine's concurrency. Checks every delivery arrived once and in order
 * per endpoint and institution.
 */
export async function runWebhookFanoutBench(options: { events?: number; endpoints?: number } = {}): Promise<BenchRow[]> {
  const eventCount = options.events ?? 10_000;
  const endpointCount = options.endpoints ?? 5;
  const received = new Map<string, string[]>();
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const key = `${request.url ?? '/'}`;
      let ids = received.get(key);
      if (!ids) received.set(key, ids = []);
      ids.push(String(request.headers['webhook-id']));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const database = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false',
    CONNECTOR_SECRETS_KEY: 'bench-connector-secrets-key-0123456789abcdef', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
  });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    const { webhooks, events, webhookSync } = runtime.services;
    const pool = runtime.database.pool;
    const db = runtime.database.db;
    await loadSyntheticCards(pool, eventCount);
    const manager = { institutionIds: null, personTypes: null, focusInstitutionId: null };
    const targets: WebhookEndpointTarget[] = [];
    for (let index = 0; index < endpointCount; index += 1) {
      const { endpoint } = await webhooks.create(manager, { url: `${receiverUrl}/endpoint-${index}`, events: ['card.*'], institution: null, grants: ['holder'] },
        { actor: 'bench' });
      targets.push(await webhooks.targetById(db, endpoint.id) as WebhookEndpointTarget);
    }
    const cards = (await pool.query<{ id: string; personId: string; institutionId: number; escn: string; eppn: string; first: string; last: string; type: string }>(`
      SELECT id, person_id AS "personId", institution_id AS "institutionId", escn, holder_eppn AS eppn, holder_first_name AS first,
        holder_last_name AS last, holder_person_type AS type FROM cards ORDER BY id LIMIT $1`, [eventCount])).rows;
    const filingStarted = performance.now();
    for (let start = 0; start < cards.length; start += MOVES_PER_TRANSACTION) {
      await db.transaction().execute(async (trx) => {
        for (const card of cards.slice(start, start + MOVES_PER_TRANSACTION)) {
          await events.recordCardMove(trx, {
            id: card.id, personId: card.personId, institutionId: Number(card.institutionId), cardKind: 'physical', escn: card.escn, csn: null,
            disable: { reason: 'LOST' }, holder: { firstName: card.first, lastName: card.last, eppn: card.eppn, personType: card.type },
          }, 'ENABLED', 'DISABLED');
        }
      });
    }
    const filingSeconds = (performance.now() - filingStarted) / 1000;
    const entries = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM sync_outbox WHERE connector = 'webhooks'`)).rows[0]?.n);

    const started = performance.now();
    for (let pass = 0; pass < 1000; pass += 1) {
      const report = await webhookSync.deliverPending({});
      if (report.persons === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const delivered = [...received.values()].reduce((sum, ids) => sum + ids.length, 0);
    const done = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM sync_outbox WHERE connector = 'webhooks' AND status = 'done'`)).rows[0]?.n);
    // Per endpoint, the event ids of each institution arrive in increasing order.
    const rows = (await pool.query<{ id: string; institutionId: number; name: string; personType: string; payload: Record<string, unknown>; granted: Record<string, unknown>; occurredAt: Date }>(`
      SELECT id::text AS id, institution_id AS "institutionId", name, person_type AS "personType", payload, granted, occurred_at AS "occurredAt" FROM events ORDER BY id`)).rows;
    const institutionOf = new Map(rows.map((row) => [row.id, Number(row.institutionId)]));
    for (const [path, ids] of received) {
      const last = new Map<number, number>();
      for (const id of ids) {
        const institution = institutionOf.get(id) as number;
        if ((last.get(institution) ?? 0) >= Number(id)) throw new Error(`${path}: event ${id} out of order`);
        last.set(institution, Number(id));
      }
    }
    if (delivered !== entries || done !== entries || entries !== eventCount * endpointCount) {
      throw new Error(`expected ${eventCount * endpointCount} deliveries, filed ${entries}, done ${done}, received ${delivered}`);
    }

    // The same signed POSTs, straight: each (endpoint, institution) stream in order, the streams shared by as many workers as the engine runs.
    received.clear();
    const codes = new Map((await pool.query<{ id: number; code: string }>('SELECT id, code FROM institutions')).rows.map((row) => [Number(row.id), row.code]));
    const streams = new Map<string, Array<{ target: WebhookEndpointTarget; event: WebhookEvent }>>();
    for (const target of targets) {
      for (const row of rows) {
        const key = `${target.id}:${row.institutionId}`;
        let stream = streams.get(key);
        if (!stream) streams.set(key, stream = []);
        stream.push({
          target,
          event: {
            id: row.id, type: row.name, occurredAt: row.occurredAt, institution: codes.get(Number(row.institutionId)) ?? '',
            personType: row.personType, payload: row.payload, granted: row.granted,
          },
        });
      }
    }
    const queue = [...streams.values()];
    const directStarted = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let stream = queue.shift(); stream; stream = queue.shift()) {
        for (const { target, event } of stream) {
          const outcome = await deliverWebhook(target, event);
          if (outcome.result !== 'ok') throw new Error(`direct delivery failed: ${outcome.message}`);
        }
      }
    }));
    const directSeconds = (performance.now() - directStarted) / 1000;
    const directDelivered = [...received.values()].reduce((sum, ids) => sum + ids.length, 0);

    const rate = delivered / seconds;
    const directRate = directDelivered / directSeconds;
    return [
      {
        metric: `webhook fan-out (${eventCount} card events × ${endpointCount} endpoints = ${entries} signed deliveries, in order per endpoint and institution)`,
        value: rate, unit: 'deliveries/s',
        baseline: { name: 'the same signed POSTs sent directly', value: directRate }, ratio: rate / directRate,
        goal: 'measured (no goal set by the issue)', pass: true,
      },
      {
        metric: `filing the entries with the events (${eventCount} moves, ${MOVES_PER_TRANSACTION} per transaction)`,
        value: eventCount / filingSeconds, unit: 'events/s', goal: 'measured', pass: true,
      },
    ];
  } finally {
    await runtime.close();
    await database.drop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
