import { createHash } from 'node:crypto';
import type {
  CardUpdateView,
  CardView,
  EscCardType,
  PersonUpdateView,
  PersonView,
} from '../../../adapters/esc-router/esc-router.types.ts';
import { academicLevelFromIsced } from './academic-level.ts';
import type { EscDataValues } from './esc-data-fields.ts';
import { esiEquals, esiKey, parseEsi } from './esi.ts';

/**
 * What the ESC Router should hold about one person, computed from campuscard's CURRENT data, and
 * the router calls that bring it there. Pure: no I/O, no clock.
 *
 * Rules (esc-router.md):
 * - nothing is sent for a person without a current ESC consent; withdrawing it deletes their
 *   cards and person record at the router;
 * - an ENABLED card is registered ACTIVE (person first), a DISABLED one INACTIVE, or deleted when
 *   the institution chose `escDeleteDisabledCards`;
 * - a person is registered while they hold an ENABLED or DISABLED card; when every card is CADUC
 *   (rights ended) or destroyed, the person is deleted;
 * - a change of name, e-mail, level or expiry changes the bodies, hence a new upsert.
 * Because the outcome depends only on the current data, delivering the same entry twice, or two
 * entries in the wrong order, converges on the same router state.
 */

/** Card states that exist at the router (the others are either not yet issued or gone). */
export const ROUTER_VISIBLE_STATES: readonly string[] = ['ENABLED', 'DISABLED'];

/** Person fields whose change alters what the router holds. */
export const ROUTER_PERSON_FIELDS: readonly string[] = ['firstName', 'lastName', 'email', 'academicLevel', 'esi', 'rightsEnd'];

/** One card of the person, as the sync needs it. */
export interface SyncCardFacts {
  cardId: string;
  escn: string | null;
  state: string;
  kind: 'physical' | 'virtual';
  /** yyyy-MM-dd or null. */
  expiresAt: string | null;
  /** yyyy-MM-dd: when the card was issued (first enabled, else created). */
  issuedAt: string;
}

/** Everything about one person that decides their router state. */
export interface SyncPersonFacts {
  personId: string;
  /** False once the person no longer exists in campuscard: whatever we sent must go. */
  exists: boolean;
  /** The ESI as the people context stores it (given, or minted from the INE / student number). */
  esi: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  /** ISCED 6, 7 or 8 (other values are not sent). */
  academicLevel: number | null;
  /** yyyy-MM-dd or null. */
  rightsEnd: string | null;
  escConsent: boolean;
  cards: SyncCardFacts[];
}

/** Institution-wide inputs. */
export interface SyncSettings {
  /** 9-digit PIC: issuer of every card, organisation of every person. */
  pic: string;
  deleteDisabledCards: boolean;
  cardType: EscCardType;
  virtualCardType: EscCardType;
}

/** A card body with its number (required when we register our own numbers). */
export type RouterCardBody = CardUpdateView & { cardNumber: string };

/** Why something that should be at the router cannot be sent; needs a data fix, not a retry. */
export interface SyncProblem {
  code: 'missing_esi' | 'invalid_esi' | 'missing_expiry';
  message: string;
  cardId?: string;
}

/** The router state a person should have. */
export interface DesiredRouterState {
  person: { body: PersonUpdateView; key: string; hash: string } | null;
  cards: Array<{ body: RouterCardBody; key: string; hash: string; cardId: string }>;
  problems: SyncProblem[];
}

/** One thing campuscard may have put at the router (an `esc_router_records` row). */
export interface RouterRecord {
  kind: 'person' | 'card';
  /** The ESI or ESCN exactly as sent (compared case-insensitively). */
  identifier: string;
  /** Hash of the body last confirmed applied; null when unknown (a call may or may not have landed). */
  bodyHash: string | null;
}

/** One router call, in the order they must be made. */
export type RouterOperation =
  | { op: 'deleteCard'; escn: string }
  | { op: 'upsertPerson'; key: string; hash: string; body: PersonUpdateView }
  | { op: 'upsertCard'; key: string; hash: string; body: RouterCardBody }
  | { op: 'deletePerson'; esi: string };

/** A stable hash of a request body: same content, same hash, whatever the key order. */
export function bodyHash(body: object): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url').slice(0, 22);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/**
 * Computes the router state the person should have now. A card that should be registered but
 * lacks data (no expiry) is left out and reported in `problems`; so is the whole person when no
 * ESI can be had. The bodies carry the fields of `ESC_DATA_FIELDS` and nothing else.
 */
