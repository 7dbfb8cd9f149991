/**
 * The event log: turns the change hooks of cards and people into catalogued events
 * (event-catalogue.ts), written in the transaction of the change, set-based (one statement per
 * hook call, so one per chunk of a bulk import); reads them back for the pull API, scoped in the
 * query by the caller's institutions and person types; purges them after the retention.
 * Never logs an event: they are about persons.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Executor } from '../db/database.ts';
import type { AccessScope } from '../db/scope-filter.ts';
import { badRequest } from '../http/problem.ts';
import type {
  CardEventData, ConsentEventData, EventName, GrantedPart, GrantedParts, PersonEventData,
} from './event-catalogue.ts';
import * as repo from './events.repository.ts';

/** Queue of the retention purge. */
export const EVENTS_QUEUES = { purge: 'events-purge' } as const;
/** When the purge runs (daily, server time zone UTC). */
export const EVENTS_PURGE_CRON = '41 3 * * *';

/** The most events one page of the pull API holds. */
export const MAX_EVENTS_PAGE = 1000;

/** Identity fields: a change of one of them concerns every institution the person is enrolled at. */
const IDENTITY_FIELDS = new Set(['eppn', 'firstName', 'lastName', 'birthDate', 'email', 'ine', 'esi', 'freeFields', 'locale']);

/** A card after a move, as the cards context gives it to its listeners. */
export interface MovedCard {
  id: string;
  personId: string;
  institutionId: number;
  cardKind: 'physical' | 'virtual';
  escn: string | null;
  csn: { hex: string } | null;
  disable: { reason: CardEventData['disableReason'] & string } | null;
  holder: { firstName: string; lastName: string; eppn: string; personType: string };
}

/** A changed person, as the people context gives it to its listeners. */
export interface ChangedPerson {
  person: {
    id: string;
    firstName: string;
    lastName: string;
    eppn: string;
    /** The enrolment written. */
    institutionId: number;
    personType: string;
    rightsEnd: string | null;
    enrolments: ReadonlyArray<{ institutionId: number; personType: string; rightsEnd: string | null }>;
  };
  changedFields: readonly string[];
  created: boolean;
}

/** One event as the pull API shows it. */
export interface EventView {
  id: string;
  cursor: string;
  type: EventName;
  timestamp: string;
  institution: string;
  personType: string;
  data: Record<string, unknown>;
}

export interface EventsServiceDeps {
  db: Kysely<Database>;
  /** Institution codes by id (the API names institutions by code). */
  institutionCode: (executor: Executor, id: number) => Promise<string | undefined>;
  retentionDays: number;
  now?: () => Date;
}

const CURSOR = /^(\d{1,20})\.([1-9]\d{0,18})$/;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

function invalidCursor(): Error {
  return badRequest('invalid_cursor', 'The cursor is not one this list gave', { field: 'querystring:/after' });
}

/** The position a cursor of {@link EventView} names; 400 `invalid_cursor` for anything else. */
export function parseEventCursor(raw: string): repo.EventPosition {
  const match = CURSOR.exec(raw);
  if (!match) throw invalidCursor();
  const [, txId, id] = match as unknown as [string, string, string];
  if (BigInt(txId) > MAX_XID8 || BigInt(id) > MAX_BIGINT || String(BigInt(txId)) !== txId) throw invalidCursor();
  return { txId, id };
}

function cardEventName(from: string | null, to: string): EventName {
  if (from === null) return 'card.created';
  if (to === 'ENABLED') return 'card.enabled';
  if (to === 'DISABLED') return 'card.disabled';
  return 'card.state_changed';
}

/**
 * Told of the events a transaction appends, in that transaction (the webhook connector files
 * its deliveries there, so they exist exactly when the events do).
 */
export type EventsWrittenListener = (executor: Executor, events: readonly repo.WrittenEvent[]) => Promise<void>;

/** An event as a connector delivers it. */
export type StoredEvent = repo.EventRow;

