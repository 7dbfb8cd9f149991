/**
 * Worker thread of an LDAP sync read (see `LdapSource.digestedRecords`): reads the directory
 * (ldap-wire.ts), digests each entry's bytes and, for the entries the last sync did not store
 * byte for byte the same, decodes the record and digests it (fingerprint, identity), so that the
 * main thread only compares fingerprints with the stored ones. An entry sent as it was costs a
 * hash: nothing is decoded. Protocol, in order:
 * - main → worker: `known` once, the raw digests the last sync stored (the worker reads on but
 *   sends no page before it has them);
 * - worker → main: `ready` once bound, then a `page` per page (raw digests; keys, fingerprints and
 *   identities, null where the raw digest is known), then `end` (the watermark); or `error` at
 *   any point (then nothing more);
 * - main → worker: one `take` per page, in page order, with the positions of the records the main
 *   thread wants (possibly none, possibly entries not decoded yet); the worker answers a non-empty
 *   take with `records`, and drops the page. It keeps at most {@link RECORDS_AHEAD} entries not
 *   taken, then waits (the directory waits with it), so a slow writer on the main thread bounds
 *   the memory here too.
 * The main thread terminates the worker when it is done, has failed or was aborted.
 */
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceRecord } from '../../modules/directory/domain/person-source.ts';
import { digestFingerprint, recordIdentity, type RecordDigestSpec } from '../../modules/directory/domain/record-digest.ts';
import { packStrings, unpackStrings, type PackedStrings } from '../../platform/concurrency/packed-strings.ts';
import { LdapReader, LdapSourceError, RECORD_DECODER, TIMESTAMP_LOWER, type LdapFailure, type LdapReaderSpec } from './ldap-reader.ts';
import { rawEntryDigest, type RawEntry } from './ldap-wire.ts';

/**
 * Entries read ahead of the main thread's takes (a few MB): the worker reads on while the sync
 * loads its stored entries at the start, and pauses the directory while a slow chunk of writes
 * goes on. Records held across young-generation collections are copied, then promoted: a deeper
 * buffer costs the worker's own collector more.
 */
const RECORDS_AHEAD = 5_000;

/** What the worker is started with (`workerData`). */
export interface LdapDigestJob {
  reader: LdapReaderSpec;
  digest: RecordDigestSpec;
  since: string | null;
  limit?: number;
}

/** Messages of the worker to the main thread. */
export type LdapDigestMessage =
  | { type: 'ready' }
  /** A page's columns, packed (see packed-strings.ts); keys and fingerprints null where the raw digest is known. */
  | { type: 'page'; raws: PackedStrings; keys: PackedStrings; fingerprints: PackedStrings; identities: PackedStrings }
  | { type: 'records'; records: SourceRecord[] }
  | { type: 'end'; watermark: string | null }
  /** `failure`: the LdapSourceError's code; absent for any other error. `cause`: what ldapts or the socket said. */
  | { type: 'error'; failure?: LdapFailure; message: string; cause?: { name: string; message: string; code?: string } };

/** Messages of the main thread to the worker. */
export type LdapDigestCommand =
  /** The raw digests stored by the last sync (sent once). */
  | { type: 'known'; raws: PackedStrings }
  /** The positions wanted in the oldest page not taken yet. */
  | { type: 'take'; positions: number[] };

/**
 * What a raw digest stands for: the entry's bytes under this read's mapping, attributes and key
 * (a changed setting changes every digest, so the entries are decoded and digested again).
 */
export function rawDigestSeed(job: Pick<LdapDigestJob, 'reader' | 'digest'>): string {
  const { settings, attributes, wantPhotos } = job.reader;
  // The decoder too: a release that turns the same bytes into other records must not keep the old ones.
  const seed = JSON.stringify([RECORD_DECODER, job.digest, attributes, wantPhotos, settings.keyAttribute ?? null, timestampLeftOut(job) ?? null]);
  return `${hash('sha256', seed, 'base64url').slice(0, 8)}.`;
}

