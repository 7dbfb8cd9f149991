import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { Client } from 'ldapts';
import { loadConfig } from '../src/config.ts';
import { startRuntime, type Runtime } from '../src/app/runtime.ts';
import { mappedAttributes, SUPANN_MAPPING } from '../src/modules/directory/domain/person-mapping.ts';
import { startSlapd, type SlapdServer } from '../test/helpers/slapd-server.ts';
import { supannLdif } from '../test/helpers/supann-entries.ts';
import { freshDatabase } from './bench-database.ts';
import type { BenchRow } from './bench-report.ts';

/** Options of {@link runLdapSyncBench}. */
export interface LdapSyncBenchOptions {
  /** SupAnn entries in slapd (default 100,000). */
  entries?: number;
  /** Entries per LDAP page, for the sync and the baseline alike (default 500). */
  pageSize?: number;
}

const SECRET = 'LDAP_BENCH';
const UAI = '{UAI}0751717J';

/**
 * The baseline: ldapts' own paged search of the same entries, same filter, attributes and page
 * size, every entry decoded — what reading the directory costs before campuscard does anything.
 */
async function rawSearch(slapd: SlapdServer, attributes: string[], pageSize: number): Promise<{ ms: number; count: number }> {
  const started = performance.now();
  const client = new Client({ url: slapd.url });
  await client.bind(slapd.readerDn, slapd.readerPassword);
  let count = 0;
  for await (const page of client.searchPaginated(slapd.peopleBase, { filter: '(eduPersonPrincipalName=*)', attributes, paged: { pageSize } })) {
    count += page.searchEntries.length;
  }
  await client.unbind();
  return { ms: performance.now() - started, count };
}

/**
 * The second baseline: OpenLDAP's own C client (`ldapsearch`, Debian's ldap-utils) reading the same
 * entries the same way, its LDIF counted as it streams (what the directory costs to a client that
 * spends almost nothing per entry).
 */
