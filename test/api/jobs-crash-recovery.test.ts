/**
 * Work that a crash interrupts (issue 8): a job run whose process is gone is retried or failed
 * within a minute, never left `running`. In process on any database (a dead holder is played by a
 * second job runs service, which is what another process is), and, on a PostgreSQL server, with
 * real worker processes killed by SIGKILL in the middle of an import.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startCampuscard, type RunningCampuscard } from '../helpers/processes.ts';
import { loadConfig } from '../../src/config.ts';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import { sweepLostRuns } from '../../src/app/job-definitions.ts';
import { createJobRunsService, HEARTBEAT_INTERVAL_MS, type JobRunView, type ProgressReporter } from '../../src/modules/jobs/jobs.service.ts';

const ROOT = join(import.meta.dirname, '../..');
const CONTEXT = { actor: { actor: 'test' }, writer: { institutionIds: null, personTypes: null, focusInstitutionId: null } };

function csv(marker: string, count: number): Buffer {
  const lines = ['eppn;last_name;first_name;person_type'];
  for (let i = 0; i < count; i++) lines.push(`${marker}${i}@univ.example;Nom${i};Prénom${i};student`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function countMarked(t: TestApp, marker: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM persons WHERE eppn LIKE ${`${marker}%`}`.execute(t.runtime.database.db);
  return rows[0]?.n ?? -1;
}

async function uploadsOf(t: TestApp, runId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_uploads WHERE job_run_id = ${runId}`.execute(t.runtime.database.db);
  return rows[0]?.n ?? -1;
}

async function bossJob(t: TestApp, jobId: string) {
  const job = await t.runtime.jobs.boss.getJobById(QUEUES.personImport, jobId, { includeArchive: true });
  assert.ok(job, 'the pg-boss job exists');
  return job;
}

/** Backdates a run's heartbeat: its holder has not beaten for `seconds`. */
async function silence(t: TestApp, runId: string, seconds: number): Promise<void> {
  await sql`UPDATE job_runs SET heartbeat_at = now() - make_interval(secs => ${seconds}) WHERE id = ${runId}`.execute(t.runtime.database.db);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await read();
  }
  return value;
}

/**
 * Submits an import and lets "another process" take it: that process fetches the queue job and
 * starts the run with its own job runs service (so its own holder id and heartbeat).
 */
async function submitHeldElsewhere(t: TestApp, marker: string, rows: number): Promise<{ run: JobRunView; jobId: string; other: ProgressReporter }> {
  const run = await t.runtime.services.imports.submit(csv(marker, rows), `${marker}.csv`, {}, CONTEXT);
  const fetched = await t.runtime.jobs.boss.fetch<{ runId: string }>(QUEUES.personImport, { batchSize: 10 });
  const job = (fetched ?? []).find((candidate) => candidate.data.runId === run.id);
  assert.ok(job, 'the import job was queued');
  const otherProcess = createJobRunsService(t.runtime.database.db);
  const other = otherProcess.reporter(run.id, { queue: QUEUES.personImport, jobId: job.id });
  await other.start(rows, 'writing');
  return { run, jobId: job.id, other };
}

describe('lost job runs, in process', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ workers: false }); });
  after(async () => { await t.close(); });

  it('at start, a worker node takes back an import whose process died; the retry writes exactly the file\'s rows', async () => {
    const { run, jobId, other } = await submitHeldElsewhere(t, 'start-', 300);
    other.release(); // the process dies: no more heartbeat
    await silence(t, run.id, 31);
    assert.equal((await t.runtime.services.jobRuns.get(run.id)).status, 'running');

    await t.runtime.startWorkers();
    const taken = await t.runtime.services.jobRuns.get(run.id);
    assert.equal(taken.status, 'queued');
    assert.deepEqual({ ...taken.recovery, at: undefined }, { reason: 'worker_lost', retrying: true, attempt: 2, attempts: 2, at: undefined });
    assert.equal(taken.message, 'The worker stopped; retrying (attempt 2 of 2)');
    assert.equal((await bossJob(t, jobId)).state, 'retry');
    assert.equal(await uploadsOf(t, run.id), 1, 'the file is kept for the retry');

    const done = await waitFor(() => t.runtime.services.jobRuns.get(run.id), (value) => value.finishedAt !== null, 30_000);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.attempt, 2);
    assert.equal(done.result?.created, 300);
    assert.equal(await countMarked(t, 'start-'), 300);
    assert.equal(await uploadsOf(t, run.id), 0);

    // The job page (API) says what happened.
    const admin = await t.loginAs('admin');
    const page = await admin.get<JobRunView>(`/api/v1/jobs/${run.id}`);
    assert.equal(page.status, 200);
    assert.equal(page.body.recovery?.reason, 'worker_lost');
    assert.equal(page.body.attempt, 2);
  });
});

