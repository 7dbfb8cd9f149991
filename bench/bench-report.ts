import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured figure, with the baseline measured in the same run and the goal it is held to. */
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline (or baseline / value for times: always "higher is better"). */
  ratio?: number;
  goal: string;
  pass: boolean;
}

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Prints a benchmark's table and writes its JSON under bench/results/. */
export function report(name: string, rows: BenchRow[], context: Record<string, unknown> = {}): void {
  const table = rows.map((row) => ({
    metric: row.metric,
    value: `${round(row.value)} ${row.unit}`,
    baseline: row.baseline ? `${row.baseline.name}: ${round(row.baseline.value)} ${row.unit}` : '',
    ratio: row.ratio === undefined ? '' : `${(row.ratio * 100).toFixed(1)}%`,
    goal: row.goal,
    pass: row.pass ? 'yes' : 'NO',
  }));
  console.log(`\n== ${name}`);
  console.table(table);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ name, measuredAt: new Date().toISOString(), ...context, rows }, null, 2)}\n`);
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}
