import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.ts';
import { createPerson, enabledCard } from '../../../test/api/cards.fixtures.ts';
import { setEscConsent, startEscWorld, type EscWorld } from '../../../test/api/esc-sync.fixtures.ts';
import { registerEscSyncCommands } from './esc.cli.ts';

let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});

/** Runs one `campuscard …` command line against the test app's runtime; returns stdout, stderr and exit code. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  let code = 0;
  const program = new Command('campuscard').exitOverride();
  const withRuntime = <T>(_command: string, work: (runtime: Runtime) => Promise<T>) => work(w.t.runtime);
  const errStream = { isTTY: false, write: (text: string) => { err += text; return true; } } as unknown as NodeJS.WriteStream;
  registerEscSyncCommands(program, withRuntime, { out: (text) => { out += text; }, err: errStream, setExitCode: (c) => { code = c; } });
  await program.parseAsync(['node', 'campuscard', ...args]);
  return { out, err, code };
}

test('esc sync status, deliver, reconcile (with a progress bar) and replay', async () => {
  const person = await createPerson(w.t, { ine: '424242424AB' });
  await setEscConsent(w.t, person.id, true);
  const card = await enabledCard(w, person.id);

  const pending = await run('esc', 'sync', 'status');
  assert.match(pending.out, /ESC Router sync: on/);
  assert.match(pending.out, /pending 2 /, 'consent granted, card enabled');

  const delivered = await run('esc', 'sync', 'deliver');
  assert.match(delivered.out, /persons 1: done 1/);
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');

  const json = JSON.parse((await run('esc', 'sync', 'status', '--json')).out) as { counts: { pending: number; done: number } };
  assert.equal(json.counts.pending, 0);
  assert.ok(json.counts.done >= 1);

  w.sim.state.cards.delete(card.escn as string);
  const reconciled = await run('esc', 'sync', 'reconcile');
  assert.equal(reconciled.code, 0, reconciled.out);
  assert.match(reconciled.out, /1 fixed .*cards upserted 1/);
  assert.match(reconciled.err, /100% 1\/1/, 'progress bar');
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');
  const runs = await w.t.runtime.services.jobRuns.list({ kind: 'esc-reconcile' });
  assert.equal(runs[0]?.status, 'succeeded', 'recorded as a job run too');

  await w.t.runtime.database.db.updateTable('persons').set({ email: 'broken' }).where('id', '=', person.id).execute();
  await w.escSync.requestSync(w.t.runtime.database.db, [person.id], 'test');
  await run('esc', 'sync', 'deliver');
  const failed = await run('esc', 'sync', 'status');
  assert.match(failed.out, /failed 1/);
  const id = /#(\d+) person/.exec(failed.out)?.[1];
  assert.ok(id, failed.out);
  assert.match(failed.out, /SIM-VALIDATION \(HTTP 400\)/);
  await w.t.runtime.database.db.updateTable('persons').set({ email: 'fixed@mail.example.org' }).where('id', '=', person.id).execute();
  assert.match((await run('esc', 'sync', 'replay', '--id', id)).out, new RegExp(`entry #${id} is pending again`));
  await run('esc', 'sync', 'deliver');
  assert.match((await run('esc', 'sync', 'status')).out, /failed 0/);
  assert.match((await run('esc', 'sync', 'replay')).out, /0 person\(s\) queued again/);
  await assert.rejects(run('esc', 'sync', 'replay', '--id', 'abc'), /positive integer/);
});
