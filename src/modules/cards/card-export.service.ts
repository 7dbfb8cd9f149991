/**
 * Card export of any size: the cards the card list shows for the same filters, in its order and
 * with its columns, as a CSV file made by a job (progress bar, retried when its worker is lost)
 * and downloaded afterwards by whoever asked for it, and nobody else.
 *
 * The cards are read a keyset page at a time through the list's own filter condition, scope
 * included (cards.repository.ts `exportCardsPage`), so an export never holds a card its author
 * could not list, and each page is written as one part of the file (card-export.repository.ts).
 * The CSV is the person export's: UTF-8 with a byte order mark, `;` separated, CRLF, cells that a
 * spreadsheet would run as a formula prefixed with `'` (imports/domain/csv-safety.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext } from '../../platform/db/database.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import { conflict, notFound, ProblemError } from '../../platform/http/problem.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { csvRecord } from '../imports/domain/csv-safety.ts';
import type { JobRunsService, JobRunView } from '../jobs/jobs.service.ts';
import type { CardFilterQuery } from './cards.service.ts';
import { cardListFilter } from './card-list.service.ts';
import * as cardsRepo from './cards.repository.ts';
import type { CardExportRow, CardKeyset, CardListFilter, CardSortKey } from './cards.repository.ts';
import * as repo from './card-export.repository.ts';

/** `kind` of the job runs of card exports, and the name of their queue. */
export const CARD_EXPORT_JOB_KIND = 'card-export';
export const CARD_EXPORT_QUEUE = 'card-export';

/** Cards per keyset page, and so per part of the file (about 150 bytes a card). */
export const CARD_EXPORT_PAGE_SIZE = 5000;

/**
 * The byte order mark that starts the file, so that Excel reads it as UTF-8. Parts are stored
 * without it (PGlite's text decoding drops a leading one); the download sends it first.
 */
const BOM = '\uFEFF';
const BOM_BYTES = Buffer.byteLength(BOM, 'utf8');

/** Parts of exports older than this are deleted when another export starts. */
export const CARD_EXPORT_RETENTION_DAYS = 7;

/** The card list's columns (web/src/office/card-columns.ts), after the card id, in its order. */
export const CARD_EXPORT_COLUMNS = ['id', 'holder', 'institution', 'eppn', 'personType', 'state', 'requestedAt', 'updatedAt', 'escn', 'csn',
  'expiresAt', 'studentNumber', 'email', 'channel'] as const;
export type CardExportColumn = (typeof CARD_EXPORT_COLUMNS)[number];

/** Each column's cell, as the web list's CSV writes it: codes, ISO dates, the CSN in hex. */
const CELLS: Readonly<Record<CardExportColumn, (row: CardExportRow) => string | null>> = {
  id: (row) => row.id,
  holder: (row) => `${row.holderLastName} ${row.holderFirstName}`,
  institution: (row) => row.institutionCode,
  eppn: (row) => row.holderEppn,
  personType: (row) => row.holderPersonType,
  state: (row) => row.state,
  requestedAt: (row) => row.requestedAt,
  updatedAt: (row) => row.updatedAt,
  escn: (row) => row.escn,
  csn: (row) => row.csn,
  expiresAt: (row) => row.expiresAt,
  studentNumber: (row) => row.holderStudentNumber,
  email: (row) => row.holderEmail,
  channel: (row) => row.requestChannel,
};

/** What an export is asked for: the list's filters and order, and optionally which columns and their headers. */
export interface CardExportRequest {
  filters: CardFilterQuery;
  sort?: CardSortKey | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** Columns in file order (default: every one of {@link CARD_EXPORT_COLUMNS}); repeated ones are written once. */
  columns?: readonly CardExportColumn[] | undefined;
  /** Header of a column (default: its key), e.g. the web list's translated titles. */
  labels?: Partial<Record<CardExportColumn, string>> | undefined;
}

