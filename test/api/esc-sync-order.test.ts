import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { SimulatorLogEntry } from '../../src/adapters/esc-router/esc-router.simulator.ts';
import { assertRouterMatches, bulkEnabledCards, drain, FAST, startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

/**
 * A person's calls stay one at a time and in the order of the changes at a high concurrency and a
 * router far away: two passes of 64 subjects each deliver while the persons are renamed round
 * after round, and the router (the simulator, which notes when each request arrived and was
 * answered) must see, for each person, no two calls overlapping and the names in the order they
 * were given, ending with the last one.
 */
let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});

const PERSONS = 64;
const ROUNDS = 5;

/** The ESI a router call is about (every call of this test has a body naming it). */
function esiOf(entry: SimulatorLogEntry): string {
  const body = entry.requestBody as { identifier?: string; personIdentifier?: string };
  return (body.personIdentifier ?? body.identifier ?? '').toLowerCase();
}

/** The round that wrote the name a person call sends: 0 for the name the person was created with. */
function roundOf(entry: SimulatorLogEntry): number {
  const match = /Order(\d+)$/.exec((entry.requestBody as { fullName: string }).fullName);
  return match ? Number(match[1]) : 0;
}

test('at concurrency 64 with a router 40 ms away, each person\'s calls never overlap and follow the order of the changes', async () => {
  const { db } = w.t.runtime.database;
  w.sim.reset();
  w.sim.setLatency(40);
  const ids = await bulkEnabledCards(w.t, PERSONS, { via: 'sql' });
  // A call the client gives up on may still reach the router later, whatever the engine does:
  // a deadline no call of this test can reach under load (PGlite shares the event loop) keeps
  // what is measured the engine's ordering.
  const sync = w.escSync.withOptions({ ...FAST, concurrency: 64, timeoutMs: 120_000 });
  let renaming = true;
  // Two deliverers at once, as two worker processes would be.
  const deliverer = async (): Promise<void> => {
    while (renaming) {
      await sync.deliverPending();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const deliverers = [deliverer(), deliverer()];
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round's change and its entries commit together, as a person change does.
    await db.transaction().execute(async (trx) => {
      await sql`UPDATE persons SET last_name = ${`Order${round}`}, updated_at = now() WHERE id = ANY(${ids}::uuid[])`.execute(trx);
      await w.escSync.requestSync(trx, ids, 'person_changed');
    });
    // The next change comes while this one is being delivered: once a quarter of the persons got it.
    const seen = performance.now();
    const reached = () => new Set(w.sim.requestLog.filter((entry) => entry.path.startsWith('/api/v2/persons') && entry.requestBody !== undefined
      && roundOf(entry) === round).map(esiOf)).size;
    while (reached() < PERSONS / 4) {
      assert.ok(performance.now() - seen < 20_000, `round ${round} never reached the router`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  renaming = false;
  await Promise.all(deliverers);
  await drain(sync);
  w.sim.setLatency(0);

  const calls = w.sim.requestLog.filter((entry) => entry.requestBody !== undefined && entry.status !== undefined);
  const byPerson = new Map<string, SimulatorLogEntry[]>();
  for (const entry of calls) byPerson.set(esiOf(entry), [...(byPerson.get(esiOf(entry)) ?? []), entry]);
  assert.equal(byPerson.size, PERSONS, 'every person reached the router');
  let severalRounds = 0;
  for (const [esi, entries] of byPerson) {
    const ordered = [...entries].sort((a, b) => a.receivedAt - b.receivedAt);
    for (let i = 1; i < ordered.length; i++) {
      const previous = ordered[i - 1] as SimulatorLogEntry;
      const current = ordered[i] as SimulatorLogEntry;
      assert.ok(current.receivedAt >= (previous.answeredAt ?? Number.POSITIVE_INFINITY),
        `${esi}: ${current.method} ${current.path} arrived before ${previous.method} ${previous.path} was answered${previous.answeredAt === undefined ? ' (never: the client gave up)' : ''}`);
    }
    const rounds = ordered.filter((entry) => entry.path.startsWith('/api/v2/persons')).map(roundOf);
    assert.deepEqual(rounds, [...rounds].sort((a, b) => a - b), `${esi}: names sent out of order ${JSON.stringify(rounds)}`);
    assert.equal(rounds.at(-1), ROUNDS, `${esi}: the last name sent is the last one given`);
    if (new Set(rounds).size >= 3) severalRounds += 1;
    assert.ok(ordered.findIndex((entry) => entry.path.startsWith('/api/v2/cards')) > ordered.findIndex((entry) => entry.path.startsWith('/api/v2/persons')),
      `${esi}: the card is registered after its holder`);
  }
  // The test is only worth something if calls of different persons did overlap, many at once.
  const edges = calls.flatMap((entry) => [{ at: entry.receivedAt, step: 1 }, { at: entry.answeredAt ?? entry.receivedAt, step: -1 }])
    .sort((a, b) => a.at - b.at || a.step - b.step);
  let inFlight = 0;
  let most = 0;
  for (const edge of edges) {
    inFlight += edge.step;
    most = Math.max(most, inFlight);
  }
  process.stderr.write(`# ${calls.length} calls, at most ${most} in flight at once, ${severalRounds} persons sent 3 names or more\n`);
  assert.ok(severalRounds >= PERSONS / 4, `only ${severalRounds} persons were sent 3 names or more`);
  assert.ok(most > 8, `at most ${most} calls were in flight at once, no more than the former default allowed`);
  assert.ok(calls.length > PERSONS * 2, `the renames were delivered as they came (${calls.length} calls)`);
  await assertRouterMatches(w.t, w.sim);
  const names = await sql<{ fullName: string }>`SELECT first_name || ' ' || last_name AS "fullName" FROM persons WHERE id = ANY(${ids}::uuid[])`.execute(db);
  const atRouter = new Set([...w.sim.state.persons.values()].map((person) => person.fullName));
  assert.deepEqual(atRouter, new Set(names.rows.map((row) => row.fullName)));
});
