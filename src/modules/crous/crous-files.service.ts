/**
 * CROUS account files (issue 11, "CROUS/Izly through files"): per institution and per kind, the
 * CSV the institution sends its CROUS where no API is set up, made on demand or on a schedule as
 * a job with progress, previewed before, and kept (bytes included) so it can be downloaded again.
 *
 * Who goes in which file (all four: only enrolments at the institution whose person has a granted
 * CROUS consent, and of the kind's person types, see {@link defaultPersonTypes}):
 * - `new_entrants`: students whose rights run (no end, or ending today or later) and whose
 *   enrolment at the institution was created in the current academic year (since 1 September);
 * - `re_enrolments`: students whose rights run and whose enrolment predates that 1 September (a
 *   student not re-enrolled has rights that ended, usually on 31 August, and is left out);
 * - `staff_present`: staff whose rights run;
 * - `staff_leaving`: staff whose rights ended within the last `leavingWindowDays` days (default
 *   31, today excluded), with rate 99 in the tariff column, which stops the subsidy.
 * The due date is the end of the rights, else the end of the academic year (31 August).
 *
 * Tariffs come from `tariffs` in the dependencies: the composition root plugs in the CROUS tariff
 * service (the person type mapped to a CROUS status code, the institution's rules fetched from
 * the CROUS; see {@link tariffsByPersonType}). Without it (or before any rule is fetched) every
 * person gets the defaults of {@link computeCrousTariff}: students 10 / 1, staff 78 / 99.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { badRequest, notFound, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import type { JobRunsService, JobRunView } from '../jobs/jobs.service.ts';
import type { InstitutionService, InstitutionRef } from '../institution/institution.service.ts';
import { institutionNotFound } from '../institution/institution.service.ts';
import { nextCronRun } from '../directory/person-sources.service.ts';
import { computeCrousTariff, STUDENT_STATUS_CODE, type CrousTariff } from './domain/crous-account.ts';
import {
  ACCOUNT_FILE_KINDS, LINE_END, academicYear, accountFileName, accountLineValues, checkAccountFileSettings, daysBefore,
  defaultAccountFileSettings, encodeAccountFile, headerLine, personLine, populationOf,
  type AccountFileKind, type AccountFileSettings, type AccountFileSettingsError,
} from './domain/crous-account-file.ts';
import * as repo from './crous-files.repository.ts';

/** Queues of the account files: one generation, and the minute tick starting scheduled ones. */
export const CROUS_FILE_QUEUES = { generate: 'crous-file-generate', tick: 'crous-files-tick' } as const;

/** `kind` of the job runs that make an account file. */
export const CROUS_FILE_JOB_KIND = 'crous-account-file';

/** Lines a preview shows. */
export const PREVIEW_LINES = 10;

/** Persons read per query while a file is made. */
const PAGE_SIZE = 1000;
/** Scheduled files a tick starts at most (the others wait for the next minute). */
const TICK_LIMIT = 20;
/** Status code of staff in the CROUS's rules when nothing more precise is known. */
const STAFF_STATUS_CODE = 'prs';
const STAFF_AFFILIATIONS = ['staff', 'employee', 'faculty'];

/** The person a tariff is computed for. */
export interface TariffSubject {
  personType: string;
  population: 'student' | 'staff';
}

/**
 * Gives, for one institution, the tariff of each person of a file. Loaded once per file (the
 * CROUS's rules are fetched at most once). The CROUS API connector provides the real one.
 */
export type TariffResolver = (executor: Executor, institutionId: number) => Promise<(subject: TariffSubject) => CrousTariff>;

/** No rules: the defaults of the domain file (students 10 / 1, everyone else 78 / 99). */
export const DEFAULT_TARIFFS: TariffResolver = async () => (subject) =>
  computeCrousTariff([], { statusCode: subject.population === 'student' ? STUDENT_STATUS_CODE : STAFF_STATUS_CODE });

/**
 * A {@link TariffResolver} over a per-person lookup (the CROUS tariff service's `tariffFor`, which
 * maps the person type to the CROUS status code and applies the institution's stored rules):
 * computed once per person type of the institution when a file is made. A type the institution
 * does not define (none should reach a file) falls back to {@link DEFAULT_TARIFFS}.
 */