/** A request with its defaults filled in, as the job run keeps it in its params. */
interface ExportPlan {
  filters: CardFilterQuery;
  sort: CardSortKey;
  order: 'asc' | 'desc';
  columns: CardExportColumn[];
  labels: Partial<Record<CardExportColumn, string>>;
}

/** Receives the progress of an export (the job run's reporter, or the CLI's progress bar). */
export interface CardExportProgress {
  start(total: number): Promise<void>;
  advance(done: number): Promise<void>;
}

/** What a finished export wrote. */
export interface CardExportOutcome {
  rows: number;
  bytes: number;
  parts: number;
}

/** A finished export as its author downloads it: the file's parts in order. */
export interface CardExportFile {
  fileName: string;
  bytes: number;
  rows: number;
  content: AsyncGenerator<Buffer>;
}

export interface CardExportServiceDeps {
  db: Kysely<Database>;
  jobRuns: Pick<JobRunsService, 'create' | 'get' | 'unfinished'>;
  jobs: Pick<JobQueue, 'send'>;
  logger?: Logger;
  now?: () => Date;
}

/** Data of a `card-export` queue job. */
export interface CardExportJobData {
  runId: string;
}

function planOf(request: CardExportRequest): ExportPlan {
  const columns = [...new Set(request.columns && request.columns.length > 0 ? request.columns : CARD_EXPORT_COLUMNS)];
  return { filters: request.filters, sort: request.sort ?? 'requestedAt', order: request.order ?? 'desc', columns, labels: request.labels ?? {} };
}

