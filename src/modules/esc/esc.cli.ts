import { InvalidArgumentError, type Command } from 'commander';
import type { Runtime } from '../../app/runtime.ts';
import { reporterWithBar } from '../../cli/progress-bar.ts';
import { RECONCILE_JOB_KIND, type OutboxEntryView } from './esc-sync.service.ts';

/**
 * `campuscard esc sync …`: the operator's view of the ESC Router sync.
 *   status     counts and recent failures
 *   replay     put one failed entry (--id) or all failed entries back in the queue
 *   deliver    deliver what is due now, in this process
 *   reconcile  compare campuscard with the router and fix every difference (progress bar)
 * Exit status 1 when the sync is off (no ESC_ROUTER_URL) for commands that need it.
 */

type WithRuntime = <T>(command: string, work: (runtime: Runtime) => Promise<T>, options?: { workers?: boolean }) => Promise<T>;

/** Where output goes; replaceable in tests. */
export interface EscSyncCliIo {
  out: (text: string) => void;
  err: NodeJS.WriteStream;
  setExitCode: (code: number) => void;
}

const DEFAULT_IO: EscSyncCliIo = {
  out: (text) => process.stdout.write(text),
  err: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

function entryLine(entry: OutboxEntryView): string {
  const error = entry.lastError ? `${entry.lastError.code}${entry.lastError.routerStatus ? ` (HTTP ${entry.lastError.routerStatus})` : ''}: ${entry.lastError.message}` : '';
  return `  #${entry.id} person ${entry.personId} ${entry.reason} ${entry.status} attempts=${entry.attempts} ${error}\n`;
}

function parseId(value: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new InvalidArgumentError('An entry id is a positive integer.');
  return Number(value);
}

/** Registers `esc sync status|replay|deliver|reconcile`. */
export function registerEscSyncCommands(program: Command, withRuntime: WithRuntime, io: EscSyncCliIo = DEFAULT_IO): void {
  const esc = program.commands.find((command) => command.name() === 'esc') ?? program.command('esc').description('European Student Card');
  const sync = esc.command('sync').description('ESC Router synchronisation (outbox)');

  sync.command('status').description('Counts of pending, failed and done entries, and the recent failures')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime('esc sync status', async ({ services }) => {
        const status = await services.escSync.status();
        if (options.json) {
          io.out(`${JSON.stringify(status, null, 2)}\n`);
          return;
        }
        io.out(`ESC Router sync: ${status.enabled ? 'on' : 'off (ESC_ROUTER_URL is not set)'}\n`);
        io.out(`pending ${status.counts.pending} (retrying ${status.counts.retrying})  failed ${status.counts.failed}  done ${status.counts.done}\n`);
        if (status.oldestPendingAt) io.out(`oldest pending since ${status.oldestPendingAt}\n`);
        if (status.recentFailures.length > 0) {
          io.out('recent failures:\n');
          for (const entry of status.recentFailures) io.out(entryLine(entry));
        }
      });
    });

  sync.command('replay').description('Put a failed entry (--id) or every failed entry back in the queue')
    .option('--id <entryId>', 'one entry', parseId)
    .action(async (options: { id?: number }) => {
      await withRuntime('esc sync replay', async ({ services }) => {
        if (!services.escSync.enabled) {
          io.out('ESC Router sync is off (ESC_ROUTER_URL is not set)\n');
          io.setExitCode(1);
          return;
        }
        if (options.id !== undefined) {
          const entry = await services.escSync.replay(options.id, { actor: 'cli' });
          io.out(`entry #${entry.id} is pending again\n`);
        } else {
          const { count } = await services.escSync.replayFailed({ actor: 'cli' });
          io.out(`${count} person(s) queued again\n`);
        }
      });
    });

  sync.command('deliver').description('Deliver every due entry now, in this process')
    .action(async () => {
      await withRuntime('esc sync deliver', async ({ services }) => {
        const report = await services.escSync.deliverPending();
        if (!report.enabled) {
          io.out('ESC Router sync is off (ESC_ROUTER_URL is not set)\n');
          io.setExitCode(1);
          return;
        }
        io.out(`persons ${report.persons}: done ${report.done}, retry later ${report.retry}, failed ${report.failed}, busy ${report.busy}`
          + `${report.stoppedEarly ? ' (stopped early: router unavailable)' : ''}\n`);
      });
    });

  sync.command('reconcile').description('Compare campuscard with the ESC Router and fix every difference')
    .action(async () => {
      await withRuntime('esc sync reconcile', async ({ services, database }) => {
        if (!services.escSync.enabled) {
          io.out('ESC Router sync is off (ESC_ROUTER_URL is not set)\n');
          io.setExitCode(1);
          return;
        }
        // Recorded as a job run like one started from the API, so the web UI shows it too.
        const run = await services.jobRuns.create(database.db, RECONCILE_JOB_KIND, { via: 'cli' }, 'cli');
        const recorded = services.jobRuns.reporter(run.id);
        const reporter = reporterWithBar(recorded, io.err);
        const report = await services.escSync.reconcile(reporter);
        io.out(`checked ${report.checked} of ${report.total} person(s) (${report.skipped} without consent skipped): `
          + `${report.inSync} in sync, ${report.fixedPersons} fixed `
          + `(persons upserted ${report.operations.upsertPerson}, cards upserted ${report.operations.upsertCard}, `
          + `cards deleted ${report.operations.deleteCard}, persons deleted ${report.operations.deletePerson}), ${report.failed} failed\n`);
        for (const error of report.errors) io.out(`  person ${error.personId}: ${error.code}: ${error.message}\n`);
        if (report.failed > 0) io.setExitCode(1);
      });
    });
}
