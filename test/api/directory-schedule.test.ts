import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// A scheduled sync fired by the job system as the app runs it: the workers start, pg-boss's
// timekeeper fires the minute schedule of the scheduler tick (`* * * * *`), the tick's worker claims
// the due source and queues its run, the sync worker runs it, and the run shows in the source's
// history as a scheduled one. No call to tick() or drain(): only pg-boss moves the work.
//
// The source's schedule is every minute. Instead of waiting for the next minute, the app's clock
// is a minute behind when the source is saved (its next run is then at most that minute) and right
// when the workers start: the schedule has come, as it would a minute later. What remains is
// pg-boss's own pace: its timekeeper checks schedules every 30 s (the check at its start comes
// before the app registers its schedules), so the run comes 30 to 60 s after the workers start;
// the test allows 70 s.

interface Run { id: string; status: string; trigger: string; createdBy: string; counts: { read: number; new: number } }

let t: TestApp;
let admin: TestClient;
let offsetMs = -61_000;
const dir = mkdtempSync(join(tmpdir(), 'campuscard-directory-schedule-'));

before(async () => {
  writeFileSync(join(dir, 'persons.csv'), 'eppn;last_name;first_name;person_type\nsched1@univ.example;Un;Ana;student\nsched2@univ.example;Deux;Bo;staff\n');
  t = await startTestApp({ workers: false, now: () => new Date(Date.now() + offsetMs), env: { PERSON_SOURCE_DIR: dir } });
  admin = await t.loginAs('admin');
  const created = await admin.post('/api/v1/institutions', { code: 'alpha', name: 'Alpha', pic: '111111111' });
  assert.equal(created.status, 201, created.text);
});

after(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a source scheduled every minute is synced by the job system, and the run shows in its history', { timeout: 90_000 }, async () => {
  const created = await admin.post<{ nextRunAt: string | null }>('/api/v1/admin/person-sources',
    { name: 'every-minute', kind: 'csv', institution: 'alpha', settings: { path: 'persons.csv' }, schedule: '* * * * *' });
  assert.equal(created.status, 201, created.text);
  const planned = new Date(created.body.nextRunAt ?? '');
  assert.ok(planned.getTime() <= Date.now(), 'saved a minute ago: its next run has come');
  offsetMs = 0;
  assert.equal((await admin.get<{ items: Run[] }>('/api/v1/admin/person-sources/every-minute/runs')).body.items.length, 0);

  const started = Date.now();
  await t.runtime.startWorkers();
  let runs: Run[] = [];
  const deadline = started + 70_000;
  while (Date.now() < deadline) {
    runs = (await admin.get<{ items: Run[] }>('/api/v1/admin/person-sources/every-minute/runs')).body.items;
    if (runs.some((run) => run.status === 'succeeded')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const elapsed = Date.now() - started;
  assert.equal(runs.length, 1, JSON.stringify(runs));
  const [run] = runs;
  assert.equal(run?.trigger, 'schedule');
  assert.equal(run?.createdBy, 'system:scheduler');
  assert.equal(run?.status, 'succeeded', JSON.stringify(run));
  assert.deepEqual([run?.counts.read, run?.counts.new], [2, 2]);
  const source = (await admin.get<{ nextRunAt: string | null }>('/api/v1/admin/person-sources/every-minute')).body;
  assert.ok(source.nextRunAt && new Date(source.nextRunAt) > planned, 'the next minute is planned');
  console.log(`scheduled sync through pg-boss: run succeeded ${elapsed} ms after the workers started`);
});
