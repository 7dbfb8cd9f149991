/**
 * The system moves that follow the holders' rights end dates (the nightly job): cards of ended
 * rights become CADUC, pending requests CANCELED, and CADUC cards whose rights were extended come
 * back to DISABLED.
 */
import type { CardState } from './domain/card-state.ts';
import { PENDING_REQUEST_STATES } from './domain/card-state.ts';
import { decideMove } from './domain/card-state-machine.ts';
import { planRightsEnd } from './domain/card-rules.ts';
import { isoDay } from './domain/calendar-day.ts';
import * as repo from './cards.repository.ts';
import type { CardsServiceDeps, RightsEndReport } from './cards.service.ts';
import { stateOf } from './card-views.ts';
import { SYSTEM_ACTOR, SYSTEM_LABEL, cardSettings, systemMeta } from './card-move-plan.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** People's list pages hold at most 200 persons. */
const RIGHTS_END_PAGE = 200;

/** The rights-end run (see `applyRightsEnd`). */
export function createRightsEnd(deps: CardsServiceDeps, engine: MoveEngine) {
  const { db } = deps;
  const { now, write, moveContext, factsFor, applyMove } = engine;
  return {
    /**
     * The system moves that follow rights end dates, as of `today` (`YYYY-MM-DD`): a card follows
     * the rights of its holder's enrolment at the card's institution. Cards whose enrolment's
     * rights ended become CADUC and pending requests there CANCELED; CADUC cards whose enrolment's
     * rights were extended come back to DISABLED. One transaction per person and institution.
     * Idempotent: a second run the same day changes nothing. `personsChecked` counts the
     * enrolments looked at.
     */
    async applyRightsEnd(today: string = isoDay(now())): Promise<RightsEndReport> {
      const report: RightsEndReport = { today, personsChecked: 0, expired: 0, canceled: 0, restored: 0, failures: 0 };
      const endedStates: CardState[] = ['ENABLED', 'DISABLED', ...PENDING_REQUEST_STATES];

      // The listing only names candidates: the rights end is read again under the person's card
      // lock, so a change made since the listing is what counts.
      const applyFor = async ({ personId, institutionId }: repo.RightsEndCandidate): Promise<void> => {
        report.personsChecked += 1;
        try {
          await write({ actor: SYSTEM_LABEL }, async (trx) => {
            await repo.lockPersonCards(trx, personId);
            const enrolment = (await repo.findEnrolments(trx, personId)).find((row) => row.institutionId === institutionId);
            if (!enrolment) return;
            const mc = await moveContext(trx, institutionId);
            const cards = (await repo.findCardsOfPerson(trx, personId)).filter((row) => row.institutionId === institutionId);
            const plan = planRightsEnd(cards.map((row) => ({ id: row.id, state: stateOf(row) })), enrolment.rightsEnd, today);
            for (const planned of plan) {
              const card = await repo.findCard(trx, planned.cardId, { forUpdate: true });
              if (!card) continue;
              const decision = decideMove({ card: await factsFor(trx, card), to: planned.to, actor: SYSTEM_ACTOR, settings: cardSettings(mc.settings) });
              if (!decision.ok) throw new Error(`rights-end move refused: ${decision.code}`);
              await applyMove(trx, card, decision, SYSTEM_ACTOR, systemMeta(null), mc);
              if (planned.to === 'CADUC') report.expired += 1;
              else if (planned.to === 'CANCELED') report.canceled += 1;
              else if (planned.to === 'DISABLED') report.restored += 1;
            }
          });
        } catch (error) {
          // One person's failure (a listener, a race) must not stop the others; the next run retries.
          report.failures += 1;
          deps.logger?.warn({ personId, institutionId, err: { type: (error as Error).name, code: (error as { code?: string }).code } }, 'rights-end moves failed for a person');
        }
      };

      let after: repo.RightsEndCandidate | null = null;
      for (;;) {
        const candidates: repo.RightsEndCandidate[] = await repo.findRightsEndCandidates(db, endedStates, today, after, RIGHTS_END_PAGE);
        for (const candidate of candidates) await applyFor(candidate);
        if (candidates.length < RIGHTS_END_PAGE) break;
        after = candidates[candidates.length - 1] ?? null;
      }
      return report;
    },
  };
}
