/**
 * The move engine every card write goes through: the audited transaction, the locks, the state
 * machine's decision and its effects (a renewal's new card, retiring the other ENABLED card,
 * automatic enabling), the history, the holders' mails and the listeners. The use cases
 * (`card-*.service.ts`) decide what to ask of it; it is not part of the public service.
 *
 * Locking discipline: a change first takes the person's card lock (`lockPersonCards`), then the
 * card's row lock, so concurrent moves of one person's cards run one after the other; the
 * database's partial unique indexes (one ENABLED card per person and card group, one live card
 * per CSN) are the last guard and answer 409 when they fire.
 */
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { InstitutionSettings } from '../institution/domain/institution-settings.ts';
import type { CardState, DisableReason } from './domain/card-state.ts';
import type { Actor, CardFacts, MoveDecision, MoveEffect } from './domain/card-state-machine.ts';
import { decideMove, decideRenewal } from './domain/card-state-machine.ts';
import { planEnable, pendingRequests } from './domain/card-rules.ts';
import { addMonths, isoDay } from './domain/calendar-day.ts';
import * as repo from './cards.repository.ts';
import type { CardEnrolment, CardRow } from './cards.repository.ts';
import { canReadCard, moveActorFor } from './cards.policy.ts';
import type { ActivationListener, CardMovedListener, CardMoveNotice, CardsServiceDeps, MoveInput } from './cards.service.ts';
import { cardNotFound, csnTaken, isRace, moveProblem, stateConflict } from './card-problems.ts';
import { stateOf, toCardView } from './card-views.ts';
import {
  SYSTEM_ACTOR, cardSettings, checkLocked, checkMoveInput, factsOf, metaOf, planMove, sameGroup, systemMeta,
  type MoveContext, type MoveMeta, type MoveOutcome, type WrittenMove,
} from './card-move-plan.ts';
import { holderOf } from './card-holders.service.ts';

/** The fields of a card that nothing has happened to yet: not printed, encoded, disabled, delivered or held. */
export const UNTOUCHED_CARD = {
  printedLines: null,
  csn: null,
  csnReversed: null,
  csnDecimal: null,
  csnDecimalReversed: null,
  disableReason: null,
  disableComment: null,
  disabledBy: null,
  rejectReason: null,
  deliveryAddress: null,
  deliveredAt: null,
  dueDate: null,
  lockedBy: null,
  lockedAt: null,
  enabledAt: null,
} satisfies Partial<repo.NewCard>;

/** The day a new card stops being valid: its validity, cut at the holder's rights end. */
export function expiryOf(today: string, validityMonths: number, rightsEnd: string | null): string {
  const byValidity = addMonths(today, validityMonths);
  return rightsEnd !== null && rightsEnd < byValidity ? rightsEnd : byValidity;
}

/** 409 `rights_ended` when the holder's rights at the card's institution ended before `today`. */
export function ensureRightsOpen(enrolment: CardEnrolment, today: string): void {
  if (enrolment.rightsEnd !== null && enrolment.rightsEnd < today) {
    throw conflict('rights_ended', 'This person\'s rights have ended: no card can be requested for them');
  }
}

/** 409 `request_pending` when one of `cards` (a person's cards of one card group) is a request being handled. */
export function ensureNoPendingRequest(cards: readonly CardRow[]): void {
  const pending = pendingRequests(cards.map((row) => ({ ...row, state: stateOf(row) })));
  if (pending.length > 0) {
    throw conflict('request_pending', 'This person already has a card request being handled', {
      extensions: { cardId: pending[0]?.id },
    });
  }
}

