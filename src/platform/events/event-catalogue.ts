/**
 * The event catalogue: every event campuscard emits, by name, with the TypeBox schema of its
 * `data`. It is the contract with outside systems (the pull API, webhooks later): the JSON Schema
 * files under schemas/events/v1/ are generated from it (`npm run gen:events`), and a test fails
 * while they differ.
 *
 * Rules every event follows:
 * - `data` carries ids and states: who or what changed, and into what. Nothing that names a
 *   person. Names, the eppn and the chip number (CSN) are *granted parts*, optional properties
 *   present only for a consumer granted them (the pull API's `include`);
 * - one change writes its events in the same transaction as the change, so an event exists
 *   exactly when the change committed;
 * - within v1, properties are only ever added (optional ones), never renamed or removed; a
 *   breaking change is a v2 with its own files.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CARD_STATES, DISABLE_REASONS } from '../../modules/cards/domain/card-state.ts';

/** Version of the catalogue: the folder of its JSON Schema files. */
export const EVENT_SCHEMA_VERSION = 'v1';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Uuid = Type.String({ format: 'uuid' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar day, YYYY-MM-DD' });

const CardState = literals(CARD_STATES);
const ConsentKind = literals(['esc', 'photo_publication', 'crous'] as const);

/** Granted part: who the person is (their names and eppn). */
const HolderPart = Type.Object({
  firstName: Type.String(),
  lastName: Type.String(),
  eppn: Type.String(),
}, { additionalProperties: false, description: 'Granted part `holder`: present only for a consumer granted names' });

/** Granted part: the card's chip number. */
const CsnPart = Type.Union([Type.String({ pattern: '^([0-9A-F]{2})+$' }), Type.Null()], {
  description: 'Granted part `csn`: the chip serial number (uppercase hex, bytes in the order the chip reports them), null before encoding; present only for a consumer granted it',
});

const CardData = Type.Object({
  cardId: Uuid,
  personId: Uuid,
  cardKind: literals(['physical', 'virtual'] as const),
  from: Type.Union([CardState, Type.Null()], { description: 'The state before the move; null for a new card' }),
  to: CardState,
  disableReason: Type.Union([literals(DISABLE_REASONS), Type.Null()], { description: 'Why the card is DISABLED, when it is' }),
  escn: Type.Union([Type.String(), Type.Null()], { description: 'European Student Card Number, once the card has one' }),
  holder: Type.Optional(HolderPart),
  csn: Type.Optional(CsnPart),
}, { additionalProperties: false });

const PersonData = Type.Object({
  personId: Uuid,
  changedFields: Type.Array(Type.String(), {
    description: 'Names of the fields that changed (as in the person API: firstName, personType, rightsEnd…); all set fields for a new person',
  }),
  rightsEnd: Type.Union([Day, Type.Null()], { description: 'The end of the person\'s rights at the event\'s institution' }),
  holder: Type.Optional(HolderPart),
}, { additionalProperties: false });

const ConsentData = Type.Object({
  personId: Uuid,
  kind: ConsentKind,
}, { additionalProperties: false });

/** Every event: name → description and schema of its `data`. */
export const EVENT_CATALOGUE = {
  'card.created': {
    description: 'A card was requested or created (a request, a renewal, an import): `from` is null, `to` its first state.',
    data: CardData,
  },
  'card.enabled': {
    description: 'A card moved to ENABLED: it works (again) for doors, payment, the ESC.',
    data: CardData,
  },
  'card.disabled': {
    description: 'A card moved to DISABLED (lost, stolen, out of order, replaced, a manager\'s decision): `disableReason` says why.',
    data: CardData,
  },
  'card.state_changed': {
    description: 'Any other move of a card (printing, encoding, CADUC at the end of rights, destroyed…). Together, the card.* events give every move of every card, one event per move.',
    data: CardData,
  },
  'person.created': {
    description: 'A person was created (API, import or directory sync).',
    data: PersonData,
  },
  'person.updated': {
    description: 'A person\'s identity or their enrolment at the event\'s institution changed (`changedFields`). An identity change is one event at each institution the person is enrolled at.',
    data: PersonData,
  },
  'person.rights_ended': {
    description: 'A write set the end of the person\'s rights at the event\'s institution to a day already reached (a directory that no longer lists them, an import, a manager). Rights that simply run out with time show as their cards\' moves to CADUC.',
    data: PersonData,
  },
  'consent.given': {
    description: 'The person granted a consent (ESC, CROUS, photo publication); one event at each institution the person is enrolled at.',
    data: ConsentData,
  },
  'consent.withdrawn': {
    description: 'The person withdrew a consent; one event at each institution the person is enrolled at.',
    data: ConsentData,
  },
} as const satisfies Record<string, { description: string; data: TSchema }>;

export type EventName = keyof typeof EVENT_CATALOGUE;

/** Every event name, in catalogue order. */
export const EVENT_NAMES = Object.keys(EVENT_CATALOGUE) as EventName[];

/** The `data` of an event, by name. */
export type EventData<N extends EventName> = Static<(typeof EVENT_CATALOGUE)[N]['data']>;

/** What the granted parts of any event may hold: the keys the pull API's `include` names. */
export const GRANTED_PARTS = ['holder', 'csn'] as const;
export type GrantedPart = (typeof GRANTED_PARTS)[number];

/** The card events' data without its granted parts. */
export type CardEventData = Omit<EventData<'card.enabled'>, GrantedPart>;
/** The person events' data without its granted parts. */
export type PersonEventData = Omit<EventData<'person.updated'>, GrantedPart>;
/** The consent events' data. */
export type ConsentEventData = EventData<'consent.given'>;
/** Granted parts as stored next to an event (absent keys: the event has no such part). */
export type GrantedParts = Partial<Pick<EventData<'card.enabled'>, GrantedPart>>;

/**
 * The envelope of one event as consumers receive it (pull API items, webhook bodies later), with
 * the `data` schema of `name`. `type` and `timestamp` follow the Standard Webhooks payload shape.
 */
export function eventEnvelopeSchema<N extends EventName>(name: N) {
  return Type.Object({
    id: Type.String({ description: 'Unique id of the event (the `webhook-id` of its deliveries)' }),
    cursor: Type.String({ description: 'Position in the event log: pass it as `after` to read what follows' }),
    type: Type.Literal(name),
    timestamp: Type.String({ format: 'date-time', description: 'When the change committed' }),
    institution: Type.String({ description: 'Code of the institution the event is about (the card\'s, or the enrolment\'s)' }),
    personType: Type.String({ description: 'The person\'s type at that institution' }),
    data: EVENT_CATALOGUE[name].data,
  }, { additionalProperties: false, description: EVENT_CATALOGUE[name].description });
}

/** The JSON Schema document of one event, as committed in schemas/events/v1/<name>.json. */
export function eventJsonSchema(name: EventName): Record<string, unknown> {
  // JSON round trip: TypeBox's symbol keys (its Kind markers) are not part of the JSON Schema.
  const schema = JSON.parse(JSON.stringify(eventEnvelopeSchema(name))) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:campuscard:events:${EVENT_SCHEMA_VERSION}:${name}`,
    title: name,
    ...schema,
  };
}
