/**
 * Requesting a card: the institution that issues it, who may ask for it, the rules across a
 * person's cards of one card group, and the new card with its holder snapshot, ESCN and expiry.
 */
import type { ActorContext, Executor } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { OFFICE_READ_ROLES, coversInstitution, isSelf } from '../auth/domain/roles.ts';
import { scopeAdmits } from '../../platform/db/scope-filter.ts';
import { isTerminal } from './domain/card-state.ts';
import { isoDay } from './domain/calendar-day.ts';
import * as repo from './cards.repository.ts';
import type { CardEnrolment } from './cards.repository.ts';
import { writesAsOffice } from './cards.policy.ts';
import type { CardDetailView, CardRequestInput, CardsInstitutionRef, CardsServiceDeps } from './cards.service.ts';
import { stateOf, toCardView, toMoveView } from './card-views.ts';
import { holderOf } from './card-holders.service.ts';
import { UNTOUCHED_CARD, ensureNoPendingRequest, ensureRightsOpen, expiryOf, type MoveEngine } from './card-move-engine.service.ts';

/** The card request use case (see `request`). */
export function createCardRequest(deps: CardsServiceDeps, engine: MoveEngine) {
  const { people, photos, institution } = deps;
  const { now, write, moveContext, insertWithEscn, emitMoved } = engine;

  /**
   * The institution a request is for and the person's enrolment there (see `request`). The
   * caller reaches the person's enrolments within their scope, or all of them for their own
   * request; a named institution outside the caller's scope is 404 `institution_not_found`.
   */
  async function requestTarget(
    trx: Executor, personId: string, code: string | undefined, principal: Principal,
  ): Promise<{ issuer: CardsInstitutionRef; enrolment: CardEnrolment }> {
    const enrolments = await repo.findEnrolments(trx, personId);
    const self = isSelf(principal, personId);
    const reachable = self ? enrolments : enrolments.filter((row) =>
      OFFICE_READ_ROLES.includes(principal.role) && scopeAdmits(principal, row.institutionId, row.personType));
    if (reachable.length === 0) throw notFound('person_not_found', 'No such person');
    let issuer: CardsInstitutionRef | undefined;
    if (code !== undefined) {
      issuer = await institution.byCode(trx, code);
      if (!issuer || !(self || coversInstitution(principal, issuer.id))) {
        throw new ProblemError(404, 'institution_not_found', `No institution ${code}`, { field: '/institution' });
      }
    } else {
      const focus = principal.focusInstitutionId;
      const chosen = focus !== null && (!self || reachable.some((row) => row.institutionId === focus))
        ? focus
        : reachable.length === 1 ? reachable[0]?.institutionId : undefined;
      if (chosen === undefined) {
        throw unprocessable('institution_required', 'The person is enrolled at several institutions: say which one issues the card', { field: '/institution' });
      }
      issuer = await institution.byId(trx, chosen);
      if (!issuer) throw new ProblemError(404, 'institution_not_found', 'No such institution', { field: '/institution' });
    }
    const enrolment = enrolments.find((row) => row.institutionId === issuer.id);
    if (!enrolment) {
      throw unprocessable('person_not_enrolled', `The person is not enrolled at ${issuer.name}`, { field: '/institution' });
    }
    return { issuer, enrolment };
  }

  return {
    /**
     * Requests a card for a person, issued by one institution for the person's enrolment there:
     * `input.institution` (code), else the caller's focus, else the person's only enrolment the
     * caller reaches (422 `institution_required` when several remain, 422 `person_not_enrolled`
     * when the person is not enrolled at the named institution). Office writers (admin, manager
     * covering the institution and the person's type there) request for anyone; a person requests
     * for themself only when that institution opens self-requests to their type there. The
     * person type's card kinds bound the request (422 `card_kind_not_allowed`). One request at a
     * time per person and card group (409 `request_pending`); in a federation sharing one card,
     * a live card from another member answers 409 `shared_card_exists`. The holder data comes from
     * the people service and the enrolment; the card gets a fresh ESCN of the institution's PIC
     * and expires after the type's (or the institution's) validity, or at the rights end if earlier.
     */
    async request(personId: string, input: CardRequestInput, principal: Principal, context: ActorContext): Promise<CardDetailView> {
      return write(context, async (trx) => {
        const person = await people.get(personId, trx).catch((error: unknown) => {
          if (error instanceof ProblemError && error.status === 404) throw notFound('person_not_found', 'No such person');
          throw error;
        });
        const { issuer, enrolment } = await requestTarget(trx, personId, input.institution, principal);
        const mc = await moveContext(trx, issuer.id);
        const self = isSelf(principal, personId);
        const office = writesAsOffice(principal, issuer.id, enrolment.personType);
        const rule = await institution.personType(trx, issuer.id, enrolment.personType);
        if (!office) {
          if (!self) {
            const visible = OFFICE_READ_ROLES.includes(principal.role) && scopeAdmits(principal, issuer.id, enrolment.personType);
            if (!visible) throw notFound('person_not_found', 'No such person');
            throw forbidden('Only the card office may request a card for someone else');
          }
          if (!rule?.selfRequest) {
            throw forbidden(`People of type ${enrolment.personType} cannot request a card themselves; the card office does it`, 'self_request_not_allowed');
          }
          if (rule.deliveryAddress && input.cardKind === 'physical' && !input.deliveryAddress?.trim()) {
            throw unprocessable('delivery_address_required', 'Give the address the card should be delivered to', { field: '/deliveryAddress' });
          }
        }
        if (rule && !rule.cardKinds.includes(input.cardKind)) {
          throw unprocessable('card_kind_not_allowed', `People of type ${enrolment.personType} cannot hold a ${input.cardKind} card here`, { field: '/cardKind' });
        }
        const today = isoDay(now());
        ensureRightsOpen(enrolment, today);
        await repo.lockPersonCards(trx, personId);
        const group = (await repo.findCardsOfPerson(trx, personId)).filter((row) => row.cardGroup === issuer.cardGroup);
        const shared = group.find((row) => row.institutionId !== issuer.id && !isTerminal(stateOf(row)));
        if (shared) {
          throw conflict('shared_card_exists', `The members of ${issuer.federation?.name ?? 'this federation'} share one card, and this person already has one from ${shared.institutionName}`, {
            extensions: { cardId: shared.id },
          });
        }
        ensureNoPendingRequest(group);
        let photoId: string | null = null;
        if (input.photo && 'existingPhotoId' in input.photo) {
          const owner = await photos.get(input.photo.existingPhotoId, trx).then((photo) => photo.personId, (error: unknown) => {
            if (error instanceof ProblemError && error.status === 404) return undefined;
            throw error;
          });
          if (owner !== personId) throw unprocessable('photo_not_found', 'No such photo for this person', { field: '/photoId' });
          photoId = input.photo.existingPhotoId;
        } else if (input.photo) {
          photoId = (await photos.save(trx, personId, input.photo.prepared)).id;
        }
        const card = await insertWithEscn(trx, {
          personId,
          institutionId: issuer.id,
          cardGroup: issuer.cardGroup,
          state: 'NEW',
          cardKind: input.cardKind,
          requestChannel: input.channel,
          requestedAt: now(),
          requestedBy: principal.actor,
          photoId,
          ...UNTOUCHED_CARD,
          deliveryAddress: input.deliveryAddress?.trim() || null,
          expiresAt: expiryOf(today, rule?.validityMonths ?? mc.settings.cardValidityMonths, enrolment.rightsEnd),
          renewalOf: null,
          ...holderOf(person, enrolment),
        }, mc);
        await repo.insertMove(trx, {
          cardId: card.id,
          actor: principal.actor,
          actorKind: self && !office ? 'person' : principal.role,
          fromState: null,
          toState: 'NEW',
          reason: null,
          comment: null,
          remoteAddress: context.ip ?? null,
        });
        const view = toCardView(card);
        await emitMoved(trx, [{ card: view, from: null, to: 'NEW' }]);
        return { ...view, history: (await repo.findMoves(trx, card.id)).map(toMoveView) };
      });
    },
  };
}
