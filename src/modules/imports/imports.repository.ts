import type { Executor } from '../../platform/db/database.ts';

/** An upload as the job reads it. */
export interface ImportUploadRow {
  id: string;
  jobRunId: string;
  fileName: string | null;
  byteSize: number;
  content: Buffer;
  createdBy: string;
}

/** Stores an uploaded file for the job run that will read it. */
export async function insertUpload(
  db: Executor,
  upload: { jobRunId: string; fileName: string | null; content: Uint8Array; createdBy: string },
): Promise<string> {
  const row = await db.insertInto('importUploads').values({
    jobRunId: upload.jobRunId,
    fileName: upload.fileName,
    byteSize: upload.content.byteLength,
    content: Buffer.from(upload.content.buffer, upload.content.byteOffset, upload.content.byteLength),
    createdBy: upload.createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The upload of a job run, if it is still there. */
export async function findUploadByRun(db: Executor, jobRunId: string): Promise<ImportUploadRow | undefined> {
  const row = await db.selectFrom('importUploads')
    .select(['id', 'jobRunId', 'fileName', 'byteSize', 'content', 'createdBy'])
    .where('jobRunId', '=', jobRunId).executeTakeFirst();
  if (!row) return undefined;
  const content = row.content as Uint8Array;
  return { ...row, content: Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength) };
}

/** Deletes the upload of a job run (done once the job has handled it). */
export async function deleteUploadByRun(db: Executor, jobRunId: string): Promise<void> {
  await db.deleteFrom('importUploads').where('jobRunId', '=', jobRunId).execute();
}
