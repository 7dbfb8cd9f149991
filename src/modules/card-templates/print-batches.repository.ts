/**
 * The print batches' SQL beyond the card templates repository: passing a batch's card locks on
 * (batch ownership, migration 0054), purging old batch files and finding cards without a photo.
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

/** Which of these cards have no photo (`photo_id` null). */
export async function cardsWithoutPhoto(executor: Executor, cardIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < cardIds.length; start += 1000) {
    const rows = await executor.selectFrom('cards').select('id').where('photoId', 'is', null)
      .where('id', 'in', cardIds.slice(start, start + 1000)).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/**
 * The cards of a batch without a photo: how many, and the first `limit` of them in file order
 * with their holder's name (the Printing page lists them before the file is printed).
 */
export async function batchCardsWithoutPhoto(executor: Executor, batchId: string, limit: number): Promise<{
  count: number; cards: Array<{ cardId: string; firstName: string; lastName: string }>;
}> {
  const base = executor.selectFrom('printBatchCards').innerJoin('cards', 'cards.id', 'printBatchCards.cardId')
    .where('printBatchCards.batchId', '=', batchId).where('cards.photoId', 'is', null);
  const counted = await base.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirst();
  const count = Number(counted?.count ?? 0);
  if (count === 0) return { count, cards: [] };
  const cards = await base.innerJoin('persons', 'persons.id', 'cards.personId')
    .select(['printBatchCards.cardId', 'persons.firstName', 'persons.lastName'])
    .orderBy('printBatchCards.seq').limit(limit).execute();
  return { count, cards };
}