function isColumn(value: unknown): value is CardExportColumn {
  return (CARD_EXPORT_COLUMNS as readonly unknown[]).includes(value);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The plan and scope a job run recorded at submission (written by `submit`). */
function fromParams(params: Record<string, unknown>): { plan: ExportPlan; scope: AccessScope } {
  const filters = (params.filters ?? {}) as Record<string, unknown>;
  const scope = (params.scope ?? {}) as Record<string, unknown>;
  const institutionIds = Array.isArray(scope.institutionIds) && scope.institutionIds.every((id) => Number.isInteger(id))
    ? scope.institutionIds as number[] : null;
  const labels = (params.labels ?? {}) as Record<string, unknown>;
  return {
    plan: {
      filters: {
        state: stringList(filters.state), personType: stringList(filters.personType),
        requestedFrom: optionalString(filters.requestedFrom), requestedTo: optionalString(filters.requestedTo),
        updatedFrom: optionalString(filters.updatedFrom), updatedTo: optionalString(filters.updatedTo),
        hasPendingRequest: typeof filters.hasPendingRequest === 'boolean' ? filters.hasPendingRequest : undefined,
        personId: optionalString(filters.personId), q: optionalString(filters.q),
      },
      sort: params.sort === 'lastName' || params.sort === 'updatedAt' ? params.sort : 'requestedAt',
      order: params.order === 'asc' ? 'asc' : 'desc',
      columns: Array.isArray(params.columns) && params.columns.length > 0 ? params.columns.filter(isColumn) : [...CARD_EXPORT_COLUMNS],
      labels: Object.fromEntries(Object.entries(labels).filter((entry): entry is [CardExportColumn, string] =>
        isColumn(entry[0]) && typeof entry[1] === 'string')),
    },
    // A run recorded without a scope exports nothing (never everything).
    scope: { institutionIds: scope.institutionIds === null ? null : institutionIds ?? [], personTypes: stringList(scope.personTypes) ?? null },
  };
}

/** Drops the undefined fields, so the params hold only what was asked. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as Partial<T>;
}

function exportNotFound(): ProblemError {
  return notFound('export_not_found', 'No such card export');
}

/**
 * Card export use cases: `submit` + `runJob` (the job), `status` and `file` for its author, and
 * `write` for a caller that streams the file itself (the CLI).
 */
export function createCardExportService(deps: CardExportServiceDeps) {
  const { db, jobRuns, jobs } = deps;
  const now = deps.now ?? (() => new Date());

  /**
   * Writes the export of `filter` as CSV pieces, in order: the header with the first page (after
   * the byte order mark when `bom`), then one piece per page of {@link CARD_EXPORT_PAGE_SIZE} cards.
   */
  async function write(filter: CardListFilter, plan: ExportPlan, bom: boolean, sink: (piece: string) => Promise<void>,
    progress?: CardExportProgress): Promise<CardExportOutcome> {
    const read = (after: CardKeyset | undefined) => {
      const reading = cardsRepo.exportCardsPage(db, filter, { sort: plan.sort, order: plan.order, limit: CARD_EXPORT_PAGE_SIZE, after });
      // Awaited below; until then a failure must not count as unhandled.
      reading.catch(() => undefined);
      return reading;
    };
    const keysetAfter = (last: CardExportRow): CardKeyset => (plan.sort === 'lastName'
      ? { sort: 'lastName', lastName: last.holderLastName, firstName: last.holderFirstName, id: last.id }
      : { sort: plan.sort, at: last.sortAt, id: last.id });
    let next = read(undefined);
    if (progress) await progress.start(await cardsRepo.countCards(db, filter, Number.MAX_SAFE_INTEGER));
    const cells = plan.columns.map((column) => CELLS[column]);
    let text = `${bom ? BOM : ''}${csvRecord(plan.columns.map((column) => plan.labels[column] ?? column))}`;
    const outcome: CardExportOutcome = { rows: 0, bytes: 0, parts: 0 };
    for (;;) {
      const rows = await next;
      const page = rows.length > CARD_EXPORT_PAGE_SIZE ? rows.slice(0, CARD_EXPORT_PAGE_SIZE) : rows;
      const last = page[page.length - 1];
      const more = rows.length > CARD_EXPORT_PAGE_SIZE && last !== undefined;
      // The next page (it starts after this one's last row) is read while this one is written.
      if (more) next = read(keysetAfter(last));
      for (const row of page) text += csvRecord(cells.map((cell) => cell(row)));
      await sink(text);
      outcome.rows += page.length;
      outcome.bytes += Buffer.byteLength(text, 'utf8');
      outcome.parts += 1;
      text = '';
      if (progress) await progress.advance(outcome.rows);
      if (!more) return outcome;
    }
  }

  /** The run of a card export made by `principal`; 404 for anyone else's, as for a missing one. */
  async function ownRun(runId: string, principal: Principal): Promise<JobRunView> {
    let run: JobRunView;
    try {
      run = await jobRuns.get(runId);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) throw exportNotFound();
      throw error;
    }
    if (run.kind !== CARD_EXPORT_JOB_KIND || run.createdBy !== principal.actor) throw exportNotFound();
    return run;
  }

  return {
    /**
     * Checks the filters (400 `unknown_state`, `invalid_date`, with `field` under `body:`), then
     * records a queued run with the caller's scope (institutions and person types) and queues its
     * job, in one transaction. The run is filed under the caller's focused (or only) institution.
     */
    async submit(request: CardExportRequest, principal: Principal, context: ActorContext): Promise<JobRunView> {
      const plan = planOf(request);
      cardListFilter(plan.filters, principal, 'body:');
      const ids = principal.institutionIds;
      const institutionId = principal.focusInstitutionId ?? (ids !== null && ids.length === 1 ? ids[0] ?? null : null);
      const params = {
        filters: defined(plan.filters), sort: plan.sort, order: plan.order, columns: plan.columns, labels: plan.labels,
        scope: { institutionIds: principal.institutionIds, personTypes: principal.personTypes },
      };
      return inTransaction(db, context, async (trx) => {
        const run = await jobRuns.create(trx, CARD_EXPORT_JOB_KIND, params, principal.actor, institutionId);
        await jobs.send(CARD_EXPORT_QUEUE, { runId: run.id } satisfies CardExportJobData, { trx });
        return run;
      });
    },

    /**
     * Makes the file of a queued run. Safe to run again: a finished run is left alone, and a run
     * taken back from a lost worker deletes the parts it had written and starts over.
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      const open = await jobRuns.unfinished(runId, job);
      if (!open) return;
      const { run, reporter } = open;
      try {
        const { plan, scope } = fromParams(run.params);
        const filter = cardListFilter(plan.filters, scope, 'body:');
        await repo.deletePartsOlderThan(db, CARD_EXPORT_RETENTION_DAYS);
        await repo.deleteParts(db, runId);
        let seq = 0;
        const outcome = await write(filter, plan, false, (piece) => repo.insertPart(db, runId, seq++, piece), {
          start: (total) => reporter.start(total, 'exporting the cards'),
          advance: (done) => reporter.advance(done, `${done} cards`),
        });
        const fileName = `cards-${now().toISOString().slice(0, 10)}.csv`;
        await reporter.succeed({ fileName, rows: outcome.rows, bytes: BOM_BYTES + outcome.bytes, parts: outcome.parts, total: outcome.rows });
      } catch (error) {
        if (error instanceof ProblemError && error.status < 500) {
          await reporter.fail({ code: error.code, message: error.message });
        } else {
          deps.logger?.error({ runId, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'card export failed');
          await reporter.fail({ code: 'card_export_failed', message: 'The export could not be made' });
        }
        await repo.deleteParts(db, runId);
      } finally {
        reporter.release();
      }
    },

    /** The run of one of the caller's own exports (progress, outcome); 404 `export_not_found` otherwise. */
    status: ownRun,

    /**
     * The file of one of the caller's own finished exports, read a part at a time as it is sent.
     * 404 `export_not_found` for anyone else's export; 409 `export_not_ready` while it runs or when
     * it failed (the run says why).
     */
    async file(runId: string, principal: Principal): Promise<CardExportFile> {
      const run = await ownRun(runId, principal);
      if (run.status !== 'succeeded' || !run.result) {
        throw conflict('export_not_ready', run.status === 'failed' ? 'The export failed; start another one' : 'The export is not finished yet');
      }
      const { fileName, bytes, rows } = run.result;
      // Read before answering, so a file gone (retention) is still a problem+json answer.
      const first = await repo.findPart(db, runId, 0);
      if (first === undefined) throw notFound('export_expired', `The file is kept ${CARD_EXPORT_RETENTION_DAYS} days; start another export`);
      async function* content(): AsyncGenerator<Buffer> {
        yield Buffer.from(`${BOM}${first as string}`, 'utf8');
        for (let seq = 1; ; seq++) {
          const part = await repo.findPart(db, runId, seq);
          if (part === undefined) return;
          yield Buffer.from(part, 'utf8');
        }
      }
      return {
        fileName: typeof fileName === 'string' ? fileName : 'cards.csv',
        bytes: typeof bytes === 'number' ? bytes : 0,
        rows: typeof rows === 'number' ? rows : 0,
        content: content(),
      };
    },

    /**
     * Writes an export to `sink` in this process, within `scope` (the CLI: the whole deployment or
     * one institution), the byte order mark first. Checks the filters like `submit`.
     */
    async write(request: CardExportRequest, scope: AccessScope, sink: (piece: string) => Promise<void>,
      progress?: CardExportProgress): Promise<CardExportOutcome> {
      const plan = planOf(request);
      return write(cardListFilter(plan.filters, scope, 'body:'), plan, true, sink, progress);
    },

    /** Deletes the parts of a run that will not run again (its worker lost, no attempt left). */
    async discard(runId: string): Promise<void> {
      await repo.deleteParts(db, runId);
    },
  };
}

export type CardExportService = ReturnType<typeof createCardExportService>;
