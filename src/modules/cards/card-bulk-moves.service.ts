/**
 * Moving many cards in one call, each answering as its single move would: the moves that concern
 * only their own card are planned and written together, the others run one by one as single
 * moves (see `moveMany`).
 */
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { ProblemError, unprocessable } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { MoveDecision } from './domain/card-state-machine.ts';
import * as repo from './cards.repository.ts';
import type { CardRow } from './cards.repository.ts';
import { canReadCard } from './cards.policy.ts';
import type { BulkMoveItem, BulkMoveResult, CardsServiceDeps } from './cards.service.ts';
import { cardNotFound, isRace, isUuid, stateConflict } from './card-problems.ts';
import { toCardView } from './card-views.ts';
import { checkLocked, checkMoveInput, isSelfContained, metaOf, planMove, type MoveContext, type PlannedMove } from './card-move-plan.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The most cards one bulk move takes. */
export const MAX_BULK_MOVES = 500;

/** A bulk move's answer for one card, from the card after the move or the problem that refused it. */
function bulkResult(cardId: string, outcome: CardRow | ProblemError): BulkMoveResult {
  if (outcome instanceof ProblemError) {
    return {
      cardId,
      status: outcome.status,
      problem: { code: outcome.code, detail: outcome.message, ...(outcome.field ? { field: outcome.field } : {}) },
    };
  }
  const view = toCardView(outcome);
  return { cardId, status: 200, card: { id: view.id, state: view.state, version: view.version } };
}

/** A bulk move's write met another writer (a row changed under its locks): its cards go the single way. */
class BatchInterrupted extends Error {}

