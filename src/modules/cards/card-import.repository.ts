import type { Executor } from '../../platform/db/database.ts';
import type { CardsTable } from './cards.tables.ts';
import type { Insertable } from 'kysely';

/** A migrated card as stored, with the one move of its history. */
export interface ImportedCardRow {
  card: Omit<Insertable<CardsTable>, 'id' | 'version'>;
  move: { at: Date; actor: string; toState: string; comment: string };
}

/** Inserts migrated cards and their history moves (two statements); returns the new ids in input order. */
export async function insertImportedCards(executor: Executor, rows: readonly ImportedCardRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await executor.insertInto('cards').values(rows.map((row) => row.card)).returning('id').execute();
  const ids = inserted.map((row) => row.id);
  await executor.insertInto('cardMoves').values(rows.map((row, index) => ({
    cardId: ids[index] as string, at: row.move.at, actor: row.move.actor, actorKind: 'import', fromState: null, toState: row.move.toState,
    reason: null, comment: row.move.comment, remoteAddress: null,
  }))).execute();
  return ids;
}

/** Live cards (not DESTROYED) holding one of these CSNs: CSN → card id. */
export async function findLiveCsns(executor: Executor, csns: readonly string[]): Promise<Map<string, string>> {
  if (csns.length === 0) return new Map();
  const rows = await executor.selectFrom('cards').select(['id', 'csn']).where('csn', 'in', [...csns]).where('state', '<>', 'DESTROYED').execute();
  return new Map(rows.map((row) => [row.csn as string, row.id]));
}

/** Cards holding one of these ESCNs: ESCN → card id. */
export async function findEscns(executor: Executor, escns: readonly string[]): Promise<Map<string, string>> {
  if (escns.length === 0) return new Map();
  const rows = await executor.selectFrom('cards').select(['id', 'escn']).where('escn', 'in', [...escns]).execute();
  return new Map(rows.map((row) => [row.escn as string, row.id]));
}

/** The persons among these who hold an ENABLED card of this card group. */
export async function findEnabledHolders(executor: Executor, personIds: readonly string[], cardGroup: number): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await executor.selectFrom('cards').select('personId').where('personId', 'in', [...personIds])
    .where('cardGroup', '=', cardGroup).where('state', '=', 'ENABLED').execute();
  return new Set(rows.map((row) => row.personId));
}