async function ldapsearch(slapd: SlapdServer, attributes: string[], pageSize: number): Promise<{ ms: number; count: number }> {
  const started = performance.now();
  const child = spawn('ldapsearch', [
    '-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-D', slapd.readerDn, '-w', slapd.readerPassword, '-b', slapd.peopleBase,
    '-E', `pr=${pageSize}/noprompt`, '(eduPersonPrincipalName=*)', ...attributes,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  let count = 0;
  // Entries start a line with "dn: " (ldif-wrap=no: no line is cut); the stream is read as if a
  // newline came first, and the last 4 characters of a chunk are kept to find a "\ndn: " across two.
  let tail = '\n';
  for await (const chunk of child.stdout) {
    const text = tail + (chunk as Buffer).toString('latin1');
    for (let at = text.indexOf('\ndn: '); at !== -1; at = text.indexOf('\ndn: ', at + 5)) count++;
    tail = text.slice(-4);
  }
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ldapsearch exited with ${code}`);
  return { ms: performance.now() - started, count };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * LDAP full sync of `entries` SupAnn entries from Debian's slapd into a fresh PostgreSQL database
 * (search + map + diff + set-based writes with audit triggers, through the directory sync engine
 * run in process as the CLI runs it), then three resyncs where nothing changed (median), each
 * against the median of the raw paged searches of the same entries measured in the same run (one
 * before the syncs, one after each resync), with ldapts and with OpenLDAP's C client. Goals from issue 10: full sync within 2× the raw search, no-change
 * resync within 1.2×.
 */
export async function runLdapSyncBench(options: LdapSyncBenchOptions = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const entries = options.entries ?? 100_000;
  const pageSize = options.pageSize ?? 500;
  const loadStarted = performance.now();
  const slapd = await startSlapd({ entries: supannLdif(0, entries) });
  const loadMs = performance.now() - loadStarted;
  const database = await freshDatabase();
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig({
      DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', DATABASE_URL: database.url,
      DIRECTORY_SECRETS: JSON.stringify({ [SECRET]: slapd.readerPassword }),
    });
    config.dataDir = 'memory://';
    runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
    const { directory, institution } = runtime.services;
    const [home] = await institution.list(runtime.database.db);
    if (!home) throw new Error('no institution in a fresh database');
    await directory.sources.create({ institutionIds: null }, {
      name: 'bench', kind: 'ldap', institution: null,
      settings: { url: slapd.url, bindDn: slapd.readerDn, secretEnv: SECRET, baseDn: slapd.peopleBase, pageSize },
      mapping: { ...SUPANN_MAPPING, institution: { attribute: 'supannEtablissement', codes: { [UAI]: home.code } } },
    }, { actor: 'bench' });
    // The same attributes the source asks for (the mapping's, plus its key and timestamp).
    const attributes = [...mappedAttributes(SUPANN_MAPPING), 'modifyTimestamp', 'entryUUID'];

    const baselines: number[] = [];
    const cBaselines: number[] = [];
    const measureBaselines = async () => {
      const raw = await rawSearch(slapd, attributes, pageSize);
      if (raw.count !== entries) throw new Error(`raw search read ${raw.count} of ${entries}`);
      baselines.push(raw.ms);
      const c = await ldapsearch(slapd, attributes, pageSize);
      if (c.count !== entries) throw new Error(`ldapsearch read ${c.count} of ${entries}`);
      cBaselines.push(c.ms);
    };
    await measureBaselines();

    let started = performance.now();
    const full = await directory.sync.runInProcess('bench', { mode: 'full' }, 'bench', () => undefined);
    const fullMs = performance.now() - started;
    if (full.status !== 'succeeded' || full.counts.new !== entries) throw new Error(`full sync: ${full.status} ${JSON.stringify(full.counts)} ${JSON.stringify(full.outcome)}`);

    // Three no-change resyncs, each followed by the baselines: neither side gets the warmer turn.
    const resyncs: number[] = [];
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      const resync = await directory.sync.runInProcess('bench', { mode: 'full' }, 'bench', () => undefined);
      resyncs.push(performance.now() - started);
      if (resync.status !== 'succeeded' || resync.counts.unchanged !== entries) throw new Error(`resync: ${resync.status} ${JSON.stringify(resync.counts)}`);
      await measureBaselines();
    }
    const resyncMs = median(resyncs);
    const rawMs = median(baselines);
    const cMs = median(cBaselines);
    const rate = (ms: number) => entries / (ms / 1000);
    const baseline = { name: `ldapts raw paged search (median of ${baselines.length}, ${pageSize}/page)`, value: rate(rawMs) };
    const rows: BenchRow[] = [
      { metric: `raw paged search of ${entries} entries`, value: rate(rawMs), unit: 'entries/s', goal: 'baseline', pass: true },
      { metric: `ldapsearch (C client) of ${entries} entries`, value: rate(cMs), unit: 'entries/s', goal: 'second baseline', pass: true },
      {
        metric: `full sync of ${entries} entries (search + diff + write)`, value: rate(fullMs), unit: 'entries/s', baseline,
        ratio: rawMs / fullMs, goal: '<= 2x raw search time (>= 50%)', pass: fullMs <= 2 * rawMs,
      },
      {
        metric: `no-change resync of ${entries} entries`, value: rate(resyncMs), unit: 'entries/s', baseline,
        ratio: rawMs / resyncMs, goal: '<= 1.2x raw search time (>= 83.3%)', pass: resyncMs <= 1.2 * rawMs,
      },
      {
        // The same resyncs against the C client: how far the sync is from what the directory itself costs.
        metric: `no-change resync of ${entries} entries, against ldapsearch`, value: rate(resyncMs), unit: 'entries/s',
        baseline: { name: `ldapsearch (median of ${cBaselines.length}, ${pageSize}/page)`, value: rate(cMs) },
        ratio: cMs / resyncMs, goal: 'reported (issue 10 names ldapts or ldapsearch)', pass: true,
      },
    ];
    return {
      rows,
      context: {
        entries, pageSize, database: 'postgresql', ldap: 'Debian slapd (mdb), same host',
        // The young generation's size decides most of ldapts' decoding cost (see the README).
        nodeFlags: [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim(),
        seconds: {
          slapadd: loadMs / 1000, rawSearch: baselines.map((ms) => ms / 1000), ldapsearch: cBaselines.map((ms) => ms / 1000),
          fullSync: fullMs / 1000, resyncs: resyncs.map((ms) => ms / 1000),
        },
        loadAverage: loadavg(),
      },
    };
  } finally {
    await runtime?.close();
    await database.drop();
    await slapd.stop();
  }
}