export function desiredRouterState(facts: SyncPersonFacts, settings: SyncSettings): DesiredRouterState {
  const none: DesiredRouterState = { person: null, cards: [], problems: [] };
  if (!facts.exists || !facts.escConsent) return none;
  const registrable = facts.cards.filter((card) => card.escn !== null && ROUTER_VISIBLE_STATES.includes(card.state));
  if (registrable.length === 0) return none;
  if (facts.esi === null) {
    return { ...none, problems: [{ code: 'missing_esi', message: 'The person has no European Student Identifier (no ESI, INE or student number)' }] };
  }
  const parsed = parseEsi(facts.esi);
  if (!parsed.valid) return { ...none, problems: [{ code: 'invalid_esi', message: `The stored European Student Identifier is not valid: ${parsed.reason}` }] };
  const person: PersonDataValues = {
    esi: parsed.esi,
    fullName: `${facts.firstName} ${facts.lastName}`.trim(),
    email: facts.email ?? undefined,
    academicLevel: facts.academicLevel === null ? undefined : academicLevelFromIsced(facts.academicLevel),
    institutionPic: settings.pic,
  };
  const personBody = routerPersonBody(person);
  const problems: SyncProblem[] = [];
  const cards: DesiredRouterState['cards'] = [];
  for (const card of registrable) {
    if (card.state === 'DISABLED' && settings.deleteDisabledCards) continue;
    const expiresAt = earliest(card.expiresAt, facts.rightsEnd);
    if (expiresAt === null) {
      problems.push({ code: 'missing_expiry', message: 'The card has no expiry date and the person no rights end', cardId: card.cardId });
      continue;
    }
    const body = routerCardBody({
      ...person,
      escn: (card.escn as string).toLowerCase(),
      cardState: card.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE',
      cardKind: card.kind === 'virtual' ? settings.virtualCardType : settings.cardType,
      cardExpiry: expiresAt,
      cardIssueDate: card.issuedAt <= expiresAt ? card.issuedAt : expiresAt,
    });
    cards.push({ body, key: body.cardNumber, hash: bodyHash(body), cardId: card.cardId });
  }
  return { person: { body: personBody, key: esiKey(person.esi), hash: bodyHash(personBody) }, cards, problems };
}

/** The person-level fields of {@link EscDataValues}. */
type PersonDataValues = Pick<EscDataValues, 'esi' | 'fullName' | 'email' | 'academicLevel' | 'institutionPic'>;

/**
 * The router's person body, built from the ESC data fields only (esc-data-fields.ts), so that
 * it carries nothing the ESC consent summary does not list.
 */
function routerPersonBody(values: PersonDataValues): PersonUpdateView {
  return {
    identifier: values.esi,
    identifierCode: 'ESI',
    fullName: values.fullName,
    personOrganisationUpdateViews: [{
      organisationIdentifier: values.institutionPic,
      ...(values.academicLevel ? { academicLevel: values.academicLevel } : {}),
      ...(values.email ? { email: values.email } : {}),
    }],
  };
}

/**
 * The router's card body, built from the ESC data fields only. Displayed names are never sent
 * with cards: the router's public status endpoint would show them to anyone probing card numbers.
 */
function routerCardBody(values: EscDataValues): RouterCardBody {
  return {
    cardNumber: values.escn,
    cardStatusType: values.cardState,
    cardType: values.cardKind,
    expiresAt: values.cardExpiry,
    issuedAt: values.cardIssueDate,
    issuerIdentifier: values.institutionPic,
    personIdentifier: values.esi,
  };
}

/**
 * The calls that take the router from what `records` say campuscard put there to `desired`:
 * obsolete cards deleted first, then the person upserted, then the cards, then obsolete person
 * records (consent withdrawn, rights ended, ESI changed) deleted last, when no card of ours
 * points to them any more. Bodies whose confirmed hash is unchanged are not sent again, so a
 * duplicate delivery makes no call at all.
 */
export function planRouterOperations(desired: DesiredRouterState, records: readonly RouterRecord[]): RouterOperation[] {
  const keyOf = (record: RouterRecord): string => `${record.kind}:${record.identifier.toLowerCase()}`;
  const known = new Map(records.map((record) => [keyOf(record), record]));
  const operations: RouterOperation[] = [];
  const wantedCards = new Set(desired.cards.map((card) => `card:${card.key}`));
  for (const record of records) {
    if (record.kind === 'card' && !wantedCards.has(keyOf(record))) operations.push({ op: 'deleteCard', escn: record.identifier });
  }
  const person = desired.person;
  // A missing or uncertain record (null hash) never equals a hash: the body goes out again,
  // which also guarantees the person exists before any of their cards is registered.
  if (person && known.get(`person:${person.key}`)?.bodyHash !== person.hash) {
    operations.push({ op: 'upsertPerson', key: person.key, hash: person.hash, body: person.body });
  }
  for (const card of desired.cards) {
    if (known.get(`card:${card.key}`)?.bodyHash !== card.hash) {
      operations.push({ op: 'upsertCard', key: card.key, hash: card.hash, body: card.body });
    }
  }
  for (const record of records) {
    if (record.kind === 'person' && keyOf(record) !== `person:${person?.key ?? ''}`) {
      operations.push({ op: 'deletePerson', esi: record.identifier });
    }
  }
  return operations;
}

/** True when the router's copy of the person matches the body we would send. */
export function personMatches(view: PersonView, body: PersonUpdateView): boolean {
  if (view.fullName !== body.fullName || !esiEquals(view.identifier, body.identifier)) return false;
  const wanted = body.personOrganisationUpdateViews[0];
  if (!wanted) return true;
  const link = (view.organisations ?? []).find((o) => o.organisation?.identifier === wanted.organisationIdentifier);
  if (!link) return false;
  return (link.academicLevel?.key ?? undefined) === wanted.academicLevel
    && (link.contactPoint?.email ?? undefined) === wanted.email;
}

/** True when the router's copy of the card matches the body we would send. */
export function cardMatches(view: CardView, body: RouterCardBody): boolean {
  return (view.cardNumber ?? '').toLowerCase() === body.cardNumber.toLowerCase()
    && view.cardStatusType?.key === body.cardStatusType
    && view.cardType?.key === body.cardType
    && view.expiresAt === body.expiresAt
    && view.issuedAt === body.issuedAt
    && view.issuer?.identifier === body.issuerIdentifier
    && view.person !== undefined && esiEquals(view.person.identifier, body.personIdentifier);
}
