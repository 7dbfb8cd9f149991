/**
 * The card identifiers' SQL (tables `card_identifier_definitions`, `card_identifier_sequences`,
 * `card_identifiers`, migration 0044). Reads of definitions filter by the caller's institutions
 * in the query (`inScope`).
 */
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { CardIdentifierDefinitionsTable } from './card-identifiers.tables.ts';

export type DefinitionRow = Selectable<CardIdentifierDefinitionsTable>;

/** An institution as the caller may see it: its definition and sequences, when it has them. */
export interface ScopedDefinition {
  definition: DefinitionRow | undefined;
  accessControlNext: number;
  secondaryNext: number;
}

/**
 * The definition of `institutionId` if the institution lies within `scope` (undefined outside
 * it); an institution without a definition answers `definition: undefined` and sequences at 1.
 */
export async function findDefinitionInScope(executor: Executor, institutionId: number, scope: Pick<AccessScope, 'institutionIds'>): Promise<ScopedDefinition | undefined> {
  const result = await sql<{ target: number; accessControlNext: number | null; secondaryNext: number | null }>`
    SELECT target.institution_id AS target, s.access_control_next, s.secondary_next
    FROM (SELECT ${institutionId}::smallint AS institution_id) AS target
    LEFT JOIN card_identifier_sequences AS s ON s.institution_id = target.institution_id
    WHERE ${inScope({ institutionIds: scope.institutionIds, personTypes: null }, { institution: 'target.institution_id' })}`.execute(executor);
  const row = result.rows[0];
  if (!row) return undefined;
  const definition = await findDefinition(executor, institutionId);
  return { definition, accessControlNext: Number(row.accessControlNext ?? 1), secondaryNext: Number(row.secondaryNext ?? 1) };
}

/** The definition of an institution (no scope: system work). */
export async function findDefinition(executor: Executor, institutionId: number): Promise<DefinitionRow | undefined> {
  return executor.selectFrom('cardIdentifierDefinitions').selectAll().where('institutionId', '=', institutionId).executeTakeFirst();
}

/** What a definition is saved with: its columns but the keys and the stamp of who saved it. */
export type DefinitionValues = Omit<Selectable<CardIdentifierDefinitionsTable>, 'institutionId' | 'id' | 'updatedBy' | 'updatedAt'>;

/** Creates or replaces an institution's definition, and makes sure its sequences row exists. */
export async function upsertDefinition(executor: Executor, institutionId: number, values: DefinitionValues, actor: string): Promise<DefinitionRow> {
  await executor.insertInto('cardIdentifierSequences').values({ institutionId }).onConflict((oc) => oc.column('institutionId').doNothing()).execute();
  return executor.insertInto('cardIdentifierDefinitions')
    .values({ institutionId, ...values, updatedBy: actor })
    .onConflict((oc) => oc.column('institutionId').doUpdateSet({ ...values, updatedBy: actor, updatedAt: sql<Date>`now()` }))
    .returningAll().executeTakeFirstOrThrow();
}

/** Sets the next sequence numbers (the admin's choice); undefined leaves one as it is. */
export async function setNext(executor: Executor, institutionId: number, next: { accessControl?: number | undefined; secondary?: number | undefined }): Promise<void> {
  const changes = {
    ...(next.accessControl !== undefined ? { accessControlNext: next.accessControl } : {}),
    ...(next.secondary !== undefined ? { secondaryNext: next.secondary } : {}),
  };
  if (Object.keys(changes).length === 0) return;
  await executor.updateTable('cardIdentifierSequences').set(changes).where('institutionId', '=', institutionId).execute();
}

/**
 * Takes `accessControl` and `secondary` numbers from the institution's sequences (0 for a kind
 * not wanted) and answers the first number of each block. Locks the row until the transaction
 * ends: concurrent card creations of the institution wait here, and get the following numbers.
 */
export async function takeNumbers(executor: Executor, institutionId: number, counts: { accessControl: number; secondary: number }): Promise<{ accessControl: number; secondary: number }> {
  await executor.insertInto('cardIdentifierSequences').values({ institutionId }).onConflict((oc) => oc.column('institutionId').doNothing()).execute();
  const row = await executor.updateTable('cardIdentifierSequences')
    .set((eb) => ({
      accessControlNext: eb('accessControlNext', '+', counts.accessControl),
      secondaryNext: eb('secondaryNext', '+', counts.secondary),
    }))
    .where('institutionId', '=', institutionId)
    .returning(['accessControlNext', 'secondaryNext'])
    .executeTakeFirstOrThrow();
  return { accessControl: Number(row.accessControlNext) - counts.accessControl, secondary: Number(row.secondaryNext) - counts.secondary };
}

