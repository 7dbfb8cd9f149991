import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { JobQueue } from '../platform/jobs/job-queue.ts';
import { createAuthService } from '../modules/auth/auth.service.ts';
import { createAuditService } from '../modules/audit/audit.service.ts';
import { createJobRunsService } from '../modules/jobs/jobs.service.ts';

export interface ServiceContext {
  config: Config;
  db: Kysely<Database>;
  jobs: JobQueue;
  logger: Logger;
  now?: () => Date;
}

/**
 * The composition root: builds every context's service with its dependencies. Contexts talk to
 * each other only through the services passed in here.
 */
export function createServices(context: ServiceContext) {
  const { config, db } = context;
  const auth = createAuthService(db, {
    sessionTtlHours: config.sessionTtlHours,
    loginMaxAttempts: config.loginMaxAttempts,
    loginWindowMinutes: config.loginWindowMinutes,
    ...(context.now ? { now: context.now } : {}),
  });
  const audit = createAuditService(db);
  const jobRuns = createJobRunsService(db);
  return { auth, audit, jobRuns };
}

export type Services = ReturnType<typeof createServices>;
