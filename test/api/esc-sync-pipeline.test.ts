import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ESC_CONNECTOR } from '../../src/modules/esc/esc-sync.service.ts';
import { assertRouterMatches, bulkEnabledCards, drain, FAST, startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

/**
 * A pass claims its next batch while the current one is being delivered (sync-engine's
 * `deliverPending`): what it claimed and did not start must be given back when it stops early,
 * and entries written while its last subjects were being delivered must still be delivered by it.
 */
let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});

/** Leases of the ESC connector still held (not expired). */
async function heldLeases(): Promise<number> {
  const { rows: [row] } = await sql<{ count: string }>`SELECT count(*) AS count FROM sync_leases
    WHERE connector = ${ESC_CONNECTOR} AND expires_at > now()`.execute(w.t.runtime.database.db);
  return Number(row?.count ?? 0);
}

test('a pass stopped by its budget gives back every subject it claimed and did not start, and the next pass delivers them', async () => {
  w.sim.reset();
  w.sim.setLatency(30);
  // 3 persons at a time, batches of 24: the budget runs out inside the first batches.
  const sync = w.escSync.withOptions({ ...FAST, concurrency: 3 });
  await bulkEnabledCards(w.t, 60, { via: 'sql' });
  const first = await sync.deliverPending({ budgetMs: 150 });
  assert.equal(first.stoppedEarly, true, JSON.stringify(first));
  assert.ok(first.done < 60, `the budget stops the pass part way: ${first.done} delivered`);
  assert.equal(await heldLeases(), 0, 'no lease is left to run out: the next pass can take every subject at once');
  const status = await sync.status();
  assert.equal(status.counts.pending, 60 - first.done, 'every subject not delivered is still pending');
  const second = await sync.deliverPending();
  assert.equal(second.done, 60 - first.done, JSON.stringify(second));
  assert.equal(second.busy, 0);
  w.sim.setLatency(0);
  await assertRouterMatches(w.t, w.sim);
});

test('entries written while a pass delivers its last subjects are delivered by the same pass', async () => {
  w.sim.setLatency(100);
  const { db } = w.t.runtime.database;
  const sync = w.escSync.withOptions({ ...FAST, concurrency: 4 });
  await bulkEnabledCards(w.t, 12, { via: 'sql' });
  // Five more persons, whose entries are written only while the pass runs.
  const later = await bulkEnabledCards(w.t, 5, { via: 'sql' });
  await sql`DELETE FROM sync_outbox WHERE connector = ${ESC_CONNECTOR} AND person_id = ANY(${later}::uuid[])`.execute(db);
  const calls = w.sim.requestLog.length;
  const persons = () => new Set(w.sim.requestLog.slice(calls).map((entry) => {
    const body = entry.requestBody as { identifier?: string; personIdentifier?: string } | undefined;
    return body?.personIdentifier ?? body?.identifier ?? '';
  }).filter((esi) => esi !== '')).size;
  const pass = sync.deliverPending();
  // The last four of the twelve are being delivered: the pass claimed them long ago, and its
  // claim for more found nothing.
  const started = performance.now();
  while (persons() < 9) {
    assert.ok(performance.now() - started < 20_000, 'the pass never reached its last persons');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await w.escSync.requestSync(db, later, 'card_enabled');
  const report = await pass;
  assert.equal(report.done, 17, `the pass delivered the persons written during it: ${JSON.stringify(report)}`);
  assert.equal((await sync.status()).counts.pending, 0);
  assert.equal(await heldLeases(), 0);
  w.sim.setLatency(0);
  await drain(sync);
  await assertRouterMatches(w.t, w.sim);
});
