import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteBehind } from './write-behind.ts';

/** A write the test finishes by hand, to see what runs while it is pending. */
function controlledWrites() {
  const started: number[] = [];
  const finishers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const write = (batch: number) => new Promise<void>((resolve, reject) => {
    started.push(batch);
    finishers.push({ resolve, reject });
  });
  return { started, finishers, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('write-behind', () => {
  it('writes in push order, one batch at a time, while the producer goes on', async () => {
    const { started, finishers, write } = controlledWrites();
    const writer = createWriteBehind(write, 2);
    await writer.push(1);
    await writer.push(2);
    await tick();
    // The producer got both pushes back at once; only the first batch is being written.
    assert.deepEqual(started, [1]);
    finishers[0]?.resolve();
    await tick();
    assert.deepEqual(started, [1, 2]);
    finishers[1]?.resolve();
    await writer.drain();
  });

  it('makes the producer wait while depth batches are queued or being written', async () => {
    const { started, finishers, write } = controlledWrites();
    const writer = createWriteBehind(write, 2);
    await writer.push(1);
    await writer.push(2);
    let third = false;
    const pushed = writer.push(3).then(() => { third = true; });
    await tick();
    assert.equal(third, false, 'the third push waits for room');
    finishers[0]?.resolve();
    await pushed;
    assert.equal(third, true);
    await tick();
    finishers[1]?.resolve();
    await tick();
    finishers[2]?.resolve();
    await writer.drain();
    assert.deepEqual(started, [1, 2, 3]);
  });

  it('stops at the first failure: later batches are not written, push and drain throw it', async () => {
    const { started, finishers, write } = controlledWrites();
    const writer = createWriteBehind(write, 3);
    await writer.push(1);
    await writer.push(2);
    await tick();
    finishers[0]?.reject(new Error('constraint violated'));
    await assert.rejects(writer.drain(), /constraint violated/);
    assert.deepEqual(started, [1], 'batch 2 was never written');
    await assert.rejects(writer.push(3), /constraint violated/);
  });

  it('wakes a producer waiting for room when the write in progress fails', async () => {
    const { finishers, write } = controlledWrites();
    const writer = createWriteBehind(write, 1);
    await writer.push(1);
    const waiting = writer.push(2);
    await tick();
    finishers[0]?.reject(new Error('connection lost'));
    await assert.rejects(waiting, /connection lost/);
  });

  it('refuses a depth that is not a positive integer', () => {
    assert.throws(() => createWriteBehind(async () => undefined, 0), /positive integer/);
  });
});
