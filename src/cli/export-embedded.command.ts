import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { exportEmbedded, type ExportEmbeddedSummary } from '../platform/db/export-embedded.service.ts';
import { createProgressBar } from './progress-bar.ts';

/** The URL with its password hidden, for the terminal. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unreadable URL)';
  }
}

/** The summary printed once the copy is verified (or not): per table, then what to do next. */
export function exportSummary(summary: ExportEmbeddedSummary, targetUrl: string): string {
  const width = Math.max(...summary.tables.map((table) => table.table.length), 5);
  const lines = summary.tables
    .filter((table) => table.source > 0 || table.target > 0)
    .map((table) => `  ${table.table.padEnd(width)}  ${String(table.target).padStart(9)}${table.source === table.target ? '' : `  ≠ ${table.source} in the embedded database`}`);
  const empty = summary.tables.filter((table) => table.source === 0 && table.target === 0).length;
  return [
    '',
    `Copied ${summary.rows} rows of ${summary.tables.length} tables (${empty} empty), ${summary.sequences} sequences and ${summary.jobQueues} job queues in ${summary.seconds.toFixed(1)} s:`,
    ...lines,
    '',
    summary.verified
      ? `Verified: every table has as many rows on ${redactedUrl(targetUrl)} as in the embedded database.`
      : 'NOT VERIFIED: the row counts above differ (≠); do not switch to this database.',
    ...(summary.verified
      ? ['Next: set DATABASE_URL to this database (and keep ESC_KEY_ENCRYPTION_KEY and CONNECTOR_SECRETS_KEY as they are), then start campuscard.']
      : []),
    '',
  ].join('\n');
}

/**
 * `campuscard export-embedded --to postgres://…`: copies the embedded database (DATA_DIR) into a
 * PostgreSQL server database, the documented way from embedded mode to a server (no pg_dump).
 * Exits 1 when the counts do not match after the copy.
 */
export function registerExportEmbeddedCommand(program: Command, config: () => Config): void {
  program.command('export-embedded')
    .description('Copy the embedded database (DATA_DIR) into a PostgreSQL server database, to move from embedded mode to a server; stop the app first')
    .requiredOption('--to <url>', 'the target database: postgres://user[:password]@host[:port]/database (a new, empty database)')
    .option('--force', 'replace the campuscard data of a target that already has tables', false)
    .action(async (options: { to: string; force: boolean }) => {
      const { dataDir, connectorSecretsKey } = config();
      const bar = createProgressBar(process.stderr);
      process.stderr.write(`Exporting ${dataDir} to ${redactedUrl(options.to)}\n`);
      const summary = await exportEmbedded({
        dataDir,
        targetUrl: options.to,
        force: options.force,
        onProgress: (done, total, table) => bar.update(done, total, table),
      });
      bar.done();
      process.stdout.write(exportSummary(summary, options.to));
      // A demo encrypts connector and webhook secrets with a key kept in its data directory, which a
      // server deployment never reads (see demoSecretsKey): the operator must carry it over.
      if (summary.verified && connectorSecretsKey === undefined && existsSync(join(dataDir, 'demo-secrets.key'))) {
        process.stdout.write(`Connector and webhook secrets were encrypted with the demo key in ${join(dataDir, 'demo-secrets.key')}: `
          + 'on the server, set CONNECTOR_SECRETS_KEY to its content, or enter those secrets again.\n\n');
      }
      if (!summary.verified) process.exitCode = 1;
    });
}
