import { spawn } from 'node:child_process';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import type { Principal } from '../src/modules/auth/domain/roles.ts';
import { CARD_EXPORT_QUEUE } from '../src/modules/cards/card-export.service.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

/** Options of {@link runCardExportBench}. */
export interface CardExportBenchOptions {
  /** Synthetic cards (default 100,000, the figure). */
  cards?: number;
  /** Runs of each measure; the median is reported (default 3). */
  runs?: number;
}

const ADMIN: Principal = {
  kind: 'token', id: 'bench', actor: 'token:bench', displayName: 'bench', role: 'admin', personTypes: null, personId: null,
  institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
};

// The export's columns and order, formatted as the export writes them: what PostgreSQL alone does.
const BASELINE_SELECT = 'SELECT id, holder_last_name || \' \' || holder_first_name AS holder, '
  + '(SELECT i.code FROM institutions AS i WHERE i.id = cards.institution_id) AS institution, holder_eppn, holder_person_type, state, '
  + 'to_char(requested_at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\'), to_char(updated_at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\'), '
  + 'escn, csn, expires_at, holder_student_number, holder_email, request_channel FROM cards ORDER BY requested_at DESC, id DESC';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** `COPY (SELECT …) TO STDOUT` through psql's \copy (pg-copy-streams is not installed): milliseconds and bytes. */
async function copyOut(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c',
    `\\copy (${BASELINE_SELECT}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let bytes = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { bytes += chunk.byteLength; });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`psql \\copy failed (${code}): ${stderr.trim()}`);
  return { ms: performance.now() - started, bytes };
}

/**
 * Card export on PostgreSQL: `cards` synthetic cards over 8 institutions, exported whole (no
 * filter, the list's default order) through the job as the API starts it (submit, then the queue
 * job run in this process until the file is stored), then the file read back as a download reads
 * it; against `COPY (SELECT the same columns, formatted, in the same order) TO STDOUT` in the
 * same run. Goal: the job under 3 s for 100,000 cards.
 */
export async function runCardExportBench(options: CardExportBenchOptions = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const total = options.cards ?? 100_000;
  const runs = options.runs ?? 3;
  const database = await freshDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false' });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    await loadSyntheticCards(runtime.database.pool, total);
    const { cardExport } = runtime.services;
    const jobTimes: number[] = [];
    const downloadTimes: number[] = [];
    const copyTimes: number[] = [];
    let exported = { rows: 0, bytes: 0 };
    let copied = 0;
    for (let run = 0; run < runs; run++) {
      const copy = await copyOut(database.url);
      copyTimes.push(copy.ms);
      copied = copy.bytes;

      const started = performance.now();
      const job = await cardExport.submit({ filters: {} }, ADMIN, { actor: 'bench' });
      await runtime.jobs.drain([CARD_EXPORT_QUEUE]);
      jobTimes.push(performance.now() - started);
      const done = await cardExport.status(job.id, ADMIN);
      if (done.status !== 'succeeded' || done.result?.rows !== total) throw new Error(`export ended ${done.status} with ${String(done.result?.rows)} rows`);

      const reading = performance.now();
      const file = await cardExport.file(job.id, ADMIN);
      let bytes = 0;
      for await (const part of file.content) bytes += part.byteLength;
      downloadTimes.push(performance.now() - reading);
      exported = { rows: file.rows, bytes };
    }
    const copyMs = median(copyTimes);
    const jobMs = median(jobTimes);
    const downloadMs = median(downloadTimes);
    const cardsLabel = total.toLocaleString('en');
    return {
      rows: [
        {
          metric: `export job, ${cardsLabel} cards (submit → file stored)`, value: jobMs, unit: 'ms',
          baseline: { name: 'COPY (SELECT same columns) TO STDOUT', value: copyMs }, ratio: copyMs / jobMs,
          goal: '< 3000 ms', pass: jobMs < 3000,
        },
        {
          metric: `download of the stored file (${(exported.bytes / 1e6).toFixed(1)} MB)`, value: downloadMs, unit: 'ms',
          baseline: { name: 'COPY (SELECT same columns) TO STDOUT', value: copyMs }, ratio: copyMs / downloadMs,
          goal: '< 1000 ms', pass: downloadMs < 1000,
        },
      ],
      context: {
        database: 'postgresql', cards: total, runs, statistic: 'median', exportedRows: exported.rows, exportedBytes: exported.bytes,
        copyBytes: copied, baselineVia: 'psql \\copy (pg-copy-streams not installed)',
      },
    };
  } finally {
    await runtime.close();
    await database.drop();
  }
}
