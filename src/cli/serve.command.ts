import type { Config } from '../config.ts';
import { startRuntime } from '../app/runtime.ts';
import { seedDemo, type DemoLogin } from '../modules/demo/demo-seed.service.ts';

/**
 * `campuscard serve`: boots, listens, prints where to go, and on SIGINT/SIGTERM stops accepting
 * connections, finishes in-flight requests and running jobs, then closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const runtime = await startRuntime(config, { command: 'serve', http: true, workers: config.runWorkers });
  const app = runtime.app;
  if (!app) throw new Error('HTTP app missing');
  const logins = config.demo
    ? await seedDemo({ db: runtime.database.db, logger: runtime.logger, ...runtime.services })
    : undefined;
  await app.listen({ port: config.port, host: config.host });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\ncampuscard is ready at ${config.publicUrl} (${runtime.database.kind}, started in ${seconds}s)\n` +
    `  API documentation: ${config.publicUrl}/api/docs\n`);
  if (logins) printDemoLogins(logins);
  const shutdown = (signal: string) => {
    runtime.logger.info({ signal }, 'shutting down');
    void runtime.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Prints the demo accounts once, on the first start of an empty database. */
function printDemoLogins(logins: DemoLogin[]): void {
  const lines = logins.map((login) => `  ${login.role.padEnd(11)} ${login.email.padEnd(30)} ${login.password}`);
  process.stdout.write(`\nDemo accounts (shown only this once; DEMO=false disables demo data):\n${lines.join('\n')}\n\n`);
}
