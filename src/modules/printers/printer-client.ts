/**
 * The printer client: the small program next to a card printer (`campuscard printer-client`).
 * It long-polls campuscard for its printer's next job, downloads the PDF to a temporary file,
 * hands it to the operating system's spooler (CUPS `lp` by default, any command, or a folder the
 * file is copied into), reports progress and then done or failed, and sends a heartbeat.
 *
 * It survives server restarts and network cuts: every call is retried with exponential backoff
 * (1 s doubling to 60 s, with jitter), a job's final report until the server takes it. A job it
 * handed to the spooler is remembered in its state folder before it reports, so that a client
 * restarted between the spooler and the report reports that job done instead of printing it twice.
 * The credential travels only in the Authorization header and is never logged.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { PrinterClientConfig } from '../../config.ts';

/** Where the client's lines go (the CLI: stderr; the demo: the server's logger). */
export interface PrinterClientLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** The job the server hands out (the fields the client uses). */
interface ClientJob {
  id: string;
  title: string;
  status: string;
  pagesTotal: number | null;
  cardsTotal: number | null;
}

/** An answer the client cannot go on from: a refused credential, a job the server will not take. */
class RefusedError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const VERSION = 'campuscard-printer-client/1';
const MAX_BACKOFF_MS = 60_000;

