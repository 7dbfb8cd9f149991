import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { freePort, startCampuscard, type RunningCampuscard } from '../helpers/processes.ts';
import { configureInstitution, institutionCode } from './cards.fixtures.ts';
import { sampleSheetPdf } from '../../src/modules/printers/domain/sample-sheet.ts';
import { backoffDelay, spoolerArguments } from '../../src/modules/printers/printer-client.ts';
import { loadPrinterClientConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/config.ts';
import { DEMO_PRINTER_NAME, startDemoPrinter } from '../../src/modules/printers/printers-demo.ts';

/**
 * The printer client end to end: the real `campuscard printer-client` process against the
 * running app on a port, with fake spooler commands (one copying the file and exiting 0, one
 * failing) and the folder mode; it starts before the server listens (retries with backoff), and
 * never writes its credential.
 */

interface Job { id: string; status: string; pagesDone: number; error: { code: string | null; message: string | null } | null }
interface Printer { id: string; online: boolean; client: { version: string | null; state: string | null } }

const ROOT = resolve(import.meta.dirname, '../..');
let t: TestApp;
let manager: TestClient;
let dir: string;
let pdfPath: string;
let url: string;
let port: number;
const running: RunningCampuscard[] = [];

before(async () => {
  t = await startTestApp();
  await configureInstitution(t);
  manager = await t.loginAs('manager', { institutions: [await institutionCode(t, 1)] });
  dir = await mkdtemp(join(tmpdir(), 'printer-client-test-'));
  pdfPath = join(dir, 'sheet.pdf');
  await writeFile(pdfPath, sampleSheetPdf(2, 'e2e'));
  // The fake spoolers: `node ok.mjs <file> <dir>` copies the file like a PDF printer; fail.mjs refuses like lp without a queue.
  await writeFile(join(dir, 'ok.mjs'), "import { copyFileSync } from 'node:fs';\nimport { basename, join } from 'node:path';\n"
    + "copyFileSync(process.argv[2], join(process.argv[3], 'spooled-' + basename(process.argv[2])));\n");
  await writeFile(join(dir, 'fail.mjs'), "process.stderr.write('lp: The printer or class does not exist.\\n');\nprocess.exit(1);\n");
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
});
after(async () => {
  for (const run of running) {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function printer(name: string): Promise<{ id: string; token: string }> {
  const response = await manager.post<{ printer: { id: string }; token: string }>('/api/v1/printers', { name, model: 'Zebra ZC300' });
  assert.equal(response.status, 201, response.text);
  return { id: response.body.printer.id, token: response.body.token };
}

function startClient(token: string, extra: Record<string, string>): RunningCampuscard {
  const run = startCampuscard(ROOT, ['printer-client'], {
    PATH: process.env.PATH, HOME: process.env.HOME,
    PRINTER_CLIENT_URL: url, PRINTER_CLIENT_TOKEN: token, PRINTER_CLIENT_POLL_WAIT: '2', PRINTER_CLIENT_HEARTBEAT: '5',
    PRINTER_CLIENT_STATE_DIR: join(dir, `state-${running.length}`), ...extra,
  });
  running.push(run);
  return run;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

const jobOf = async (printerId: string, jobId: string) =>
  (await manager.get<{ items: Job[] }>(`/api/v1/printers/${printerId}/jobs`)).body.items.find((job) => job.id === jobId);

test('the client process, started before the server, prints through a spooler command and reports done', async () => {
  const { id, token } = await printer('E2E ok');
  const outDir = join(dir, 'out-ok');
  await import('node:fs/promises').then((fs) => fs.mkdir(outDir));
  const client = startClient(token, { PRINTER_CLIENT_COMMAND: `${process.execPath} ${join(dir, 'ok.mjs')} {file} ${outDir}` });
  const job = await t.runtime.services.printers.sendFile(id, { filePath: pdfPath, title: 'E2E', pages: 2, cards: 1 }, { actor: 'test' });
  // The server is not listening yet: the client retries with backoff until it is.
  let stderr = '';
  client.child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  await until('the client retrying', async () => (/failed, trying again/.test(stderr) ? true : undefined));
  await t.app.listen({ port, host: '127.0.0.1' });
  const done = await until('the job done', async () => {
    const found = await jobOf(id, job.id);
    return found?.status === 'done' ? found : undefined;
  });
  assert.equal(done.pagesDone, 2);
  const spooled = await readFile(join(outDir, `spooled-${job.id}.pdf`));
  assert.deepEqual(spooled, await readFile(pdfPath), 'the spooler got the job\'s PDF as served');
  const seen = await until('a heartbeat', async () => {
    const view = (await manager.get<Printer>(`/api/v1/printers/${id}`)).body;
    return view.client.version ? view : undefined;
  });
  assert.equal(seen.online, true);
  assert.match(seen.client.version ?? '', /campuscard-printer-client/);
  client.child.kill('SIGTERM');
  const ended = await client.exited;
  assert.equal(ended.code, 0, ended.stderr);
  assert.ok(!ended.stderr.includes(token) && !ended.stdout.includes(token), 'the credential is never written');
});

test('a spooler that refuses the job makes it failed with the spooler\'s message', async () => {
  const { id, token } = await printer('E2E fail');
  const client = startClient(token, { PRINTER_CLIENT_COMMAND: `${process.execPath} ${join(dir, 'fail.mjs')} {file}` });
  const job = await t.runtime.services.printers.sendFile(id, { filePath: pdfPath, title: 'E2E', pages: 2, cards: 1 }, { actor: 'test' });
  const failed = await until('the job failed', async () => {
    const found = await jobOf(id, job.id);
    return found?.status === 'failed' ? found : undefined;
  });
  assert.equal(failed.error?.code, 'spooler_refused');
  assert.match(failed.error?.message ?? '', /The printer or class does not exist/);
  // The next heartbeat says so.
  await until('the error state', async () => ((await manager.get<Printer>(`/api/v1/printers/${id}`)).body.client.state === 'error' ? true : undefined));
  client.child.kill('SIGTERM');
  assert.equal((await client.exited).code, 0);
});

test('the folder mode copies each job\'s PDF into the folder', async () => {
  const { id, token } = await printer('E2E folder');
  const folder = join(dir, 'folder');
  const client = startClient(token, { PRINTER_CLIENT_FOLDER: folder });
  const job = await t.runtime.services.printers.sendFile(id, { filePath: pdfPath, title: 'E2E', pages: 2, cards: 1 }, { actor: 'test' });
  await until('the job done', async () => ((await jobOf(id, job.id))?.status === 'done' ? true : undefined));
  assert.deepEqual(await readdir(folder), [`${job.id}.pdf`]);
  client.child.kill('SIGTERM');
  assert.equal((await client.exited).code, 0);
});

test('client settings: validated, defaults to CUPS lp, placeholders replaced without a shell, bounded backoff', () => {
  const token = `ccp_${'a'.repeat(43)}`;
  const config = loadPrinterClientConfig({ PRINTER_CLIENT_URL: 'https://cards.example/', PRINTER_CLIENT_TOKEN: token });
  assert.equal(config.url, 'https://cards.example');
  assert.deepEqual(spoolerArguments(config.command, { file: '/tmp/a b.pdf', queue: 'evolis', duplex: true }),
    ['lp', '-d', 'evolis', '-o', 'sides=two-sided-long-edge', '/tmp/a b.pdf']);
  assert.deepEqual(spoolerArguments(config.command, { file: 'f.pdf', queue: 'q', duplex: false })[4], 'sides=one-sided');
  assert.throws(() => loadPrinterClientConfig({ PRINTER_CLIENT_TOKEN: token }), ConfigError);
  assert.throws(() => loadPrinterClientConfig({ PRINTER_CLIENT_URL: 'ftp://x', PRINTER_CLIENT_TOKEN: token }), ConfigError);
  assert.throws(() => loadPrinterClientConfig({ PRINTER_CLIENT_URL: 'http://x', PRINTER_CLIENT_TOKEN: 'cc_api_token' }), /not a printer credential/);
  assert.throws(() => loadPrinterClientConfig({ PRINTER_CLIENT_URL: 'http://x', PRINTER_CLIENT_TOKEN: token, PRINTER_CLIENT_COMMAND: 'lp -d q' }), /\{file\}/);
  assert.equal(loadPrinterClientConfig({ PRINTER_CLIENT_URL: 'http://x' }, { token }).token, token, 'options stand for the variables');
  for (let attempt = 0; attempt < 40; attempt += 1) {
    for (const random of [0, 0.5, 0.999]) {
      const delay = backoffDelay(attempt, () => random);
      assert.ok(delay >= 800 && delay <= 72_000, `attempt ${attempt}: ${delay}`);
    }
  }
  assert.ok(backoffDelay(1, () => 0.5) < backoffDelay(3, () => 0.5));
});

test('the demo printer: registered once, its in-process client prints the sample sheet to a folder; a restart gets a new credential', async () => {
  const services = t.runtime.services;
  const deps = { config: { dataDir: join(dir, 'demo-data') }, logger: t.runtime.logger, db: t.runtime.database.db, printers: services.printers, institution: services.institution };
  const demo = await startDemoPrinter(deps, url);
  const listed = async () => (await manager.get<{ items: Array<Printer & { name: string; tokenHint: string; jobsWaiting: number }> }>('/api/v1/printers')).body.items
    .filter((item) => item.name === DEMO_PRINTER_NAME);
  const [registered] = await listed();
  assert.ok(registered);
  const printed = await until('the sample sheet printed', async () => {
    const files = await readdir(demo.folder).catch(() => []);
    return files.length > 0 ? files : undefined;
  });
  assert.equal(printed.length, 1);
  assert.ok((await readFile(join(demo.folder, printed[0]!))).toString('latin1').startsWith('%PDF'));
  await until('the job reported done', async () => ((await manager.get<{ items: Job[] }>(`/api/v1/printers/${registered.id}/jobs`)).body.items[0]?.status === 'done' ? true : undefined));
  await demo.stop();
  const again = await startDemoPrinter(deps, url);
  const after = await listed();
  assert.equal(after.length, 1, 'registered once');
  assert.notEqual(after[0]!.tokenHint, registered.tokenHint, 'a new credential at each start');
  assert.equal(after[0]!.jobsWaiting, 0, 'the sample sheet is queued only the first time');
  await again.stop();
});

const CUPS_PDF = existsSync('/usr/sbin/cupsd') && existsSync('/usr/lib/cups/backend/cups-pdf');

test('through CUPS with its PDF printer (Debian cups + printer-driver-cups-pdf): lp prints the job to a PDF file', async () => {
  // .ci/run installs both packages: a machine without them fails here rather than passing untested.
  assert.ok(CUPS_PDF, 'cups and printer-driver-cups-pdf are not installed (apt-get install cups printer-driver-cups-pdf)');
  const cupsRunning = () => !spawnSync('lpstat', ['-r'], { encoding: 'utf8' }).stdout.includes('not running');
  let cupsd: ChildProcess | undefined;
  if (!cupsRunning()) {
    cupsd = spawn('/usr/sbin/cupsd', ['-f'], { stdio: 'ignore' });
    await until('cupsd', async () => (cupsRunning() ? true : undefined), 15_000);
  }
  const queue = `campuscard-test-${process.pid}`;
  try {
    const added = spawnSync('lpadmin', ['-p', queue, '-E', '-v', 'cups-pdf:/', '-m', 'lsb/usr/cups-pdf/CUPS-PDF_opt.ppd'], { encoding: 'utf8' });
    assert.equal(added.status, 0, `cannot add a CUPS queue here: ${added.stderr.trim()}`);
    const { id, token } = await printer('E2E CUPS');
    const client = startClient(token, { PRINTER_CLIENT_QUEUE: queue });
    const job = await t.runtime.services.printers.sendFile(id, { filePath: pdfPath, title: 'E2E', pages: 2, cards: 1 }, { actor: 'test' });
    await until('the job done', async () => ((await jobOf(id, job.id))?.status === 'done' ? true : undefined));
    // cups-pdf writes into the submitting user's ~/PDF, naming the file after the job's title (the file name).
    const outDir = join(homedir(), 'PDF');
    const output = await until('the PDF printer\'s file', async () =>
      (await readdir(outDir).catch(() => [] as string[])).find((name) => name.startsWith(job.id)), 30_000);
    // The file appears as soon as cups-pdf opens it and fills while Ghostscript writes: read it once pdfinfo can.
    let lastError = '';
    const info = await until('a complete PDF from the PDF printer', async () => {
      const read = spawnSync('pdfinfo', [join(outDir, output)], { encoding: 'utf8' });
      lastError = read.stderr;
      return read.status === 0 ? read : undefined;
    }, 30_000).catch(() => assert.fail(`pdfinfo never read the printed file: ${lastError}`));
    assert.match(info.stdout, /Pages:\s+2/);
    await rm(join(outDir, output), { force: true });
    client.child.kill('SIGTERM');
    assert.equal((await client.exited).code, 0);
  } finally {
    spawnSync('lpadmin', ['-x', queue]);
    if (cupsd) {
      cupsd.kill('SIGTERM');
      await new Promise((done) => cupsd!.once('exit', done));
    }
  }
});
