import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { JobQueue } from '../platform/jobs/job-queue.ts';
import type { Metrics } from '../platform/observability/metrics.ts';
import type { Services } from './services.ts';

/** The Fastify instance with TypeBox typing, as route modules receive it. */
export type AppInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression,
  FastifyBaseLogger, TypeBoxTypeProvider>;

/** Everything a route module may use. Built once per process by the runtime. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  jobs: JobQueue;
  metrics: Metrics;
  services: Services;
  /** True once migrations ran and the app can serve. */
  isReady(): boolean;
}
