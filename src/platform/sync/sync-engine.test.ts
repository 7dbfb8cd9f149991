import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSettlementBatcher } from './sync-engine.ts';
import type { Settlement } from './sync-outbox.repository.ts';

function settlement(personId: string): Settlement {
  return { institutionId: 1, personId, connector: 'esc', owner: 'o', ids: [1], status: 'done', confirm: [], forget: [] };
}

test('settlements are group-committed: the first alone, those arriving during a write together, each given its own outcome', async () => {
  const writes: string[][] = [];
  let release: () => void = () => undefined;
  const write = createSettlementBatcher(async (batch) => {
    writes.push(batch.map((s) => s.personId));
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return batch.map((s) => ({ held: true, moreDue: s.personId === 'c' }));
  });
  const first = write(settlement('a'));
  const second = write(settlement('b'));
  const third = write(settlement('c'));
  assert.deepEqual(writes, [['a']]);
  release();
  assert.deepEqual(await first, { held: true, moreDue: false });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(writes, [['a'], ['b', 'c']]);
  release();
  assert.deepEqual(await Promise.all([second, third]), [{ held: true, moreDue: false }, { held: true, moreDue: true }]);
});

test('a failed write rejects its own settlements only; the next ones are written', async () => {
  let calls = 0;
  const write = createSettlementBatcher(async (batch) => {
    calls += 1;
    if (calls === 1) throw new Error('database gone');
    return batch.map(() => ({ held: true, moreDue: false }));
  });
  const failing = write(settlement('a'));
  const later = write(settlement('b'));
  await assert.rejects(failing, /database gone/);
  assert.deepEqual(await later, { held: true, moreDue: false });
});
