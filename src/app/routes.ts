import type { AppDeps, AppInstance } from './app-types.ts';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import { jobsRoutes } from '../modules/jobs/jobs.routes.ts';

/** Registers every context's routes under /api/v1. */
export async function registerRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  await app.register(async (api) => {
    await authRoutes(api, deps);
    await jobsRoutes(api, deps);
  }, { prefix: '/api/v1' });
}