export function tariffsByPersonType(
  personTypesOf: (executor: Executor, institutionId: number) => Promise<ReadonlyArray<{ code: string }>>,
  tariffFor: (executor: Executor, institutionId: number, person: { personType: string }) => Promise<CrousTariff>,
): TariffResolver {
  return async (executor, institutionId) => {
    const byType = new Map<string, CrousTariff>();
    for (const type of await personTypesOf(executor, institutionId)) {
      const { idCompanyRate, idRate, source } = await tariffFor(executor, institutionId, { personType: type.code });
      byType.set(type.code, { idCompanyRate, idRate, source });
    }
    const fallback = await DEFAULT_TARIFFS(executor, institutionId);
    return (subject) => byType.get(subject.personType) ?? fallback(subject);
  };
}

/** Who acts: their institutions (null: all) and focus, and the actor recorded. */
export interface CrousFilesCaller {
  institutionIds: readonly number[] | null;
  focusInstitutionId: number | null;
  actor: string;
}

/** A kind's settings as the console edits them. */
export interface AccountFileConfigView {
  kind: AccountFileKind;
  settings: AccountFileSettings;
  /** False while the institution keeps the defaults. */
  saved: boolean;
  /** The person types the file draws from (the saved ones, else the defaults). */
  effectivePersonTypes: string[];
  nextRunAt: string | null;
}

/** A file produced, without its bytes. */
export interface AccountFileView {
  id: string;
  institution: string;
  kind: AccountFileKind;
  fileName: string;
  byteSize: number;
  lineCount: number;
  settings: AccountFileSettings;
  trigger: 'manual' | 'schedule';
  jobRunId: string | null;
  createdBy: string;
  createdAt: string;
}

/** The first lines of a file as it would be made now. */
export interface AccountFilePreview {
  institution: string;
  kind: AccountFileKind;
  header: string | null;
  lines: string[];
  /** Person lines the whole file would hold. */
  total: number;
}

/** Data of a generation job. */
export interface CrousFileJobData {
  runId: string;
}

export interface CrousFilesServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'targetFor' | 'byId' | 'find' | 'personTypesOf' | 'list'>;
  jobRuns: Pick<JobRunsService, 'create' | 'unfinished'>;
  jobs: Pick<JobQueue, 'send'>;
  /** Plug-in point of the CROUS's tariff rules; {@link DEFAULT_TARIFFS} when absent. */
  tariffs?: TariffResolver;
  logger?: Logger;
  now?: () => Date;
}

function isKind(value: unknown): value is AccountFileKind {
  return typeof value === 'string' && (ACCOUNT_FILE_KINDS as readonly string[]).includes(value);
}

function refused(errors: readonly AccountFileSettingsError[]): Error {
  const items: ProblemItem[] = errors.map((error) => ({ field: error.field, code: error.code, message: error.message }));
  const first = errors[0] as AccountFileSettingsError;
  return badRequest('validation_failed', `${first.field}: ${first.message}`, { field: first.field, errors: items });
}

function settingsOfRow(row: repo.ConfigRow): AccountFileSettings {
  return {
    columns: row.columns, separator: row.separator, encoding: row.encoding, header: row.header, dateFormat: row.dateFormat,
    personTypes: row.personTypes, ineAsIdentifier: row.ineAsIdentifier, leavingWindowDays: row.leavingWindowDays, schedule: row.schedule,
  };
}

type FileRow = Awaited<ReturnType<typeof repo.listFiles>>[number];