/** The bulk move (see `moveMany`). */
export function createBulkMoves(deps: CardsServiceDeps, engine: MoveEngine) {
  const { db } = deps;
  const { now, write, finishMoves, decideFor, moveInTransaction } = engine;

  /**
   * The set-based part of a bulk move, in one transaction: the cards read in one query (those the
   * principal may not see answer 404), their holders' card locks taken in one statement and the
   * cards locked in another, every holder's cards read at once; the state machine decides each
   * move in turn, as a single move would; the allowed moves are written together (one UPDATE of
   * the cards, one INSERT of their history rows, one call of each listener, the mails in one
   * call). Moves that write other cards (renewals, retiring another ENABLED card) and the moves of
   * a holder named more than once (each depends on the one before) are left to the single way,
   * after this transaction: `single` lists them, by index.
   */
  async function moveBatch(
    trx: Executor, entries: ReadonlyArray<{ index: number; item: BulkMoveItem }>, principal: Principal, context: ActorContext,
  ): Promise<{ results: Map<number, BulkMoveResult>; single: number[] }> {
    const results = new Map<number, BulkMoveResult>();
    const single: number[] = [];
    const seen = new Map((await repo.findCards(trx, [...new Set(entries.map(({ item }) => item.cardId))])).map((row) => [row.id, row]));
    const visible = entries.filter(({ index, item }) => {
      const card = seen.get(item.cardId);
      if (card && canReadCard(principal, card)) return true;
      results.set(index, bulkResult(item.cardId, cardNotFound()));
      return false;
    });
    const movesPerPerson = new Map<string, number>();
    for (const { item } of visible) {
      const personId = (seen.get(item.cardId) as CardRow).personId;
      movesPerPerson.set(personId, (movesPerPerson.get(personId) ?? 0) + 1);
    }
    const batched = visible.filter(({ index, item }) => {
      if (movesPerPerson.get((seen.get(item.cardId) as CardRow).personId) === 1) return true;
      single.push(index);
      return false;
    });
    const personIds = [...new Set(batched.map(({ item }) => (seen.get(item.cardId) as CardRow).personId))];
    await repo.lockManyPersonsCards(trx, personIds);
    const locked = new Map((await repo.findCards(trx, batched.map(({ item }) => item.cardId), { forUpdate: true })).map((row) => [row.id, row]));
    const cardsOf = new Map<string, CardRow[]>();
    for (const row of await repo.findCardsOfPersons(trx, personIds)) {
      const cards = cardsOf.get(row.personId);
      if (cards) cards.push(row);
      else cardsOf.set(row.personId, [row]);
    }
    const contexts = new Map<number, MoveContext>();
    const at = now();
    const planned: Array<{ index: number; before: CardRow; decision: Extract<MoveDecision, { ok: true }>; plan: PlannedMove; context: MoveContext }> = [];
    for (const { index, item } of batched) {
      try {
        const card = checkLocked(seen.get(item.cardId) as CardRow, locked.get(item.cardId), item.expectedVersion);
        const personCards = cardsOf.get(card.personId) ?? [];
        const { decision, actor, mc } = await decideFor(trx, card, personCards, item, principal, contexts);
        if (!isSelfContained(card, decision, personCards)) {
          single.push(index);
          continue;
        }
        planned.push({ index, before: card, decision, plan: planMove(card, decision, actor, metaOf(item, principal, context), at), context: mc });
      } catch (error) {
        results.set(index, bulkResult(item.cardId, asProblem(error)));
      }
    }
    const changed = planned.filter(({ plan }) => Object.keys(plan.changes).length > 0);
    const updatedIds = await repo.updateCards(trx, changed.map(({ before, plan }) => ({ id: before.id, version: before.version, changes: plan.changes })), at);
    if (changed.some(({ before }) => !updatedIds.has(before.id))) throw new BatchInterrupted('a card changed under its lock');
    const updated = new Map((await repo.findCards(trx, [...updatedIds])).map((row) => [row.id, row]));
    await repo.insertMoves(trx, planned.flatMap(({ plan }) => (plan.history ? [plan.history] : [])));
    const written = planned.map((move) => ({ ...move, card: updated.get(move.before.id) ?? move.before }));
    await finishMoves(trx, written);
    for (const move of written) results.set(move.index, bulkResult(move.card.id, move.card));
    return { results, single };
  }

  function asProblem(error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    if (isRace(error)) return stateConflict();
    throw error;
  }

  return {
    /**
     * Moves many cards with the answers and effects of as many single moves, one card's refusal
     * not undoing the others: each card answers the status its single move would have had, and
     * gets the same history row, audit entries, events, outbox entries and mails. Set-based (see
     * `moveBatch`): one transaction writes the moves that concern only their own card, grouped;
     * the others (renewals, enabling a card that retires another, a holder named twice) then run
     * one by one as single moves. When the grouped write meets a race the database detects, its
     * cards go the single way too.
     */
    async moveMany(items: readonly BulkMoveItem[], principal: Principal, context: ActorContext): Promise<BulkMoveResult[]> {
      if (items.length > MAX_BULK_MOVES) {
        throw unprocessable('too_many_items', `At most ${MAX_BULK_MOVES} cards per call`, { field: '/items' });
      }
      const results = new Map<number, BulkMoveResult>();
      const entries: Array<{ index: number; item: BulkMoveItem }> = [];
      items.forEach((item, index) => {
        try {
          if (!isUuid(item.cardId)) throw cardNotFound();
          checkMoveInput(item);
          entries.push({ index, item });
        } catch (error) {
          results.set(index, bulkResult(item.cardId, asProblem(error)));
        }
      });
      let single: number[];
      try {
        const batch = await inTransaction(db, context, (trx) => moveBatch(trx, entries, principal, context));
        for (const [index, result] of batch.results) results.set(index, result);
        single = batch.single;
      } catch (error) {
        if (!(error instanceof BatchInterrupted) && !isRace(error) && !isUniqueViolation(error)) throw error;
        single = entries.map(({ index }) => index);
      }
      for (const index of single.sort((a, b) => a - b)) {
        const item = items[index] as BulkMoveItem;
        try {
          const outcome = await write(context, (trx) => moveInTransaction(trx, item.cardId, item, principal, context));
          results.set(index, bulkResult(item.cardId, outcome.created ?? outcome.card));
        } catch (error) {
          results.set(index, bulkResult(item.cardId, asProblem(error)));
        }
      }
      return items.map((_, index) => results.get(index) as BulkMoveResult);
    },
  };
}
