import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampuscard } from '../helpers/processes.ts';

const ROOT = join(import.meta.dirname, '../..');
let dataDir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'campuscard-cli-auth-'));
  // Its own embedded database, whatever DATABASE_URL the test run has.
  env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, DEMO: 'false', LOG_LEVEL: 'silent' };
});
after(() => { rmSync(dataDir, { recursive: true, force: true }); });

test('`user create` applies the password rule and `token create` names the account the token acts for', async () => {
  const weak = await runCampuscard(ROOT, ['user', 'create', '--email', 'ops@univ.example', '--password', 'motdepasse2024', '--role', 'admin'], env);
  assert.equal(weak.code, 1, weak.stderr);
  assert.match(weak.stderr, /password_too_guessable/);
  assert.doesNotMatch(weak.stderr, /\n\s+at /, 'a reason, not a stack trace');

  const created = await runCampuscard(ROOT, ['user', 'create', '--email', 'ops@univ.example', '--password', 'lantern quokka velours', '--role', 'admin'], env);
  assert.equal(created.code, 0, created.stderr);

  const token = await runCampuscard(ROOT, ['token', 'create', '--role', 'station', '--name', 'printer', '--account', 'OPS@univ.example'], env);
  assert.equal(token.code, 0, token.stderr);
  assert.match(token.stdout.trim(), /^cc_[A-Za-z0-9_-]{43}$/);
  assert.match(token.stderr, /acting for ops@univ\.example/);

  const unknown = await runCampuscard(ROOT, ['token', 'create', '--role', 'admin', '--name', 'x', '--account', 'nobody@univ.example'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no account with the e-mail nobody@univ\.example/);
  assert.equal(unknown.stdout, '');
});