/**
 * The attribute left out of raw digests: `modifyTimestamp` (lower-case), which changes with any
 * attribute of the entry, even those the sync does not request, unless the mapping reads it.
 */
export function timestampLeftOut(job: Pick<LdapDigestJob, 'reader' | 'digest'>): string | undefined {
  const read = [...job.reader.attributes, ...job.digest.attributes, job.digest.eppnAttribute ?? '', job.digest.institutionAttribute ?? ''];
  // Without a list the directory sends every attribute and the record keeps them all: nothing is left out.
  if (job.reader.attributes.length === 0 || read.some((name) => name.toLowerCase() === TIMESTAMP_LOWER)) return undefined;
  return TIMESTAMP_LOWER;
}

function failureMessage(error: unknown): LdapDigestMessage {
  if (error instanceof LdapSourceError) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const code = (cause as { code?: unknown } | undefined)?.code;
    return {
      type: 'error', failure: error.failure, message: error.message,
      ...(cause ? { cause: { name: cause.name, message: cause.message, ...(typeof code === 'string' ? { code } : {}) } } : {}),
    };
  }
  return { type: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A page the main thread has not taken yet: its entries, and the records decoded so far. */
interface HeldPage {
  entries: RawEntry[];
  records: Array<SourceRecord | undefined>;
  decode: (entry: RawEntry) => SourceRecord;
}

async function run(port: NonNullable<typeof parentPort>, job: LdapDigestJob): Promise<void> {
  const send = (message: LdapDigestMessage) => port.postMessage(message);
  const held: HeldPage[] = [];
  let heldEntries = 0;
  let wake: (() => void) | undefined;
  let known: Set<string> | undefined;
  port.on('message', (command: LdapDigestCommand) => {
    if (command.type === 'known') {
      known = new Set(unpackStrings(command.raws) as string[]);
    } else {
      const page = held.shift();
      heldEntries -= page?.entries.length ?? 0;
      if (command.positions.length > 0 && page) {
        send({ type: 'records', records: command.positions.map((position) => page.records[position] ?? page.decode(page.entries[position] as RawEntry)) });
      }
    }
    wake?.();
  });
  const read = await new LdapReader(job.reader).rawRead({ since: job.since, ...(job.limit !== undefined ? { limit: job.limit } : {}) });
  send({ type: 'ready' });
  const seed = rawDigestSeed(job);
  const leaveOut = timestampLeftOut(job);
  for await (const entries of read.pages) {
    while (known === undefined) await new Promise<void>((resolve) => { wake = resolve; });
    const size = entries.length;
    const raws = new Array<string>(size);
    const keys = new Array<string | null>(size);
    const fingerprints = new Array<string | null>(size);
    const identities = new Array<string | null>(size);
    const records = new Array<SourceRecord | undefined>(size);
    for (let i = 0; i < size; i++) {
      const raw = seed + rawEntryDigest(entries[i] as RawEntry, leaveOut);
      raws[i] = raw;
      if (known.has(raw)) {
        keys[i] = null;
        fingerprints[i] = null;
        identities[i] = null;
        continue;
      }
      const decoded = read.record(entries[i] as RawEntry);
      records[i] = decoded;
      keys[i] = decoded.key;
      fingerprints[i] = digestFingerprint(decoded, job.digest);
      identities[i] = recordIdentity(decoded, job.digest) ?? null;
    }
    held.push({ entries, records, decode: read.record });
    heldEntries += size;
    send({ type: 'page', raws: packStrings(raws), keys: packStrings(keys), fingerprints: packStrings(fingerprints), identities: packStrings(identities) });
    while (heldEntries >= RECORDS_AHEAD) await new Promise<void>((resolve) => { wake = resolve; });
  }
  send({ type: 'end', watermark: read.watermark() });
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as LdapDigestJob).catch((error: unknown) => port.postMessage(failureMessage(error)));
}
