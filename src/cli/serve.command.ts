import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Config } from '../config.ts';
import { startRuntime, type Runtime } from '../app/runtime.ts';
import { seedDemo, type DemoLogin } from '../modules/demo/demo-seed.service.ts';
import { DEMO_SSO_USERS, demoSsoPassword } from '../modules/demo/demo-sso-users.ts';
import { embeddedCasMethod, seedEmbeddedCasMethod } from '../adapters/cas/cas.embedded.ts';
import { embeddedOidcMethod, prepareEmbeddedOidc, seedEmbeddedOidcMethod } from '../adapters/oidc/oidc.embedded.ts';
import { seedEmbeddedCrous } from '../modules/crous/crous-demo.ts';
import { startDemoPrinter } from '../modules/printers/printers-demo.ts';

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
  prepareEmbeddedOidc(config);
  const runtime = await startRuntime(config, { command: 'serve', http: true, workers: false, embeddedEscRouter: true, embeddedCrous: true });
  const app = runtime.app;
  if (!app) throw new Error('HTTP app missing');
  const logins = await prepareServing(runtime);
  await app.listen({ port: config.port, host: config.host });
  // The demo printer's client runs in this process and calls the server over HTTP like any printer client.
  const demoPrinter = config.demo && config.demoPrinter
    ? await startDemoPrinter({ config, logger: runtime.logger, db: runtime.database.db, printers: runtime.services.printers, institution: runtime.services.institution },
      `http://${['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host}:${(app.server.address() as AddressInfo).port}`)
    : undefined;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(startupMessage(runtime, { url: config.publicUrl, seconds, logins, lanAddress: lanAddress(), demoPrinterFolder: demoPrinter?.folder }));
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
    void (demoPrinter?.stop() ?? Promise.resolve()).then(() => runtime.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * What `serve` does between boot and listening: the demo data on the first start of an empty
 * database (DEMO), and, when the embedded ESC Router or CROUS runs, a reconcile on every later
 * start: they start empty each time, so what campuscard sent them before must be sent again. Answers
 * the demo logins when they were just created. Tests call it to start the way `npm start` does.
 */
export async function prepareServing(runtime: Runtime): Promise<DemoLogin[] | undefined> {
  // The demo institutions' CROUS settings point at the embedded CROUS, whose tariff rules are
  // fetched now: on the first start as soon as the demo institutions exist (so the demo's
  // consents and enabled cards write CROUS entries like any change, delivered by the workers),
  // on later starts here.
  const embeddedCrous = runtime.config.demo ? runtime.embeddedCrous : undefined;
  let crousSeeded = false;
  const seedCrous = async () => {
    if (!embeddedCrous || crousSeeded) return;
    await seedDemoCrous(runtime, embeddedCrous);
    crousSeeded = true;
  };
  const logins = runtime.config.demo
    ? await seedDemo({ db: runtime.database.db, logger: runtime.logger, ...runtime.services, institutionsReady: seedCrous })
    : undefined;
  // The demo's CSV person sources have their folder ready (a database in memory has no data folder to put it in).
  if (runtime.config.demo && !runtime.config.dataDir.startsWith('memory://')) await mkdir(runtime.config.personSourceDir, { recursive: true });
  if (runtime.embeddedEscRouter && !logins) await runtime.services.escSync.startReconcile({ actor: 'embedded-esc-router' });
  // The demo CAS method's settings (enabled, wording, demo university), on every start: never over an admin's changes.
  if (embeddedCasMethod(runtime.config)) await seedEmbeddedCasMethod(runtime.services.sso);
  // Likewise the demo OpenID Connect method.
  if (embeddedOidcMethod(runtime.config)) await seedEmbeddedOidcMethod(runtime.services.sso);
  await seedCrous();
  // The embedded CROUS starts empty each time too: a later start compares with it (a job), and
  // every person it lost is synced again by the normal delivery.
  if (embeddedCrous && !logins) await runtime.services.crousReconcile.start({ actor: 'embedded-crous' });
  return logins;
}

async function seedDemoCrous(runtime: Runtime, embedded: NonNullable<Runtime['embeddedCrous']>): Promise<void> {
  const { institution, connectorSettings, crousTariff } = runtime.services;
  const db = runtime.database.db;
  const institutions = [];
  for (const ref of await institution.list(db)) institutions.push({ ...ref, uai: (await institution.find(db, ref.id))?.uai ?? null });
  await seedEmbeddedCrous({ simulator: embedded.simulator, institutions, connectorSettings, crousTariff });
}

/**
 * The machine's address on the local network (the first IPv4 address of an interface that is up
 * and not loopback), for the PUBLIC_URL hint: a phone on the same network reaches the server
 * there. Undefined when the machine has none (offline, or a container without one).
 */
export function lanAddress(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string | undefined {
  for (const addresses of Object.values(interfaces)) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal && !address.address.startsWith('169.254.'));
    if (found) return found.address;
  }
  return undefined;
}

