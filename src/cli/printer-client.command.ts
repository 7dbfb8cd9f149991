import type { Command } from 'commander';
import { loadPrinterClientConfig } from '../config.ts';
import { runPrinterClient, type PrinterClientLog } from '../modules/printers/printer-client.ts';

/** One line per event on stderr: time, message, fields (never the credential: the client does not pass it here). */
const stderrLog: PrinterClientLog = {
  info: (message, fields) => process.stderr.write(`${new Date().toISOString()} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`),
  warn: (message, fields) => process.stderr.write(`${new Date().toISOString()} WARN ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`),
};

/**
 * `campuscard printer-client`: runs the printer client of one printer (no database, no server
 * here: it talks to a campuscard server over HTTP). Settings from the options, else the
 * PRINTER_CLIENT_* environment (prefer PRINTER_CLIENT_TOKEN to --token: command lines are
 * visible to other users of the machine). Stops on SIGINT/SIGTERM once the job at hand is reported.
 */
export function registerPrinterClientCommand(program: Command): void {
  program.command('printer-client')
    .description('Run the client of a card printer: polls its jobs, prints them through the OS spooler, reports progress and a heartbeat')
    .option('--url <url>', 'campuscard server address (PRINTER_CLIENT_URL)')
    .option('--token <token>', 'the printer\'s credential, ccp_… (PRINTER_CLIENT_TOKEN; prefer the variable)')
    .option('--command <command>', 'spooler command with {file}, {queue}, {sides} (PRINTER_CLIENT_COMMAND; default: lp -d {queue} -o sides={sides} {file})')
    .option('--queue <name>', 'spooler queue, for {queue} (PRINTER_CLIENT_QUEUE; default campuscard)')
    .option('--folder <dir>', 'print by copying each job\'s PDF into this folder instead (PRINTER_CLIENT_FOLDER)')
    .option('--state-dir <dir>', 'where jobs handed to the spooler are remembered across restarts (PRINTER_CLIENT_STATE_DIR)')
    .action(async (options: { url?: string; token?: string; command?: string; queue?: string; folder?: string; stateDir?: string }) => {
      const config = loadPrinterClientConfig(process.env, options);
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await runPrinterClient(config, { log: stderrLog, signal: stop.signal });
    });
}
