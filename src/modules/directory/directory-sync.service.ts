/**
 * Directory sync: reads a person source page by page, diffs each mapped record against what the
 * source gave last time (fingerprints in `person_source_entries`), and applies only the
 * differences, set-based, one transaction per chunk:
 * - new and changed records go through `people.upsertMany` (the same path as the CSV import),
 *   limited to the fields the mapping provides: a field the source does not map keeps its value;
 *   whether a record creates, changes or leaves a person unchanged is what that write says, so a
 *   person already in campuscard is never counted as new because this source is;
 * - records a full read no longer returns are "gone": their rights end on the source's gone
 *   policy date through `people.endRights` (their cards then follow the rights-end rules); nobody
 *   is deleted;
 * - a record that cannot be mapped or read is reported (key, field, code), counted once, and
 *   changes nothing; its person is not taken for gone either. One whose key could not be read
 *   might be anyone: a full run with such records takes nobody for gone and says so
 *   (`goneHeldBack`, with their number).
 * A no-change resync reads and compares, and writes nothing but its run record.
 * Chunks are written behind the read, in order, one transaction at a time: the source sends its
 * next pages while a chunk is written, at most two chunks ahead of the writer (then the read
 * waits). A failed write stops the read; a failed read waits for the chunk being written.
 *
 * Safety stop: a full read returning fewer than `min_ratio` (default 90%) of the last full count
 * writes nothing and waits in `awaiting_confirmation`; an admin confirms (the run reads the
 * source again and applies whatever it returns) or cancels it. To stop before ANY write, such a
 * guarded run keeps its diff (not the unchanged records) in memory until the end of the read; a
 * stopped run tries its writes and rolls them back, for the counts the admin confirms.
 *
 * Dry runs do the same writes, chunk by chunk, and roll each back: the same counts as the real
 * run and a sample of the first changes with each field's stored and written values; no person,
 * entry, photo or group membership is left written.
 *
 * Runs are jobs (queue `directory-sync`) with progress in `job_runs`, so a killed process is
 * recovered by the sweeper: the retry reads again, and since writes are upserts by eppn and
 * entries by key, whatever the dead attempt committed is simply found unchanged.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { ProblemError, conflict, notFound } from '../../platform/http/problem.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import { createWriteBehind, type WriteBehind } from '../../platform/concurrency/write-behind.ts';
import type { JobRunsService, ProgressReporter } from '../jobs/jobs.service.ts';
import type { PeopleService, PersonView } from '../people/people.service.ts';
import type { PhotosService, PreparedPhoto } from '../photos/photos.service.ts';
import { diffPerson, type FieldChange } from './domain/person-changes.ts';
import { goneRightsEnd, providedFields, type MappedRecord, type ProvidedField, type RecordError } from './domain/person-mapping.ts';
import type { KnownRawEntries, SourceRecord } from './domain/person-source.ts';
import { digestRecords } from './domain/record-digest.ts';
import { nextCronRun, type BuiltSource, type PersonSourcesService, type SourceManager } from './person-sources.service.ts';
import type { SourceRunStatus } from './directory.tables.ts';
import * as repo from './directory.repository.ts';

/** Queues of the directory context. */
export const DIRECTORY_QUEUES = {
  /** One sync run: `{ runId }` (a person_source_runs id). */
  sync: 'directory-sync',
  /** Every minute: starts the scheduled runs that are due. */
  tick: 'directory-tick',
} as const;

/** `kind` of the job runs of directory syncs. */
export const DIRECTORY_SYNC_JOB_KIND = 'directory-sync';

/** Records written per transaction (the people service's own chunk size). */
export const SYNC_CHUNK_SIZE = 1000;
/**
 * Chunks a sync may hold ahead of its writer (queued or being written): the read goes on while
 * one is written and the next waits, and a source faster than the database is paused there.
 */
const WRITES_AHEAD = 2;
/** Changes kept in a run's sample (the first ones, with their field names). */
export const SAMPLE_SIZE = 50;
/** Record errors kept in a run (the counts stay exact beyond it). */
export const MAX_RUN_ERRORS = 200;
/** Sources a scheduler tick starts at most (the others wait for the next minute). */
const TICK_LIMIT = 20;

