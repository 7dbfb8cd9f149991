/**
 * The print batches' SQL beyond the card templates repository: passing a batch's card locks on
 * (batch ownership, migration 0054) and purging old batch files.
 */
import type { Executor } from '../../platform/db/database.ts';

/**
 * Passes the lock of the batch's cards still IN_PRINT and locked to `from` (the batch's lock
 * owner) to `to`, and records `to` as the batch's lock owner. Cards locked by anyone else (a
 * reprint someone else holds) keep their lock. Answers how many cards changed hands.
 */
export async function handOverLocks(executor: Executor, batchId: string, from: string, to: string, at: Date): Promise<number> {
  const result = await executor.updateTable('cards').set({ lockedBy: to, lockedAt: at })
    .where('state', '=', 'IN_PRINT').where('lockedBy', '=', from)
    .where('id', 'in', (query) => query.selectFrom('printBatchCards').select('cardId').where('batchId', '=', batchId))
    .executeTakeFirst();
  await executor.updateTable('printBatches').set({ lockOwner: to }).where('id', '=', batchId).execute();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes the PDF of every batch made before `before` (its parts; the batch, its cards and the
 * versions they were printed with stay). Answers how many batches lost their file.
 */
export async function purgeBatchFiles(executor: Executor, before: Date): Promise<number> {
  const gone = await executor.deleteFrom('printBatchParts')
    .where('batchId', 'in', (query) => query.selectFrom('printBatches').select('id').where('createdAt', '<', before))
    .returning('batchId').execute();
  return new Set(gone.map((row) => row.batchId)).size;
}
