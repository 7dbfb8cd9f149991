import { createHash } from 'node:crypto';
import type { CrousSmartCard } from '../../../adapters/crous/crous.client.ts';
import type { DisableReason } from '../../cards/domain/card-state.ts';
import { academicYear } from './crous-account-file.ts';
import { chooseCrousIdentifier, crousCancelReason, type CrousCancelReason, type CrousRightHolder } from './crous-account.ts';
import { wallClockToInstant } from './crous-dates.ts';

/**
 * What the CROUS connector plans for one subject (an institution's view of a person), pure:
 * from campuscard's current facts and what was sent before (the engine's records), the calls that
 * take the CROUS there. shared/domain/crous-izly.md.
 *
 * Decisions (see the README paragraph of the connector):
 * - Data leaves ONLY with the CROUS consent (a decision of the person, or, when the person never
 *   decided, the institution's `autoConsentPersonTypes`). Without it and with nothing sent before:
 *   no call at all. Once something was sent, a withdrawal stops every new write (no account
 *   update, no card added or revalidated) but cancellations of cards already at the CROUS still
 *   go: "once given for a card it cannot be taken back for that card" — the account exists at the
 *   CROUS, and a lost card must stop paying.
 * - The account is written only when it is needed: the person holds an ENABLED card to add, or
 *   campuscard already wrote the account (then kept up to date: names, tariff, due date extended).
 * - The account write is ONE operation, `ensureAccount`, whose apply reads the account (GET) and
 *   writes what `planAccountWrite` says (POST, or PATCH identifier / reopen / PUT): the write can
 *   only be decided after reading the CROUS, and reading again on every attempt keeps it
 *   idempotent (a retry after a crash between GET and PUT reads the new state and writes nothing).
 *   Likewise `activateCard` and `cancelCard` read the card first and skip what is already done.
 * - Rights ending shortens nothing: a CADUC card is left as it is (the account lapses at its due
 *   date); the due date is only ever extended (`planAccountWrite`).
 */

/** Card states whose card the CROUS should know as valid. */
export const ACTIVE_STATE = 'ENABLED';
/** Card states that cancel a card the CROUS knows. */
export const CANCELLING_STATES: readonly string[] = ['DISABLED', 'DESTROYED'];

/** A card of the subject's institution, as the plan needs it. */
export interface CrousCardFacts {
  cardId: string;
  state: string;
  /** CSN, upper-case hex; null when the card was never encoded (it cannot be sent). */
  csn: string | null;
  disableReason: DisableReason | null;
  /**
   * A stable number of the card for the idZdc of self-encoded cards: the sequence number of its
   * first move (card_moves.seq, append-only, unique across the deployment); null for a card
   * loaded without any move, which then has no number of its own and is not sent (two such cards
   * would share an idZdc and the CROUS would take one for the other).
   */
  sequence: number | null;
  /** The CROUS's own card when the chip was delivered pre-encoded (its card file names the CSN). */
  preEncoded: Omit<CrousSmartCard, 'uid'> | null;
  /** When the card was first enabled (zdcCreationDate of a self-encoded card); null: never. */
  firstEnabledAt: Date | null;
}

/** The current facts of one subject. */
export interface CrousSubjectFacts {
  personId: string;
  /** The person exists and is enrolled at the institution. */
  enrolled: boolean;
  eppn: string;
  firstName: string;
  lastName: string;
  email: string | null;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  ine: string | null;
  personType: string | null;
  /** `YYYY-MM-DD`: the account's due date (end of that day in the CROUS's zone); null: the academic year's end. */
  rightsEnd: string | null;
  /** The person's CROUS consent decision; null when never decided. */
  consent: boolean | null;
  /** The person's tariff at the institution (tariff service). */
  tariff: { idCompanyRate: number; idRate: number };
  cards: CrousCardFacts[];
  /** Today (`YYYY-MM-DD`, UTC) when the facts were read: the default due date's academic year. */
  today: string;
}

/** What an institution sends with (its CROUS settings). */
export interface CrousPlanSettings {
  identifier: 'ine' | 'eppn';
  idZdcOffset: number;
  /** UAI sent as rneOrgCode. */
  rne: string;
  timeZone: string;
  autoConsentPersonTypes: readonly string[];
}

/** A record of what was sent (the engine's). */
export interface CrousRecord {
  kind: string;
  identifier: string;
  bodyHash: string | null;
}

