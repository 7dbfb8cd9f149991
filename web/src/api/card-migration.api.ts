import { api } from './api-client.ts';
import type { QueryOf, ResponseOf } from './api-types.ts';

/** A card migration run (a job): its progress, and its report in `result` (or `error.report` when refused). */
export type MigrationRun = ResponseOf<'/api/v1/card-migrations/{id}', 'get'>['job'];
/** What a migration did, or for a dry run would do. */
export type MigrationReport = ResponseOf<'/api/v1/card-migrations', 'post'> extends infer Answer
  ? Answer extends { totalLines: number } ? Answer : never : never;
export type MigrationOptions = Omit<QueryOf<'/api/v1/card-migrations', 'post'>, 'wait'>;

/** Migration from another card office system (admins, and managers of the institution). */
export const cardMigrationApi = {
  /** Uploads the export and starts a run (a dry run with `dryRun`): the job to follow. */
  async start(file: File, options: MigrationOptions): Promise<MigrationRun> {
    const body = new FormData();
    body.append('file', file, file.name);
    const query: Record<string, string | boolean | undefined> = { ...options };
    return (await api<{ job: MigrationRun }>('/card-migrations', { method: 'POST', body, query })).job;
  },
  run(id: string, signal?: AbortSignal): Promise<MigrationRun> {
    return api<{ job: MigrationRun }>(`/card-migrations/${encodeURIComponent(id)}`, signal ? { signal } : {}).then((answer) => answer.job);
  },
};

/** The report a finished run carries: in its result, or, when it was refused, in its error. */
export function reportOf(run: MigrationRun): MigrationReport | null {
  const carried = run.status === 'succeeded' ? run.result : run.error?.report;
  return typeof carried === 'object' && carried !== null && 'totalLines' in carried ? carried as MigrationReport : null;
}
