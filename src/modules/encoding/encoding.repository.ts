/**
 * The encoding sessions' SQL (table `encoding_sessions`, migration 0048). Every read or claim of
 * a session filters by the caller's institutions and person types in the query (`inScope`).
 */
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { EncodingSessionsTable } from './encoding.tables.ts';

export type EncodingSessionRow = Selectable<EncodingSessionsTable>;

const SCOPE_COLUMNS = { institution: 'encoding_sessions.institution_id', personType: 'encoding_sessions.holder_person_type' };

/** Stores a new session. */
export async function insertSession(executor: Executor, row: {
  cardId: string; institutionId: number; holderPersonType: string; secretHash: string; createdBy: string; expiresAt: Date;
}): Promise<EncodingSessionRow> {
  return executor.insertInto('encodingSessions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A session within `scope`, or undefined (unknown, or another institution's). */
export async function findSession(executor: Executor, id: string, scope: AccessScope): Promise<EncodingSessionRow | undefined> {
  return executor.selectFrom('encodingSessions').selectAll().where('id', '=', id)
    .where(() => inScope(scope, SCOPE_COLUMNS)).executeTakeFirst();
}

/**
 * Claims an open, unexpired session whose secret hashes to `secretHash`, within `scope`: one
 * statement, so of two concurrent reports only one gets it. Undefined when it cannot be claimed.
 */
export async function claimSession(executor: Executor, id: string, secretHash: string, scope: AccessScope, by: string, at: Date): Promise<EncodingSessionRow | undefined> {
  return executor.updateTable('encodingSessions').set({ closedAt: at, closedBy: by })
    .where('id', '=', id).where('secretHash', '=', secretHash).where('closedAt', 'is', null).where('expiresAt', '>', at)
    .where(() => inScope(scope, SCOPE_COLUMNS))
    .returningAll().executeTakeFirst();
}

/** Gives a claimed session back (its encoding report was refused: the station may report again). */
export async function releaseSession(executor: Executor, id: string): Promise<void> {
  await executor.updateTable('encodingSessions').set({ closedAt: null, closedBy: null }).where('id', '=', id).where('csn', 'is', null).execute();
}

/** Records the CSN the closing report bound. */
export async function recordCsn(executor: Executor, id: string, csn: string): Promise<void> {
  await executor.updateTable('encodingSessions').set({ csn }).where('id', '=', id).execute();
}

/** Deletes the sessions closed before `before`, or never closed and expired before it; answers how many. */
export async function deleteFinishedSessions(executor: Executor, before: Date): Promise<number> {
  const result = await executor.deleteFrom('encodingSessions')
    .where((eb) => eb.or([
      eb('closedAt', '<', before),
      eb.and([eb('closedAt', 'is', null), eb('expiresAt', '<', before)]),
    ]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
