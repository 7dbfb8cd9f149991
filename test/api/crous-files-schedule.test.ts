import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// A scheduled CROUS account file made by the job system as the app runs it: the workers start,
// pg-boss's timekeeper fires the minute schedule of the tick (crous-files-tick, `* * * * *`), the
// tick claims the due settings and queues a generation, the generation worker makes the file, and
// it shows in the history as scheduled. No call to tick() or runJob(): only pg-boss moves the work.
// As in directory-schedule.test.ts, the app's clock is a minute behind when the settings are saved
// (their next run has then come when the workers start); pg-boss checks schedules every 30 s.

interface FileView { kind: string; trigger: string; createdBy: string; lineCount: number }

let t: TestApp;
let admin: TestClient;
let offsetMs = -61_000;

before(async () => {
  t = await startTestApp({ workers: false, now: () => new Date(Date.now() + offsetMs) });
  admin = await t.loginAs('admin');
  const created = await admin.post('/api/v1/institutions', { code: 'alpha', name: 'Alpha', pic: '111111111', uai: '0751234J' });
  assert.equal(created.status, 201, created.text);
  const person = await t.runtime.services.people.create({ eppn: 'prof@alpha.example', lastName: 'Prof', firstName: 'Paul', personType: 'staff', institution: 'alpha' }, { actor: 'test' });
  await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-01', locale: 'fr', channel: 'office' }, { actor: 'test' });
});

after(async () => {
  await t?.close();
});

test('a staff file scheduled every minute is made by the job system and shows in the history as scheduled', { timeout: 90_000 }, async () => {
  const saved = await admin.put<{ nextRunAt: string | null }>('/api/v1/admin/crous/account-files/configs/staff_present?institution=alpha', {
    columns: [{ field: 'eppn', label: 'eppn' }, { field: 'idRate', label: 'tarif' }], separator: ';', encoding: 'utf-8', header: false,
    dateFormat: 'YYYY-MM-DD', personTypes: null, ineAsIdentifier: true, leavingWindowDays: 31, schedule: '* * * * *',
  });
  assert.equal(saved.status, 200, saved.text);
  assert.ok(new Date(saved.body.nextRunAt ?? '').getTime() <= Date.now(), 'saved a minute ago: its next run has come');
  offsetMs = 0;
  const started = Date.now();
  await t.runtime.startWorkers();
  let files: FileView[] = [];
  while (Date.now() < started + 70_000) {
    files = (await admin.get<{ items: FileView[] }>('/api/v1/admin/crous/account-files?institution=alpha')).body.items;
    if (files.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.equal(files.length, 1, JSON.stringify(files));
  assert.deepEqual(files[0], { ...files[0], kind: 'staff_present', trigger: 'schedule', createdBy: 'system:scheduler', lineCount: 1 });
  console.log(`scheduled CROUS file through pg-boss: made ${Date.now() - started} ms after the workers started`);
});