/** One change shown in a run's sample. */
export interface SampleChange {
  /** Against the persons as they were: `new` person, `changed` person (or a new enrolment of one), `gone` from the source. */
  kind: 'new' | 'changed' | 'gone';
  key: string;
  eppn: string | null;
  institution: string | null;
  /** Person fields that change (for gone persons: `rightsEnd`). */
  fields: string[];
  /** Those fields' stored and written values (empty for gone persons). */
  changes: FieldChange[];
  /** The person was enrolled at other institutions only: enrolled here by the sync, their stored values not shown. */
  enrolledElsewhere: boolean;
}

/** A run as the API shows it. */
export interface SourceRunView {
  id: string;
  sourceId: string;
  mode: 'full' | 'incremental';
  dryRun: boolean;
  status: SourceRunStatus;
  trigger: 'manual' | 'schedule';
  /**
   * Records read (a bad record counts once, however many errors it has) and what they gave, against
   * the persons as they were (as written, or as a dry run would write them).
   */
  counts: { read: number; new: number; changed: number; gone: number; unchanged: number; errors: number };
  /** Bad records whose key could not be read (among `counts.errors`). */
  unkeyedRecords: number;
  /** A full run that took nobody for gone because of {@link unkeyedRecords}: persons no longer returned keep their rights. */
  goneHeldBack: boolean;
  sample: SampleChange[];
  errors: RecordError[];
  outcome: Record<string, unknown> | null;
  jobId: string | null;
  progress: { current: number; total: number | null; percent: number | null } | null;
  createdBy: string;
  confirmedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** What to run. */
export interface SyncRequest {
  /** Absent: the source's own (incremental when it is, else full). */
  mode?: 'full' | 'incremental';
  dryRun?: boolean;
}

/** The group-role service's part the sync feeds (optional: present once that context has it). */
export interface MembershipRecorder {
  recordMemberships(executor: Executor, sourceId: string, memberships: ReadonlyArray<{ eppn: string; groups: readonly string[] }>): Promise<number>;
}

export interface DirectorySyncServiceDeps {
  db: Kysely<Database>;
  sources: PersonSourcesService;
  people: Pick<PeopleService, 'upsertMany' | 'endRights' | 'viewsByEppn'>;
  photos: Pick<PhotosService, 'prepare' | 'save' | 'listForPerson'>;
  /** Read at each run, so it may be wired after this service is built. */
  groupRoles?: () => MembershipRecorder | undefined;
  jobRuns: JobRunsService;
  jobs: Pick<JobQueue, 'send'>;
  logger?: Logger;
  now?: () => Date;
}

/**
 * The stored entries a source may skip when it sends them byte for byte as before, by raw digest;
 * gone ones left out (a person back in the source is mapped again).
 */
function knownRawEntries(entries: ReadonlyMap<string, repo.EntryState>): KnownRawEntries {
  const known = new Map<string, { key: string; fingerprint: string; identity: string | null }>();
  for (const [key, entry] of entries) {
    if (!entry.gone && entry.rawDigest !== null) known.set(entry.rawDigest, { key, fingerprint: entry.fingerprint, identity: entry.identity });
  }
  return known;
}

interface PendingChange {
  key: string;
  mapped: Extract<MappedRecord, { ok: true }>;
  fingerprint: string;
  /** The source's digest of the entry as sent, and the entry's identity: stored for the next read (see KnownRawEntries). */
  rawDigest: string | null;
  identity: string | null;
  photo: Uint8Array | undefined;
}

interface Tally {
  read: number;
  new: number;
  changed: number;
  gone: number;
  unchanged: number;
  errors: number;
  unkeyed: number;
}

/** What the writes of a run add up to: counts against the persons, and the sample of the first changes. */
interface Written {
  tally: Tally;
  sample: SampleChange[];
}

/** Thrown at the end of a dry run's chunk: its writes roll back, their outcome is kept. */
class DryRunRollback extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function runNotFound(): Error {
  return notFound('sync_run_not_found', 'No such sync run');
}

/**
 * The read's progress reports, written beside the read rather than in its way: a report made while
 * the previous one is still being written is skipped (the next one says more). Under load one
 * progress write took some 50 ms, every 250 ms, a fifth of a no-change resync. `settle` waits for
 * the report in flight and throws if any report failed.
 */
function progressBeside(reporter: ProgressReporter) {
  let inFlight: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  return {
    report(current: number, message: string): void {
      if (inFlight !== undefined) return;
      inFlight = reporter.advance(current, message)
        .catch((error: unknown) => { failure ??= { error }; })
        .finally(() => { inFlight = undefined; });
    },
    async settle(): Promise<void> {
      await inFlight;
      if (failure) throw failure.error;
    },
  };
}

/** Syncs, their runs, their confirmation and their schedule. */
export function createDirectorySyncService(deps: DirectorySyncServiceDeps) {
  const { db, sources, people, jobRuns } = deps;
  const now = deps.now ?? (() => new Date());

  function view(row: repo.RunRow, progress: SourceRunView['progress'] = null): SourceRunView {
    return {
      id: row.id,
      sourceId: row.sourceId,
      mode: row.mode,
      dryRun: row.dryRun,
      status: row.status,
      trigger: row.trigger,
      counts: { read: row.readCount, new: row.newCount, changed: row.changedCount, gone: row.goneCount, unchanged: row.unchangedCount, errors: row.errorCount },
      unkeyedRecords: row.unkeyedCount,
      goneHeldBack: row.outcome?.goneHeldBack === true,
      sample: row.sample as SampleChange[],
      errors: row.errors as RecordError[],
      outcome: row.outcome,
      jobId: row.jobRunId,
      progress,
      createdBy: row.createdBy,
      confirmedBy: row.confirmedBy,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }

  async function withProgress(row: repo.RunRow): Promise<SourceRunView> {
    if (!row.jobRunId || !repo.ACTIVE_RUN_STATUSES.includes(row.status)) return view(row);
    const job = await jobRuns.get(row.jobRunId).catch(() => undefined);
    return view(row, job ? job.progress : null);
  }

  /**
   * Records a queued run of `source` and its job run (queued in `trx` unless `enqueue` is false:
   * the CLI runs it in process). Refuses a second active run of a source: 409 `sync_already_active`.
   */
  async function createRun(trx: Transaction<Database>, source: repo.SourceRow, request: SyncRequest,
    trigger: 'manual' | 'schedule', actor: string, enqueue: boolean): Promise<repo.RunRow> {
    const active = (await repo.lastRuns(trx, [source.id]))[0];
    if (active && repo.ACTIVE_RUN_STATUSES.includes(active.status)) {
      throw conflict('sync_already_active', active.status === 'awaiting_confirmation'
        ? 'A sync of this source waits for confirmation: confirm or cancel it first'
        : 'A sync of this source is already queued or running');
    }
    const mode = request.mode ?? (source.incremental ? 'incremental' : 'full');
    const run = await repo.insertRun(trx, { sourceId: source.id, mode, dryRun: request.dryRun === true, trigger, createdBy: actor, jobRunId: null });
    const job = await jobRuns.create(trx, DIRECTORY_SYNC_JOB_KIND, { sourceId: source.id, source: source.name, runId: run.id, mode, dryRun: request.dryRun === true },
      actor, source.institutionId);
    const updated = await repo.updateRun(trx, run.id, { jobRunId: job.id });
    if (enqueue) await deps.jobs.send(DIRECTORY_QUEUES.sync, { runId: run.id }, { trx });
    return updated ?? run;
  }

  async function finish(runId: string, status: SourceRunStatus, tally: Tally, extra: repo.RunChanges = {}): Promise<void> {
    await inTransaction(db, { actor: 'system' }, (trx) => repo.updateRun(trx, runId, {
      status, readCount: tally.read, newCount: tally.new, changedCount: tally.changed, goneCount: tally.gone,
      unchangedCount: tally.unchanged, errorCount: tally.errors, unkeyedCount: tally.unkeyed, finishedAt: now(), ...extra,
    }));
  }

  /** Prepares photos outside any transaction (decoding is CPU work); refused photos are reported. */
  async function preparePhotos(changes: readonly PendingChange[], errors: RecordError[]): Promise<Map<string, PreparedPhoto>> {
    const prepared = new Map<string, PreparedPhoto>();
    for (const change of changes) {
      if (!change.photo) continue;
      try {
        prepared.set(change.key, await deps.photos.prepare(Buffer.from(change.photo)));
      } catch (error) {
        const code = error instanceof ProblemError ? error.code : 'invalid_photo';
        errors.push({ key: change.key, field: 'photo', code, message: `photo not used: ${(error as Error).message}` });
      }
    }
    return prepared;
  }

  /**
   * Writes one chunk of mapped records in one transaction and counts what it did to the persons
   * (created, changed, unchanged) into `written`, sampling the first changes with their stored
   * values, read in that transaction just before the write. A dry run does the same writes and
   * rolls them back (so its counts are the real run's), without photos, entries or groups.
   */
  async function applyChunk(built: BuiltSource, runId: string, changes: readonly PendingChange[], context: ActorContext, errors: RecordError[],
    written: Written, dryRun: boolean, present: ReadonlySet<string> | null): Promise<void> {
    if (changes.length === 0) return;
    const photos = built.row.photosAllowed && !dryRun ? await preparePhotos(changes, errors) : new Map<string, PreparedPhoto>();
    const recorder = built.mapping.groupsAttribute && !dryRun ? deps.groupRoles?.() : undefined;
    const fields: ReadonlySet<ProvidedField> = providedFields(built.mapping, present);
    const counted: Tally = { ...written.tally, new: 0, changed: 0, unchanged: 0 };
    const sampled: SampleChange[] = [];
    try {
      await inTransaction(db, context, async (trx) => {
        const byInstitution = new Map<number, PendingChange[]>();
        for (const change of changes) {
          const list = byInstitution.get(change.mapped.institutionId) ?? [];
          list.push(change);
          byInstitution.set(change.mapped.institutionId, list);
        }
        const entries: repo.EntryWrite[] = [];
        for (const [institutionId, list] of byInstitution) {
          const inputs = list.map((change) => change.mapped.person);
          const before = written.sample.length + sampled.length < SAMPLE_SIZE
            ? await people.viewsByEppn(inputs.map((input) => input.eppn), trx, institutionId)
            : new Map<string, PersonView>();
          const result = await people.upsertMany(trx, inputs, context, { channel: 'import', institutionId, fields });
          const items = new Map(result.results.map((item) => [item.eppn, item]));
          for (const change of list) {
            const item = items.get(change.mapped.person.eppn);
            const kind = item?.status === 'created' ? 'new' : item?.status === 'updated' ? 'changed' : 'unchanged';
            counted[kind] += 1;
            if (kind !== 'unchanged' && written.sample.length + sampled.length < SAMPLE_SIZE) {
              const diff = diffPerson(change.mapped.person, fields, before.get(change.mapped.person.eppn), institutionId);
              sampled.push({
                kind, key: change.key, eppn: change.mapped.person.eppn, institution: built.institutionCode(institutionId),
                fields: diff.changes.map((fieldChange) => fieldChange.field), changes: diff.changes, enrolledElsewhere: diff.enrolledElsewhere,
              });
            }
            const personId = item?.id ?? null;
            entries.push({ key: change.key, personId, institutionId, fingerprint: change.fingerprint, rawDigest: change.rawDigest, identity: change.identity });
            const photo = photos.get(change.key);
            // Seeds the photo only for a person who has none: a photo chosen by the person or the office wins.
            if (photo && personId && (await deps.photos.listForPerson(trx, personId)).length === 0) await deps.photos.save(trx, personId, photo);
          }
        }
        if (dryRun) throw new DryRunRollback();
        await repo.upsertEntries(trx, built.row.id, runId, entries);
        if (recorder) {
          await recorder.recordMemberships(trx, built.row.id, changes.map((change) => ({ eppn: change.mapped.person.eppn, groups: change.mapped.groups })));
        }
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    // Counted once the chunk is committed (or, dry, rolled back as planned): a failed chunk adds nothing.
    written.tally.new += counted.new;
    written.tally.changed += counted.changed;
    written.tally.unchanged += counted.unchanged;
    written.sample.push(...sampled);
  }

  /** Ends the rights of gone entries, a chunk per transaction, and marks them gone. */
  async function applyGone(built: BuiltSource, runId: string, gone: ReadonlyArray<{ key: string; personId: string | null; institutionId: number | null }>,
    rightsEnd: string, context: ActorContext, progress: (done: number) => Promise<void>): Promise<void> {
    for (let start = 0; start < gone.length; start += SYNC_CHUNK_SIZE) {
      const chunk = gone.slice(start, start + SYNC_CHUNK_SIZE);
      await inTransaction(db, context, async (trx) => {
        const byInstitution = new Map<number, string[]>();
        for (const entry of chunk) {
          if (entry.personId === null || entry.institutionId === null) continue;
          const ids = byInstitution.get(entry.institutionId) ?? [];
          ids.push(entry.personId);
          byInstitution.set(entry.institutionId, ids);
        }
        for (const [institutionId, ids] of byInstitution) await people.endRights(trx, institutionId, ids, rightsEnd, context);
        await repo.markGone(trx, built.row.id, runId, chunk.map((entry) => entry.key));
      });
      await progress(start + chunk.length);
    }
  }

  /**
   * Runs a sync: see the module comment. `reporter` gets the progress (records read, against
   * the last full count as the expected total). Never throws for bad records or an unreachable
   * source: the run records why it failed.
   */
  async function execute(runId: string, reporter: ProgressReporter): Promise<SourceRunView> {
    const run = await repo.findRun(db, runId);
    if (!run) throw runNotFound();
    const tally: Tally = { read: 0, new: 0, changed: 0, gone: 0, unchanged: 0, errors: 0, unkeyed: 0 };
    const written: Written = { tally, sample: [] };
    const errors: RecordError[] = [];
    const reportError = (error: RecordError) => {
      if (errors.length < MAX_RUN_ERRORS) errors.push(error);
    };
    const row = await repo.findSource(db, run.sourceId);
    if (!row) {
      await finish(run.id, 'failed', tally, { outcome: { code: 'source_deleted', message: 'The source was deleted' } });
      await reporter.fail({ code: 'source_deleted', message: 'The source was deleted' });
      return view((await repo.findRun(db, runId)) as repo.RunRow);
    }
    const context: ActorContext = { actor: `directory:${row.name}` };
    const full = run.mode === 'full' || row.watermark === null;
    const confirmed = run.confirmedBy !== null;
    // Guarded: a full run of a source with a previous full count, not confirmed: apply nothing before the count is known.
    const guarded = full && !run.dryRun && !confirmed && row.lastFullCount !== null && row.lastFullCount > 0;
    // A dry run writes (and rolls back) as it reads, like a real one; a guarded run waits for its count.
    const streaming = !guarded;
    await inTransaction(db, { actor: 'system' }, (trx) => repo.updateRun(trx, run.id, { status: 'running', startedAt: now(), outcome: null }));
    await reporter.start(row.lastFullCount, 'reading the source');
    // Chunks are written behind the read (see createWriteBehind); a failed run waits for them to stop.
    let writes: WriteBehind<PendingChange[]> | undefined;
    const progress = progressBeside(reporter);
    try {
      const built = await sources.build(row);
      // The attributes the source carries at all (a CSV file's columns), known from its first page on.
      let present: ReadonlySet<string> | null = null;
      writes = createWriteBehind((changes) => applyChunk(built, run.id, changes, context, errors, written, run.dryRun, present), WRITES_AHEAD);
      const pending: PendingChange[] = [];
      // Keys read this run: a mark on a stored entry, this set for the others (see markSeen).
      const seenNew = new Set<string>();
      const eppns = new Set<string>();
      // The stored entries load while the source connects and sends its first page.
      const loading = repo.allEntries(db, row.id);
      loading.catch(() => undefined);
      // Sources that can digest their entries off this thread do (LDAP: a worker decodes and
      // fingerprints); this thread then only compares, and maps the entries that changed. Given
      // the entries stored by raw digest, such a source does not even decode those sent as they were.
      const readOptions = { since: full ? null : row.watermark };
      const knownRaw = loading.then(knownRawEntries);
      knownRaw.catch(() => undefined);
      const read = built.source.digestedRecords
        ? await built.source.digestedRecords(readOptions, built.digest, knownRaw)
        : digestRecords(await built.source.records(readOptions), built.digest);
      // Unchanged entries whose raw digest or identity was not stored as read now (stored before
      // raw digests, or an attribute the mapping ignores changed): refreshed once the run succeeds.
      const refreshed: repo.RawDigestWrite[] = [];
      const known = await loading.catch(async (error: unknown) => {
        // The read will not be consumed: release its connection (or thread) now.
        await read.pages[Symbol.asyncIterator]().return?.();
        throw error;
      });
      /** Marks a key read; false if it was already read this run. */
      const markSeen = (key: string, entry = known.get(key)): boolean => {
        if (entry) {
          if (entry.seen) return false;
          entry.seen = true;
          return true;
        }
        if (seenNew.has(key)) return false;
        seenNew.add(key);
        return true;
      };
      for await (const page of read.pages) {
        present = read.presentAttributes?.() ?? null;
        // One bad entry is one record, whatever its number of errors; read with its key, its person is not gone.
        for (const rejected of page.rejected ?? []) {
          tally.read += 1;
          tally.errors += 1;
          if (rejected.key === undefined) tally.unkeyed += 1;
          else markSeen(rejected.key);
          for (const problem of rejected.errors) reportError({ key: rejected.key ?? null, ...problem });
        }
        const { keys, fingerprints, identities, rawDigests } = page;
        // Positions of the entries to map (new or changed), and the errors found on the way, in the source's order.
        const toMap: number[] = [];
        const refused = new Map<number, RecordError>();
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          tally.read += 1;
          const entry = known.get(key);
          if (!markSeen(key, entry)) {
            tally.errors += 1;
            refused.set(i, { key, field: 'key', code: 'duplicate_key', message: 'the source returned this key twice; the later record was ignored' });
            continue;
          }
          const identity = identities[i];
          if (identity !== null && identity !== undefined) {
            if (eppns.has(identity)) {
              tally.errors += 1;
              refused.set(i, { key, field: 'eppn', code: 'duplicate_eppn', message: 'another record of the source has this eppn; this one was ignored' });
              continue;
            }
            eppns.add(identity);
          }
          // Unchanged: not even mapped again (the fingerprint covers the mapping's inputs).
          if (entry && !entry.gone && entry.fingerprint === fingerprints[i]) {
            tally.unchanged += 1;
            const rawDigest = rawDigests?.[i] ?? null;
            if (rawDigest !== null && (entry.rawDigest !== rawDigest || entry.identity !== (identity ?? null))) {
              refreshed.push({ key, rawDigest, identity: identity ?? null });
            }
            continue;
          }
          toMap.push(i);
        }
        const records = toMap.length > 0 ? await page.records(toMap) : [];
        let next = 0;
        for (let i = 0; (toMap.length > 0 || refused.size > 0) && i < keys.length; i++) {
          const error = refused.get(i);
          if (error) reportError(error);
          if (toMap[next] !== i) continue;
          const record = records[next] as SourceRecord;
          next += 1;
          const mapped = built.map(record);
          if (!mapped.ok) {
            tally.errors += 1;
            mapped.errors.forEach(reportError);
            continue;
          }
          // New, changed or unchanged is told by the write, against the person (who may predate this source).
          pending.push({
            key: record.key, mapped, fingerprint: fingerprints[i] as string, rawDigest: rawDigests?.[i] ?? null, identity: identities[i] ?? null,
            photo: row.photosAllowed ? record.photo : undefined,
          });
          if (streaming && pending.length >= SYNC_CHUNK_SIZE) await writes.push(pending.splice(0));
        }
        progress.report(tally.read, `${tally.read} records read`);
      }
      if (streaming) await writes.push(pending.splice(0));
      await writes.drain();
      await progress.settle();
      const watermark = read.watermark();
      // An entry the source could not read nor name might be anyone: nobody is taken for gone then.
      const goneKnown = full && tally.unkeyed === 0;
      const gone = goneKnown ? [...known].filter(([, entry]) => !entry.gone && !entry.seen).map(([key, entry]) => ({ key, ...entry })) : [];
      tally.gone = gone.length;
      const heldBack = full && !goneKnown
        ? { goneHeldBack: true, unkeyedRecords: tally.unkeyed }
        : {};
      const stopped = guarded && tally.read < row.minRatio * (row.lastFullCount ?? 0);
      if (guarded) {
        // Stopped: the writes are tried and rolled back, so the admin confirms counts as the real run would give them.
        for (let start = 0; start < pending.length; start += SYNC_CHUNK_SIZE) {
          await applyChunk(built, run.id, pending.slice(start, start + SYNC_CHUNK_SIZE), context, errors, written, run.dryRun || stopped, present);
        }
      }
      const sample = [
        ...written.sample,
        ...gone.slice(0, Math.max(0, SAMPLE_SIZE - written.sample.length))
          .map((entry): SampleChange => ({ kind: 'gone', key: entry.key, eppn: null, institution: null, fields: ['rightsEnd'], changes: [], enrolledElsewhere: false })),
      ];

      if (stopped) {
        const outcome = {
          code: 'safety_stop',
          message: `The source returned ${tally.read} records, under ${Math.round(row.minRatio * 100)}% of the last full count (${row.lastFullCount}): nothing was written. Confirm to apply, or cancel.`,
          read: tally.read, lastFullCount: row.lastFullCount, minRatio: row.minRatio, ...heldBack,
        };
        await finish(run.id, 'awaiting_confirmation', tally, { sample, errors, outcome, finishedAt: null });
        await reporter.succeed({ ...tally, total: tally.read, awaitingConfirmation: true });
        return view((await repo.findRun(db, runId)) as repo.RunRow);
      }
      if (!run.dryRun) {
        const rightsEnd = goneRightsEnd(row.gonePolicy, now().toISOString().slice(0, 10));
        if (gone.length > 0 && rightsEnd !== undefined) {
          await applyGone(built, run.id, gone, rightsEnd, context, (done) => reporter.advance(tally.read, `rights ended for ${done} of ${gone.length} gone persons`));
        }
        await inTransaction(db, { actor: 'system' }, async (trx) => {
          await repo.refreshRawDigests(trx, row.id, refreshed);
          await repo.updateSource(trx, row.id, {
            ...(watermark !== null ? { watermark } : {}),
            ...(full ? { lastFullCount: tally.read } : {}),
          });
        });
      }
      await finish(run.id, 'succeeded', tally, {
        sample, errors: errors.slice(0, MAX_RUN_ERRORS),
        ...(full && !goneKnown ? {
          outcome: {
            code: 'gone_not_computed', ...heldBack,
            message: `${tally.unkeyed} ${tally.unkeyed === 1 ? 'record' : 'records'} could not be read nor identified: no person was taken for gone, persons no longer returned keep their rights`,
          },
        } : {}),
      });
      await reporter.succeed({ ...tally, total: tally.read });
    } catch (error) {
      // No chunk may still be writing once the run says it failed.
      await writes?.drain().catch(() => undefined);
      await progress.settle().catch(() => undefined);
      const code = error instanceof ProblemError ? error.code : 'sync_failed';
      const message = error instanceof ProblemError ? error.message : `The sync stopped: ${(error as Error).message}`;
      deps.logger?.error({ runId, source: row.name, err: { type: (error as Error).name, code } }, 'directory sync failed');
      await finish(run.id, 'failed', tally, { errors, outcome: { code, message } });
      await reporter.fail({ code, message });
    }
    return view((await repo.findRun(db, runId)) as repo.RunRow);
  }

  async function loadRun(manager: SourceManager, runId: string, executor: Executor = db, lock = false): Promise<{ run: repo.RunRow; source: repo.SourceRow }> {
    const run = UUID.test(runId) ? await repo.findRun(executor, runId, lock) : undefined;
    const source = run ? await repo.findSource(executor, run.sourceId) : undefined;
    if (!run || !source || !sources.visible(manager, source)) throw runNotFound();
    return { run, source };
  }

  return {
    /** Queues a sync of a source the manager may see; returns the run (poll it, or its job). */
    async start(manager: SourceManager, idOrName: string, request: SyncRequest, context: ActorContext): Promise<SourceRunView> {
      try {
        return view(await inTransaction(db, context, async (trx) => {
          const source = await sources.load(manager, idOrName, trx, true);
          return createRun(trx, source, request, 'manual', context.actor, true);
        }));
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('sync_already_active', 'A sync of this source is already queued or running');
        throw error;
      }
    },

    /**
     * Runs a sync in this process (the CLI), with `onProgress` told of every advance; the run is
     * recorded like a queued one.
     */
    async runInProcess(idOrName: string, request: SyncRequest, actor: string,
      onProgress: (current: number, total: number | null, message: string) => void): Promise<SourceRunView> {
      const run = await inTransaction(db, { actor }, async (trx) => {
        const source = await sources.load({ institutionIds: null }, idOrName, trx, true);
        return createRun(trx, source, request, 'manual', actor, false);
      });
      const inner = jobRuns.reporter(run.jobRunId as string);
      let total: number | null = null;
      const reporter: ProgressReporter = {
        ...inner,
        async start(expected, message) {
          total = expected;
          onProgress(0, total, message ?? '');
          await inner.start(expected, message);
        },
        async advance(current, message) {
          onProgress(current, total, message ?? '');
          await inner.advance(current, message);
        },
      };
      try {
        return await execute(run.id, reporter);
      } finally {
        inner.release();
      }
    },

    /**
     * The queue job: runs `runId` unless it is over (done, cancelled, waiting for confirmation).
     * A run found `running` is a retry after a lost worker: it runs again (see the module comment).
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      const run = await repo.findRun(db, runId);
      if (!run || !run.jobRunId) return;
      const reporter = jobRuns.reporter(run.jobRunId, job);
      if (run.status === 'cancelled') {
        // Cancelled while queued: its job run ends too, instead of staying queued in the jobs list.
        const jobRun = await jobRuns.get(run.jobRunId).catch(() => undefined);
        if (jobRun?.status === 'queued') await reporter.fail({ code: 'sync_cancelled', message: 'The sync was cancelled before it ran' });
        return;
      }
      if (run.status !== 'queued' && run.status !== 'running') return;
      try {
        await execute(run.id, reporter);
      } finally {
        reporter.release();
      }
    },

    /** Fails the run of a job run whose worker was lost with no attempt left (the sweeper). */
    async abandoned(jobRunId: string): Promise<void> {
      await inTransaction(db, { actor: 'system' }, async (trx) => {
        const run = await repo.findRunByJob(trx, jobRunId);
        if (run) {
          await repo.updateRun(trx, run.id, { status: 'failed', finishedAt: now(), outcome: { code: 'worker_lost', message: 'The worker stopped and no attempt is left' } },
            ['queued', 'running']);
        }
      });
    },

    /** The runs of a source, newest first (with the progress of an active one). */
    async runs(manager: SourceManager, idOrName: string, limit = 20): Promise<SourceRunView[]> {
      const source = await sources.load(manager, idOrName);
      return Promise.all((await repo.listRuns(db, source.id, limit)).map(withProgress));
    },

    /** The last run of each source (for the list of sources). */
    async lastRuns(sourceIds: readonly string[]): Promise<Map<string, SourceRunView>> {
      const rows = await repo.lastRuns(db, sourceIds);
      return new Map(await Promise.all(rows.map(async (row) => [row.sourceId, await withProgress(row)] as const)));
    },

    /** One run (404 `sync_run_not_found` outside the manager's scope). */
    async run(manager: SourceManager, runId: string): Promise<SourceRunView> {
      return withProgress((await loadRun(manager, runId)).run);
    },

    /**
     * Confirms a run stopped by the safety stop: it is queued again and, confirmed, applies what
     * the source returns then. 409 `sync_not_awaiting_confirmation` for any other run.
     */
    async confirm(manager: SourceManager, runId: string, context: ActorContext): Promise<SourceRunView> {
      return view(await inTransaction(db, context, async (trx) => {
        const { run, source } = await loadRun(manager, runId, trx, true);
        if (run.status !== 'awaiting_confirmation') throw conflict('sync_not_awaiting_confirmation', 'This run does not wait for confirmation');
        const job = await jobRuns.create(trx, DIRECTORY_SYNC_JOB_KIND, { sourceId: source.id, source: source.name, runId: run.id, mode: run.mode, dryRun: false, confirmed: true },
          context.actor, source.institutionId);
        const updated = await repo.updateRun(trx, run.id, { status: 'queued', confirmedBy: context.actor, jobRunId: job.id, finishedAt: null });
        await deps.jobs.send(DIRECTORY_QUEUES.sync, { runId: run.id }, { trx });
        return updated as repo.RunRow;
      }));
    },

    /** Cancels a run waiting for confirmation or still queued. 409 `sync_not_cancellable` otherwise. */
    async cancel(manager: SourceManager, runId: string, context: ActorContext): Promise<SourceRunView> {
      return view(await inTransaction(db, context, async (trx) => {
        const { run } = await loadRun(manager, runId, trx, true);
        const updated = await repo.updateRun(trx, run.id, { status: 'cancelled', finishedAt: now() }, ['awaiting_confirmation', 'queued']);
        if (!updated) throw conflict('sync_not_cancellable', 'Only a queued run or one waiting for confirmation can be cancelled');
        return updated;
      }));
    },

    /**
     * The scheduler's minute tick: claims the sources whose `next_run_at` is due (FOR UPDATE
     * SKIP LOCKED, so ticks on several nodes never claim one twice), moves `next_run_at` to the
     * next cron time and queues a run, all in one transaction. A source whose previous run is
     * still active skips this occurrence. Returns the runs queued.
     */
    async tick(): Promise<number> {
      return inTransaction(db, { actor: 'system' }, async (trx) => {
        let queued = 0;
        for (const source of await repo.lockDueSources(trx, now(), TICK_LIMIT)) {
          const next = source.schedule ? nextCronRun(source.schedule, now()) : undefined;
          await repo.updateSource(trx, source.id, { nextRunAt: next?.ok ? next.at : null });
          const last = (await repo.lastRuns(trx, [source.id]))[0];
          if (last && repo.ACTIVE_RUN_STATUSES.includes(last.status)) {
            deps.logger?.warn({ source: source.name, run: last.id }, 'scheduled directory sync skipped: the previous run is still active');
            continue;
          }
          await createRun(trx, source, {}, 'schedule', 'system:scheduler', true);
          queued += 1;
        }
        return queued;
      });
    },
  };
}

export type DirectorySyncService = ReturnType<typeof createDirectorySyncService>;
