import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoSecretsKey } from './demo-secrets-key.ts';

test('a demo key is made once, kept readable by its owner only, and read back at the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-demo-key-'));
  try {
    const first = await demoSecretsKey(join(dir, 'data'));
    assert.ok(first.length >= 32);
    assert.equal(await demoSecretsKey(join(dir, 'data')), first, 'the same key after a restart: stored secrets stay readable');
    const file = join(dir, 'data', 'demo-secrets.key');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    // A file too short to be a key (truncated) is replaced rather than used.
    await writeFile(file, 'short\n');
    const replaced = await demoSecretsKey(join(dir, 'data'));
    assert.notEqual(replaced, 'short');
    assert.equal((await readFile(file, 'utf8')).trim(), replaced);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an in-memory database gets a fresh key per process, and nothing is written', async () => {
  const a = await demoSecretsKey('memory://');
  const b = await demoSecretsKey('memory://');
  assert.ok(a.length >= 32);
  assert.notEqual(a, b);
});
