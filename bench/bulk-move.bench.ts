import { randomUUID } from 'node:crypto';
import { startTestApp } from '../test/helpers/test-app.ts';
import type { Principal } from '../src/modules/auth/domain/roles.ts';
import type { BenchRow } from './bench-report.ts';
import { benchServerUrl, loadSyntheticCards } from './bench-database.ts';

/** The bulk move's goal (issue 12): 500 cards in less than half a second. */
const GOAL_MS = 500;

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Bulk card moves on PostgreSQL (issue 12): `cards` NEW requests checked (NEW → REQUEST_CHECKED,
 * which writes the history row, the audit entries, the card event, one webhook outbox entry per
 * event and the holder's mail with its job) in one bulk request, through the service and
 * through HTTP (Fastify inject, an API token), against one UPDATE of the same rows' state (the
 * same audit trigger, nothing else) as the baseline of the same run. Median of `runs` runs; the
 * cards are put back to NEW between runs with triggers off (not measured).
 */
export async function runBulkMoveBench(options: { cards?: number; runs?: number } = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const count = options.cards ?? 500;
  const runs = options.runs ?? 5;
  process.env.DATABASE_URL ??= benchServerUrl();
  const t = await startTestApp({
    env: { CONNECTOR_SECRETS_KEY: 'bench-connector-secrets-key-0123456789abcdef', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' },
  });
  try {
    const pool = t.runtime.database.pool;
    // One synthetic card in ten is NEW: ten times the cards moved.
    await loadSyntheticCards(pool, count * 10);
    const everywhere = { institutionIds: null, personTypes: null, focusInstitutionId: null };
    // One webhook endpoint for every card event: each move files a delivery in the outbox too.
    await t.runtime.services.webhooks.create(everywhere, { url: 'http://127.0.0.1:9/hook', events: ['card.*'], institution: null, grants: [] },
      { actor: 'bench' });
    const ids = (await pool.query<{ id: string }>(`SELECT id FROM cards WHERE state = 'NEW' ORDER BY id LIMIT $1`, [count])).rows.map((row) => row.id);
    if (ids.length !== count) throw new Error(`expected ${count} NEW cards, found ${ids.length}`);
    const items = ids.map((cardId) => ({ cardId, to: 'REQUEST_CHECKED' }));
    const principal: Principal = {
      kind: 'session', id: randomUUID(), actor: 'account:bench', displayName: 'bench', role: 'manager', personTypes: null,
      institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null, personId: null,
    };
    const http = await t.tokenClient('manager');
    const reset = async () => {
      const client = await pool.connect();
      try {
        await client.query('SET session_replication_role = replica');
        await client.query(`UPDATE cards SET state = 'NEW' WHERE id = ANY($1::uuid[])`, [ids]);
        await client.query('SET session_replication_role = origin');
      } finally {
        client.release();
      }
    };
    const timed = async (work: () => Promise<void>): Promise<number> => {
      await reset();
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const expectAllMoved = (results: ReadonlyArray<{ status: number }>) => {
      const failed = results.filter((result) => result.status !== 200);
      if (results.length !== count || failed.length > 0) throw new Error(`bulk move: ${failed.length} of ${results.length} failed: ${JSON.stringify(failed[0])}`);
    };
    const service: number[] = [];
    const overHttp: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      service.push(await timed(async () => expectAllMoved(await t.runtime.services.cards.moveMany(items, principal, { actor: principal.actor }))));
      overHttp.push(await timed(async () => {
        const response = await http.post<{ results: Array<{ status: number }> }>('/api/v1/cards/moves', { items });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text}`);
        expectAllMoved(response.body.results);
      }));
      baseline.push(await timed(async () => {
        await pool.query(`UPDATE cards SET state = 'REQUEST_CHECKED', version = version + 1, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
      }));
    }
    const base = { name: `one UPDATE of the ${count} rows' state`, value: median(baseline) };
    const row = (metric: string, samples: number[]): BenchRow => ({
      metric, value: median(samples), unit: 'ms', baseline: base, ratio: base.value / median(samples),
      goal: `< ${GOAL_MS} ms`, pass: median(samples) < GOAL_MS,
    });
    return {
      rows: [
        row(`bulk move of ${count} cards NEW → REQUEST_CHECKED through the service (median of ${runs})`, service),
        row(`the same bulk move through HTTP (POST /api/v1/cards/moves, inject; median of ${runs})`, overHttp),
      ],
      context: {
        database: 'postgresql', cards: count, syntheticCards: count * 10, runs,
        samplesMs: { service: service.map(Math.round), http: overHttp.map(Math.round), baseline: baseline.map(Math.round) },
      },
    };
  } finally {
    await t.close();
  }
}