function fileView(row: FileRow): AccountFileView {
  return {
    id: row.id, institution: row.institution, kind: row.kind, fileName: row.fileName, byteSize: row.byteSize, lineCount: row.lineCount,
    settings: row.settings, trigger: row.trigger, jobRunId: row.jobRunId, createdBy: row.createdBy, createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The person types a kind draws from when the institution named none: for the student files the
 * types coded `student` or mapped from the `student` affiliation; for the staff files those coded
 * `staff` or mapped from `staff`, `employee` or `faculty`.
 */
export function defaultPersonTypes(types: ReadonlyArray<{ code: string; affiliations: readonly string[] }>, population: 'student' | 'staff'): string[] {
  const wanted = population === 'student' ? ['student'] : STAFF_AFFILIATIONS;
  return types.filter((type) => type.code === population || type.affiliations.some((affiliation) => wanted.includes(affiliation))).map((type) => type.code);
}

/** Account files: settings, preview, generation (job or in process), history, download, schedule. */
export function createCrousFilesService(deps: CrousFilesServiceDeps) {
  const { db, institution, jobRuns, jobs } = deps;
  const now = deps.now ?? (() => new Date());
  const tariffs = deps.tariffs ?? DEFAULT_TARIFFS;

  async function target(caller: CrousFilesCaller, code?: string | null): Promise<InstitutionRef> {
    return institution.targetFor(db, caller, code);
  }

  /** The institution of this code when the caller's scope reaches it (404 otherwise). */
  async function inScopeByCode(caller: CrousFilesCaller, code: string): Promise<InstitutionRef> {
    const found = (await institution.list(db)).find((ref) => ref.code === code);
    if (!found || (caller.institutionIds !== null && !caller.institutionIds.includes(found.id))) throw institutionNotFound();
    return found;
  }

  async function storedSettings(executor: Executor, institutionId: number): Promise<Map<AccountFileKind, repo.ConfigRow>> {
    return new Map((await repo.findConfigs(executor, institutionId)).map((row) => [row.kind, row]));
  }

  async function settingsFor(executor: Executor, institutionId: number, kind: AccountFileKind): Promise<AccountFileSettings> {
    const row = (await storedSettings(executor, institutionId)).get(kind);
    return row ? settingsOfRow(row) : defaultAccountFileSettings();
  }

  async function effectiveTypes(executor: Executor, institutionId: number, kind: AccountFileKind, settings: AccountFileSettings): Promise<string[]> {
    if (settings.personTypes !== null) return settings.personTypes;
    return defaultPersonTypes(await institution.personTypesOf(executor, institutionId), populationOf(kind));
  }

  /** Settings checked in full: shape rules, the cron, and person types the institution defines. 400 naming the field. */
  async function check(executor: Executor, institutionId: number, settings: AccountFileSettings): Promise<void> {
    const errors = checkAccountFileSettings(settings);
    if (settings.schedule !== null) {
      const next = nextCronRun(settings.schedule, now());
      if (!next.ok) errors.push({ field: '/schedule', code: 'invalid_cron', message: next.message });
    }
    if (settings.personTypes !== null) {
      const known = new Set((await institution.personTypesOf(executor, institutionId)).map((type) => type.code));
      settings.personTypes.forEach((type, index) => {
        if (!known.has(type)) errors.push({ field: `/personTypes/${index}`, code: 'unknown_person_type', message: `${type} is not a person type of this institution` });
      });
    }
    if (errors.length > 0) throw refused(errors);
  }

  /** Everything a file of this kind needs, read once. */
  async function plan(executor: Executor, ref: InstitutionRef, kind: AccountFileKind, settings: AccountFileSettings) {
    const today = now().toISOString().slice(0, 10);
    const year = academicYear(today);
    const selection: repo.PersonSelection = {
      institutionId: ref.id, kind, personTypes: await effectiveTypes(executor, ref.id, kind, settings), today,
      yearStart: new Date(`${year.start}T00:00:00Z`), leavingFrom: daysBefore(today, settings.leavingWindowDays),
    };
    const uai = (await institution.find(executor, ref.id))?.uai ?? '';
    const tariffOf = await tariffs(executor, ref.id);
    const population = populationOf(kind);
    // One tariff per person type: the rules depend on the type (and, for staff, an index not held yet).
    const byType = new Map<string, CrousTariff>();
    const lineOf = (person: repo.SelectedPerson) => {
      const type = person.personType;
      let tariff = byType.get(type);
      if (tariff === undefined) {
        tariff = tariffOf({ personType: type, population });
        byType.set(type, tariff);
      }
      return personLine(accountLineValues(person, { kind, uai, tariff, defaultDueDate: year.end }, settings), settings);
    };
    return { selection, uai, lineOf };
  }

  /**
   * Makes a file's bytes, page by page (`onPage` after each, for progress). The text is built
   * whole, then encoded: a file of 100,000 persons is about 15 MB.
   */
  async function build(ref: InstitutionRef, kind: AccountFileKind, settings: AccountFileSettings,
    onStart: (total: number) => Promise<void>, onPage: (done: number) => Promise<void>): Promise<{ content: Buffer; lineCount: number }> {
    const { selection, uai, lineOf } = await plan(db, ref, kind, settings);
    if (uai === '' && settings.columns.some((column) => column.field === 'uai')) {
      throw unprocessable('institution_uai_missing', 'The institution has no UAI: set it, or remove the uai column', { field: '/institution' });
    }
    await onStart(await repo.countPersons(db, selection));
    const parts: string[] = settings.header ? [headerLine(settings) + LINE_END] : [];
    let lineCount = 0;
    let cursor: repo.PersonCursor | null = null;
    for (;;) {
      const page = await repo.pagePersons(db, selection, cursor, PAGE_SIZE);
      for (const person of page) parts.push(lineOf(person) + LINE_END);
      lineCount += page.length;
      await onPage(lineCount);
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE_SIZE) break;
      cursor = { lastName: last.lastName, firstName: last.firstName, eppn: last.eppn };
    }
    return { content: encodeAccountFile(parts.join(''), settings.encoding), lineCount };
  }

  async function store(ref: InstitutionRef, kind: AccountFileKind, settings: AccountFileSettings, built: { content: Buffer; lineCount: number },
    origin: { trigger: 'manual' | 'schedule'; jobRunId: string | null; actor: ActorContext }): Promise<AccountFileView> {
    const fileName = accountFileName(kind, ref.code, now());
    const id = await inTransaction(db, origin.actor, (trx) => repo.insertFile(trx, {
      institutionId: ref.id, kind, fileName, content: built.content, lineCount: built.lineCount, settings,
      trigger: origin.trigger, jobRunId: origin.jobRunId, createdBy: origin.actor.actor,
    }));
    const row = await repo.findFile(db, id, { institutionIds: null, personTypes: null });
    return fileView(row as FileRow);
  }

  async function queue(trx: Transaction<Database>, ref: InstitutionRef, kind: AccountFileKind, trigger: 'manual' | 'schedule', createdBy: string): Promise<JobRunView> {
    const run = await jobRuns.create(trx, CROUS_FILE_JOB_KIND, { institution: ref.code, institutionId: ref.id, kind, trigger }, createdBy, ref.id);
    await jobs.send(CROUS_FILE_QUEUES.generate, { runId: run.id } satisfies CrousFileJobData, { trx });
    return run;
  }

  return {
    /** The four kinds' settings at an institution (the caller's focused or only one, or `code`). */
    async configs(caller: CrousFilesCaller, code?: string): Promise<{ institution: string; uai: string | null; items: AccountFileConfigView[] }> {
      const ref = await target(caller, code);
      const stored = await storedSettings(db, ref.id);
      const items: AccountFileConfigView[] = [];
      for (const kind of ACCOUNT_FILE_KINDS) {
        const row = stored.get(kind);
        const settings = row ? settingsOfRow(row) : defaultAccountFileSettings();
        items.push({ kind, settings, saved: row !== undefined, effectivePersonTypes: await effectiveTypes(db, ref.id, kind, settings),
          nextRunAt: row?.nextRunAt?.toISOString() ?? null });
      }
      return { institution: ref.code, uai: (await institution.find(db, ref.id))?.uai ?? null, items };
    },

    /** Saves a kind's settings (400 `validation_failed` naming the field); the schedule's next run is computed. */
    async saveConfig(caller: CrousFilesCaller, code: string | undefined, kind: AccountFileKind, settings: AccountFileSettings,
      context: ActorContext): Promise<AccountFileConfigView> {
      const ref = await target(caller, code);
      await check(db, ref.id, settings);
      const next = settings.schedule === null ? undefined : nextCronRun(settings.schedule, now());
      await inTransaction(db, context, (trx) => repo.upsertConfig(trx, ref.id, kind, settings, next?.ok ? next.at : null));
      return {
        kind, settings, saved: true, effectivePersonTypes: await effectiveTypes(db, ref.id, kind, settings),
        nextRunAt: next?.ok ? next.at.toISOString() : null,
      };
    },

    /** The first {@link PREVIEW_LINES} lines with the stored settings, or with `draft` (checked like a save). */
    async preview(caller: CrousFilesCaller, code: string | undefined, kind: AccountFileKind, draft?: AccountFileSettings): Promise<AccountFilePreview> {
      const ref = await target(caller, code);
      if (draft) await check(db, ref.id, draft);
      const settings = draft ?? await settingsFor(db, ref.id, kind);
      const { selection, lineOf } = await plan(db, ref, kind, settings);
      const page = await repo.pagePersons(db, selection, null, PREVIEW_LINES);
      return {
        institution: ref.code, kind, header: settings.header ? headerLine(settings) : null,
        lines: page.map((person) => lineOf(person)), total: await repo.countPersons(db, selection),
      };
    },

    /** Queues the making of a file (a job with progress; poll `GET /jobs/:id`). */
    async submit(caller: CrousFilesCaller, code: string | undefined, kind: AccountFileKind, context: ActorContext): Promise<JobRunView> {
      const ref = await target(caller, code);
      return inTransaction(db, context, (trx) => queue(trx, ref, kind, 'manual', context.actor));
    },

    /** Makes a file now, in this process (scripts, `wait=true`), and stores it. */
    async generateNow(caller: CrousFilesCaller, code: string | undefined, kind: AccountFileKind, context: ActorContext): Promise<AccountFileView> {
      const ref = await target(caller, code);
      const settings = await settingsFor(db, ref.id, kind);
      const built = await build(ref, kind, settings, async () => undefined, async () => undefined);
      return store(ref, kind, settings, built, { trigger: 'manual', jobRunId: null, actor: context });
    },

    /**
     * Runs a queued generation: reads the settings as they are now, makes the file with progress,
     * stores it; the run succeeds with `{ fileId, fileName, lineCount }` or fails with a code.
     * Safe to run twice (a finished run is not run again).
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      const open = await jobRuns.unfinished(runId, job);
      if (!open) return;
      const { run, reporter } = open;
      try {
        const { institutionId, kind, trigger } = run.params;
        const ref = Number.isInteger(institutionId) ? await institution.byId(db, institutionId as number) : undefined;
        if (!ref || !isKind(kind)) {
          await reporter.fail({ code: 'invalid_job', message: 'The job names no institution or file kind' });
          return;
        }
        const settings = await settingsFor(db, ref.id, kind);
        const built = await build(ref, kind, settings,
          (total) => reporter.start(total, 'reading the persons'),
          (done) => reporter.advance(done, `${done} lines`));
        const file = await store(ref, kind, settings, built, {
          trigger: trigger === 'schedule' ? 'schedule' : 'manual', jobRunId: runId, actor: { actor: run.createdBy },
        });
        await reporter.succeed({ fileId: file.id, fileName: file.fileName, lineCount: file.lineCount, total: file.lineCount });
      } catch (error) {
        const problem = error as { code?: string; message?: string; status?: number };
        if (problem.status !== undefined && problem.status < 500 && problem.code) {
          await reporter.fail({ code: problem.code, message: problem.message ?? problem.code });
        } else {
          deps.logger?.error({ runId, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'CROUS account file failed');
          await reporter.fail({ code: 'crous_file_failed', message: 'The file could not be made; nothing was stored' });
        }
      } finally {
        reporter.release();
      }
    },

    /** The files produced that the caller's institutions hold, newest first (`institution` narrows to one). */
    async history(caller: CrousFilesCaller & AccessScope, filter: { institution?: string; kind?: AccountFileKind; limit?: number }): Promise<AccountFileView[]> {
      const institutionId = filter.institution === undefined ? undefined : (await inScopeByCode(caller, filter.institution)).id;
      const rows = await repo.listFiles(db, { institutionIds: caller.institutionIds, personTypes: null }, {
        ...(institutionId !== undefined ? { institutionId } : {}), ...(filter.kind ? { kind: filter.kind } : {}), limit: filter.limit ?? 50,
      });
      return rows.map(fileView);
    },

    /** One file with its bytes; 404 `crous_file_not_found` when missing or outside the caller's institutions. */
    async download(caller: CrousFilesCaller, id: string): Promise<AccountFileView & { content: Buffer }> {
      const row = await repo.findFile(db, id, { institutionIds: caller.institutionIds, personTypes: null });
      if (!row) throw notFound('crous_file_not_found', 'No such CROUS file');
      const content = row.content as Uint8Array;
      return { ...fileView(row), content: Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength) };
    },

    /**
     * The scheduler's minute tick: claims the settings whose next run is due (SKIP LOCKED: ticks
     * on several nodes never claim one twice), moves the next run on and queues a generation, in
     * one transaction. Returns the files queued.
     */
    async tick(): Promise<number> {
      return inTransaction(db, { actor: 'system:scheduler' }, async (trx) => {
        let queued = 0;
        for (const row of await repo.lockDueConfigs(trx, now(), TICK_LIMIT)) {
          const next = row.schedule ? nextCronRun(row.schedule, now()) : undefined;
          await repo.setNextRun(trx, row.id, next?.ok ? next.at : null);
          const ref = await institution.byId(trx, row.institutionId);
          if (!ref || ref.disabled) continue;
          await queue(trx, ref, row.kind, 'schedule', 'system:scheduler');
          queued += 1;
        }
        return queued;
      });
    },
  };
}

export type CrousFilesService = ReturnType<typeof createCrousFilesService>;