/** Where a delivery's account write stands, shared by the operations of one plan (set by `ensureAccount`). */
export interface CrousDeliveryContext {
  /** The CROUS answered 406 (another institution has priority): reported after the card calls. */
  deferred?: unknown;
}

/** One call (or read-then-call) to the CROUS. */
export type CrousOperation =
  | {
    op: 'ensureAccount';
    identifier: string;
    /** The identifier the CROUS held the account under before, when it changed (PATCH). */
    previousIdentifier: string | null;
    hash: string;
    wanted: CrousRightHolder;
    context: CrousDeliveryContext;
  }
  | { op: 'activateCard'; identifier: string; idZdc: number; hash: string; card: CrousSmartCard }
  | { op: 'cancelCard'; identifier: string; idZdc: number; hash: string; uid: string; reason: CrousCancelReason }
  /** Forgets the record of the identifier the account was held under before `ensureAccount` renamed it (makes no call). */
  | { op: 'forgetAccount'; identifier: string }
  /** Reports a 406 met by `ensureAccount` once the cards were sent (makes no call). */
  | { op: 'reportDeferred'; context: CrousDeliveryContext };

/** Record kinds of the connector. */
export const CROUS_RECORD_KINDS = { account: 'account', card: 'card' } as const;

/** A short hash of a JSON value with sorted keys (dates as ISO strings). */
export function bodyHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(canonical);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((key) => [key, canonical((v as Record<string, unknown>)[key])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('base64url').slice(0, 32);
}

/** The due date of a rights end day: 23:59 of that day, wall-clock time of the CROUS's zone. */
export function dueDateOf(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(wallClockToInstant(Date.UTC(y, m - 1, d, 23, 59, 0, 0), timeZone));
}

/** Whether the person's data may go to the CROUS: their decision, else the institution's automatic consent for their type. */
export function crousConsentGiven(facts: Pick<CrousSubjectFacts, 'consent' | 'personType'>, settings: Pick<CrousPlanSettings, 'autoConsentPersonTypes'>): boolean {
  if (facts.consent !== null) return facts.consent;
  return facts.personType !== null && settings.autoConsentPersonTypes.includes(facts.personType);
}

/** The idZdc of a card: the CROUS's number for a pre-encoded chip, else the offset plus the card's sequence. */
export function idZdcOf(card: Pick<CrousCardFacts, 'preEncoded' | 'sequence'>, offset: number): number {
  return card.preEncoded ? card.preEncoded.idZdc : offset + (card.sequence as number);
}

/** The SmartCard body of a card (CSN upper-case); self-encoded cards carry no CROUS issuer data. */
export function smartCardOf(card: CrousCardFacts, offset: number): CrousSmartCard {
  const uid = (card.csn ?? '').toUpperCase();
  if (card.preEncoded) return { ...card.preEncoded, uid };
  return {
    idTransmitter: 0, idMapping: 0, idZdc: idZdcOf(card, offset), zdcCreationDate: card.firstEnabledAt ?? new Date(0),
    pixSs: '', pixNn: '', appl: '', uid, rid: '',
  };
}

/** The account campuscard wants the CROUS to hold (before the rules of `planAccountWrite`). */
export function wantedAccount(facts: CrousSubjectFacts, settings: CrousPlanSettings, identifier: string): CrousRightHolder {
  return {
    identifier,
    firstName: facts.firstName,
    lastName: facts.lastName,
    email: facts.email ?? '',
    dueDate: dueDateOf(facts.rightsEnd ?? academicYear(facts.today).end, settings.timeZone),
    idCompanyRate: facts.tariff.idCompanyRate,
    idRate: facts.tariff.idRate,
    simpleBirthDate: facts.birthDate ?? '',
    ine: facts.ine,
    rneOrgCode: settings.rne,
  };
}

/** Hash of a card's wanted state at the CROUS (what the card record holds once confirmed). */
export function cardStateHash(state: { active: true; card: CrousSmartCard } | { active: false; reason: CrousCancelReason; uid: string; idZdc: number }): string {
  if (state.active) {
    const { zdcCreationDate: _created, ...card } = state.card;
    return bodyHash({ active: true, card });
  }
  return bodyHash({ active: false, reason: state.reason, uid: state.uid, idZdc: state.idZdc });
}

/**
 * The identifier the subject's account has (or is to have) at the CROUS, as every delivery
 * chooses it (`chooseCrousIdentifier`: the INE when the institution chose it, else the identifier
 * the CROUS already holds, else the eppn), and the account record it was last held under.
 * The live reads and the reconcile use it too, so they ask the CROUS for the account the sync writes.
 */
export function crousAccountIdentifier(facts: Pick<CrousSubjectFacts, 'ine' | 'eppn'>, records: readonly CrousRecord[],
  settings: Pick<CrousPlanSettings, 'identifier'>): { identifier: string; held: CrousRecord | undefined } {
  const accountRecords = records.filter((r) => r.kind === CROUS_RECORD_KINDS.account);
  const held = accountRecords.find((r) => r.bodyHash !== null) ?? accountRecords[0];
  const { identifier } = chooseCrousIdentifier({
    ineAsIdentifier: settings.identifier === 'ine', ine: facts.ine, crousIdentifier: held?.identifier, eppn: facts.eppn,
  });
  return { identifier, held };
}

/** The plan of one subject: its operations, or a problem that keeps anything from being sent. */
export interface CrousPlan {
  operations: CrousOperation[];
  problem?: { code: string; message: string };
}

/**
 * The calls that take the CROUS from what `records` say was sent to what `facts` want (pure).
 * An empty list when nothing changed: a second delivery makes no call.
 */
export function planCrousSync(facts: CrousSubjectFacts, records: readonly CrousRecord[], settings: CrousPlanSettings): CrousPlan {
  const consent = crousConsentGiven(facts, settings);
  const accountRecords = records.filter((r) => r.kind === CROUS_RECORD_KINDS.account);
  const cardRecords = new Map(records.filter((r) => r.kind === CROUS_RECORD_KINDS.card).map((r) => [r.identifier, r]));
  // Without consent and with nothing sent before, nothing is even computed from the person's data.
  if (!consent && records.length === 0) return { operations: [] };

  const { identifier, held } = crousAccountIdentifier(facts, records, settings);
  const operations: CrousOperation[] = [];
  // Sendable: encoded (a CSN), with a number of its own (pre-encoded, or a first move).
  const sendable = facts.cards.filter((card) => card.csn !== null && (card.preEncoded !== null || card.sequence !== null));
  const toActivate = consent && facts.enrolled
    ? sendable.filter((card) => card.state === ACTIVE_STATE)
    : [];
  const context: CrousDeliveryContext = {};

  // The account: when a card is to be added, or to keep the one campuscard wrote up to date.
  if (consent && facts.enrolled && (toActivate.length > 0 || held !== undefined)) {
    const wanted = wantedAccount(facts, settings, identifier);
    const hash = bodyHash(wanted);
    const record = accountRecords.find((r) => r.identifier === identifier);
    const previousIdentifier = held && held.identifier !== identifier ? held.identifier : null;
    if (record?.bodyHash !== hash || previousIdentifier !== null) {
      operations.push({ op: 'ensureAccount', identifier, previousIdentifier, hash, wanted, context });
      // Renamed (PATCH) or created anew: the old identifier's record goes once the account is written.
      if (previousIdentifier !== null) operations.push({ op: 'forgetAccount', identifier: previousIdentifier });
    }
  }

  // The account's identifier at the CROUS once the account operation (if any) ran.
  const accountIdentifier = operations.length > 0 ? identifier : held?.identifier ?? identifier;
  for (const card of sendable) {
    const idZdc = idZdcOf(card, settings.idZdcOffset);
    const record = cardRecords.get(String(idZdc));
    const uid = (card.csn as string).toUpperCase();
    if (toActivate.includes(card)) {
      const body = smartCardOf(card, settings.idZdcOffset);
      const hash = cardStateHash({ active: true, card: body });
      if (record?.bodyHash !== hash) operations.push({ op: 'activateCard', identifier, idZdc, hash, card: body });
    } else if (CANCELLING_STATES.includes(card.state) && record !== undefined) {
      // Only a card the CROUS may hold is cancelled (with or without consent: see above).
      const reason = crousCancelReason(card.disableReason);
      const hash = cardStateHash({ active: false, reason, uid, idZdc });
      if (record.bodyHash !== hash) operations.push({ op: 'cancelCard', identifier: accountIdentifier, idZdc, hash, uid, reason });
    }
    // CADUC and the states before ENABLED: nothing (rights ending shortens nothing).
  }
  if (operations.some((operation) => operation.op === 'ensureAccount')) operations.push({ op: 'reportDeferred', context });
  return { operations };
}