/** 1 s, 2 s, 4 s … up to 60 s, with ±20 % jitter so a fleet of clients does not reconnect at once. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The spooler command's arguments for a file (placeholders replaced; no shell involved). */
export function spoolerArguments(command: readonly string[], values: { file: string; queue: string; duplex: boolean }): string[] {
  const sides = values.duplex ? 'two-sided-long-edge' : 'one-sided';
  return command.map((part) => part.replaceAll('{file}', values.file).replaceAll('{queue}', values.queue).replaceAll('{sides}', sides));
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Runs the client until `signal` aborts. Resolves once it stopped (a job being spooled finishes
 * first, its report included, unless the server cannot be reached).
 */
export async function runPrinterClient(config: PrinterClientConfig, options: { log: PrinterClientLog; signal: AbortSignal }): Promise<void> {
  const { log, signal } = options;
  const base = `${config.url}/api/v1/printer-client`;
  const headers = { authorization: `Bearer ${config.token}`, 'user-agent': VERSION };
  const stateDir = config.stateDir ?? join(tmpdir(), 'campuscard-printer-client');
  await mkdir(stateDir, { recursive: true });
  let duplex = true;
  let state: 'idle' | 'printing' | 'error' = 'idle';
  let stateMessage: string | undefined;

  /**
   * One call; throws RefusedError on 4xx (but 408/429), anything else is retried by the caller.
   * Stopping the client interrupts it, unless it is a final report (`interruptible` false).
   */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000, interruptible = true): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: interruptible ? AbortSignal.any([timeout, signal]) : timeout,
    });
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      const problem = await response.json().catch(() => ({})) as { code?: string; detail?: string };
      throw new RefusedError(response.status, problem.code ?? 'refused', problem.detail ?? `HTTP ${response.status}`);
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      await response.body?.cancel();
      throw new Error(`server answered ${response.status}`);
    }
    return response;
  }

  /** `work` until it succeeds, with backoff; a refusal is rethrown. Stops retrying once `signal` aborts and `untilStopped` is false. */
  async function retried<T>(what: string, work: () => Promise<T>, untilStopped = true): Promise<T | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (error instanceof RefusedError && error.status !== 401 && error.status !== 403) throw error;
        if (signal.aborted && untilStopped) return undefined;
        const delay = backoffDelay(attempt);
        const reason = error instanceof RefusedError ? `${error.code}: ${error.message}` : (error as Error).message;
        log.warn(`${what} failed, trying again`, { reason, retryInSeconds: Math.round(delay / 1000) });
        // A final report waits its full delay even while stopping (a second SIGINT ends the process).
        await sleep(delay, untilStopped ? signal : new AbortController().signal);
        if (signal.aborted && untilStopped) return undefined;
      }
    }
  }

  async function heartbeat(): Promise<void> {
    const response = await call('POST', '/heartbeat', { version: VERSION, state, ...(stateMessage ? { message: stateMessage.slice(0, 500) } : {}) });
    duplex = ((await response.json()) as { duplex: boolean }).duplex;
  }

  const spooledMarker = (jobId: string) => join(stateDir, `spooled-${jobId}`);

  /** Hands the file to the spooler (or the folder); throws with the spooler's message when it refuses. */
  async function spool(job: ClientJob, file: string): Promise<void> {
    if (config.folder) {
      await mkdir(config.folder, { recursive: true });
      await copyFile(file, join(config.folder, `${job.id}.pdf`));
      return;
    }
    const [program, ...args] = spoolerArguments(config.command, { file, queue: config.queue, duplex });
    await new Promise<void>((resolve, reject) => {
      execFile(program!, args, { timeout: 10 * 60_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        reject(new Error(`${program} failed: ${(stderr.trim() || error.message).slice(0, 900)}`));
      });
    });
  }

  async function report(job: ClientJob, path: string, body?: unknown): Promise<void> {
    // A final report is retried even while stopping: the job must not stay taken.
    await retried(`report of job ${job.id}`, async () => {
      await (await call('POST', `/jobs/${job.id}/${path}`, body, 30_000, false)).body?.cancel();
    }, false);
  }

  async function print(job: ClientJob): Promise<void> {
    const marker = spooledMarker(job.id);
    if (await readFile(marker).then(() => true, () => false)) {
      log.info('job already handed to the spooler before a restart: reporting it done', { job: job.id });
      await report(job, 'done');
      await rm(marker, { force: true });
      return;
    }
    const work = await mkdtemp(join(tmpdir(), 'campuscard-job-'));
    const file = join(work, `${job.id}.pdf`);
    try {
      state = 'printing';
      stateMessage = undefined;
      log.info('job taken', { job: job.id, title: job.title, pages: job.pagesTotal });
      const downloaded = await retried(`download of job ${job.id}`, async () => {
        const response = await call('GET', `/jobs/${job.id}/file`, undefined, 10 * 60_000);
        if (!response.body) throw new Error('empty answer');
        await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file));
        return true;
      });
      if (!downloaded) return;
      await retried(`progress of job ${job.id}`, async () => {
        await (await call('POST', `/jobs/${job.id}/progress`, { pagesDone: 0 })).body?.cancel();
      });
      try {
        await spool(job, file);
      } catch (error) {
        state = 'error';
        stateMessage = (error as Error).message;
        log.warn('the spooler refused the job', { job: job.id, reason: stateMessage });
        await report(job, 'failed', { code: 'spooler_refused', message: stateMessage.slice(0, 1000) });
        return;
      }
      await writeFile(marker, new Date().toISOString());
      // The spooler took every page: what it does next is the printer's (CUPS keeps its own queue).
      await report(job, 'progress', { pagesDone: job.pagesTotal ?? 0, ...(job.cardsTotal !== null ? { cardsDone: job.cardsTotal } : {}) });
      await report(job, 'done');
      await rm(marker, { force: true });
      state = 'idle';
      log.info('job printed', { job: job.id });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  const beating = (async () => {
    while (!signal.aborted) {
      await heartbeat().catch((error: Error) => log.warn('heartbeat failed', { reason: error.message }));
      await sleep(config.heartbeatSeconds * 1000, signal);
    }
  })();

  log.info('printer client started', { server: config.url, spooler: config.folder ? `folder ${config.folder}` : config.command[0] });
  while (!signal.aborted) {
    try {
      const job = await retried('poll', async () => {
        const response = await call('GET', `/jobs/next?wait=${config.pollWaitSeconds}`, undefined, (config.pollWaitSeconds + 30) * 1000);
        if (response.status === 204) return null;
        return (await response.json()) as ClientJob;
      });
      if (job) await print(job);
    } catch (error) {
      // A job the server refuses (cancelled meanwhile, removed): leave it and poll again.
      log.warn('job abandoned', { reason: (error as Error).message });
      state = 'idle';
      await sleep(1000, signal);
    }
  }
  await beating;
  log.info('printer client stopped');
}
