import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { once } from 'node:events';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { WithRuntime } from '../../cli/commands.ts';
import { createProgressBar } from '../../cli/progress-bar.ts';
import { PERSON_CSV_COLUMNS, type CsvDelimiter, type CsvEncodingOption, type PersonCsvColumn } from './domain/csv-person-parser.ts';
import { SYSTEM_READER, SYSTEM_WRITER } from '../people/people.policy.ts';
import { sniffUpload, type ImportOptions, type ImportProgress, type ImportReport } from './imports.service.ts';

/**
 * Command-line person import and export, on the same service as the API:
 *   persons import FILE [--institution CODE] [--dry-run] [--partial] [--encoding …] [--delimiter …] [--map …] [--ignore-unknown-columns]
 *   persons export [--institution CODE] [--out FILE]
 * The import runs in this process (no job queue), with a progress bar on stderr and the report
 * on stdout. Exit code 1 when the file or any line was refused (even with --partial, so scripts
 * notice), 0 otherwise.
 */

interface ImportCommandOptions {
  dryRun?: boolean;
  partial?: boolean;
  encoding: CsvEncodingOption;
  delimiter: CsvDelimiter | 'auto';
  map?: Record<string, PersonCsvColumn | null>;
  ignoreUnknownColumns?: boolean;
  institution?: string;
}

/** Parses `--map 'Nom=last_name,Prénom=first_name,Remarque='` (an empty target ignores the column). */
export function parseColumnMap(text: string): Record<string, PersonCsvColumn | null> {
  const mapping: Record<string, PersonCsvColumn | null> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.lastIndexOf('=');
    if (equals <= 0) throw new InvalidArgumentError(`"${pair}" is not HEADER=column`);
    const header = pair.slice(0, equals).trim();
    const column = pair.slice(equals + 1).trim();
    if (column !== '' && !(PERSON_CSV_COLUMNS as readonly string[]).includes(column)) {
      throw new InvalidArgumentError(`${column} is not a column; use one of ${PERSON_CSV_COLUMNS.join(', ')} (or nothing to ignore ${header})`);
    }
    mapping[header] = column === '' ? null : (column as PersonCsvColumn);
  }
  return mapping;
}

/** The report as people read it: a summary, then one `line N, field: message` per error. */
export function formatImportReport(report: ImportReport, fileName: string): string {
  const out: string[] = [];
  const delimiter = report.delimiter === ';' ? '";"' : '","';
  out.push(`${fileName}: ${report.totalLines} lines, ${report.valid} valid, ${report.invalid} invalid (${report.encoding}, ${delimiter})`);
  for (const error of report.fileErrors) out.push(error.line !== undefined ? `line ${error.line}: ${error.message}` : error.message);
  for (const error of report.errors) out.push(`line ${error.line}${error.field ? `, ${error.field}` : ''}: ${error.message}`);
  if (report.errorsTruncated) out.push(`… (only the first ${report.errors.length} errors are listed)`);
  const counts = `created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}`;
  if (report.rejected) {
    out.push(report.fileErrors.length > 0
      ? 'refused: the file cannot be imported; nothing was written'
      : `refused: nothing was written${report.dryRun ? ' (dry run)' : ''}; fix the lines above, or use --partial to import the valid lines`);
  } else if (report.dryRun) {
    out.push(`dry run, nothing written: would have ${counts}`);
  } else {
    out.push(counts);
  }
  return `${out.join('\n')}\n`;
}

function choice<T extends string>(name: string, description: string, values: readonly T[], fallback: T): Option {
  return new Option(`--${name} <${name}>`, description).choices(values).default(fallback);
}

/** Registers `persons import` and `persons export` (under an existing `persons` command if any). */
export function registerImportCommands(program: Command, withRuntime: WithRuntime): void {
  const persons = program.commands.find((command) => command.name() === 'persons')
    ?? program.command('persons').description('People from the institution\'s information system');

  persons.command('import').description('Import persons from a CSV file (all or nothing unless --partial)')
    .argument('<file>', 'CSV file (UTF-8 or ISO-8859-1, ";" or "," separated)')
    .option('--dry-run', 'check the file and count what would change, write nothing')
    .option('--partial', 'write the valid lines even when others are refused')
    .addOption(choice('encoding', 'file encoding', ['auto', 'utf-8', 'iso-8859-1'] as const, 'auto'))
    .addOption(choice('delimiter', 'field separator', ['auto', ';', ','] as const, 'auto'))
    .option('--map <pairs>', 'header renames, e.g. \'Nom=last_name,Prénom=first_name\' (empty target: ignore the column)', parseColumnMap)
    .option('--ignore-unknown-columns', 'skip columns that are neither known nor mapped')
    .option('--institution <code>', 'the institution the persons are enrolled at (needed when there are several)')
    .action(async (file: string, options: ImportCommandOptions) => {
      const bytes = await readFile(file);
      const sniffed = sniffUpload(bytes);
      if (sniffed) {
        process.stderr.write(`campuscard: ${file}: ${sniffed.message}\n`);
        process.exitCode = 1;
        return;
      }
      const importOptions: ImportOptions = {
        dryRun: options.dryRun === true,
        partial: options.partial === true,
        encoding: options.encoding,
        delimiter: options.delimiter,
        ignoreUnknownColumns: options.ignoreUnknownColumns === true,
        ...(options.map ? { columnMapping: options.map } : {}),
      };
      const report = await withRuntime('persons import', async ({ services }) => {
        const bar = createProgressBar();
        let total: number | null = null;
        const progress: ImportProgress = {
          async start(count, message) {
            total = count;
            bar.update(0, total, message);
          },
          async advance(current, message) {
            bar.update(current, total, message);
          },
        };
        const result = await services.imports.importPersons(bytes, importOptions, {
          actor: { actor: 'cli' }, writer: SYSTEM_WRITER, institution: options.institution,
        }, progress);
        if (!result.rejected) bar.update(total ?? 0, total, 'done');
        bar.done();
        return result;
      });
      process.stdout.write(formatImportReport(report, basename(file)));
      if (report.rejected || report.invalid > 0) process.exitCode = 1;
    });

  persons.command('export').description('Export every enrolment as CSV, one line each (";" separated, UTF-8, formula cells escaped)')
    .option('--out <file>', 'write to this file instead of the standard output')
    .option('--institution <code>', 'only the persons enrolled at this institution')
    .action(async (options: { out?: string; institution?: string }) => {
      await withRuntime('persons export', async ({ services }) => {
        const output = options.out ? createWriteStream(options.out) : process.stdout;
        for await (const piece of services.imports.exportCsv(SYSTEM_READER, options.institution)) {
          if (!output.write(piece)) await once(output, 'drain');
        }
        if (options.out) {
          await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
          process.stderr.write(`wrote ${options.out}\n`);
        }
      });
    });
}
