import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryAbortedError } from '../../src/platform/sync/sync-engine.ts';
import {
  FAST,
  assertRouterMatches, bulkEnabledCards, callCounts, drain, startEscWorld, type EscWorld,
} from './esc-sync.fixtures.ts';

/**
 * Fault injection against the router simulator over real HTTP: the router down, failing, slow,
 * deliveries duplicated, a worker killed mid-batch, two workers at once. After each, once the
 * outbox drains, the router must hold exactly what campuscard says it should.
 */
let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});


function log(label: string, value: unknown): void {
  process.stderr.write(`# ${label}: ${JSON.stringify(value)}\n`);
}

test('router down while 1,000 cards are enabled: nothing is lost; once it is back the router equals campuscard', async () => {
  w.sim.requestLog.length = 0;
  const sync = w.escSync.withOptions({ ...FAST, concurrency: 8 });
  w.sim.setFaults({ down: true });
  const started = performance.now();
  const ids = await bulkEnabledCards(w.t, 1000, { via: 'sql' });
  const created = performance.now();
  const outage = await sync.deliverPending();
  assert.equal(outage.stoppedEarly, true, 'the circuit breaker stops hammering a dead router');
  assert.ok(outage.persons < 50, JSON.stringify(outage));
  assert.equal(outage.done, 0);
  let status = await sync.status();
  assert.equal(status.counts.pending, 1000);
  assert.ok(status.counts.retrying >= 5);
  assert.equal(w.sim.state.persons.size, 0);
  // Another pass during the outage, later: still nothing lost, nothing failed for good.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await sync.deliverPending();
  assert.equal((await sync.status()).counts.failed, 0);

  w.sim.setFaults({});
  const back = performance.now();
  const rounds = await drain(sync);
  const drained = performance.now();
  status = await sync.status();
  assert.equal(status.counts.pending, 0);
  assert.equal(status.counts.failed, 0);
  assert.equal(w.sim.state.persons.size >= ids.length, true);
  await assertRouterMatches(w.t, w.sim);
  log('1000 cards', {
    createMs: Math.round(created - started), drainMs: Math.round(drained - back), rounds,
    perSecond: Math.round(1000 / ((drained - back) / 1000)), calls: callCounts(w.sim),
  });
});

test('half of the calls answer 500: retried with backoff until the router equals campuscard', async () => {
  w.sim.requestLog.length = 0;
  const sync = w.escSync.withOptions({ ...FAST, breakerThreshold: 10_000 });
  await bulkEnabledCards(w.t, 150, { via: 'sql' });
  w.sim.setFaults({ failRate: 0.5, seed: 20260101 });
  const rounds = await drain(sync);
  w.sim.setFaults({});
  const counts = callCounts(w.sim);
  assert.ok((counts['POST /api/v2/persons 500'] ?? 0) > 20, JSON.stringify(counts));
  const retried = (await sync.entries({ status: 'done', limit: 200 })).items;
  assert.ok(retried.some((entry) => entry.attempts > 1 && entry.lastError?.code === 'SIM-INJECTED-FAILURE'),
    'the last router error is kept on entries that needed several attempts');
  await assertRouterMatches(w.t, w.sim);
  log('50% failures', { rounds, calls: counts });
});

test('answers slower than the timeout: retried; the calls that landed late cause no duplicate', async () => {
  w.sim.requestLog.length = 0;
  // Generous numbers: a loaded test machine must not turn ordinary answers into timeouts.
  // The default circuit breaker ends the first pass after its wave of timeouts; without it the pass
  // would keep retrying (millisecond backoffs) for as long as the router stays slow.
  const impatient = w.escSync.withOptions({ ...FAST, timeoutMs: 1000, concurrency: 16 });
  const ids = await bulkEnabledCards(w.t, 16, { via: 'sql' });
  w.sim.setFaults({ delayMs: 2500 });
  const first = await impatient.deliverPending();
  assert.equal(first.done, 0);
  assert.equal(first.retry, 16);
  const timedOut = (await impatient.entries({ status: 'pending', limit: 50 })).items;
  assert.ok(timedOut.every((entry) => entry.lastError?.code === 'timeout'), JSON.stringify(timedOut[0]));
  // The router applies the abandoned calls all the same, late.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  w.sim.setFaults({});
  await drain(impatient);
  await assertRouterMatches(w.t, w.sim);
  const counts = callCounts(w.sim);
  assert.equal(counts['POST /api/v2/persons 201'], ids.length, 'each person created once (by the timed-out POSTs)');
  // At least once per person: on a loaded machine a retry may time out again and be retried.
  assert.ok((counts['POST /api/v2/persons 409'] ?? 0) >= ids.length, `the retry found them and updated instead: ${JSON.stringify(counts)}`);
  log('timeouts', counts);
  // A call the client abandoned may still reach the router after the drain, on a loaded machine:
  // let them all land here rather than in the next test's count.
  await routerQuiet(w.sim, 1500);
});

