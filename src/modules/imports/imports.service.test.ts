import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { countDataLines, MAX_REPORTED_ERRORS, sniffUpload, type ImportProgress } from './imports.service.ts';
import { SYSTEM_WRITER } from '../people/people.policy.ts';

const HEADER = 'eppn;last_name;first_name;person_type';

function file(count: number, bad: (i: number) => boolean = () => false): Buffer {
  const lines = [HEADER];
  for (let i = 0; i < count; i++) lines.push(bad(i) ? `bad${i};X;Y;student` : `s${i}@univ.example;Nom${i};Prénom${i};student`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('countDataLines', () => {
  it('counts physical lines after the header, whatever the line ends', () => {
    assert.equal(countDataLines(Buffer.from('h\na\nb\n')), 2);
    assert.equal(countDataLines(Buffer.from('h\r\na\r\nb')), 2);
    assert.equal(countDataLines(Buffer.from('h\ra\rb\r')), 2);
    assert.equal(countDataLines(Buffer.from('h')), 0);
    assert.equal(countDataLines(Buffer.alloc(0)), 0);
  });
});

describe('sniffUpload', () => {
  it('refuses empty, UTF-16, spreadsheet and binary files, accepts text', () => {
    assert.equal(sniffUpload(Buffer.alloc(0))?.code, 'empty_file');
    assert.equal(sniffUpload(Buffer.from(' \r\n\n'))?.code, 'empty_file');
    assert.equal(sniffUpload(Buffer.from([0xfe, 0xff, 0, 0x65]))?.code, 'unsupported_encoding');
    assert.equal(sniffUpload(Buffer.from('PK\x03\x04rest', 'latin1'))?.code, 'not_csv');
    assert.equal(sniffUpload(Buffer.from('%PDF-1.7'))?.code, 'not_csv');
    assert.equal(sniffUpload(Buffer.from('e\0p\0p\0n\0'))?.code, 'not_csv');
    assert.equal(sniffUpload(Buffer.from(`${HEADER}\n`)), undefined);
    assert.equal(sniffUpload(Buffer.from([0xef, 0xbb, 0xbf, 0x65])), undefined);
  });
});

describe('importPersons', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(async () => { await t.close(); });

  const context = { actor: { actor: 'test' }, writer: SYSTEM_WRITER };

  function recorder(usesDatabase = false) {
    const calls: Array<{ kind: 'start' | 'advance'; value: number | null; message: string | undefined }> = [];
    const progress: ImportProgress = {
      usesDatabase,
      async start(total, message) { calls.push({ kind: 'start', value: total, message }); },
      async advance(current, message) { calls.push({ kind: 'advance', value: current, message }); },
    };
    return { calls, progress };
  }

  it('reports progress: started once with the line count, never backwards, writing up to the total', async () => {
    const { calls, progress } = recorder();
    const report = await t.runtime.services.imports.importPersons(file(3500), {}, context, progress);
    assert.equal(report.created, 3500);
    assert.deepEqual(calls[0], { kind: 'start', value: 3500, message: 'checking the file' });
    assert.equal(calls.filter((call) => call.kind === 'start').length, 1);
    const values = calls.slice(1).map((call) => call.value ?? -1);
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    assert.equal(values.at(-1), 3500);
    assert.ok(calls.some((call) => call.message === 'writing 1000 of 3500 persons'));
    assert.ok(calls.some((call) => call.message === 'writing 3500 of 3500 persons'));
  });

  it('a reporter writing through the database is not called inside the transaction on PGlite (it would deadlock)', async () => {
    const { calls, progress } = recorder(true);
    await t.runtime.services.imports.importPersons(file(1200), {}, context, progress);
    const writing = calls.filter((call) => call.message?.startsWith('writing'));
    if (t.runtime.database.kind === 'pglite') assert.equal(writing.length, 0);
    else assert.equal(writing.length, 2);
  });

  it('keeps at most MAX_REPORTED_ERRORS errors but counts every invalid line', async () => {
    const report = await t.runtime.services.imports.importPersons(file(1500, (i) => i % 5 !== 0), { dryRun: true }, context);
    assert.equal(report.invalid, 1200);
    assert.equal(report.valid, 300);
    assert.equal(report.errors.length, MAX_REPORTED_ERRORS);
    assert.equal(report.errorsTruncated, true);
    assert.equal(report.errors[0]?.line, 3);
    assert.equal(report.rejected, true);
  });

  it('runJob is safe to repeat, and fails cleanly when the upload is gone', async () => {
    const { imports, jobRuns } = t.runtime.services;
    const run = await imports.submit(file(10), 'ten.csv', {}, context);
    await imports.runJob(run.id);
    const first = await jobRuns.get(run.id);
    assert.equal(first.status, 'succeeded');
    await imports.runJob(run.id);
    assert.deepEqual(await jobRuns.get(run.id), first);

    const lost = await imports.submit(file(10), null, {}, context);
    await sql`DELETE FROM import_uploads`.execute(t.runtime.database.db);
    await imports.runJob(lost.id);
    const failed = await jobRuns.get(lost.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'upload_missing');
    await imports.runJob('00000000-0000-4000-8000-000000000000');
  });
});

describe('import job on a polling worker', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ workers: true }); });
  after(async () => { await t.close(); });

  it('is picked up by the worker and succeeds', async () => {
    const run = await t.runtime.services.imports.submit(file(50), 'w.csv', {}, { actor: { actor: 'test' }, writer: SYSTEM_WRITER });
    const deadline = Date.now() + 30_000;
    let status = run.status;
    while (status !== 'succeeded' && status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await t.runtime.services.jobRuns.get(run.id)).status;
    }
    const done = await t.runtime.services.jobRuns.get(run.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.progress.percent, 100);
    assert.equal(done.result?.created, 50);
  });
});
