import type { CrousSmartCardState } from '../../../adapters/crous/crous.client.ts';
import { planAccountWrite, type ComparedField, type CrousRightHolder } from './crous-account.ts';
import {
  ACTIVE_STATE, CANCELLING_STATES, CROUS_RECORD_KINDS, crousAccountIdentifier, crousConsentGiven, idZdcOf, wantedAccount,
  type CrousPlanSettings, type CrousRecord, type CrousSubjectFacts,
} from './crous-sync-rules.ts';

/**
 * What campuscard expects the CROUS to hold for one subject (an institution's view of a person),
 * and how what the CROUS answered differs from it (pure). The live reads of the card and person
 * pages and the reconcile both start here, with the same rules as a delivery
 * (domain/crous-sync-rules.ts): the same consent, identifier, idZdc and account comparison.
 */

/** What campuscard expects of one card at the CROUS. */
export interface ExpectedCrousCard {
  cardId: string;
  idZdc: number;
  /** `active`: added and valid; `cancelled`: cancelled if the CROUS holds it; `untracked`: not campuscard's to say (never sent, CADUC). */
  expected: 'active' | 'cancelled' | 'untracked';
}

/** What campuscard expects at the CROUS for one subject. */
export interface CrousExpectation {
  /** The person's data may go to the CROUS (their consent, or the institution's automatic one). */
  consent: boolean;
  /** The account's identifier at the CROUS, as a delivery chooses it. */
  identifier: string;
  /** The identifier the CROUS held the account under before, when a delivery has yet to rename it. */
  previousIdentifier: string | null;
  /** The account campuscard wants there (before the CROUS's own rules); null when it wants none. */
  account: CrousRightHolder | null;
  /** Another institution has priority over the account (the last delivery met a 406): its content is not ours to compare. */
  priorityElsewhere: boolean;
  /** The cards that may be sent (encoded, with a number of their own), each with its idZdc. */
  cards: ExpectedCrousCard[];
}

/**
 * What the CROUS should hold for this subject from campuscard's current facts and what was sent
 * before (the engine's records), with the rules of `planCrousSync`: the account when a card is to
 * be added or campuscard wrote it before; ENABLED cards active (with consent, while enrolled);
 * DISABLED and DESTROYED cards that were sent, cancelled.
 */
export function expectedAtCrous(facts: CrousSubjectFacts, records: readonly CrousRecord[], settings: CrousPlanSettings): CrousExpectation {
  const consent = crousConsentGiven(facts, settings);
  const { identifier, held } = crousAccountIdentifier(facts, records, settings);
  const cardRecords = new Set(records.filter((r) => r.kind === CROUS_RECORD_KINDS.card).map((r) => r.identifier));
  const sendable = facts.cards.filter((card) => card.csn !== null && (card.preEncoded !== null || card.sequence !== null));
  const activating = consent && facts.enrolled;
  const cards = sendable.map((card): ExpectedCrousCard => {
    const idZdc = idZdcOf(card, settings.idZdcOffset);
    const expected = activating && card.state === ACTIVE_STATE ? 'active'
      : CANCELLING_STATES.includes(card.state) && cardRecords.has(String(idZdc)) ? 'cancelled'
      : 'untracked';
    return { cardId: card.cardId, idZdc, expected };
  });
  const wantsAccount = activating && (cards.some((card) => card.expected === 'active') || held !== undefined);
  const accountRecord = records.find((r) => r.kind === CROUS_RECORD_KINDS.account && r.identifier === identifier);
  return {
    consent,
    identifier,
    previousIdentifier: held && held.identifier !== identifier ? held.identifier : null,
    account: wantsAccount ? wantedAccount(facts, settings, identifier) : null,
    priorityElsewhere: accountRecord?.bodyHash === 'refused:406',
    cards,
  };
}

/** One way the CROUS differs from what campuscard expects. */
export type CrousDifference =
  | { kind: 'account_missing' }
  | { kind: 'account_outdated'; fields: ComparedField[] }
  | { kind: 'card_missing'; idZdc: number }
  | { kind: 'card_cancelled'; idZdc: number }
  | { kind: 'card_not_cancelled'; idZdc: number };

/** What was read at the CROUS for a subject: the account (undefined: none) and each card read (undefined: unknown there). */
export interface CrousRemoteState {
  account: CrousRightHolder | undefined;
  cards: ReadonlyMap<number, CrousSmartCardState | undefined>;
}

/**
 * How the CROUS differs from the expectation, with the comparison a delivery makes before writing
 * (`planAccountWrite`: tolerances, a student's category and the CROUS's rate kept, the due date
 * only extended): an account to create or update, an active card missing or cancelled, a card to
 * cancel still valid. An account left to another institution (406) is not compared. Cards not read
 * (absent from `remote.cards`) are not compared.
 */
export function crousDifferences(expectation: CrousExpectation, remote: CrousRemoteState, now: Date): CrousDifference[] {
  const differences: CrousDifference[] = [];
  if (expectation.account && !expectation.priorityElsewhere) {
    const plan = planAccountWrite(expectation.account, remote.account, now);
    if (plan.action === 'create') differences.push({ kind: 'account_missing' });
    else if (plan.action === 'update') differences.push({ kind: 'account_outdated', fields: plan.differences });
  }
  for (const card of expectation.cards) {
    if (!remote.cards.has(card.idZdc)) continue;
    const atCrous = remote.cards.get(card.idZdc);
    if (card.expected === 'active') {
      if (atCrous === undefined) differences.push({ kind: 'card_missing', idZdc: card.idZdc });
      else if (atCrous.cancelDate !== null) differences.push({ kind: 'card_cancelled', idZdc: card.idZdc });
    } else if (card.expected === 'cancelled' && atCrous !== undefined && atCrous.cancelDate === null) {
      differences.push({ kind: 'card_not_cancelled', idZdc: card.idZdc });
    }
  }
  return differences;
}

/** The records a delivery must no longer trust for these differences (their hash is cleared, so it sends again). */
export function recordsToResend(expectation: CrousExpectation, differences: readonly CrousDifference[]): Array<{ kind: string; identifier: string }> {
  return differences.map((difference) => (difference.kind === 'account_missing' || difference.kind === 'account_outdated'
    ? { kind: CROUS_RECORD_KINDS.account, identifier: expectation.identifier }
    : { kind: CROUS_RECORD_KINDS.card, identifier: String(difference.idZdc) }));
}