/** Whether a phone cannot open `url`: it names this machine by a loopback name or address. */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]';
}

/**
 * The text printed once listening: the URL to open, the ESC Router in use, the demo printer's
 * folder (where the PDFs it prints land), how to make the QR
 * codes open on a phone (when PUBLIC_URL names this machine by a loopback name, the codes point
 * where a phone cannot go: the hint gives the command with the machine's LAN address), and the
 * demo accounts (with what each is for, in English and French) when they were just created. Demo
 * passwords are printed because they are demo data, public by design; no other password ever is.
 */
export function startupMessage(runtime: Pick<Runtime, 'config' | 'database' | 'embeddedEscRouter'> & Partial<Pick<Runtime, 'embeddedCrous'>>,
  start: { url: string; seconds: string; logins: DemoLogin[] | undefined; lanAddress?: string | undefined; demoPrinterFolder?: string | undefined }): string {
  const { config } = runtime;
  const lines = [
    '',
    `campuscard is ready at ${start.url} (${runtime.database.kind}, started in ${start.seconds}s)`,
    `  Open ${start.url} in a browser · Ouvrez ${start.url} dans un navigateur`,
    `  API documentation: ${start.url}/api/docs`,
    runtime.embeddedEscRouter
      ? '  ESC Router: embedded simulator (demo, in memory) · Routeur ESC : simulateur intégré (démo, en mémoire)'
      : config.escRouterUrl ? `  ESC Router: ${config.escRouterUrl}` : '  ESC Router: off (ESC_ROUTER_URL is not set)',
  ];
  if (runtime.embeddedCrous) {
    lines.push('  CROUS/Izly: embedded simulator (demo, in memory) · CROUS/Izly : simulateur intégré (démo, en mémoire)');
  }
  if (start.demoPrinterFolder) {
    lines.push(`  Demo printer: prints to ${start.demoPrinterFolder} · Imprimante de démonstration\u00a0: imprime dans ${start.demoPrinterFolder}`);
  }
  if (isLoopbackUrl(start.url)) {
    const port = new URL(start.url).port || String(config.port);
    const host = start.lanAddress ?? '<this-machine-address>';
    // A server listening on loopback only cannot be reached from the phone whatever PUBLIC_URL says.
    const listen = config.host.startsWith('127.') || config.host === 'localhost' || config.host === '::1' ? 'HOST=0.0.0.0 ' : '';
    lines.push(
      '',
      'To open the card QR codes with a phone on the same network, start with the address of this machine:',
      'Pour ouvrir les QR codes des cartes avec un téléphone sur le même réseau, démarrez avec l’adresse de cette machine :',
      `  ${listen}PUBLIC_URL=http://${host}:${port} npm start`,
    );
  }
  if (start.logins) {
    const width = Math.max(...start.logins.map((login) => login.email.length));
    lines.push('', 'Demo accounts, shown only this once (DEMO=false: no demo data) · Comptes de démo, affichés une seule fois :');
    for (const login of start.logins) {
      lines.push(`  ${login.email.padEnd(width)}  ${login.password}  ${login.purpose.en}`);
      lines.push(`  ${''.padEnd(width)}  ${''.padEnd(login.password.length)}  ${login.purpose.fr}`);
    }
  } else if (config.demo && config.databaseUrl === undefined) {
    lines.push(`  Demo accounts were printed at the first start; lost them? Stop, delete ${config.dataDir}, start again.`);
  }
  if (embeddedCasMethod(config)) {
    // In memory with this process's passwords: printed at every start, unlike the accounts above.
    const width = Math.max(...DEMO_SSO_USERS.map((user) => user.uid.length));
    lines.push('', 'Demo single sign-on users (login page: CAS demo button), passwords valid until the next start · '
      + 'Utilisateurs de démo de l’authentification unique (page de connexion : « Se connecter avec le CAS (démo) »), mots de passe valables jusqu’au prochain démarrage :');
    for (const user of DEMO_SSO_USERS) {
      const password = demoSsoPassword(user.uid);
      lines.push(`  ${user.uid.padEnd(width)}  ${password}  ${user.purpose.en}`);
      lines.push(`  ${''.padEnd(width)}  ${''.padEnd(password.length)}  ${user.purpose.fr}`);
    }
  }
  if (config.demo && config.logLevel === 'warn') {
    lines.push('', 'Demo mode logs only warnings and errors (LOG_LEVEL=info for each request) · En mode démo, seuls les avertissements et erreurs sont journalisés (LOG_LEVEL=info pour chaque requête)');
  }
  return `${lines.join('\n')}\n\n`;
}
