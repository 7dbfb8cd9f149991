/**
 * `serve` boots without job workers and starts them after listening (Runtime.startWorkers): jobs
 * queued meanwhile wait, then run; the schedules are registered then, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

async function stateOf(t: TestApp, id: string): Promise<string | undefined> {
  return (await t.runtime.jobs.boss.getJobById(QUEUES.sessionPurge, id))?.state;
}

describe('job workers started after boot', { timeout: 120_000 }, () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ workers: false }); });
  after(async () => { await t.close(); });

  test('a job queued before the workers start waits, then runs; schedules appear with the workers', async () => {
    const id = await t.runtime.jobs.send(QUEUES.sessionPurge, {});
    assert.ok(id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(await stateOf(t, id), 'created', 'no worker polls before startWorkers');
    assert.deepEqual(await t.runtime.jobs.boss.getSchedules(), []);

    await t.runtime.startWorkers();
    await t.runtime.startWorkers();
    const deadline = Date.now() + 30_000;
    while (await stateOf(t, id) !== 'completed' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await stateOf(t, id), 'completed');
    const scheduled = (await t.runtime.jobs.boss.getSchedules()).map((schedule) => schedule.name).sort();
    assert.deepEqual(scheduled, t.runtime.schedules.map((schedule) => schedule.queue).sort());
  });
});
