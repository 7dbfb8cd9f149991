/**
 * The holder data a card copies (its holder snapshot), and the use case that keeps it in step
 * with the people context: a card shows and prints its holder as they are now, not as they were
 * when it was requested.
 */
import type { Executor } from '../../platform/db/database.ts';
import * as repo from './cards.repository.ts';
import type { CardEnrolment, HolderIdentity, HolderSnapshot } from './cards.repository.ts';
import type { CardHolderPerson } from './cards.service.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

function identityOf(person: CardHolderPerson): HolderIdentity {
  return {
    holderEppn: person.eppn,
    holderFirstName: person.firstName,
    holderLastName: person.lastName,
    holderEmail: person.email,
    holderIne: person.ine,
  };
}

/** The holder snapshot of a card: the person's identity and their enrolment at the card's institution. */
export function holderOf(person: CardHolderPerson, enrolment: CardEnrolment): HolderSnapshot {
  return { ...identityOf(person), holderStudentNumber: enrolment.studentNumber, holderPersonType: enrolment.personType };
}

/** The refresh of the holder snapshots on cards, run when people change. */
export function createHolderRefresh(engine: MoveEngine) {
  const { now } = engine;
  return {
    /**
     * Copies the persons' current data onto all their cards, in one UPDATE for the whole chunk,
     * in the caller's (the people service's) transaction. Cards already up to date are left
     * alone. Returns how many cards changed. It takes row locks only, not the persons' card
     * locks (a chunk holds up to a thousand persons); a move racing it waits, or in the rare
     * deadlock PostgreSQL breaks, answers 409 `state_conflict`.
     */
    async refreshHolders(executor: Executor, persons: readonly CardHolderPerson[]): Promise<number> {
      return repo.updateHolderSnapshots(executor, persons.map((person) => ({ personId: person.id, ...identityOf(person) })), now());
    },
  };
}
