import { InvalidArgumentError, type Command } from 'commander';
import type { Runtime } from '../../app/runtime.ts';
import { WHOLE_DEPLOYMENT } from '../db/scope-filter.ts';
import type { ConnectorSummaryView } from './sync-operations.service.ts';

/**
 * `campuscard connectors …`: every connector's outbox from a shell, over the whole deployment.
 *   status                                       figures of every connector (--json)
 *   replay <connector> <entryId>                 put one failed or waiting entry back in the queue
 *   replay <connector> --failed [--institution] [--error-code]   every failed entry (filtered)
 * Refusals (unknown connector or entry, a delivered entry) exit with status 1 and their reason.
 */

type WithRuntime = <T>(command: string, work: (runtime: Runtime) => Promise<T>, options?: { workers?: boolean }) => Promise<T>;

/** Where output goes; replaceable in tests. */
export interface ConnectorsCliIo {
  out: (text: string) => void;
  setExitCode: (code: number) => void;
}

const DEFAULT_IO: ConnectorsCliIo = {
  out: (text) => process.stdout.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function parseId(value: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new InvalidArgumentError('An entry id is a positive integer.');
  return Number(value);
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}min`;
  return `${Math.floor(seconds / 3600)}h`;
}

function summaryLine(connector: ConnectorSummaryView): string {
  const { counts, deliveries } = connector;
  return `${connector.id.padEnd(10)} pending ${counts.pending} (retrying ${counts.retrying})  failed ${counts.failed}  done/24h ${counts.doneLastDay}`
    + `  oldest pending ${counts.pending > 0 ? age(connector.oldestPendingSeconds) : '-'}`
    + `  deliveries ${deliveries.lastMinute}/min ${deliveries.lastHour}/h (${deliveries.perSecond}/s)`
    + `${connector.pausedInstitutions.length > 0 ? `  paused at ${connector.pausedInstitutions.join(', ')}` : ''}\n`;
}

/** Registers `connectors status|replay`. */
export function registerConnectorsCommands(program: Command, withRuntime: WithRuntime, io: ConnectorsCliIo = DEFAULT_IO): void {
  const connectors = program.commands.find((command) => command.name() === 'connectors')
    ?? program.command('connectors').description('Connectors (ESC Router, CROUS, …): outbox figures and replays');

  connectors.command('status').description('Every connector\'s backlog, failures, age of the oldest waiting entry and deliveries')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime('connectors status', async ({ services }) => {
        const list = await services.syncOperations.list(WHOLE_DEPLOYMENT);
        if (options.json) {
          io.out(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        for (const connector of list) io.out(summaryLine(connector));
      });
    });

  connectors.command('replay').description('Put one entry (<entryId>) or every failed entry (--failed) of a connector back in the queue')
    .argument('<connector>', 'connector id (esc, crous, …)')
    .argument('[entryId]', 'one entry', parseId)
    .option('--failed', 'every failed entry')
    .option('--institution <code>', 'with --failed: only this institution\'s')
    .option('--error-code <code>', 'with --failed: only the entries whose last error has this code')
    .action(async (connector: string, entryId: number | undefined, options: { failed?: boolean; institution?: string; errorCode?: string }) => {
      if ((entryId === undefined) === (options.failed !== true)) {
        io.out('Give either an entry id or --failed.\n');
        io.setExitCode(1);
        return;
      }
      await withRuntime('connectors replay', async ({ services }) => {
        if (entryId !== undefined) {
          const entry = await services.syncOperations.replay(connector, entryId, { actor: 'cli' }, WHOLE_DEPLOYMENT);
          io.out(`${connector} entry #${entry.id} is pending again\n`);
          return;
        }
        const { count, persons } = await services.syncOperations.replayFailed(connector, {
          ...(options.institution !== undefined ? { institution: options.institution } : {}),
          ...(options.errorCode !== undefined ? { errorCode: options.errorCode } : {}),
        }, { actor: 'cli' }, WHOLE_DEPLOYMENT);
        io.out(`${count} ${connector} entr${count === 1 ? 'y' : 'ies'} queued again (${persons} person(s))\n`);
      });
    });
}
