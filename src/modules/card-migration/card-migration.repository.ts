import type { Executor } from '../../platform/db/database.ts';

/** Stores an upload for its job. */
export async function insertUpload(executor: Executor, upload: { jobRunId: string; fileName: string | null; content: Buffer }): Promise<void> {
  await executor.insertInto('cardMigrationUploads').values(upload).execute();
}

export async function findUpload(executor: Executor, jobRunId: string): Promise<{ content: Buffer; fileName: string | null } | undefined> {
  return executor.selectFrom('cardMigrationUploads').select(['content', 'fileName']).where('jobRunId', '=', jobRunId).executeTakeFirst();
}

export async function deleteUpload(executor: Executor, jobRunId: string): Promise<void> {
  await executor.deleteFrom('cardMigrationUploads').where('jobRunId', '=', jobRunId).execute();
}

/** The source cards among these already migrated, as `institutionId:sourceId` keys. */
export async function findMigrated(executor: Executor, keys: ReadonlyArray<{ institutionId: number; sourceId: string }>): Promise<Set<string>> {
  const found = new Set<string>();
  const byInstitution = new Map<number, string[]>();
  for (const key of keys) byInstitution.set(key.institutionId, [...(byInstitution.get(key.institutionId) ?? []), key.sourceId]);
  for (const [institutionId, ids] of byInstitution) {
    for (let start = 0; start < ids.length; start += 5000) {
      const rows = await executor.selectFrom('migratedCards').select('sourceId')
        .where('institutionId', '=', institutionId).where('sourceId', 'in', ids.slice(start, start + 5000)).execute();
      for (const row of rows) found.add(`${institutionId}:${row.sourceId}`);
    }
  }
  return found;
}

export async function recordMigrated(executor: Executor, rows: ReadonlyArray<{ institutionId: number; sourceId: string; cardId: string; jobRunId: string | null }>): Promise<void> {
  if (rows.length === 0) return;
  await executor.insertInto('migratedCards').values([...rows]).execute();
}

export async function recordBatch(executor: Executor, jobRunId: string, seq: number, cards: number): Promise<void> {
  await executor.insertInto('cardMigrationBatches').values({ jobRunId, seq, cards }).execute();
}

/** Whether a batch of the run committed, read under a lock so two attempts never write it twice. */
export async function batchDone(executor: Executor, jobRunId: string, seq: number): Promise<boolean> {
  await executor.selectFrom('jobRuns').select('id').where('id', '=', jobRunId).forUpdate().execute();
  const row = await executor.selectFrom('cardMigrationBatches').select('seq').where('jobRunId', '=', jobRunId).where('seq', '=', seq).executeTakeFirst();
  return row !== undefined;
}

export async function batchesDone(executor: Executor, jobRunId: string): Promise<Set<number>> {
  const rows = await executor.selectFrom('cardMigrationBatches').select('seq').where('jobRunId', '=', jobRunId).execute();
  return new Set(rows.map((row) => row.seq));
}
