/**
 * Card printers and their jobs. The office (admins and managers, within their institutions)
 * registers printers, each with a client credential shown once (at creation and rotation) and
 * stored as its SHA-256 like API tokens; it sends print batches to them. The printer client
 * (`campuscard printer-client`, printer-client.ts) authenticates with that credential, polls for
 * its next job, downloads the PDF (the batch is then taken: its cards move to IN_PRINT), reports
 * progress, then done (cards PRINTED) or failed, and sends a heartbeat.
 *
 * Invariants: a printer outside the caller's institutions answers 404 like one that does not
 * exist; a client reaches only its own printer's jobs; a disabled printer's client is refused;
 * the credential never leaves this service but in the answer of create and rotate, and is never
 * logged. A client that restarts gets back the job it held and carries on.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound, unauthorized, unprocessable } from '../../platform/http/problem.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { hashToken } from '../auth/auth.service.ts';
import { isPrinterOnline } from './domain/printer-models.ts';
import { isFinalJobStatus, nextJobStatus, type PrinterJobEvent, type PrinterJobStatus } from './domain/printer-job.ts';
import * as repo from './printers.repository.ts';

/** Who manages printers: their institutions (null: all) and the one they focused on. */
export interface PrinterManager {
  institutionIds: readonly number[] | null;
  focusInstitutionId: number | null;
}

/** A job as the office and the client see it. */
export interface PrinterJobView {
  id: string;
  printerId: string;
  batchId: string | null;
  title: string;
  status: PrinterJobStatus;
  cardsTotal: number | null;
  pagesTotal: number | null;
  cardsDone: number;
  pagesDone: number;
  error: { code: string | null; message: string | null } | null;
  createdBy: string;
  createdAt: string;
  takenAt: string | null;
  finishedAt: string | null;
}

/** A printer as the office sees it: never its credential, only a hint. */
export interface PrinterView {
  id: string;
  institution: string;
  name: string;
  model: string;
  site: string;
  duplex: boolean;
  templateIds: string[];
  enabled: boolean;
  tokenHint: string;
  tokenCreatedAt: string;
  online: boolean;
  lastSeenAt: string | null;
  client: { version: string | null; state: string | null; message: string | null };
  jobsWaiting: number;
  currentJob: PrinterJobView | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** What a printer is created or changed with (absent fields keep their value on change). */
export interface PrinterInput {
  institution?: string | undefined;
  name?: string | undefined;
  model?: string | undefined;
  site?: string | undefined;
  duplex?: boolean | undefined;
  templateIds?: string[] | undefined;
  enabled?: boolean | undefined;
}

/** What the client says in its heartbeat. */
export interface HeartbeatInput {
  version?: string | undefined;
  state?: 'idle' | 'printing' | 'error' | undefined;
  message?: string | undefined;
}

/**
 * The print batches of the card templates module, as printer jobs use them. `describe` answers
 * a batch within the manager's institutions (undefined otherwise) with its size and whether its
 * file is made; the others act on the batch a job carries, as the printer (an encoding station
 * of its institution, see {@link printerPrincipal}), each in its own transactions.
 */
export interface PrintBatchesPort {
  describe(batchId: string, scope: PrinterManager): Promise<{ institutionId: number; title: string; cards: number; pages: number; duplex: boolean; ready: boolean } | undefined>;
  openFile(batchId: string, caller: PrinterCaller): Promise<{ stream: Readable; size: number | null }>;
  markTaken(batchId: string, caller: PrinterCaller, context: ActorContext): Promise<void>;
  confirmPrinted(batchId: string, caller: PrinterCaller, context: ActorContext): Promise<void>;
}

/** A printer's client, authenticated (the printer row, enabled). */
export interface PrinterCaller {
  printerId: string;
  institutionId: number;
  /** `printer:<id>`: who the audit log and the cards' history say acted. */
  actor: string;
}

/** A printer id's form: an actor naming anything else names no printer (never sent to the database as a uuid). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Longest wait of one long poll. */
export const MAX_POLL_WAIT_SECONDS = 30;
/** How often a long poll looks again for a job sent from another node. */
const POLL_RECHECK_MS = 1_000;
const TOKEN_PREFIX = 'ccp_';

export interface PrintersServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'list'>;
  /** The card templates module's print batches; without it, jobs are only made of files (the demo's). */
  printBatches?: () => PrintBatchesPort | undefined;
  now?: () => Date;
}

