import type { Config } from '../config.ts';
import { QUEUES, type JobQueue } from '../platform/jobs/job-queue.ts';
import type { Services } from './services.ts';

/**
 * Declares every queue and its handler. Web nodes and worker processes declare the same set; only
 * processes that start workers poll them.
 */
export function defineJobs(jobs: JobQueue, services: Services, config: Config): Array<{ queue: string; cron: string }> {
  jobs.define(QUEUES.sessionPurge, async () => {
    await services.auth.purgeExpiredSessions();
  }, { retryLimit: 1 });
  return [
    { queue: QUEUES.sessionPurge, cron: '7 * * * *' },
  ];
}
