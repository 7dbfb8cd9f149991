/**
 * Batch print files: one PDF of many cards (a page per face at CR80 size, front then back when any
 * chosen template has a back), for an institution's office, made by a job with progress.
 *
 * The cards, and the template version each is drawn with, are fixed when the batch is asked for
 * (print_batch_cards), so a retried job draws the same file. The PDF is written a part at a time
 * (print_batch_parts) as the renderer streams it, never held whole in memory, and read back part
 * by part. Taking the batch (its download, or a printer client's `markTaken`) moves its cards to
 * IN_PRINT; `confirmPrinted` (the operator, or the printer client) moves them to PRINTED and
 * records the version each was printed with, which its reprint and its face image then use.
 *
 * A batch owns the lock of the cards it took (`lockOwner`): whoever confirms it (the office of its
 * institution, or the printer client it was sent to) takes that lock over first, so a batch
 * downloaded by one operator and printed by a printer client, or the reverse, is confirmed by
 * either. Batch files are deleted {@link PRINT_BATCH_FILE_RETENTION_DAYS} days after the batch
 * was made (`purgeFiles`, a daily job).
 */
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import { conflict, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { BulkMoveResult, CardFilterQuery, CardsService } from '../cards/cards.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { JobRunsService, JobRunView } from '../jobs/jobs.service.ts';
import type { CardFaceLayout, CardRenderData, CardTemplateLayout } from './domain/card-template.ts';
import * as repo from './card-templates.repository.ts';
import * as batchRepo from './print-batches.repository.ts';
import type { PrintBatchStatus } from './card-templates.tables.ts';

/** `kind` of the job runs of print batches, and the name of their queue. */
export const PRINT_BATCH_JOB_KIND = 'print-batch';
export const PRINT_BATCH_QUEUE = 'print-batch';

/** The daily purge of card production data (old batch files, finished encoding sessions), and when it runs (UTC). */
export const PRODUCTION_PURGE_QUEUE = 'card-production-purge';
export const PRODUCTION_PURGE_CRON = '41 3 * * *';
/** Days a batch's PDF is kept after the batch was made (a batch is printed within days; a reprint makes a new one). */
export const PRINT_BATCH_FILE_RETENTION_DAYS = 30;

/** Most cards in one batch (a start-of-year run is a few hundred; a printer's hopper holds 100 to 500). */
export const MAX_BATCH_CARDS = 2000;
/** Cards read and drawn together. */
const RENDER_PAGE = 25;
/** Size of a stored part of the PDF. */
const PART_BYTES = 1024 * 1024;
/** Most card moves per call of the cards service. */
const MOVE_CHUNK = 500;

/** States a card may be printed from: ready to print, or already taken (a reprint). */
const PRINTABLE_STATES = ['REQUEST_CHECKED', 'IN_PRINT'] as const;

/** One card of a batch PDF, as H1's `writeBatchPdf` takes it. */
export interface BatchCard {
  front: { face: CardFaceLayout; data: CardRenderData };
  back: { face: CardFaceLayout; data: CardRenderData } | null;
}

/** Writes the batch PDF (H1's renderer, injected). */
export type WriteBatchPdf = (cards: AsyncIterable<BatchCard>, out: NodeJS.WritableStream,
  options: { duplex: boolean; onProgress?: (cardsDone: number) => void }) => Promise<{ pages: number }>;

/** What batches need of the card templates (CardTemplatesService). */
export interface PrintTemplatesPort {
  /** The version each card would be printed with now, within `scope`; absent for a card no rule covers. */
  versionsOf(executor: Executor, cardIds: readonly string[], scope?: AccessScope): Promise<Map<string, { versionId: string; hasBack: boolean }>>;
  /** The layout and render data of cards drawn with the given versions. */
  renderJobs(executor: Executor, cardIds: readonly string[], options: { versionIds: ReadonlyMap<string, string> }): Promise<{
    jobs: Map<string, { version: { layout: CardTemplateLayout }; data: CardRenderData }>; missing: string[];
  }>;
  /** Records the version each card was printed with. */
  recordPrints(executor: Executor, rows: ReadonlyArray<{ cardId: string; templateVersionId: string; batchId: string | null }>): Promise<void>;
}

/** Who takes or confirms a batch: the caller's rights (card moves are theirs) and the audit context. */
export interface BatchActor {
  principal: Principal;
  context: ActorContext;
}

/** What a batch is asked for: the print queue, the card list's filters, or explicit cards. */
export interface PrintBatchRequest {
  institution?: string | undefined;
  /** The print queue: every card ready to print (REQUEST_CHECKED) of the institution within the caller's scope. */
  queue?: boolean | undefined;
  filters?: CardFilterQuery | undefined;
  cardIds?: string[] | undefined;
  /**
   * Also print the queue's or the filters' cards that have no photo (left out by default: a card
   * office does not hand out a card with an empty photo box). Named cards (`cardIds`) are printed
   * as asked; the batch's `withoutPhoto` lists those without one.
   */
  includeWithoutPhoto?: boolean | undefined;
}

/** Most cards without a photo a batch view names (their count is always given). */
const WITHOUT_PHOTO_LISTED = 20;

export interface PrintBatchView {
  id: string;
  institution: string;
  status: PrintBatchStatus;
  cardCount: number;
  duplex: boolean;
  pages: number | null;
  bytes: number | null;
  createdBy: string;
  createdAt: string;
  takenBy: string | null;
  takenAt: string | null;
  printedBy: string | null;
  printedAt: string | null;
  /** Who made, took and confirmed the batch, readably (an account's or token's name, a printer's); null when unknown. */
  createdByName: string | null;
  takenByName: string | null;
  printedByName: string | null;
  job: JobRunView | null;
  /** The batch's cards that have no photo (printed with an empty photo box): how many, and the first ones with their holder. */
  withoutPhoto: { count: number; cards: Array<{ cardId: string; holder: string }> };
  /** Cards of the queue or filters left out of the batch because they had no photo (they stay where they were). */
  leftOutWithoutPhoto: number;
}

/** The outcome of moving a batch's cards: how many moved, and each refusal with its reason. */
export interface BatchMoveOutcome {
  batch: PrintBatchView;
  moved: number;
  refused: Array<{ cardId: string; code: string; detail: string }>;
}

export interface PrintBatchFile {
  fileName: string;
  bytes: number;
  content: Readable;
}

export interface PrintBatchesServiceDeps {
  db: Kysely<Database>;
  jobRuns: Pick<JobRunsService, 'create' | 'get' | 'unfinished'>;
  jobs: Pick<JobQueue, 'send'>;
  cards: Pick<CardsService, 'cardsForPrint' | 'selectIds' | 'moveMany'>;
  templates: PrintTemplatesPort;
  institution: Pick<InstitutionService, 'byId' | 'targetFor'>;
  writeBatchPdf: WriteBatchPdf;
  /** Readable names of recorded actors (`auth.actorNames`): a batch shows who made, took and confirmed it. */
  actorNames?: (actors: readonly string[]) => Promise<Map<string, string>>;
  logger?: Logger;
  now?: () => Date;
}

function batchNotFound(): ProblemError {
  return notFound('print_batch_not_found', 'No such print batch');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A writable stream storing what it receives as parts of {@link PART_BYTES}, in order. */
function partsSink(store: (seq: number, bytes: Uint8Array) => Promise<void>): { sink: Writable; written: () => number } {
  let pending: Buffer[] = [];
  let size = 0;
  let seq = 0;
  let total = 0;
  const flush = async () => {
    if (size === 0) return;
    const part = Buffer.concat(pending, size);
    pending = [];
    size = 0;
    total += part.length;
    await store(seq++, new Uint8Array(part.buffer, part.byteOffset, part.length));
  };
  const sink = new Writable({
    write(chunk: Buffer | string, encoding, callback) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      pending.push(bytes);
      size += bytes.length;
      if (size < PART_BYTES) return callback();
      flush().then(() => callback(), callback);
    },
    final(callback) {
      flush().then(() => callback(), callback);
    },
  });
  return { sink, written: () => total };
}

/**
 * Print batch use cases: `submit` + `runJob` (the job), `list`/`get`, `openFile`/`download`, and
 * the contract the printer client builds on: `openFile`, `markTaken`, `confirmPrinted`.
 */
export function createPrintBatchesService(deps: PrintBatchesServiceDeps) {
  const { db, jobRuns, jobs, cards, templates, institution } = deps;
  const now = deps.now ?? (() => new Date());

  /** Readable names of the actors of these batches, in one lookup. */
  async function actorNamesOf(rows: readonly repo.BatchRow[]): Promise<Map<string, string>> {
    const actors = [...new Set(rows.flatMap((row) => [row.createdBy, row.takenBy, row.printedBy]))].filter((actor): actor is string => actor !== null);
    return deps.actorNames && actors.length > 0 ? deps.actorNames(actors) : new Map();
  }

  async function view(row: repo.BatchRow, known?: Map<string, string>): Promise<PrintBatchView> {
    const job = row.jobRunId ? await jobRuns.get(row.jobRunId).catch(() => null) : null;
    const missing = await batchRepo.batchCardsWithoutPhoto(db, row.id, WITHOUT_PHOTO_LISTED);
    const names = known ?? await actorNamesOf([row]);
    const nameOf = (actor: string | null) => (actor === null ? null : names.get(actor) ?? null);
    return {
      id: row.id, institution: (await institution.byId(db, row.institutionId))?.code ?? String(row.institutionId), status: row.status,
      cardCount: row.cardCount, duplex: row.duplex, pages: row.pages, bytes: row.bytes === null ? null : Number(row.bytes),
      createdBy: row.createdBy, createdAt: row.createdAt.toISOString(),
      takenBy: row.takenBy, takenAt: row.takenAt?.toISOString() ?? null,
      printedBy: row.printedBy, printedAt: row.printedAt?.toISOString() ?? null,
      createdByName: nameOf(row.createdBy), takenByName: nameOf(row.takenBy), printedByName: nameOf(row.printedBy),
      job,
      withoutPhoto: { count: missing.count, cards: missing.cards.map((card) => ({ cardId: card.cardId, holder: `${card.firstName} ${card.lastName}`.trim() })) },
      leftOutWithoutPhoto: row.leftOutWithoutPhoto,
    };
  }

  async function load(batchId: string, reach: Pick<Principal, 'institutionIds'>): Promise<repo.BatchRow> {
    const row = UUID.test(batchId) ? await repo.findBatch(db, batchId, reach.institutionIds) : undefined;
    if (!row) throw batchNotFound();
    return row;
  }

  /**
   * The institution of a new batch, chosen as every write chooses it (`institution.targetFor`):
   * the one named, else the focused one, else the caller's only issuing one.
   */
  async function institutionOf(principal: Principal, code: string | undefined): Promise<number> {
    return (await institution.targetFor(db, principal, code)).id;
  }

  /** The batch's cards, in file order, a page at a time. */
  async function* batchCards(batchId: string): AsyncGenerator<Array<{ cardId: string; templateVersionId: string }>> {
    for (let after = -1; ;) {
      const page = await repo.batchCardsPage(db, batchId, after, RENDER_PAGE);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1]?.seq ?? after;
    }
  }

  /** Moves every card of the batch in `from` to `to`, as `actor`, a chunk at a time. */
  async function moveCards(batchId: string, actor: BatchActor, from: string, to: string, only?: ReadonlySet<string>): Promise<{
    moved: Array<{ cardId: string; templateVersionId: string }>; refused: BatchMoveOutcome['refused'];
  }> {
    const moved: Array<{ cardId: string; templateVersionId: string }> = [];
    const refused: BatchMoveOutcome['refused'] = [];
    const chosen: Array<{ cardId: string; templateVersionId: string }> = [];
    for await (const page of batchCards(batchId)) chosen.push(...page.filter((row) => !only || only.has(row.cardId)));
    for (let start = 0; start < chosen.length; start += MOVE_CHUNK) {
      const chunk = chosen.slice(start, start + MOVE_CHUNK);
      const states = new Map((await cards.cardsForPrint(chunk.map((row) => row.cardId), actor.principal)).map((card) => [card.id, card.state]));
      const toMove = chunk.filter((row) => states.get(row.cardId) === from);
      for (const row of chunk) {
        const state = states.get(row.cardId);
        if (state === undefined) refused.push({ cardId: row.cardId, code: 'card_not_found', detail: 'No such card within your reach' });
        else if (state !== from && state !== to) refused.push({ cardId: row.cardId, code: 'card_state_changed', detail: `The card is ${state}` });
      }
      const results: BulkMoveResult[] = toMove.length === 0 ? []
        : await cards.moveMany(toMove.map((row) => ({ cardId: row.cardId, to, reason: null, comment: `print batch ${batchId}` })), actor.principal, actor.context);
      results.forEach((result, index) => {
        const row = toMove[index];
        if (!row) return;
        if (result.status < 300) moved.push(row);
        else refused.push({ cardId: row.cardId, code: result.problem?.code ?? 'refused', detail: result.problem?.detail ?? 'The move was refused' });
      });
    }
    return { moved, refused };
  }

  return {
    /**
     * Fixes the batch's cards and their template versions, then queues the job making its PDF,
     * in one transaction. Cards: the print queue (`queue`), the card list's `filters`, or
     * `cardIds`, always within the caller's scope and the batch's institution, and only cards
     * ready to print or in print (a reprint). The queue's and the filters' cards without a photo
     * are left out (counted in `leftOutWithoutPhoto`) unless `includeWithoutPhoto`; when that
     * leaves nothing, 422 `nothing_to_print` says so (`withoutPhoto` extension). Problems: 404 `card_not_found` (`field`
     * /cardIds/<i>), 409 `card_not_printable`, 422 `nothing_to_print`, `too_many_cards`,
     * `no_template` (naming the card), `institution_required`.
     */
    async submit(request: PrintBatchRequest, principal: Principal, context: ActorContext): Promise<PrintBatchView> {
      const institutionId = await institutionOf(principal, request.institution);
      const scope: AccessScope = { institutionIds: [institutionId], personTypes: principal.personTypes };
      let ids: string[];
      if (request.cardIds !== undefined) {
        ids = [...new Set(request.cardIds)];
        if (ids.length > MAX_BATCH_CARDS) throw unprocessable('too_many_cards', `At most ${MAX_BATCH_CARDS} cards per batch`, { field: '/cardIds' });
        const found = new Map((await cards.cardsForPrint(ids, scope)).map((card) => [card.id, card]));
        ids.forEach((id, index) => {
          const card = found.get(id);
          if (!card) throw notFound('card_not_found', `No card ${id} of this institution within your reach`);
          if (!(PRINTABLE_STATES as readonly string[]).includes(card.state)) {
            throw conflict('card_not_printable', `Card ${id} is ${card.state}; only cards ready to print or in print are printed`, { field: `/cardIds/${index}` });
          }
        });
      } else {
        const filters: CardFilterQuery = request.queue || !request.filters ? { state: ['REQUEST_CHECKED'] } : {
          ...request.filters,
          state: (request.filters.state && request.filters.state.length > 0 ? request.filters.state : [...PRINTABLE_STATES])
            .filter((state) => (PRINTABLE_STATES as readonly string[]).includes(state)),
        };
        if (filters.state?.length === 0) throw unprocessable('nothing_to_print', 'Only cards ready to print or in print are printed', { field: '/filters/state' });
        ids = await cards.selectIds(filters, scope, MAX_BATCH_CARDS, 'body:/filters');
        if (ids.length > MAX_BATCH_CARDS) {
          throw unprocessable('too_many_cards', `More than ${MAX_BATCH_CARDS} cards match; narrow the selection`, { field: '/filters' });
        }
      }
      let leftOut = 0;
      if (request.cardIds === undefined && !request.includeWithoutPhoto && ids.length > 0) {
        const noPhoto = await batchRepo.cardsWithoutPhoto(db, ids);
        leftOut = noPhoto.size;
        ids = ids.filter((id) => !noPhoto.has(id));
        if (ids.length === 0) {
          throw unprocessable('nothing_to_print', `Every card of this selection (${leftOut}) has no photo; add their photos or ask to include them`,
            { field: '/includeWithoutPhoto', extensions: { withoutPhoto: leftOut } });
        }
      }
      if (ids.length === 0) throw unprocessable('nothing_to_print', 'No card to print in this selection');
      const versions = await templates.versionsOf(db, ids, scope);
      const missing = ids.findIndex((id) => !versions.has(id));
      if (missing >= 0) {
        throw unprocessable('no_template', `No template rule applies to card ${ids[missing]}; add a rule for its person type`,
          { field: request.cardIds ? `/cardIds/${missing}` : '/filters', extensions: { cardId: ids[missing] } });
      }
      const duplex = [...versions.values()].some((version) => version.hasBack);
      const { batch, run } = await inTransaction(db, context, async (trx) => {
        const inserted = await repo.insertBatch(trx, { institutionId, cardCount: ids.length, duplex, actor: context.actor });
        await repo.insertBatchCards(trx, inserted.id, ids.map((cardId) => ({ cardId, templateVersionId: versions.get(cardId)?.versionId ?? '' })));
        const created = await jobRuns.create(trx, PRINT_BATCH_JOB_KIND, { batchId: inserted.id }, principal.actor, institutionId);
        await jobs.send(PRINT_BATCH_QUEUE, { runId: created.id }, { trx });
        await repo.updateBatch(trx, inserted.id, { jobRunId: created.id, leftOutWithoutPhoto: leftOut });
        return { batch: { ...inserted, leftOutWithoutPhoto: leftOut }, run: created };
      });
      // Read after the commit: embedded, the transaction holds the only connection.
      return { ...(await view({ ...batch, jobRunId: null })), job: run };
    },

    /**
     * Makes the PDF of a queued batch. Safe to run again: a finished run is left alone, and a run
     * taken back from a lost worker deletes the parts it had written and starts over.
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      const open = await jobRuns.unfinished(runId, job);
      if (!open) return;
      const { run, reporter } = open;
      const batchId = typeof run.params.batchId === 'string' ? run.params.batchId : '';
      try {
        const batch = await repo.findBatch(db, batchId, null);
        if (!batch) throw notFound('print_batch_not_found', 'The batch of this job is gone');
        await repo.deleteParts(db, batchId);
        await reporter.start(batch.cardCount, 'drawing the cards');
        async function* drawn(): AsyncGenerator<BatchCard> {
          for await (const page of batchCards(batchId)) {
            const { jobs: renders, missing } = await templates.renderJobs(db, page.map((row) => row.cardId),
              { versionIds: new Map(page.map((row) => [row.cardId, row.templateVersionId])) });
            if (missing.length > 0) throw unprocessable('card_missing', `Card ${missing[0]} of the batch can no longer be read`);
            for (const row of page) {
              const render = renders.get(row.cardId);
              if (!render) continue;
              const { layout } = render.version;
              yield { front: { face: layout.front, data: render.data }, back: layout.back ? { face: layout.back, data: render.data } : null };
            }
          }
        }
        const { sink, written } = partsSink((seq, bytes) => repo.insertPart(db, batchId, seq, bytes));
        let done = 0;
        const outcome = await deps.writeBatchPdf(drawn(), sink, {
          duplex: batch.duplex,
          onProgress: (cards) => {
            done = cards;
            void reporter.advance(cards, `${cards} cards`).catch(() => undefined);
          },
        });
        if (!sink.writableEnded) sink.end();
        await finished(sink);
        await repo.updateBatch(db, batchId, { status: 'ready', pages: outcome.pages, bytes: written() });
        await reporter.succeed({ batchId, pages: outcome.pages, bytes: written(), total: Math.max(done, batch.cardCount) });
      } catch (error) {
        if (error instanceof ProblemError && error.status < 500) {
          await reporter.fail({ code: error.code, message: error.message });
        } else {
          deps.logger?.error({ runId, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'print batch failed');
          await reporter.fail({ code: 'print_batch_failed', message: 'The print file could not be made' });
        }
        await repo.deleteParts(db, batchId);
        await repo.updateBatch(db, batchId, { status: 'failed' }).catch(() => undefined);
      } finally {
        reporter.release();
      }
    },

    /** The batches of the caller's institutions, newest first. */
    async list(principal: Principal, limit = 20): Promise<PrintBatchView[]> {
      const rows = await repo.listBatches(db, principal.institutionIds, limit);
      const names = await actorNamesOf(rows);
      return Promise.all(rows.map((row) => view(row, names)));
    },

    /** One batch of the caller's institutions; 404 `print_batch_not_found` otherwise. */
    async get(batchId: string, principal: Pick<Principal, 'institutionIds'>): Promise<PrintBatchView> {
      return view(await load(batchId, principal));
    },

    /**
     * The PDF of a batch of the caller's institutions, read a part at a time. 409
     * `print_batch_not_ready` while it is made or when it failed; taking it is separate (`markTaken`).
     */
    async openFile(batchId: string, reach: Pick<Principal, 'institutionIds'>): Promise<PrintBatchFile> {
      const batch = await load(batchId, reach);
      if (batch.status === 'preparing' || batch.status === 'failed') {
        throw conflict('print_batch_not_ready', batch.status === 'failed' ? 'The print file failed; ask for another batch' : 'The print file is not made yet');
      }
      const first = await repo.findPart(db, batch.id, 0);
      if (first === undefined) throw notFound('print_file_gone', 'The print file is gone; ask for another batch');
      async function* content(): AsyncGenerator<Buffer> {
        yield Buffer.from(first as Uint8Array);
        for (let seq = 1; ; seq++) {
          const part = await repo.findPart(db, batch.id, seq);
          if (part === undefined) return;
          yield Buffer.from(part);
        }
      }
      return {
        fileName: `cards-${batch.createdAt.toISOString().slice(0, 10)}-${batch.id.slice(0, 8)}.pdf`,
        bytes: batch.bytes === null ? 0 : Number(batch.bytes),
        content: Readable.from(content()),
      };
    },

    /**
     * The batch is taken for printing: its cards ready to print move to IN_PRINT (locked by the
     * taker), as the taker's moves. Once per batch: a batch already taken changes nothing more.
     * 409 `print_batch_not_ready` before its file is made.
     */
    async markTaken(batchId: string, actor: BatchActor): Promise<BatchMoveOutcome> {
      const batch = await load(batchId, actor.principal);
      if (batch.status === 'preparing' || batch.status === 'failed') throw conflict('print_batch_not_ready', 'The print file is not made yet');
      if (batch.status !== 'ready') return { batch: await view(batch), moved: 0, refused: [] };
      const { moved, refused } = await moveCards(batch.id, actor, 'REQUEST_CHECKED', 'IN_PRINT');
      await inTransaction(db, actor.context, (trx) =>
        repo.updateBatch(trx, batch.id, { status: 'taken', takenBy: actor.context.actor, takenAt: now(), lockOwner: actor.principal.id }));
      return { batch: await this.get(batch.id, actor.principal), moved: moved.length, refused };
    },

    /**
     * The cards came out of the printer: those of the batch in print (all, or `cardIds`) move to
     * PRINTED, and each one's template version is recorded (its reprint and face use it). The
     * batch is `printed` once every card was confirmed. A batch not yet taken is taken first.
     */
    async confirmPrinted(batchId: string, actor: BatchActor, cardIds?: string[]): Promise<BatchMoveOutcome> {
      let batch = await load(batchId, actor.principal);
      if (batch.status === 'ready') {
        await this.markTaken(batchId, actor);
        batch = await load(batchId, actor.principal);
      }
      if (batch.status !== 'taken' && batch.status !== 'printed') throw conflict('print_batch_not_ready', 'The print file is not made yet');
      const owner = batch.lockOwner;
      if (owner !== null && owner !== actor.principal.id) {
        // The batch's lock follows whoever confirms it (its row locked, so two confirmations pass it on one at a time).
        await inTransaction(db, actor.context, async (trx) => {
          const current = await repo.findBatch(trx, batch.id, null, { forUpdate: true });
          if (current?.lockOwner) await batchRepo.handOverLocks(trx, batch.id, current.lockOwner, actor.principal.id, now());
        });
      }
      const { moved, refused } = await moveCards(batch.id, actor, 'IN_PRINT', 'PRINTED', cardIds ? new Set(cardIds) : undefined);
      const everyCard = cardIds === undefined || refused.length === 0 && moved.length === batch.cardCount;
      await inTransaction(db, actor.context, async (trx) => {
        await templates.recordPrints(trx, moved.map((row) => ({ ...row, batchId: batch.id })));
        if (everyCard) await repo.updateBatch(trx, batch.id, { status: 'printed', printedBy: actor.context.actor, printedAt: now() });
      });
      return { batch: await this.get(batch.id, actor.principal), moved: moved.length, refused };
    },

    /**
     * Deletes the PDF of every batch made more than {@link PRINT_BATCH_FILE_RETENTION_DAYS} days
     * ago (the batch and what was printed with it stay; its file then answers 404
     * `print_file_gone`). Answers how many batches lost their file; running it again deletes nothing more.
     */
    async purgeFiles(): Promise<number> {
      const before = new Date(now().getTime() - PRINT_BATCH_FILE_RETENTION_DAYS * 24 * 3600 * 1000);
      return batchRepo.purgeBatchFiles(db, before);
    },

    /** Deletes the parts of a batch whose job will not run again (its worker lost, no attempt left). */
    async discard(runId: string): Promise<void> {
      const run = await jobRuns.get(runId).catch(() => undefined);
      const batchId = run && typeof run.params.batchId === 'string' ? run.params.batchId : undefined;
      if (!batchId) return;
      await repo.deleteParts(db, batchId);
      await repo.updateBatch(db, batchId, { status: 'failed' });
    },
  };
}

export type PrintBatchesService = ReturnType<typeof createPrintBatchesService>;
