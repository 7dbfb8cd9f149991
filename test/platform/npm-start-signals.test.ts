import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The ids of a process's children (Linux /proc), none once it is gone. */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** Every process below `pid`, depth first. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited already: only its parent has not collected it yet.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start stops with npm', { timeout: 300_000 }, () => {
  // SIGTERM only: npm 11 answers a SIGINT by forwarding it and waiting for the script, and dash
  // waits too; that case is not fixed yet (see the report of issue 9's follow-ups).
  for (const signal of ['SIGTERM'] as const) {
    it(`${signal} to npm ends the server it started (no orphaned node … serve)`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cc-npm-signals-'));
      const port = await freePort();
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'false', LOG_LEVEL: 'warn', PUBLIC_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, as in a terminal: what npm does on a signal stays away from the test runner.
        detached: true,
      });
      let output = '';
      npm.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      npm.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      // 'exit', not 'close': an orphaned server would keep npm's output pipes open.
      const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
      let below: number[] = [];
      try {
        await waitFor('the server to listen', () => {
          assert.equal(npm.exitCode, null, `npm start stopped:\n${output}`);
          return output.includes('campuscard is ready');
        }, 240_000);
        below = descendantsOf(npm.pid as number);
        const servers = below.filter((pid) => /bin\/campuscard\.js\0serve/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
        assert.equal(servers.length, 1, `one node … serve below npm: ${below.join(' ')}`);
        const server = servers[0] as number;
        assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

        npm.kill(signal);
        await exited;
        await waitFor(`the server (pid ${server}) to exit`, () => !alive(server), 30_000);
        await waitFor('nothing npm started to be left', () => below.every((pid) => !alive(pid)), 10_000);
        await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the port is free');
      } finally {
        for (const pid of [npm.pid as number, ...below]) {
          if (alive(pid)) process.kill(pid, 'SIGKILL');
        }
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
