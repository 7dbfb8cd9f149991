import type { Generated } from 'kysely';
import type { Json } from '../db/platform.tables.ts';

/** One event of the log (migration 0034); see event-catalogue.ts for what `name` and `payload` hold. */
export interface EventsTable {
  id: Generated<string>;
  /** The writing transaction's id (xid8, as text): the first key of the reading order. */
  txId: Generated<string>;
  name: string;
  institutionId: number;
  personType: string;
  personId: string;
  cardId: string | null;
  payload: Json<Record<string, unknown>>;
  granted: Json<Record<string, unknown>> | null;
  occurredAt: Generated<Date>;
}

export interface EventsTables {
  events: EventsTable;
}
