import type { Command } from 'commander';
import type { WithRuntime } from '../../cli/commands.ts';
import { createProgressBar } from '../../cli/progress-bar.ts';
import type { SourceRunView } from './directory-sync.service.ts';

/**
 * Command-line directory sync, on the same engine as the API and the scheduler:
 *   directory sync SOURCE [--dry-run] [--full]
 * Runs in this process (no job queue) with a progress bar on stderr and the run's summary on
 * stdout. Exit code 1 when the run failed or stopped for confirmation (confirm it in the console
 * or the API), 2 when some records were refused, 0 otherwise.
 */

/** The run as people read it: counts, then the first errors. */
export function formatRun(run: SourceRunView, source: string): string {
  const c = run.counts;
  const out = [`${source}: ${run.mode}${run.dryRun ? ' dry run' : ''} ${run.status}: ${c.read} read, ${c.new} new, ${c.changed} changed, ${c.gone} gone, ${c.unchanged} unchanged, ${c.errors} errors`];
  if (run.outcome && typeof run.outcome.message === 'string') out.push(run.outcome.message);
  for (const error of run.errors.slice(0, 20)) out.push(`${error.key || '(no key)'}, ${error.field}: ${error.message}`);
  if (run.errors.length > 20) out.push(`… ${run.errors.length - 20} more errors in the run (console or GET /api/v1/admin/person-sources/runs/${run.id})`);
  if (run.status === 'awaiting_confirmation') out.push(`confirm: POST /api/v1/admin/person-sources/runs/${run.id}/confirm (or in the console)`);
  return `${out.join('\n')}\n`;
}

/** Registers `directory sync`. */
export function registerDirectoryCommands(program: Command, withRuntime: WithRuntime): void {
  const directory = program.command('directory').description('People from directories and information systems (person sources)');
  directory.command('sync').description('Sync a person source now (its own mode unless --full)')
    .argument('<source>', 'the source\'s name (or id)')
    .option('--dry-run', 'compute and show the diff, write no person')
    .option('--full', 'read every entry (and end the rights of those gone), even for an incremental source')
    .action(async (source: string, options: { dryRun?: boolean; full?: boolean }) => {
      const run = await withRuntime('directory sync', async ({ services }) => {
        const bar = createProgressBar();
        const result = await services.directory.sync.runInProcess(source, {
          dryRun: options.dryRun === true, ...(options.full ? { mode: 'full' as const } : {}),
        }, 'cli', (current, total, message) => bar.update(current, total, message));
        // The total is an estimate (the last full count; unknown the first time): the end is exact.
        if (result.status === 'succeeded') bar.update(result.counts.read, result.counts.read, 'done');
        bar.done();
        return result;
      });
      process.stdout.write(formatRun(run, source));
      if (run.status !== 'succeeded') process.exitCode = 1;
      else if (run.counts.errors > 0) process.exitCode = 2;
    });
}