/** A new client credential: `ccp_` and 256 random bits. */
function newPrinterToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

const iso = (value: Date | string | null): string | null => value === null ? null : new Date(value).toISOString();

function viewJob(row: repo.PrinterJobRow): PrinterJobView {
  return {
    id: row.id, printerId: row.printerId, batchId: row.batchId, title: row.title, status: row.status,
    cardsTotal: row.cardsTotal, pagesTotal: row.pagesTotal, cardsDone: row.cardsDone, pagesDone: row.pagesDone,
    error: row.errorCode === null && row.errorMessage === null ? null : { code: row.errorCode, message: row.errorMessage },
    createdBy: row.createdBy, createdAt: iso(row.createdAt)!, takenAt: iso(row.takenAt), finishedAt: iso(row.finishedAt),
  };
}

const printerNotFound = () => notFound('printer_not_found', 'No such printer');
const jobNotFound = () => notFound('printer_job_not_found', 'No such job for this printer');

/** Builds the printers service. */
export function createPrintersService(deps: PrintersServiceDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  // Wakes this node's long polls when a job is queued here (other nodes' jobs: the recheck).
  const queued = new EventEmitter();
  queued.setMaxListeners(0);

  async function codes(executor: Executor): Promise<Map<number, string>> {
    return new Map((await deps.institution.list(executor)).map((ref) => [ref.id, ref.code]));
  }

  async function views(executor: Executor, rows: readonly repo.PrinterRow[]): Promise<PrinterView[]> {
    const ids = rows.map((row) => row.id);
    const [names, presence, queues] = await Promise.all([codes(executor), repo.presenceOf(executor, ids), repo.queueStateOf(executor, ids)]);
    const at = now();
    return rows.map((row) => {
      const seen = presence.get(row.id);
      const lastSeen = seen ? new Date(seen.lastSeenAt) : null;
      const queue = queues.get(row.id);
      return {
        id: row.id, institution: names.get(row.institutionId) ?? String(row.institutionId),
        name: row.name, model: row.model, site: row.site, duplex: row.duplex, templateIds: row.templateIds, enabled: row.enabled,
        tokenHint: row.tokenHint, tokenCreatedAt: iso(row.tokenCreatedAt)!,
        online: row.enabled && isPrinterOnline(lastSeen, at), lastSeenAt: iso(lastSeen),
        client: { version: seen?.clientVersion ?? null, state: seen?.clientState ?? null, message: seen?.clientMessage ?? null },
        jobsWaiting: queue?.waiting ?? 0, currentJob: queue?.current ? viewJob(queue.current) : null,
        createdBy: row.createdBy, createdAt: iso(row.createdAt)!, updatedBy: row.updatedBy, updatedAt: iso(row.updatedAt)!,
      };
    });
  }

  async function viewOf(executor: Executor, row: repo.PrinterRow): Promise<PrinterView> {
    const [view] = await views(executor, [row]);
    return view!;
  }

  /** The institution a printer is created in: the code named (within scope), else the focused one, else the caller's only one. */
  async function institutionFor(executor: Executor, manager: PrinterManager, code: string | undefined): Promise<number> {
    const refs = await deps.institution.list(executor);
    const reachable = (id: number) => manager.institutionIds === null || manager.institutionIds.includes(id);
    if (code !== undefined) {
      const ref = refs.find((candidate) => candidate.code === code && reachable(candidate.id));
      if (!ref) throw notFound('institution_not_found', 'No such institution');
      return ref.id;
    }
    if (manager.focusInstitutionId !== null) return manager.focusInstitutionId;
    const candidates = manager.institutionIds ?? refs.map((ref) => ref.id);
    const [only, ...others] = candidates;
    if (only === undefined || others.length > 0) throw unprocessable('institution_required', 'Say which institution this printer is in', { field: '/institution' });
    return only;
  }

  function checkName(name: string | undefined, field: string): void {
    if (name !== undefined && name.trim() === '') throw unprocessable('blank', 'Must not be blank', { field });
  }

  function nameTaken(error: unknown): never {
    if (isUniqueViolation(error)) throw conflict('printer_name_taken', 'Another printer of this institution has this name', { field: '/name' });
    throw error;
  }

  async function lockedPrinter(trx: Executor, manager: PrinterManager, id: string): Promise<repo.PrinterRow> {
    const row = await repo.findPrinter(trx, id, manager, { forUpdate: true });
    if (!row) throw printerNotFound();
    return row;
  }

  /** Moves a job by a client event, refusing what its status does not allow (409 `job_status`). */
  async function move(trx: Executor, job: repo.PrinterJobRow, event: PrinterJobEvent, changes: Parameters<typeof repo.updateJob>[2] = {}): Promise<repo.PrinterJobRow> {
    const next = nextJobStatus(job.status, event);
    if (next === null) throw conflict('job_status', `The job is ${job.status}: it cannot be ${event === 'fail' ? 'failed' : event === 'cancel' ? 'cancelled' : `given ${event}`}`);
    const at = now();
    return repo.updateJob(trx, job.id, { ...changes, status: next, ...(isFinalJobStatus(next) ? { finishedAt: at } : {}) }, at);
  }

  async function clientJob(trx: Executor, caller: PrinterCaller, jobId: string): Promise<repo.PrinterJobRow> {
    const job = await repo.findJob(trx, caller.printerId, jobId, { forUpdate: true });
    if (!job) throw jobNotFound();
    return job;
  }

  async function seen(executor: Executor, caller: PrinterCaller, heartbeat?: HeartbeatInput): Promise<void> {
    await repo.touchPresence(executor, {
      printerId: caller.printerId, lastSeenAt: now(),
      clientVersion: heartbeat?.version ?? null, clientState: heartbeat?.state ?? null, clientMessage: heartbeat?.message ?? null,
    });
  }

  const clientContext = (caller: PrinterCaller): ActorContext => ({ actor: caller.actor });

  return {
    /** The printers within the manager's institutions, with their state. */
    /** Printers' names by id, for histories that record `printer:<id>` (unknown ids left out). */
    async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
      return repo.findPrinterNames(db, ids.filter((id) => UUID.test(id)));
    },

    async list(manager: PrinterManager): Promise<PrinterView[]> {
      return views(db, await repo.listPrinters(db, manager));
    },

    /** One printer within the manager's institutions. */
    async get(manager: PrinterManager, id: string): Promise<PrinterView> {
      const row = await repo.findPrinter(db, id, manager);
      if (!row) throw printerNotFound();
      return viewOf(db, row);
    },

    /** Registers a printer; answers its client credential, this once. */
    async create(manager: PrinterManager, input: PrinterInput & { name: string; model: string }, context: ActorContext): Promise<{ printer: PrinterView; token: string }> {
      checkName(input.name, '/name');
      checkName(input.model, '/model');
      const token = newPrinterToken();
      const row = await inTransaction(db, context, async (trx) => {
        const institutionId = await institutionFor(trx, manager, input.institution);
        return repo.insertPrinter(trx, {
          institutionId, name: input.name.trim(), model: input.model.trim(), site: input.site?.trim() ?? '',
          duplex: input.duplex ?? true, templateIds: input.templateIds ?? [], enabled: input.enabled ?? true,
          tokenHash: hashToken(token), tokenHint: token.slice(-4), createdBy: context.actor,
        }).catch(nameTaken);
      });
      return { printer: await viewOf(db, row), token };
    },

    /** Changes a printer (its institution and credential stay). */
    async update(manager: PrinterManager, id: string, input: Omit<PrinterInput, 'institution'>, context: ActorContext): Promise<PrinterView> {
      checkName(input.name, '/name');
      checkName(input.model, '/model');
      const row = await inTransaction(db, context, async (trx) => {
        await lockedPrinter(trx, manager, id);
        return repo.updatePrinter(trx, id, {
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.model !== undefined ? { model: input.model.trim() } : {}),
          ...(input.site !== undefined ? { site: input.site.trim() } : {}),
          ...(input.duplex !== undefined ? { duplex: input.duplex } : {}),
          ...(input.templateIds !== undefined ? { templateIds: input.templateIds } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          updatedBy: context.actor,
        }).catch(nameTaken);
      });
      return viewOf(db, row);
    },

    /** Replaces the printer's client credential (the old one stops working at once); answers it, this once. */
    async rotateToken(manager: PrinterManager, id: string, context: ActorContext): Promise<{ printer: PrinterView; token: string }> {
      const token = newPrinterToken();
      const row = await inTransaction(db, context, async (trx) => {
        await lockedPrinter(trx, manager, id);
        return repo.updatePrinter(trx, id, { tokenHash: hashToken(token), tokenHint: token.slice(-4), tokenCreatedAt: now(), updatedBy: context.actor });
      });
      return { printer: await viewOf(db, row), token };
    },

    /** Deletes a printer with its jobs; refused (409 `printer_busy`) while its client holds a job. */
    async remove(manager: PrinterManager, id: string, context: ActorContext): Promise<void> {
      await inTransaction(db, context, async (trx) => {
        await lockedPrinter(trx, manager, id);
        if (await repo.heldJob(trx, id)) throw conflict('printer_busy', 'The printer is printing a job: wait for it to end, or disable the printer');
        await repo.deletePrinter(trx, id);
      });
    },

    /** A printer's latest jobs (50), newest first. */
    async jobs(manager: PrinterManager, id: string): Promise<PrinterJobView[]> {
      if (!(await repo.findPrinter(db, id, manager))) throw printerNotFound();
      return (await repo.listJobs(db, id, 50)).map(viewJob);
    },

    /**
     * Sends a print batch (of the printer's institution, within the manager's scope) to a
     * printer, and takes it for the printer: its cards ready to print move to IN_PRINT, locked to
     * the printer (a batch already taken keeps its lock; the batch passes it to whoever confirms
     * it, the printer's "done" included). 404 `print_batch_not_found`; 409
     * `print_batches_unavailable` when the templates module is not there, `printer_disabled`,
     * `print_batch_not_ready` while its file is made (or once printed), `printer_not_duplex` for
     * a batch with backs sent to a one-sided printer.
     */
    async send(manager: PrinterManager, id: string, input: { batchId: string }, context: ActorContext): Promise<PrinterJobView> {
      const batches = deps.printBatches?.();
      if (!batches) throw conflict('print_batches_unavailable', 'Print batches are not available on this server');
      const printer = await repo.findPrinter(db, id, manager);
      if (!printer) throw printerNotFound();
      if (!printer.enabled) throw conflict('printer_disabled', 'The printer is disabled');
      const batch = await batches.describe(input.batchId, manager);
      if (!batch || batch.institutionId !== printer.institutionId) throw notFound('print_batch_not_found', 'No such print batch in the printer\'s institution');
      if (!batch.ready) throw conflict('print_batch_not_ready', 'The batch\'s print file is not made (yet)');
      if (batch.duplex && !printer.duplex) throw conflict('printer_not_duplex', 'The batch has backs and this printer prints one side only', { field: '/printerId' });
      await batches.markTaken(input.batchId, { printerId: id, institutionId: printer.institutionId, actor: `printer:${id}` }, context);
      const job = await inTransaction(db, context, (trx) => repo.insertJob(trx, {
        printerId: id, institutionId: printer.institutionId, batchId: input.batchId, filePath: null, title: batch.title,
        cardsTotal: batch.cards, pagesTotal: batch.pages, createdBy: context.actor,
      }));
      queued.emit(id);
      return viewJob(job);
    },

    /**
     * Queues a PDF file of this node's disk for a printer (the demo's sample sheet; jobs of the
     * office come from print batches). No card moves when it is printed.
     */
    async sendFile(printerId: string, input: { filePath: string; title: string; pages: number; cards: number }, context: ActorContext): Promise<PrinterJobView> {
      const printer = await repo.findPrinter(db, printerId, null);
      if (!printer) throw printerNotFound();
      const job = await inTransaction(db, context, (trx) => repo.insertJob(trx, {
        printerId, institutionId: printer.institutionId, batchId: null, filePath: input.filePath, title: input.title,
        cardsTotal: input.cards, pagesTotal: input.pages, createdBy: context.actor,
      }));
      queued.emit(printerId);
      return viewJob(job);
    },

    /** Cancels a job its client has not taken yet (409 `job_status` otherwise). */
    async cancel(manager: PrinterManager, id: string, jobId: string, context: ActorContext): Promise<PrinterJobView> {
      return inTransaction(db, context, async (trx) => {
        await lockedPrinter(trx, manager, id);
        const job = await repo.findJob(trx, id, jobId, { forUpdate: true });
        if (!job) throw jobNotFound();
        return viewJob(await move(trx, job, 'cancel'));
      });
    },

    /**
     * The printer whose client presents this credential: 401 `printer_token_invalid` for none,
     * 403 `printer_disabled` when the office disabled it. Records the call (last seen).
     */
    async authenticate(secret: string | undefined): Promise<PrinterCaller> {
      if (!secret || !secret.startsWith(TOKEN_PREFIX)) throw unauthorized('A printer credential is required', 'printer_token_invalid');
      const row = await repo.findPrinterByTokenHash(db, hashToken(secret));
      if (!row) throw unauthorized('Unknown printer credential', 'printer_token_invalid');
      if (!row.enabled) throw forbidden('The printer is disabled', 'printer_disabled');
      const caller = { printerId: row.id, institutionId: row.institutionId, actor: `printer:${row.id}` };
      await seen(db, caller);
      return caller;
    },

    /** The client's heartbeat: what it says of its spooler; answers the printer's settings. */
    async heartbeat(caller: PrinterCaller, input: HeartbeatInput): Promise<{ name: string; duplex: boolean; jobsWaiting: number }> {
      await seen(db, caller, input);
      const printer = await repo.findPrinter(db, caller.printerId, null);
      if (!printer) throw printerNotFound();
      const queue = (await repo.queueStateOf(db, [caller.printerId])).get(caller.printerId);
      return { name: printer.name, duplex: printer.duplex, jobsWaiting: queue?.waiting ?? 0 };
    },

    /**
     * The client's next job: the one it holds (after a restart), else its oldest queued one, now
     * taken. Waits up to `waitSeconds` for one (long poll), or until `signal` aborts; undefined
     * when none came.
     */
    async nextJob(caller: PrinterCaller, waitSeconds: number, signal?: AbortSignal): Promise<PrinterJobView | undefined> {
      const deadline = Date.now() + Math.min(waitSeconds, MAX_POLL_WAIT_SECONDS) * 1000;
      for (;;) {
        const job = await inTransaction(db, clientContext(caller), async (trx) =>
          (await repo.heldJob(trx, caller.printerId)) ?? repo.claimNextJob(trx, caller.printerId, now()));
        if (job) return viewJob(job);
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) return undefined;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            queued.off(caller.printerId, done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(left, POLL_RECHECK_MS));
          queued.on(caller.printerId, done);
          signal?.addEventListener('abort', done);
        });
      }
    },

    /**
     * The job's PDF, for the client holding it. The first download of a batch's file takes the
     * batch (its cards move to IN_PRINT). 409 `job_status` when the job is not held.
     */
    async openJobFile(caller: PrinterCaller, jobId: string): Promise<{ stream: Readable; size: number | null }> {
      const job = await inTransaction(db, clientContext(caller), async (trx) => {
        const found = await clientJob(trx, caller, jobId);
        if (found.status !== 'taken' && found.status !== 'printing') throw conflict('job_status', `The job is ${found.status}: its file is not served`);
        return found;
      });
      if (job.batchId !== null) {
        const batches = deps.printBatches?.();
        if (!batches) throw conflict('print_batches_unavailable', 'Print batches are not available on this server');
        if (job.fileFetchedAt === null) {
          await batches.markTaken(job.batchId, caller, clientContext(caller));
          await repo.updateJob(db, job.id, { fileFetchedAt: now() }, now());
        }
        return batches.openFile(job.batchId, caller);
      }
      const path = job.filePath!;
      const size = await stat(path).then((info) => info.size, () => {
        throw conflict('job_file_missing', 'The job\'s file is no longer on the server');
      });
      if (job.fileFetchedAt === null) await repo.updateJob(db, job.id, { fileFetchedAt: now() }, now());
      return { stream: createReadStream(path), size };
    },

    /** The client's progress: pages (and cards) sent to the printer so far; 422 beyond the job's size. */
    async progress(caller: PrinterCaller, jobId: string, input: { pagesDone: number; cardsDone?: number | undefined }): Promise<PrinterJobView> {
      return inTransaction(db, clientContext(caller), async (trx) => {
        const job = await clientJob(trx, caller, jobId);
        if (job.pagesTotal !== null && input.pagesDone > job.pagesTotal) {
          throw unprocessable('progress_exceeds_total', `The job has ${job.pagesTotal} pages`, { field: '/pagesDone' });
        }
        if (input.cardsDone !== undefined && job.cardsTotal !== null && input.cardsDone > job.cardsTotal) {
          throw unprocessable('progress_exceeds_total', `The job has ${job.cardsTotal} cards`, { field: '/cardsDone' });
        }
        return viewJob(await move(trx, job, 'progress', {
          pagesDone: Math.max(job.pagesDone, input.pagesDone),
          ...(input.cardsDone !== undefined ? { cardsDone: Math.max(job.cardsDone, input.cardsDone) } : {}),
        }));
      });
    },

    /**
     * The client printed the job: done, and a batch's cards move to PRINTED. Reporting it again
     * answers the same (a client whose first report's answer was lost retries).
     */
    async done(caller: PrinterCaller, jobId: string): Promise<PrinterJobView> {
      const found = await repo.findJob(db, caller.printerId, jobId);
      if (!found) throw jobNotFound();
      if (found.status === 'done') return viewJob(found);
      if (nextJobStatus(found.status, 'done') === null) throw conflict('job_status', `The job is ${found.status}: it cannot be done`);
      if (found.batchId !== null) {
        const batches = deps.printBatches?.();
        if (!batches) throw conflict('print_batches_unavailable', 'Print batches are not available on this server');
        // Before the job is done, in the batch's own transactions: a crash in between leaves the
        // job held, the client reports again, and confirming a printed batch again moves nothing.
        await batches.confirmPrinted(found.batchId, caller, clientContext(caller));
      }
      return inTransaction(db, clientContext(caller), async (trx) => {
        const job = await clientJob(trx, caller, jobId);
        if (job.status === 'done') return viewJob(job);
        return viewJob(await move(trx, job, 'done', {
          ...(job.pagesTotal !== null ? { pagesDone: job.pagesTotal } : {}),
          ...(job.cardsTotal !== null ? { cardsDone: job.cardsTotal } : {}),
        }));
      });
    },

    /** The client could not print the job (spooler refused, printer error); its cards stay IN_PRINT for the office to see. */
    async failed(caller: PrinterCaller, jobId: string, input: { code?: string | undefined; message: string }): Promise<PrinterJobView> {
      return inTransaction(db, clientContext(caller), async (trx) => {
        const job = await clientJob(trx, caller, jobId);
        if (job.status === 'failed') return viewJob(job);
        return viewJob(await move(trx, job, 'fail', { errorCode: input.code ?? 'print_failed', errorMessage: input.message }));
      });
    },

  };
}

export type PrintersService = ReturnType<typeof createPrintersService>;

/**
 * Who a printer acts as on cards: an encoding station of its institution, under the printer's
 * id (the print floor's moves REQUEST_CHECKED → IN_PRINT → PRINTED, its cards locked to it, and
 * the print-and-encode chip report). Never more than its institution's cards.
 */
export function printerPrincipal(caller: PrinterCaller): Principal {
  return {
    kind: 'token', id: caller.printerId, actor: caller.actor, displayName: caller.actor, role: 'station', personTypes: null,
    institutionIds: [caller.institutionId], grantedInstitutionIds: [caller.institutionId], focusInstitutionId: null, personId: null,
  };
}