describe('lost job runs, sweeps', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ workers: false }); });
  after(async () => { await t.close(); });

  it('with no attempt left, the run fails with worker_lost, nothing is written and the file is deleted', async () => {
    const { run, jobId, other } = await submitHeldElsewhere(t, 'last-', 50);
    // The dead attempt was the job's last one (a retry of an earlier crash).
    await sql`UPDATE pgboss.job SET retry_count = retry_limit WHERE id = ${jobId}`.execute(t.runtime.database.db);
    other.release();
    await silence(t, run.id, 31);

    const lost = await sweepLostRuns(t.runtime.jobs, t.runtime.services);
    assert.deepEqual(lost, [{ id: run.id, kind: 'person-import', retrying: false }]);
    const failed = await t.runtime.services.jobRuns.get(run.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'worker_lost');
    assert.equal(failed.recovery?.retrying, false);
    assert.notEqual(failed.finishedAt, null);
    assert.equal((await bossJob(t, jobId)).state, 'failed');
    assert.equal(await countMarked(t, 'last-'), 0);
    assert.equal(await uploadsOf(t, run.id), 0);
  });

  it('never takes a run whose process beats, nor one of its own process; a late write of a lost attempt changes nothing', async () => {
    // This process's own run, silent for a minute: it is alive (it is the caller), so it stays.
    const mine = await t.runtime.services.imports.submit(csv('mine-', 5), null, {}, CONTEXT);
    const [mineJob] = (await t.runtime.jobs.boss.fetch<{ runId: string }>(QUEUES.personImport)) ?? [];
    assert.ok(mineJob);
    const own = t.runtime.services.jobRuns.reporter(mine.id, { queue: QUEUES.personImport, jobId: mineJob.id });
    await own.start(5);
    await silence(t, mine.id, 60);

    // Another living process: its heartbeat brings the run back to life before any sweep.
    const { run, jobId, other } = await submitHeldElsewhere(t, 'alive-', 5);
    await silence(t, run.id, 60);
    const beaten = await waitFor(
      async () => (await sql<{ fresh: boolean }>`SELECT heartbeat_at > now() - interval '10 seconds' AS fresh FROM job_runs WHERE id = ${run.id}`
        .execute(t.runtime.database.db)).rows[0]?.fresh === true,
      (fresh) => fresh, HEARTBEAT_INTERVAL_MS * 3);
    assert.equal(beaten, true, 'the heartbeat renewed the run');
    assert.deepEqual(await sweepLostRuns(t.runtime.jobs, t.runtime.services), []);

    // That process now dies; its run is taken back, and what it writes late is fenced off.
    other.release();
    await silence(t, run.id, 31);
    assert.deepEqual(await sweepLostRuns(t.runtime.jobs, t.runtime.services), [{ id: run.id, kind: 'person-import', retrying: true }]);
    await other.succeed({ created: 5 });
    const after = await t.runtime.services.jobRuns.get(run.id);
    assert.equal(after.status, 'queued');
    assert.equal(after.result, null);
    assert.equal((await bossJob(t, jobId)).state, 'retry');

    assert.equal((await t.runtime.services.jobRuns.get(mine.id)).status, 'running');
    await own.fail({ code: 'test_done', message: 'test done' });
  });

  it('two nodes sweeping at once take each lost run once, and pg-boss counts one failure each', async () => {
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await submitHeldElsewhere(t, `race${i}-`, 5));
    for (const { run, other } of held) {
      other.release();
      await silence(t, run.id, 31);
    }
    const nodeA = createJobRunsService(t.runtime.database.db);
    const nodeB = createJobRunsService(t.runtime.database.db);
    const [a, b] = await Promise.all([nodeA.sweep(t.runtime.jobs), nodeB.sweep(t.runtime.jobs)]);
    const taken = [...a, ...b].map((run) => run.id).sort();
    assert.deepEqual(taken, held.map(({ run }) => run.id).sort());
    for (const { run, jobId } of held) {
      const job = await bossJob(t, jobId);
      assert.equal(job.state, 'retry');
      assert.equal(job.retryCount, 0);
      assert.equal((await t.runtime.services.jobRuns.get(run.id)).recovery?.attempt, 2);
    }
  });
});

// Real processes need a database several processes can open: a PostgreSQL server. (Embedded
// PGlite is locked to one process; the tests above cover the same sweeper on it.)
const serverUrl = loadConfig().databaseUrl;
if (serverUrl) {
  describe('a worker process killed with SIGKILL in the middle of an import (PostgreSQL)', () => {
    let t: TestApp;
    const workers: RunningCampuscard[] = [];
    before(async () => { t = await startTestApp({ workers: false }); });
    after(async () => {
      for (const worker of workers) {
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
        await worker.exited;
      }
      await t.close();
    });

    it('the next worker finishes it within 90 s with exactly the file\'s rows; it never stays running', async () => {
      const rows = 30_000;
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.config.databaseUrl, DEMO: 'false', LOG_LEVEL: 'silent' };
      const run = await t.runtime.services.imports.submit(csv('kill-', rows), 'kill.csv', {}, CONTEXT);
      const first = startCampuscard(ROOT, ['worker'], env);
      workers.push(first);
      // Killed while writing: the import's transaction is open, rows sent but not committed.
      const writing = await waitFor(() => t.runtime.services.jobRuns.get(run.id),
        (value) => value.status !== 'queued' && (value.message ?? '').startsWith('writing'), 60_000, 50);
      assert.equal(writing.status, 'running', `the import was still running when killed (${writing.status}, ${writing.message})`);
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = Date.now();
      assert.equal(await countMarked(t, 'kill-'), 0, 'nothing of the killed attempt was committed');

      workers.push(startCampuscard(ROOT, ['worker'], env));
      const seen = new Set<string>();
      const done = await waitFor(async () => {
        const value = await t.runtime.services.jobRuns.get(run.id);
        seen.add(value.status);
        return value;
      }, (value) => value.finishedAt !== null, 90_000, 250);
      const elapsed = Date.now() - killedAt;
      assert.equal(done.status, 'succeeded', `${done.status} ${done.message ?? ''} after ${elapsed} ms`);
      assert.ok(elapsed < 90_000, `finished ${elapsed} ms after the kill`);
      assert.ok(seen.has('queued'), 'the job page said it was retrying');
      assert.equal(done.attempt, 2);
      assert.equal(done.recovery?.reason, 'worker_lost');
      assert.equal(done.result?.created, rows);
      assert.equal(await countMarked(t, 'kill-'), rows);
      assert.equal(await uploadsOf(t, run.id), 0);
    });
  });
}
