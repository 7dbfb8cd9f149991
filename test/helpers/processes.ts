/**
 * Child processes and ports for tests and benchmarks that run campuscard the way a user does
 * (`node bin/campuscard.js …`) rather than in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

/** How a finished process ended and what it wrote. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/campuscard.js …args` in `cwd` with exactly `env` and collects its output.
 * Resolves when the process has exited (whatever its code); rejects only if it cannot start.
 */
export function runCampuscard(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/campuscard.js', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A campuscard process left running: the child (to signal) and its end. */
export interface RunningCampuscard {
  child: ChildProcess;
  exited: Promise<ProcessRun>;
}

/**
 * Starts `node bin/campuscard.js …args` (a `worker`, a `serve`) in `cwd` with exactly `env` and
 * leaves it running; the caller stops it (SIGTERM, or SIGKILL to play a crash) and awaits `exited`.
 */
export function startCampuscard(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): RunningCampuscard {
  const child = spawn(process.execPath, ['bin/campuscard.js', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const exited = new Promise<ProcessRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, exited };
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server whose URL must be known before
 * it starts. Another process could take it in between; callers accept that small race.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
