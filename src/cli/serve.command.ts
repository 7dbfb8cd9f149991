import type { Config } from '../config.ts';
import { startRuntime, type Runtime } from '../app/runtime.ts';
import { seedDemo, type DemoLogin } from '../modules/demo/demo-seed.service.ts';

/**
 * Job workers start this long after the server listens. Their first poll of every queue, and the
 * jobs waiting since the last run, chain database work that holds the event loop (and PGlite's
 * single connection) for a few tenths of a second; the first health checks and pages come first.
 * A job waits at most this much more, about one polling interval.
 */
const WORKERS_START_DELAY_MS = 1_000;

/**
 * `campuscard serve`: boots, listens, prints where to go, and on SIGINT/SIGTERM stops accepting
 * connections, finishes in-flight requests and running jobs, then closes the database.
 */
export async function serve(config: Config): Promise<void> {
  const started = Date.now();
  const runtime = await startRuntime(config, { command: 'serve', http: true, workers: false, embeddedEscRouter: true });
  const app = runtime.app;
  if (!app) throw new Error('HTTP app missing');
  const logins = await prepareServing(runtime);
  await app.listen({ port: config.port, host: config.host });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(startupMessage(runtime, { url: config.publicUrl, seconds, logins }));
  const workers = config.runWorkers
    ? setTimeout(() => {
      runtime.startWorkers().catch((error: Error) => {
        runtime.logger.fatal({ err: { type: error.name, message: error.message } }, 'job workers did not start');
        void runtime.close().finally(() => process.exit(1));
      });
    }, WORKERS_START_DELAY_MS)
    : undefined;
  const shutdown = (signal: string) => {
    clearTimeout(workers);
    runtime.logger.info({ signal }, 'shutting down');
    void runtime.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * What `serve` does between boot and listening: the demo data on the first start of an empty
 * database (DEMO), and, when the embedded ESC Router runs, a reconcile on every later start: that
 * router starts empty each time, so what campuscard sent it before must be sent again. Answers
 * the demo logins when they were just created. Tests call it to start the way `npm start` does.
 */
export async function prepareServing(runtime: Runtime): Promise<DemoLogin[] | undefined> {
  const logins = runtime.config.demo
    ? await seedDemo({ db: runtime.database.db, logger: runtime.logger, ...runtime.services })
    : undefined;
  if (runtime.embeddedEscRouter && !logins) await runtime.services.escSync.startReconcile({ actor: 'embedded-esc-router' });
  return logins;
}

/**
 * The text printed once listening: the URL to open, the ESC Router in use, and the demo accounts
 * (with what each is for, in English and French) when they were just created.
 */
export function startupMessage(runtime: Pick<Runtime, 'config' | 'database' | 'embeddedEscRouter'>,
  start: { url: string; seconds: string; logins: DemoLogin[] | undefined }): string {
  const { config } = runtime;
  const lines = [
    '',
    `campuscard is ready at ${start.url} (${runtime.database.kind}, started in ${start.seconds}s)`,
    `  Open ${start.url} in a browser · Ouvrez ${start.url} dans un navigateur`,
    `  API documentation: ${start.url}/api/docs`,
    runtime.embeddedEscRouter
      ? '  ESC Router: embedded simulator (demo, in memory) · Routeur ESC : simulateur intégré (démo, en mémoire)'
      : config.escRouterUrl ? `  ESC Router: ${config.escRouterUrl}` : '  ESC Router: off (ESC_ROUTER_URL is not set)',
  ];
  if (start.logins) {
    const width = Math.max(...start.logins.map((login) => login.email.length));
    lines.push('', 'Demo accounts, shown only this once (DEMO=false: no demo data) · Comptes de démo, affichés une seule fois :');
    for (const login of start.logins) {
      lines.push(`  ${login.email.padEnd(width)}  ${login.password}  ${login.purpose.en}`);
      lines.push(`  ${''.padEnd(width)}  ${''.padEnd(login.password.length)}  ${login.purpose.fr}`);
    }
  } else if (config.demo && config.databaseUrl === undefined) {
    lines.push(`  Demo accounts were printed at the first start; lost them? Stop, delete ${config.dataDir}, start again.`);
  }
  return `${lines.join('\n')}\n\n`;
}