/** Creates the event log service. */
export function createEventsService(deps: EventsServiceDeps) {
  const { db } = deps;
  const listeners: EventsWrittenListener[] = [];

  async function append(executor: Executor, rows: readonly repo.NewEventRow[]): Promise<void> {
    const written = await repo.insertEvents(executor, rows);
    if (written.length === 0) return;
    for (const listener of listeners) await listener(executor, written);
  }
  const now = deps.now ?? (() => new Date());
  const today = () => now().toISOString().slice(0, 10);

  function personRows(changes: readonly ChangedPerson[]): repo.NewEventRow[] {
    const day = today();
    const rows: repo.NewEventRow[] = [];
    for (const { person, changedFields, created } of changes) {
      const granted = { holder: { firstName: person.firstName, lastName: person.lastName, eppn: person.eppn } };
      const rightsEnded = changedFields.includes('rightsEnd') && person.rightsEnd !== null && person.rightsEnd <= day;
      const name: EventName = created ? 'person.created' : rightsEnded ? 'person.rights_ended' : 'person.updated';
      const written: PersonEventData = { personId: person.id, changedFields: [...changedFields], rightsEnd: person.rightsEnd };
      rows.push({ name, institutionId: person.institutionId, personType: person.personType, personId: person.id, cardId: null, payload: { ...written }, granted });
      // Other institutions share the identity only: they hear of identity changes, not of this enrolment's.
      const identity = changedFields.filter((field) => IDENTITY_FIELDS.has(field));
      if (identity.length === 0) continue;
      for (const enrolment of person.enrolments) {
        if (enrolment.institutionId === person.institutionId) continue;
        const data: PersonEventData = { personId: person.id, changedFields: identity, rightsEnd: enrolment.rightsEnd };
        rows.push({
          name: 'person.updated', institutionId: enrolment.institutionId, personType: enrolment.personType, personId: person.id, cardId: null,
          payload: { ...data }, granted,
        });
      }
    }
    return rows;
  }

  function cardRow({ card, from, to }: { card: MovedCard; from: CardEventData['from']; to: CardEventData['to'] }): repo.NewEventRow {
    const data: CardEventData = {
      cardId: card.id, personId: card.personId, cardKind: card.cardKind, from, to,
      disableReason: to === 'DISABLED' ? card.disable?.reason ?? null : null, escn: card.escn,
    };
    const granted: GrantedParts = {
      holder: { firstName: card.holder.firstName, lastName: card.holder.lastName, eppn: card.holder.eppn },
      csn: card.csn?.hex ?? null,
    };
    return {
      name: cardEventName(from, to), institutionId: card.institutionId, personType: card.holder.personType,
      personId: card.personId, cardId: card.id, payload: { ...data }, granted: { ...granted },
    };
  }

  return {
    /** One card move's event, in the caller's transaction (see `recordCardMoves`). */
    async recordCardMove(executor: Executor, card: MovedCard, from: CardEventData['from'], to: CardEventData['to']): Promise<void> {
      await append(executor, [cardRow({ card, from, to })]);
    },

    /**
     * Listener of card moves (`cards.onCardMoved`): one event per move, all in one statement, in
     * the moving transaction (a bulk move tells its hundreds of moves at once).
     */
    async recordCardMoves(executor: Executor, moves: ReadonlyArray<{ card: MovedCard; from: CardEventData['from']; to: CardEventData['to'] }>): Promise<void> {
      await append(executor, moves.map(cardRow));
    },

    /**
     * Listener of person changes (`people.onPeopleChanged`, one call per written chunk): every
     * event of the chunk in one statement. The enrolment written gets person.created,
     * person.rights_ended (its end set to a day already reached) or person.updated; the person's
     * other enrolments get person.updated when identity fields changed.
     */
    async recordPeopleChanges(executor: Executor, changes: readonly ChangedPerson[]): Promise<void> {
      await append(executor, personRows(changes));
    },

    /** Listener of consent decisions: one event at each institution the person is enrolled at. */
    async recordConsent(executor: Executor, person: { id: string; enrolments: ReadonlyArray<{ institutionId: number; personType: string }> },
      kind: ConsentEventData['kind'], granted: boolean): Promise<void> {
      const data: ConsentEventData = { personId: person.id, kind };
      await append(executor, person.enrolments.map((enrolment) => ({
        name: granted ? 'consent.given' : 'consent.withdrawn', institutionId: enrolment.institutionId, personType: enrolment.personType,
        personId: person.id, cardId: null, payload: { ...data }, granted: null,
      })));
    },

    /**
     * A page of events after `after` (a cursor of an earlier item; absent: from the oldest kept)
     * within `scope`, oldest first. `include` names the granted parts the caller asked for and may
     * see; others are left out. `nextCursor`: where the next call starts (the last item's cursor,
     * else `after`).
     */
    async pull(input: { scope: AccessScope; after?: string; limit: number; include: readonly GrantedPart[] }): Promise<{ items: EventView[]; nextCursor: string | null }> {
      const after = input.after === undefined ? null : parseEventCursor(input.after);
      const rows = await repo.eventsAfter(db, input.scope, after, Math.min(input.limit, MAX_EVENTS_PAGE));
      const codes = new Map<number, string>();
      const items: EventView[] = [];
      for (const row of rows) {
        let code = codes.get(row.institutionId);
        if (code === undefined) {
          code = (await deps.institutionCode(db, row.institutionId)) ?? String(row.institutionId);
          codes.set(row.institutionId, code);
        }
        const data: Record<string, unknown> = { ...row.payload };
        for (const part of input.include) if (row.granted && part in row.granted) data[part] = row.granted[part];
        items.push({
          id: row.id, cursor: `${row.txId}.${row.id}`, type: row.name as EventName, timestamp: row.occurredAt.toISOString(),
          institution: code, personType: row.personType, data,
        });
      }
      const last = items.at(-1);
      return { items, nextCursor: last ? last.cursor : input.after ?? null };
    },

    /** Registers a listener of the events each transaction appends (see {@link EventsWrittenListener}). */
    onEventsWritten(listener: EventsWrittenListener): void {
      listeners.push(listener);
    },

    /** These events as stored, by id; those the retention deleted are missing. */
    async byIds(ids: readonly string[], executor: Executor = db): Promise<Map<string, StoredEvent>> {
      return new Map((await repo.eventsByIds(executor, ids)).map((row) => [row.id, row]));
    },

    /** Deletes the events older than the retention; returns how many (the scheduled purge job). */
    async purge(): Promise<number> {
      return repo.deleteEventsBefore(db, new Date(now().getTime() - deps.retentionDays * 24 * 3600 * 1000));
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
