/**
 * Reading cards one at a time or by person: a card with its history and the moves its reader may
 * make, the holder's own cards, and what other contexts read (ESC Router sync, printing, public
 * verification, the GDPR export). Each read is scoped in its query or checked with `canReadCard`.
 */
import type { Executor } from '../../platform/db/database.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { InstitutionCardSettings } from './domain/card-state-machine.ts';
import * as repo from './cards.repository.ts';
import { canReadCard } from './cards.policy.ts';
import type { CardDetailView, CardsExport, CardsServiceDeps, CardView } from './cards.service.ts';
import { cardNotFound, isUuid } from './card-problems.ts';
import { toCardView, toMoveView } from './card-views.ts';
import { allowedMovesOf, cardSettings } from './card-move-plan.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The card reads (see each method). */
export function createCardReads(deps: CardsServiceDeps, engine: MoveEngine) {
  const { db } = deps;
  const { moveContext } = engine;
  return {
    /** A card with its history and the moves the principal may make; 404 for a card they may not see. */
    async get(cardId: string, principal: Principal): Promise<CardDetailView> {
      if (!isUuid(cardId)) throw cardNotFound();
      const card = await repo.findCard(db, cardId);
      if (!card || !canReadCard(principal, card)) throw cardNotFound();
      const settings = cardSettings((await moveContext(db, card.institutionId)).settings);
      const allowedMoves = allowedMovesOf(card, await repo.findCardsOfPerson(db, card.personId), principal, settings);
      const identifiers = deps.identifiers
        ? (await deps.identifiers.ofCards(db, [cardId])).get(cardId) ?? { accessControlId: null, secondaryId: null }
        : undefined;
      return { ...toCardView(card), ...(identifiers ? { identifiers } : {}), allowedMoves, history: (await repo.findMoves(db, cardId)).map(toMoveView) };
    },

    /** Every card of the principal themself (the self-service "my cards"), newest first. */
    async listOwn(principal: Principal): Promise<CardView[]> {
      if (principal.personId === null) return [];
      const rows = await repo.findCardsOfPerson(db, principal.personId);
      // The holder's cards may come from several institutions, each with its settings.
      const settingsById = new Map<number, InstitutionCardSettings>();
      for (const institutionId of new Set(rows.map((row) => row.institutionId))) {
        settingsById.set(institutionId, cardSettings((await moveContext(db, institutionId)).settings));
      }
      return rows.map((row) => {
        const settings = settingsById.get(row.institutionId);
        return { ...toCardView(row), allowedMoves: settings ? allowedMovesOf(row, rows, principal, settings) : [] };
      }).reverse();
    },

    /**
     * The numbered cards of many persons at once (one query), with the day each was first enabled:
     * what the ESC Router sync compares with the router.
     */
    async cardsForSync(personIds: readonly string[], executor: Executor = db): Promise<repo.CardSyncRow[]> {
      return repo.findCardsForSync(executor, personIds.filter(isUuid));
    },

    /**
     * Cards by id within `scope` (in the query), with their holders' languages (null: the
     * institution's default): what a card's printed face is made of (card templates). Unknown
     * ids, and cards outside the scope, are left out.
     */
    async cardsForPrint(ids: readonly string[], scope: AccessScope, executor: Executor = db): Promise<Array<repo.CardRow & { holderLocale: string | null }>> {
      const rows = await repo.findCardsInScope(executor, ids.filter(isUuid), scope);
      const locales = await repo.findHolderLocales(executor, [...new Set(rows.map((row) => row.personId))]);
      return rows.map((row) => ({ ...row, holderLocale: locales.get(row.personId) ?? null }));
    },

    /**
     * The card with this ESCN (lowercase), reduced to what public verification shows and needs:
     * state, expiry, kind, issuing institution and card group, and the holder and photo ids (used
     * only with the holder's consent).
     */
    async findForVerification(escn: string): Promise<repo.VerificationCardRow | undefined> {
      return repo.findForVerification(db, escn);
    },

    /**
     * Everything the cards context holds about a person (GDPR export): cards and their history,
     * within `scope` (a manager exporting a person enrolled elsewhere too gets their own
     * institutions' cards; the person themself, or the system, everything).
     */
    async exportData(personId: string, executor: Executor = db, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<CardsExport> {
      const rows = await repo.findCardsOfPerson(executor, personId, scope);
      const moves = await repo.findMovesOfCards(executor, rows.map((row) => row.id));
      return {
        cards: rows.map((row) => ({
          ...toCardView(row),
          history: moves.filter((move) => move.cardId === row.id).map(toMoveView),
        })),
      };
    },
  };
}