/** Moves the sequences to at least these numbers (never back). */
export async function raiseNext(executor: Executor, institutionId: number, atLeast: { accessControl: number; secondary: number }): Promise<void> {
  await executor.insertInto('cardIdentifierSequences').values({ institutionId }).onConflict((oc) => oc.column('institutionId').doNothing()).execute();
  await executor.updateTable('cardIdentifierSequences')
    .set({
      accessControlNext: sql<number>`greatest(access_control_next, ${atLeast.accessControl}::bigint)`,
      secondaryNext: sql<number>`greatest(secondary_next, ${atLeast.secondary}::bigint)`,
    })
    .where('institutionId', '=', institutionId).execute();
}

/** One card's identifiers to store. */
export interface IdentifierValues {
  cardId: string;
  institutionId: number;
  accessControlId: string | null;
  secondaryId: string | null;
}

/**
 * Stores identifiers; a row whose value another card of the institution already carries is not
 * written (no error: the transaction stays usable) and its card id is answered.
 */
export async function insertIdentifiers(executor: Executor, rows: readonly IdentifierValues[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await executor.insertInto('cardIdentifiers').values([...rows]).onConflict((oc) => oc.doNothing()).returning('cardId').execute();
  const done = new Set(written.map((row) => row.cardId));
  return new Set(rows.filter((row) => !done.has(row.cardId)).map((row) => row.cardId));
}

/** The identifiers already carried, among these values, in each institution (for conflict reports). */
export async function findTaken(executor: Executor, institutionId: number, values: { accessControl: readonly string[]; secondary: readonly string[] }): Promise<Array<{ cardId: string; accessControlId: string | null; secondaryId: string | null }>> {
  if (values.accessControl.length === 0 && values.secondary.length === 0) return [];
  return executor.selectFrom('cardIdentifiers').select(['cardId', 'accessControlId', 'secondaryId'])
    .where('institutionId', '=', institutionId)
    .where((eb) => eb.or([
      ...(values.accessControl.length > 0 ? [eb('accessControlId', 'in', [...values.accessControl])] : []),
      ...(values.secondary.length > 0 ? [eb('secondaryId', 'in', [...values.secondary])] : []),
    ]))
    .execute();
}

/** The identifiers of these cards (cards without any are left out). */
export async function findOfCards(executor: Executor, cardIds: readonly string[]): Promise<Array<{ cardId: string; accessControlId: string | null; secondaryId: string | null }>> {
  if (cardIds.length === 0) return [];
  return executor.selectFrom('cardIdentifiers').select(['cardId', 'accessControlId', 'secondaryId'])
    .where('cardId', 'in', [...cardIds]).execute();
}

/** The cards carrying exactly one of `values` as either identifier, in any institution (at most `limit`). */
export async function findCardsCarrying(executor: Executor, values: readonly string[], limit: number): Promise<string[]> {
  if (values.length === 0) return [];
  const rows = await executor.selectFrom('cardIdentifiers').select('cardId').where('accessControlId', 'in', [...values])
    .unionAll(executor.selectFrom('cardIdentifiers').select('cardId').where('secondaryId', 'in', [...values]))
    .limit(limit).execute();
  return [...new Set(rows.map((row) => row.cardId))];
}

/**
 * The highest stored ids of an institution that could come from a definition: the longest, then
 * greatest, `limit` values of each kind (the caller parses them under the definition).
 */
export async function highestValues(executor: Executor, institutionId: number, limit: number): Promise<{ accessControl: string[]; secondary: string[] }> {
  const top = async (column: 'accessControlId' | 'secondaryId') => {
    const ref = column === 'accessControlId' ? sql.ref('access_control_id') : sql.ref('secondary_id');
    const rows = await executor.selectFrom('cardIdentifiers').select(column)
      .where('institutionId', '=', institutionId).where(column, 'is not', null)
      .orderBy(sql`length(${ref})`, 'desc').orderBy(column, 'desc').limit(limit).execute();
    return rows.map((row) => row[column]).filter((value): value is string => value !== null);
  };
  return { accessControl: await top('accessControlId'), secondary: await top('secondaryId') };
}
