import type { Config } from '../config.ts';
import { startRuntime } from '../app/runtime.ts';

/**
 * `campuscard serve`: boots, listens, prints where to go, and on SIGINT/SIGTERM stops accepting
 * connections, finishes in-flight requests and running jobs, then closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const runtime = await startRuntime(config, { command: 'serve', http: true, workers: config.runWorkers });
  const app = runtime.app;
  if (!app) throw new Error('HTTP app missing');
  await app.listen({ port: config.port, host: config.host });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\ncampuscard is ready at ${config.publicUrl} (${runtime.database.kind}, started in ${seconds}s)\n` +
    `  API documentation: ${config.publicUrl}/api/docs\n`);
  const shutdown = (signal: string) => {
    runtime.logger.info({ signal }, 'shutting down');
    void runtime.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