test('every delivery made twice, and duplicate entries: no duplicate call, no duplicate record', async () => {
  w.sim.requestLog.length = 0;
  const ids = await bulkEnabledCards(w.t, 30, { via: 'service' });
  // Three more entries per person on top of the one the card move wrote.
  for (let i = 0; i < 3; i += 1) await w.escSync.requestSync(w.t.runtime.database.db, ids, 'duplicate');
  assert.equal((await w.escSync.status()).counts.pending >= 120, true);
  // Drained, whoever delivers: the app's own sync workers may take some persons while this pass runs.
  await drain(w.escSync);
  const afterFirst = w.sim.requestLog.length;
  assert.equal(afterFirst, 60, 'one person and one card call per person, whatever the number of entries');
  for (const personId of ids.slice(0, 10)) {
    const again = await w.escSync.deliverPerson(personId);
    assert.equal(again.outcome, 'idle');
  }
  await w.escSync.requestSync(w.t.runtime.database.db, ids, 'duplicate');
  await w.escSync.deliverPending();
  assert.equal(w.sim.requestLog.length, afterFirst, 'a second delivery of the same state makes no call');
  await assertRouterMatches(w.t, w.sim);
});

test('a worker killed mid-batch and restarted: nothing is lost', async () => {
  w.sim.requestLog.length = 0;
  const options = { ...FAST, leaseMs: 5000, timeoutMs: 1500, concurrency: 4 };
  const mortal = w.escSync.withOptions(options);
  await bulkEnabledCards(w.t, 120, { via: 'sql' });
  const controller = new AbortController();
  const watcher = setInterval(() => {
    if (w.sim.requestLog.length >= 101) controller.abort();
  }, 1);
  await assert.rejects(mortal.deliverPending({ signal: controller.signal }), DeliveryAbortedError);
  clearInterval(watcher);
  const killed = await mortal.status();
  assert.ok(killed.counts.pending > 0, 'the kill left work undone');
  assert.ok(w.sim.requestLog.length < 240);

  const restarted = w.escSync.withOptions(options);
  const immediately = await restarted.deliverPending();
  log('restart', immediately);
  // The persons the killed worker held stay leased until their lease runs out.
  await new Promise((resolve) => setTimeout(resolve, options.leaseMs + 100));
  await drain(restarted);
  assert.equal((await restarted.status()).counts.failed, 0);
  await assertRouterMatches(w.t, w.sim);
});

test('two workers at once never deliver the same person twice', async () => {
  w.sim.requestLog.length = 0;
  await bulkEnabledCards(w.t, 100, { via: 'sql' });
  const a = w.escSync.withOptions({ concurrency: 4 });
  const b = w.escSync.withOptions({ concurrency: 4 });
  const [ra, rb] = await Promise.all([a.deliverPending(), b.deliverPending()]);
  assert.equal(ra.done + rb.done, 100, JSON.stringify([ra, rb]));
  const counts = callCounts(w.sim);
  assert.equal(counts['POST /api/v2/persons 201'], 100);
  assert.equal(counts['POST /api/v2/persons 409'], undefined, 'no person was sent by both workers');
  assert.equal(counts['POST /api/v2/cards 201'], 100);
  await assertRouterMatches(w.t, w.sim);
  log('two workers', { a: ra.done, b: rb.done });
});

/** Waits until `quietMs` pass without a new request at the simulator (at most 20 s). */
async function routerQuiet(sim: { requestLog: unknown[] }, quietMs: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let seen = -1;
  while (sim.requestLog.length !== seen && Date.now() < deadline) {
    seen = sim.requestLog.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}
