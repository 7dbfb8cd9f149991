import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';

/** Thrown when another live process holds the embedded data directory. */
export class DataDirLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Takes an exclusive lock file in the PGlite data directory. PGlite is a single-process database:
 * two processes writing one directory corrupt it, so the second one must fail with a message that
 * names the holder. A lock left by a dead process on this host is taken over.
 * Returns a release function.
 */
export function acquireDataDirLock(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'campuscard.lock');
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const holder = readHolder(path);
        if (holder?.pid === process.pid) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.host === me.host && !isAlive(holder.pid)) {
        unlinkSync(path);
        continue;
      }
      const who = holder
        ? `process ${holder.pid} on ${holder.host} ("campuscard ${holder.command}", since ${holder.since})`
        : `another process (lock file ${path})`;
      throw new DataDirLockedError(
        `The embedded database in ${dataDir} is in use by ${who}. ` +
          'Stop that process first, or run this command through the running server\'s HTTP API, ' +
          'or use a PostgreSQL server (DATABASE_URL) to share one database between processes.',
      );
    }
  }
  throw new DataDirLockedError(`Could not lock ${path}`);
}
