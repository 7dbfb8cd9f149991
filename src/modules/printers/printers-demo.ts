/**
 * The demo printer of `npm start` (DEMO_PRINTER, on in demo mode): a printer of the first
 * institution whose printer client runs inside the server process and "prints" by copying each
 * job's PDF into `<DATA_DIR>/demo-printer` (a temporary folder for a database in memory). Its
 * credential is replaced at every start (only its hash is stored, so the previous one cannot be
 * read back); the first start queues a sample sheet so that the console shows a job done.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Executor } from '../../platform/db/database.ts';
import { DEFAULT_PRINTER_COMMAND, type Config } from '../../config.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import { sampleSheetPdf } from './domain/sample-sheet.ts';
import { runPrinterClient } from './printer-client.ts';
import type { PrintersService } from './printers.service.ts';

/** The demo printer's name (per institution, names are unique). */
export const DEMO_PRINTER_NAME = 'Imprimante de démonstration';
const DEMO = { actor: 'demo' };
const EVERYWHERE = { institutionIds: null, focusInstitutionId: null };

/** Registers (or finds) the demo printer and starts its client against `serverUrl`; `stop` ends the client. */
export async function startDemoPrinter(deps: {
  config: Pick<Config, 'dataDir'>; logger: Logger; printers: PrintersService; institution: Pick<InstitutionService, 'list'>; db: Executor;
}, serverUrl: string): Promise<{ folder: string; stop(): Promise<void> }> {
  const base = deps.config.dataDir.startsWith('memory://') ? join(tmpdir(), `campuscard-demo-printer-${process.pid}`) : join(deps.config.dataDir, 'demo-printer');
  const folder = join(base, 'printed');
  await mkdir(folder, { recursive: true });
  const [first] = await deps.institution.list(deps.db);
  if (!first) throw new Error('the demo printer needs an institution');
  const existing = (await deps.printers.list(EVERYWHERE)).find((printer) => printer.name === DEMO_PRINTER_NAME && printer.institution === first.code);
  let token: string;
  if (existing) {
    token = (await deps.printers.rotateToken(EVERYWHERE, existing.id, DEMO)).token;
  } else {
    const created = await deps.printers.create(EVERYWHERE, { institution: first.code, name: DEMO_PRINTER_NAME, model: 'Evolis Primacy 2', site: 'Accueil', duplex: true }, DEMO);
    token = created.token;
    const sample = join(base, 'sample-sheet.pdf');
    await writeFile(sample, sampleSheetPdf(2, 'campuscard demo printer'));
    await deps.printers.sendFile(created.printer.id, { filePath: sample, title: 'Sample sheet', pages: 2, cards: 1 }, DEMO);
  }
  const stop = new AbortController();
  const log = deps.logger.child({ component: 'demo-printer' });
  const running = runPrinterClient({
    url: serverUrl, token, command: DEFAULT_PRINTER_COMMAND.split(' '), queue: 'demo', folder,
    pollWaitSeconds: 25, heartbeatSeconds: 30, stateDir: join(base, 'state'),
  }, {
    log: { info: (message, fields) => log.info(fields ?? {}, message), warn: (message, fields) => log.warn(fields ?? {}, message) },
    signal: stop.signal,
  }).catch((error: Error) => log.error({ err: { type: error.name, message: error.message } }, 'demo printer client stopped'));
  return {
    folder,
    async stop() {
      stop.abort();
      await running;
    },
  };
}
