/**
 * The main thread's side of an LDAP read in a worker thread (ldap-digest.worker.ts, where the
 * protocol is described): pages of keys, fingerprints and identities, and the full records of the
 * entries the sync asks for. The worker is terminated when the pages are consumed, when the
 * consumer stops early, on any failure and on abort; its LDAP failures are thrown here as the
 * same {@link LdapSourceError}s (code, field, message) as a read on this thread.
 */
import type { Worker } from 'node:worker_threads';
import type { DigestedPage, DigestedRead, KnownRawEntries, SourceRecord } from '../../modules/directory/domain/person-source.ts';
import { startModuleWorker } from '../../platform/concurrency/module-worker.ts';
import { packStrings, unpackStrings } from '../../platform/concurrency/packed-strings.ts';
import { rawDigestSeed, type LdapDigestCommand, type LdapDigestJob, type LdapDigestMessage } from './ldap-digest.worker.ts';
import { LdapSourceError } from './ldap-reader.ts';

type Streamed = Exclude<LdapDigestMessage, { type: 'records' | 'error' }>;

/** An error message of the worker as the error a read on this thread would have thrown. */
function rebuild(message: Extract<LdapDigestMessage, { type: 'error' }>): Error {
  if (message.failure === undefined) return new Error(message.message);
  const cause = message.cause ? Object.assign(new Error(message.cause.message), { name: message.cause.name, code: message.cause.code }) : undefined;
  return new LdapSourceError(message.failure, message.message, cause ? { cause } : undefined);
}

/**
 * Starts the worker reading `job` and resolves once it is bound (a wrong password or an
 * unreachable server rejects here, as `records()` does). `known`: what the last sync stored by
 * raw digest; the entries sent as they were then are not decoded, and their key, fingerprint and
 * identity come from there.
 */
export async function readInWorker(job: LdapDigestJob, signal?: AbortSignal, known?: Promise<KnownRawEntries>): Promise<DigestedRead> {
  signal?.throwIfAborted();
  const worker: Worker = await startModuleWorker(new URL('./ldap-digest.worker.ts', import.meta.url), { workerData: job });
  const command = (message: LdapDigestCommand) => worker.postMessage(message);
  // Only the digests under this read's settings are worth sending (see rawDigestSeed).
  const seed = rawDigestSeed(job);
  let stored: KnownRawEntries = new Map();
  (known ?? Promise.resolve(stored)).then((entries) => {
    stored = entries;
    command({ type: 'known', raws: packStrings([...entries.keys()].filter((raw) => raw.startsWith(seed))) });
  }, () => undefined);
  // Messages in order (ready, pages, end), and the records asked for, answered in the order asked.
  const inbox: Streamed[] = [];
  let waiting: { resolve: (message: Streamed) => void; reject: (error: unknown) => void } | undefined;
  const asked: Array<{ resolve: (records: SourceRecord[]) => void; reject: (error: unknown) => void }> = [];
  let failure: { error: unknown } | undefined;
  let closed = false;
  let watermark: string | null = job.since;

  const close = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  };
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    close();
    waiting?.reject(error);
    waiting = undefined;
    for (const request of asked.splice(0)) request.reject(error);
  };
  function onAbort() {
    fail(signal?.reason);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  worker.on('message', (message: LdapDigestMessage) => {
    if (message.type === 'error') return fail(rebuild(message));
    if (message.type === 'records') return asked.shift()?.resolve(message.records);
    if (waiting) {
      waiting.resolve(message);
      waiting = undefined;
    } else {
      inbox.push(message);
    }
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`the LDAP reading thread stopped (exit code ${code})`));
  });

  const receive = (): Promise<Streamed> => {
    if (failure) return Promise.reject(failure.error);
    const message = inbox.shift();
    if (message) return Promise.resolve(message);
    return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
  };
  const take = (positions: number[]) => command({ type: 'take', positions });

  try {
    const first = await receive();
    if (first.type !== 'ready') throw new Error(`the LDAP reading thread sent ${first.type} before binding`);
  } catch (error) {
    close();
    throw error;
  }

  /** Whether the page last given has been taken (its records asked for, or dropped). */
  let untaken = false;
  const iterator: AsyncIterator<DigestedPage> = {
    async next() {
      try {
        if (untaken) take([]);
        untaken = false;
        const message = await receive();
        if (message.type === 'end') {
          watermark = message.watermark;
          close();
          return { done: true, value: undefined };
        }
        if (message.type !== 'page') throw new Error(`the LDAP reading thread sent ${message.type} within the pages`);
        untaken = true;
        const rawDigests = unpackStrings(message.raws) as string[];
        const keys = unpackStrings(message.keys);
        const fingerprints = unpackStrings(message.fingerprints);
        const identities = unpackStrings(message.identities);
        for (let i = 0; i < keys.length; i++) {
          if (keys[i] !== null) continue;
          const entry = stored.get(rawDigests[i] as string);
          if (!entry) throw new Error('the LDAP reading thread skipped an entry it was not told of');
          keys[i] = entry.key;
          fingerprints[i] = entry.fingerprint;
          identities[i] = entry.identity;
        }
        const page: DigestedPage = {
          keys: keys as string[],
          fingerprints: fingerprints as string[],
          identities,
          rawDigests,
          records(positions) {
            if (!untaken) return Promise.reject(new Error('records of a page are asked for once, before the next page'));
            untaken = false;
            if (positions.length === 0) {
              take([]);
              return Promise.resolve([]);
            }
            if (failure) return Promise.reject(failure.error);
            const answer = new Promise<SourceRecord[]>((resolve, reject) => asked.push({ resolve, reject }));
            take([...positions]);
            return answer;
          },
        };
        return { done: false, value: page };
      } catch (error) {
        close();
        throw error;
      }
    },
    async return() {
      close();
      return { done: true, value: undefined };
    },
  };
  return { pages: { [Symbol.asyncIterator]: () => iterator }, watermark: () => watermark };
}
