import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { sql } from 'kysely';
import type { Runtime } from '../../app/runtime.ts';
import { ProblemError } from '../http/problem.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { configureInstitution, createPerson } from '../../../test/api/cards.fixtures.ts';
import { registerConnectorsCommands } from './sync-operations.cli.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await configureInstitution(t);
});
after(async () => {
  await t.close();
});

/** Runs one `campuscard …` command line against the test app's runtime; returns stdout and exit code. */
async function run(...args: string[]): Promise<{ out: string; code: number }> {
  let out = '';
  let code = 0;
  const program = new Command('campuscard').exitOverride();
  const withRuntime = <T>(_command: string, work: (runtime: Runtime) => Promise<T>) => work(t.runtime);
  registerConnectorsCommands(program, withRuntime, { out: (text) => { out += text; }, setExitCode: (c) => { code = c; } });
  await program.parseAsync(['node', 'campuscard', ...args]);
  return { out, code };
}

async function failedEntry(connector: string, personId: string, errorCode: string): Promise<number> {
  const result = await sql<{ id: number | string }>`INSERT INTO sync_outbox (connector, institution_id, person_id, reason, status, last_error_code, last_error_message)
    VALUES (${connector}, 1, ${personId}, 'person_changed', 'failed', ${errorCode}, 'refused') RETURNING id`.execute(t.runtime.database.db);
  return Number(result.rows[0]?.id);
}

async function statusOf(id: number): Promise<string | undefined> {
  return (await sql<{ status: string }>`SELECT status FROM sync_outbox WHERE id = ${id}`.execute(t.runtime.database.db)).rows[0]?.status;
}

test('connectors status lists every connector; replay puts one entry or the failed ones back', async () => {
  const person = await createPerson(t, { institution: (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code });
  const one = await failedEntry('crous', person.id, 'crous_422');
  const two = await failedEntry('crous', person.id, 'crous_500');
  const three = await failedEntry('crous', person.id, 'crous_500');

  const status = await run('connectors', 'status');
  assert.match(status.out, /^esc +pending 0 \(retrying 0\) +failed 0/m);
  assert.match(status.out, /^crous +pending 0 \(retrying 0\) +failed 3 /m);
  const json = JSON.parse((await run('connectors', 'status', '--json')).out) as Array<{ id: string; counts: { failed: number } }>;
  assert.equal(json.find((item) => item.id === 'crous')?.counts.failed, 3);

  const single = await run('connectors', 'replay', 'crous', String(one));
  assert.match(single.out, new RegExp(`crous entry #${one} is pending again`));
  assert.equal(await statusOf(one), 'pending');

  const filtered = await run('connectors', 'replay', 'crous', '--failed', '--error-code', 'crous_500');
  assert.match(filtered.out, /2 crous entries queued again \(1 person\(s\)\)/);
  assert.deepEqual([await statusOf(two), await statusOf(three)], ['pending', 'pending']);

  const neither = await run('connectors', 'replay', 'crous');
  assert.equal(neither.code, 1);
  await assert.rejects(run('connectors', 'replay', 'nope', '--failed'), (error: unknown) => error instanceof ProblemError && error.code === 'connector_not_found');
  await sql`UPDATE sync_outbox SET status = 'done', done_at = now() WHERE id = ${one}`.execute(t.runtime.database.db);
  await assert.rejects(run('connectors', 'replay', 'crous', String(one)), (error: unknown) => error instanceof ProblemError && error.code === 'sync_entry_not_replayable');
});
