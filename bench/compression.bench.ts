// What compression saves and costs: the office console's first load in bytes as built, brotli and
// gzip (the web build's precompressed files), and the time to compress a large JSON list answer
// with the server's dynamic settings, against the time of that answer sent as it is.
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { startTestApp } from '../test/helpers/test-app.ts';
import { report, type BenchRow } from './bench-report.ts';

const DIST = new URL('../web/dist/', import.meta.url).pathname;
const PERSONS = 200;
const ROUNDS = 200;
const LAST_NAMES = ['Lefèvre', 'Martin', 'Bernard-Dubois', 'Nguyen', 'de La Fontaine', 'García López', 'van der Berg', 'Moreau', 'Öztürk', 'Rousseau', 'Kowalski', 'Petit'];
const FIRST_NAMES = ['Anne-Sophie', 'Jean-Baptiste', 'Camille', 'Léa', 'Mohamed', 'Chloé', 'Lucas', 'Inès', 'Hugo', 'Zoé', 'Noah'];

/**
 * The files Chromium downloads when a manager opens the console (/office): index.html and every
 * script and style of the build (test/browser/compressed-assets.test.ts watches that load).
 */
function firstLoadFiles(): string[] {
  const assets = readdirSync(join(DIST, 'assets')).filter((name) => /\.(js|css)$/.test(name)).map((name) => `assets/${name}`);
  return ['index.html', ...assets];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Milliseconds of one GET over the loopback, body read to the end. */
function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers, agent: false }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(performance.now() - started));
      response.on('error', reject);
    }).on('error', reject).end();
  });
}

/** Runs the measurements; needs a built web/dist with its .br and .gz files (`npm run build:web`). */
export async function runCompressionBench(): Promise<BenchRow[]> {
  const files = firstLoadFiles();
  const total = (suffix: string): number => files.reduce((sum, file) => sum + statSync(join(DIST, `${file}${suffix}`)).size, 0);
  const identity = total('');
  const brotli = total('.br');
  const gzip = total('.gz');

  const t = await startTestApp();
  try {
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
    }, { actor: 'bench' });
    const admin = await t.tokenClient('admin');
    const created = await admin.post('/api/v1/persons/batch', Array.from({ length: PERSONS }, (_, i) => ({
      eppn: `bench${i}@univ.example.fr`, lastName: LAST_NAMES[i % LAST_NAMES.length], firstName: FIRST_NAMES[(i * 7) % FIRST_NAMES.length],
      personType: i % 9 === 0 ? 'staff' : 'student', birthDate: `${1995 + (i % 10)}-0${1 + (i % 9)}-${String(10 + (i % 18)).padStart(2, '0')}`,
      email: `bench${i}@mail.example.org`, ine: `${String(100000 + i).padStart(9, '0')}AB`,
    })));
    if (created.status !== 200) throw new Error(`seeding failed: ${created.status} ${created.text}`);
    const path = `/api/v1/persons?limit=${PERSONS}`;
    const body = Buffer.from((await admin.get(path)).text);

    const brotliParams = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
    const brotliTimes: number[] = [];
    const gzipTimes: number[] = [];
    let brotliSize = 0;
    let gzipSize = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      brotliSize = brotliCompressSync(body, brotliParams).length;
      brotliTimes.push(performance.now() - started);
      started = performance.now();
      gzipSize = gzipSync(body).length;
      gzipTimes.push(performance.now() - started);
    }

    // The whole answer over HTTP, alternating identity and brotli so neither gets a warmer server.
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const auth = { authorization: `Bearer ${admin.credentials.bearer ?? ''}` };
    const plainTimes: number[] = [];
    const brTimes: number[] = [];
    for (let round = 0; round < 60; round++) {
      plainTimes.push(await timedGet(`${base}${path}`, auth));
      brTimes.push(await timedGet(`${base}${path}`, { ...auth, 'accept-encoding': 'br' }));
    }
    const plainAnswer = median(plainTimes.slice(10));
    const brAnswer = median(brTimes.slice(10));

    const kib = (bytes: number): number => bytes / 1024;
    return [
      { metric: `office console first load, brotli (${files.length} files)`, value: kib(brotli), unit: 'KiB', baseline: { name: 'as built', value: kib(identity) }, ratio: brotli / identity, goal: '≤ 1/3 of as built', pass: brotli * 3 <= identity },
      { metric: `office console first load, gzip (${files.length} files)`, value: kib(gzip), unit: 'KiB', baseline: { name: 'as built', value: kib(identity) }, ratio: gzip / identity, goal: '≤ 1/3 of as built', pass: gzip * 3 <= identity },
      { metric: `persons list of ${PERSONS}, brotli q4 size`, value: kib(brotliSize), unit: 'KiB', baseline: { name: 'JSON', value: kib(body.length) }, ratio: brotliSize / body.length, goal: 'informative', pass: true },
      { metric: `persons list of ${PERSONS}, gzip 6 size`, value: kib(gzipSize), unit: 'KiB', baseline: { name: 'JSON', value: kib(body.length) }, ratio: gzipSize / body.length, goal: 'informative', pass: true },
      { metric: `persons list of ${PERSONS}, brotli q4 time per answer`, value: median(brotliTimes), unit: 'ms', goal: '< 2 ms', pass: median(brotliTimes) < 2 },
      { metric: `persons list of ${PERSONS}, gzip 6 time per answer`, value: median(gzipTimes), unit: 'ms', goal: '< 2 ms', pass: median(gzipTimes) < 2 },
      { metric: `persons list of ${PERSONS} over HTTP, brotli (median)`, value: brAnswer, unit: 'ms', baseline: { name: 'identity', value: plainAnswer }, ratio: plainAnswer / brAnswer, goal: '≤ 1.2 × identity', pass: brAnswer <= 1.2 * plainAnswer },
    ];
  } finally {
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  report('compression', await runCompressionBench(), { database: 'pglite', persons: PERSONS });
}
