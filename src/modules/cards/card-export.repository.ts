import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** Deletes every part of an export (a retried run starts its file again; an abandoned one is dropped). */
export async function deleteParts(executor: Executor, jobRunId: string): Promise<void> {
  await executor.deleteFrom('cardExportParts').where('jobRunId', '=', jobRunId).execute();
}

/** Deletes the parts of exports written more than `days` days ago. Returns how many parts went. */
export async function deletePartsOlderThan(executor: Executor, days: number): Promise<number> {
  const result = await executor.deleteFrom('cardExportParts')
    .where('createdAt', '<', sql<Date>`now() - make_interval(days => ${days})`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Appends one part of an export's file. */
export async function insertPart(executor: Executor, jobRunId: string, seq: number, content: string): Promise<void> {
  await executor.insertInto('cardExportParts').values({ jobRunId, seq, content }).execute();
}

/** The part `seq` of an export's file, undefined past the last one. */
export async function findPart(executor: Executor, jobRunId: string, seq: number): Promise<string | undefined> {
  const row = await executor.selectFrom('cardExportParts').select('content').where('jobRunId', '=', jobRunId).where('seq', '=', seq)
    .executeTakeFirst();
  return row?.content;
}