/** The move engine of one cards service: its listeners, and the steps its use cases share. */
export function createMoveEngine(deps: CardsServiceDeps) {
  const { db, people, photos, institution } = deps;
  const now = deps.now ?? (() => new Date());
  const activationListeners: ActivationListener[] = [];
  const movedListeners: CardMovedListener[] = [];

  /** The settings, name and PIC of the institution that issued (or issues) a card. */
  async function moveContext(executor: Executor, institutionId: number): Promise<MoveContext> {
    const [settings, found] = await Promise.all([institution.settingsOf(executor, institutionId), institution.byId(executor, institutionId)]);
    return { settings, institutionName: found?.name ?? '', pic: found?.pic ?? null };
  }

  /** The holder's enrolment at the card's institution (the foreign key keeps it while the card exists). */
  async function enrolmentOf(executor: Executor, personId: string, institutionId: number): Promise<CardEnrolment> {
    const enrolment = (await repo.findEnrolments(executor, personId)).find((row) => row.institutionId === institutionId);
    if (!enrolment) throw notFound('person_not_found', 'No such person');
    return enrolment;
  }

  /** Months a new card of this institution and holder type is valid for. */
  async function validityMonths(executor: Executor, institutionId: number, personType: string, settings: InstitutionSettings): Promise<number> {
    const rule = await institution.personType(executor, institutionId, personType);
    return rule?.validityMonths ?? settings.cardValidityMonths;
  }

  /**
   * The facts of a card, its holder's other cards read now: call it under the person's card lock
   * (`lockCard`, `lockPersonCards`) so what it says about newer cards still holds at commit.
   */
  async function factsFor(executor: Executor, row: CardRow): Promise<CardFacts> {
    return factsOf(row, await repo.findCardsOfPerson(executor, row.personId));
  }

  /** Runs card writes in an audited transaction; races the database detects become 409. */
  async function write<T>(context: ActorContext, work: (trx: Executor) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(db, context, work);
    } catch (error) {
      if (isRace(error)) throw stateConflict();
      throw error;
    }
  }

  /**
   * Locks a card for a change: the person's card lock, then the row. The version read before
   * waiting for the locks must still be the current one: if another transaction changed the
   * card meanwhile, the caller decided on stale data and gets 409 `state_conflict`.
   */
  async function lockCard(trx: Executor, cardId: string, principal: Principal, expectedVersion?: number): Promise<CardRow> {
    const seen = await repo.findCard(trx, cardId);
    if (!seen || !canReadCard(principal, seen)) throw cardNotFound();
    await repo.lockPersonCards(trx, seen.personId);
    return checkLocked(seen, await repo.findCard(trx, cardId, { forUpdate: true }), expectedVersion);
  }

  /** The holders' mails of these moves, in one call (the holders' languages read in one query). */
  async function notifyHolders(trx: Executor, mails: ReadonlyArray<{ card: CardRow; effect: Extract<MoveEffect, { type: 'notify' }>; context: MoveContext }>): Promise<void> {
    const mailed = mails.filter(({ card }) => card.holderEmail !== null);
    if (!deps.notify || mailed.length === 0) return;
    // The card keeps a snapshot of the holder's name and e-mail, not of their language: read it now.
    const locales = await repo.findHolderLocales(trx, [...new Set(mailed.map(({ card }) => card.personId))]);
    await deps.notify(trx, mailed.map(({ card, effect, context }) => ({
      personId: card.personId,
      institutionId: card.institutionId,
      to: card.holderEmail as string,
      locale: locales.get(card.personId) ?? null,
      template: effect.kind,
      data: {
        firstName: card.holderFirstName,
        ...(context.institutionName ? { institutionName: context.institutionName } : {}),
        cardKind: card.cardKind,
        ...(effect.reason !== undefined ? { reason: effect.reason } : {}),
        ...(effect.kind === 'card_disabled' ? { comment: card.disableComment, disabledBy: card.disabledBy } : {}),
      },
    })));
  }

  /** Tells the move listeners of these moves, in the moving transaction. */
  async function emitMoved(trx: Executor, moves: readonly CardMoveNotice[]): Promise<void> {
    if (moves.length === 0) return;
    for (const listener of movedListeners) await listener(trx, moves);
  }

  /**
   * What follows written moves, for one move or a whole bulk move: the activation listeners, the
   * holders' mails, then the move listeners.
   */
  async function finishMoves(trx: Executor, moves: readonly WrittenMove[]): Promise<void> {
    const mails: Array<{ card: CardRow; effect: Extract<MoveEffect, { type: 'notify' }>; context: MoveContext }> = [];
    for (const move of moves) {
      for (const effect of move.plan.after) {
        if (effect.type === 'activationChanged') {
          const view = toCardView(move.card);
          for (const listener of activationListeners) await listener(trx, view, move.decision.from, move.decision.to);
        } else if (effect.type === 'notify') {
          mails.push({ card: move.card, effect, context: move.context });
        }
      }
    }
    await notifyHolders(trx, mails);
    await emitMoved(trx, moves.filter((move) => move.decision.to !== move.before.state)
      .map((move) => ({ card: toCardView(move.card), from: move.decision.from, to: move.decision.to })));
  }

  async function insertWithEscn(trx: Executor, card: Omit<repo.NewCard, 'escn'>, context: MoveContext): Promise<CardRow> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const escn = context.pic !== null ? deps.mintEscn(context.pic) : null;
      const inserted = await repo.insertCard(trx, { ...card, escn }, now());
      if (inserted) {
        await deps.identifiers?.assignFor(trx, [{ cardId: inserted.id, institutionId: inserted.institutionId }]);
        return inserted;
      }
    }
    throw new Error('could not mint a unique ESCN after 5 attempts');
  }

  /**
   * Applies an allowed move to a locked card: the effects the state machine asked for, the state,
   * the history row, then the listeners. Other cards of the person it touches (REPLACED) go
   * through `decideMove` and this same function, as the system.
   */
  async function applyMove(
    trx: Executor,
    card: CardRow,
    decision: Extract<MoveDecision, { ok: true }>,
    actor: Actor,
    meta: MoveMeta,
    context: MoveContext,
  ): Promise<MoveOutcome> {
    const at = now();
    const plan = planMove(card, decision, actor, meta, at);
    let created: CardRow | undefined;
    for (const effect of decision.effects) {
      if (effect.type === 'createRenewalCard') created = await createRenewal(trx, card, actor, meta, context);
      // Before this card becomes ENABLED: the unique index allows one ENABLED card at a time.
      if (effect.type === 'disableOtherEnabledCards') await disableOtherCards(trx, card, meta.remoteAddress, context);
    }
    let updated = card;
    if (Object.keys(plan.changes).length > 0) {
      try {
        updated = (await repo.updateCard(trx, card.id, card.version, plan.changes, at)) ?? card;
      } catch (error) {
        if (isUniqueViolation(error, 'cards_one_enabled_per_group')) {
          throw stateConflict('Another card of this person was enabled at the same time');
        }
        if (isUniqueViolation(error, 'cards_csn_live')) throw csnTaken();
        throw error;
      }
      if (updated === card) throw stateConflict();
    }
    if (plan.history) await repo.insertMove(trx, plan.history);
    await finishMoves(trx, [{ before: card, card: updated, decision, plan, context }]);
    if (plan.after.some((effect) => effect.type === 'autoEnable')) {
      const enable = decideMove({ card: await factsFor(trx, updated), to: 'ENABLED', actor: SYSTEM_ACTOR, settings: cardSettings(context.settings) });
      if (!enable.ok) throw new Error(`auto-enable refused: ${enable.code}`);
      const enabled = await applyMove(trx, updated, enable, SYSTEM_ACTOR, systemMeta(meta.remoteAddress), context);
      updated = enabled.card;
    }
    return created ? { card: updated, created } : { card: updated };
  }

  /**
   * A person has at most one ENABLED card per card group: the group's others go DISABLED
   * (REPLACED), as the system. A replaced card of another member of a shared group moves under
   * its own institution's settings.
   */
  async function disableOtherCards(trx: Executor, card: CardRow, remoteAddress: string | null, context: MoveContext): Promise<void> {
    const cards = await repo.findCardsOfPerson(trx, card.personId);
    const summaries = sameGroup(card, cards).map((row) => ({ id: row.id, state: stateOf(row) }));
    for (const planned of planEnable(summaries, card.id)) {
      const other = cards.find((row) => row.id === planned.cardId);
      if (!other) continue;
      const otherContext = other.institutionId === card.institutionId ? context : await moveContext(trx, other.institutionId);
      const decision = decideMove({
        card: factsOf(other, cards), to: planned.to, actor: SYSTEM_ACTOR, reason: planned.reason ?? null, settings: cardSettings(otherContext.settings),
      });
      if (!decision.ok) throw new Error(`replacing card refused: ${decision.code}`);
      await applyMove(trx, other, decision, SYSTEM_ACTOR, systemMeta(remoteAddress), otherContext);
    }
  }

  /** The new RENEWED card of a renewal: the previous card's photo (the same stored photo) and data, a new ESCN. */
  async function createRenewal(trx: Executor, previous: CardRow, actor: Actor, meta: MoveMeta, context: MoveContext): Promise<CardRow> {
    const person = await people.get(previous.personId, trx);
    const enrolment = await enrolmentOf(trx, previous.personId, previous.institutionId);
    const today = isoDay(now());
    ensureRightsOpen(enrolment, today);
    ensureNoPendingRequest(sameGroup(previous, await repo.findCardsOfPerson(trx, previous.personId)));
    const decision = decideRenewal({
      id: previous.id,
      personId: previous.personId,
      state: stateOf(previous),
      carried: { photoId: previous.photoId, cardKind: previous.cardKind, deliveryAddress: previous.deliveryAddress },
    });
    if (!decision.ok) throw conflict(decision.code, decision.message);
    const draft = decision.card;
    const photoId = draft.carried.photoId ? (await photos.carryOver(trx, draft.carried.photoId)).id : null;
    const card = await insertWithEscn(trx, {
      personId: draft.personId,
      // A renewal stays with the institution and card group of the card it renews.
      institutionId: previous.institutionId,
      cardGroup: previous.cardGroup,
      state: draft.state,
      cardKind: draft.carried.cardKind,
      requestChannel: 'renewal',
      requestedAt: now(),
      requestedBy: meta.actorLabel,
      photoId,
      ...UNTOUCHED_CARD,
      csn: draft.csn,
      deliveryAddress: draft.carried.deliveryAddress,
      lockedBy: draft.lockOwner,
      expiresAt: expiryOf(today, await validityMonths(trx, previous.institutionId, enrolment.personType, context.settings), enrolment.rightsEnd),
      renewalOf: draft.renewalOf,
      ...holderOf(person, enrolment),
    }, context);
    await repo.insertMove(trx, {
      cardId: card.id,
      actor: meta.actorLabel,
      actorKind: actor.kind,
      fromState: null,
      toState: 'RENEWED',
      reason: null,
      comment: meta.comment,
      remoteAddress: meta.remoteAddress,
    });
    await emitMoved(trx, [{ card: toCardView(card), from: null, to: 'RENEWED' }]);
    return card;
  }

  /** One move of one card, in the caller's transaction. */
  async function moveInTransaction(trx: Executor, cardId: string, input: MoveInput, principal: Principal, context: ActorContext): Promise<MoveOutcome> {
    checkMoveInput(input);
    const card = await lockCard(trx, cardId, principal, input.expectedVersion);
    const { decision, actor, mc } = await decideFor(trx, card, await repo.findCardsOfPerson(trx, card.personId), input, principal);
    return applyMove(trx, card, decision, actor, metaOf(input, principal, context), mc);
  }

  /**
   * The state machine's decision on the principal's move of a locked card, among `personCards`
   * (every card of its holder, read under the person's card lock); a refusal is thrown as its
   * problem. `contexts` caches the institutions' move contexts over a bulk move.
   */
  async function decideFor(
    trx: Executor, card: CardRow, personCards: readonly CardRow[], input: MoveInput, principal: Principal,
    contexts: Map<number, MoveContext> = new Map(),
  ): Promise<{ decision: Extract<MoveDecision, { ok: true }>; actor: Actor; mc: MoveContext }> {
    const actor = moveActorFor(principal, card);
    if (actor === null) throw forbidden('You may not move this card', 'forbidden_for_actor');
    let mc = contexts.get(card.institutionId);
    if (!mc) contexts.set(card.institutionId, mc = await moveContext(trx, card.institutionId));
    const decision = decideMove({
      card: factsOf(card, personCards),
      to: input.to as CardState,
      actor,
      reason: (input.reason ?? null) as DisableReason | null,
      comment: input.comment ?? null,
      settings: cardSettings(mc.settings),
    });
    if (!decision.ok) throw moveProblem(decision);
    return { decision, actor, mc };
  }

  return {
    now,
    moveContext,
    factsFor,
    write,
    lockCard,
    emitMoved,
    finishMoves,
    insertWithEscn,
    applyMove,
    decideFor,
    moveInTransaction,

    /**
     * Subscribes to every move to or from ENABLED (the card starts or stops working), inside the
     * moving transaction: connectors (ESC Router, …) enqueue their work with the executor so it
     * exists exactly when the move commits.
     */
    onActivationChanged(listener: ActivationListener): void {
      activationListeners.push(listener);
    },

    /**
     * Subscribes to every state change of every card (and to new cards, `from` null), in the
     * moving transaction: one call per change, or one for all the moves of a bulk move.
     */
    onCardMoved(listener: CardMovedListener): void {
      movedListeners.push(listener);
    },
  };
}

/** The steps the card use cases share (see `createMoveEngine`). */
export type MoveEngine = ReturnType<typeof createMoveEngine>;
