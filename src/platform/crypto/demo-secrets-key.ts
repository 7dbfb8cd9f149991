import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a demo keeps its generated key, inside the embedded database's directory. */
const KEY_FILE = 'demo-secrets.key';

/**
 * The key connector and webhook secrets are encrypted with in a demo on the embedded database when
 * none is configured, so that a newcomer can register a webhook or a CROUS secret without setting
 * CONNECTOR_SECRETS_KEY first. Generated once and kept beside the data it protects (readable by
 * its owner only), so secrets stay readable across restarts; an in-memory database gets a fresh
 * key per process. Never used with a PostgreSQL server or outside demo mode: there, a key beside
 * the data would protect nothing, and the operator sets one.
 */
export async function demoSecretsKey(dataDir: string): Promise<string> {
  if (dataDir.startsWith('memory://')) return randomBytes(32).toString('base64');
  const file = join(dataDir, KEY_FILE);
  const stored = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stored !== undefined && stored.trim().length >= 32) return stored.trim();
  const key = randomBytes(32).toString('base64');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
