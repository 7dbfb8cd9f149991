import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { WithRuntime } from '../../cli/commands.ts';
import { createProgressBar } from '../../cli/progress-bar.ts';
import type { MigrationProgress, MigrationReport } from './card-migration.service.ts';

/**
 * Command-line card migration, on the same service as the API, in this process:
 *   migrate-cards FILE [--institution CODE] [--dry-run] [--partial] [--time-zone TZ] [--csn-form hex|hex_reversed]
 * FILE is ESUP-SGC's export.zip (or its cards.csv) or the generic CSV or ZIP. A progress bar on
 * stderr, the report on stdout. Exit code 1 when the file or any line was refused.
 */
interface MigrateOptions {
  institution?: string;
  dryRun?: boolean;
  partial?: boolean;
  timeZone?: string;
  csnForm?: 'hex' | 'hex_reversed';
}

/** The report as people read it: a summary, the counts, then one `line N, field: message` per conflict. */
export function formatMigrationReport(report: MigrationReport, fileName: string): string {
  const out: string[] = [];
  out.push(`${fileName}: ${report.format ?? 'unreadable'} export for ${report.institution}, ${report.totalLines} lines: ${report.valid} to migrate, `
    + `${report.alreadyMigrated} already migrated, ${report.invalid} with conflicts${report.dryRun ? ' (dry run)' : ''}`);
  const counts = (record: Record<string, number>) => Object.entries(record).map(([key, count]) => `${key} ${count}`).join(', ') || 'none';
  out.push(`  by state: ${counts(report.byState)}`);
  out.push(`  by institution: ${counts(report.byInstitution)}`);
  out.push(`  persons: ${report.persons.matched} matched, ${report.persons.created} new, ${report.persons.enrolled} enrolled; `
    + `photos ${report.photos}, consents ${report.consents}, cards with identifiers ${report.identifiers}`);
  if (report.crousCards) out.push(`  CROUS card file: ${report.crousCards.lines} lines, ${report.crousCards.created} new, ${report.crousCards.invalid} refused`);
  for (const error of [...report.fileErrors, ...report.conflicts]) out.push(`line ${error.line}${error.field ? `, ${error.field}` : ''}: ${error.code}: ${error.message}`);
  if (report.conflictsTruncated) out.push(`… (only the first ${report.conflicts.length} conflicts are listed)`);
  if (report.rejected) out.push('refused: nothing was written; fix the lines above, or use --partial to migrate the others');
  else if (!report.dryRun) out.push(`migrated ${report.imported} cards in ${report.batches.done} batches (${report.batches.skipped} skipped)`);
  return `${out.join('\n')}\n`;
}

/** Registers `migrate-cards`. */
export function registerCardMigrationCommands(program: Command, withRuntime: WithRuntime): void {
  program.command('migrate-cards').description('Migrate the cards of another card office system (ESUP-SGC export.zip or cards.csv, or the generic CSV/ZIP)')
    .argument('<file>', 'the export')
    .option('--institution <code>', 'the institution that issued the cards (else the only one)')
    .option('--dry-run', 'check and report, write nothing')
    .option('--partial', 'migrate the lines without conflicts even when others have some')
    .option('--time-zone <zone>', 'time zone of dates without offset', 'Europe/Paris')
    .addOption(new Option('--csn-form <form>', 'form of ESUP-SGC CSNs').choices(['hex', 'hex_reversed']).default('hex'))
    .action(async (file: string, options: MigrateOptions) => {
      const bytes = await readFile(file);
      const report = await withRuntime('migrate-cards', async ({ services }) => {
        const bar = createProgressBar();
        let total = 0;
        const progress: MigrationProgress = {
          async start(count, message) { total = count; bar.update(0, total, message); },
          async advance(done, message) { bar.update(done, total, message); },
        };
        const result = await services.cardMigration.migrate(bytes, {
          dryRun: options.dryRun === true, partial: options.partial === true,
          ...(options.timeZone ? { timeZone: options.timeZone } : {}), ...(options.csnForm ? { csnForm: options.csnForm } : {}),
        }, { actor: { actor: 'cli' }, scope: { institutionIds: null, personTypes: null }, focusInstitutionId: null, institution: options.institution }, progress);
        bar.done();
        return result;
      });
      process.stdout.write(formatMigrationReport(report, basename(file)));
      if (report.rejected || report.invalid > 0) process.exitCode = 1;
    });
}
