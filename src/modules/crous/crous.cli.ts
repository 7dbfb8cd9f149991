import type { Command } from 'commander';
import type { Runtime } from '../../app/runtime.ts';
import { reporterWithBar } from '../../cli/progress-bar.ts';
import { CROUS_RECONCILE_JOB_KIND } from './crous-reconcile.service.ts';

/**
 * `campuscard crous reconcile`: compare campuscard with the CROUS at every institution whose
 * CROUS connector is set up for the API, and queue a sync of every person that differs (the
 * normal delivery then fixes them). Recorded as a job run like one started from the API, with a
 * progress bar; exit status 1 when some person could not be compared.
 */

type WithRuntime = <T>(command: string, work: (runtime: Runtime) => Promise<T>, options?: { workers?: boolean }) => Promise<T>;

/** Where output goes; replaceable in tests. */
export interface CrousCliIo {
  out: (text: string) => void;
  err: NodeJS.WriteStream;
  setExitCode: (code: number) => void;
}

const DEFAULT_IO: CrousCliIo = {
  out: (text) => process.stdout.write(text),
  err: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** Registers `crous reconcile`. */
export function registerCrousCommands(program: Command, withRuntime: WithRuntime, io: CrousCliIo = DEFAULT_IO): void {
  const crous = program.commands.find((command) => command.name() === 'crous') ?? program.command('crous').description('CROUS / Izly');

  crous.command('reconcile').description('Compare campuscard with the CROUS and queue a sync of every person that differs')
    .action(async () => {
      await withRuntime('crous reconcile', async ({ services, database }) => {
        const run = await services.jobRuns.create(database.db, CROUS_RECONCILE_JOB_KIND, { via: 'cli' }, 'cli');
        const recorded = services.jobRuns.reporter(run.id);
        const reporter = reporterWithBar(recorded, io.err);
        const report = await services.crousReconcile.reconcile(reporter);
        io.out(`checked ${report.checked} of ${report.total} person(s) (${report.skipped} skipped: no consent or nothing expected): `
          + `${report.inSync} in sync, ${report.differing} differing, ${report.queued} queued for a sync, ${report.errors} error(s)\n`);
        for (const institution of report.skippedInstitutions) io.out(`  institution ${institution.institutionId} not compared: ${institution.code}: ${institution.message}\n`);
        for (const failure of report.failures) io.out(`  person ${failure.personId}: ${failure.code}: ${failure.message}\n`);
        if (report.errors > 0) io.setExitCode(1);
      });
    });
}
