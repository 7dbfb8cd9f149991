/**
 * Changing the photo of a card not yet printed: the office while the card is not printed, the
 * holder only while their request is not checked.
 */
import type { ActorContext } from '../../platform/db/database.ts';
import { conflict, forbidden } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { isSelf } from '../auth/domain/roles.ts';
import { canChangePhoto } from './domain/card-state.ts';
import type { PreparedPhoto } from '../photos/photos.service.ts';
import * as repo from './cards.repository.ts';
import { writesAsOffice } from './cards.policy.ts';
import type { CardsServiceDeps, CardView } from './cards.service.ts';
import { cardNotFound, isUuid, stateConflict } from './card-problems.ts';
import { stateOf, toCardView } from './card-views.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The photo change (see `setPhoto`). */
export function createCardPhotoChange(deps: CardsServiceDeps, engine: MoveEngine) {
  const { photos } = deps;
  const { now, write, lockCard } = engine;
  return {
    /**
     * Replaces the photo of a card not yet printed (NEW, RENEWED, REQUEST_CHECKED, IN_PRINT;
     * 409 `photo_change_not_allowed` otherwise). The office may change it in all those states;
     * the holder only while the request is not checked yet (NEW, RENEWED), so nobody swaps a
     * photo the office already accepted.
     */
    async setPhoto(cardId: string, prepared: PreparedPhoto, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      return write(context, async (trx) => {
        const card = await lockCard(trx, cardId, principal);
        const office = writesAsOffice(principal, card.institutionId, card.holderPersonType);
        if (!office && !isSelf(principal, card.personId)) throw forbidden('You may not change this card\'s photo');
        const state = stateOf(card);
        const open = office ? canChangePhoto(state) : state === 'NEW' || state === 'RENEWED';
        if (!open) {
          throw conflict('photo_change_not_allowed', `The photo of a ${state} card cannot change any more`);
        }
        const photo = await photos.save(trx, card.personId, prepared);
        const updated = await repo.updateCard(trx, card.id, card.version, { photoId: photo.id }, now());
        if (!updated) throw stateConflict();
        return toCardView(updated);
      });
    },
  };
}
