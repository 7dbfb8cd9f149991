import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runCampuscard, type ProcessRun } from '../helpers/processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_FILES = ['bin', 'scripts', 'src', 'migrations', 'package.json', 'tsconfig.json'];
const DESCRIPTION = 'campuscard: the card office system';

/** `node bin/campuscard.js …` in the copy of the package, as `npx campuscard` would run it. */
function campuscard(root: string, args: string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return runCampuscard(root, args, { ...process.env, DATABASE_URL: '', ...env });
}

/**
 * bin/campuscard.js runs dist/server/main.js while it matches src/, rebuilds it when a source
 * changed, and runs the sources through tsx when it cannot be built. Each test works on a copy of
 * the package (sources, bin, scripts, migrations; node_modules linked) so that it can edit sources.
 */
describe('bin/campuscard.js and the server bundle', { timeout: 600_000 }, () => {
  let root: string;
  let bundle: string;
  let mainSource: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cc-bundle-'));
    for (const name of PACKAGE_FILES) cpSync(join(ROOT, name), join(root, name), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    bundle = join(root, 'dist/server/main.js');
    mainSource = join(root, 'src/cli/main.ts');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('builds the bundle at the first start and runs it', async () => {
    assert.equal(existsSync(bundle), false);
    const run = await campuscard(root, ['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(DESCRIPTION));
    assert.equal(run.stderr, '');
    assert.ok(existsSync(bundle) && existsSync(`${bundle}.map`));
  });

  it('runs the bundle as it is while the sources are unchanged', async () => {
    // A line only this bundle has: it shows that the bundle ran and that it was not rebuilt.
    writeFileSync(bundle, `process.stderr.write('from the existing bundle\\n');\n${readFileSync(bundle, 'utf8')}`);
    const run = await campuscard(root, ['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(DESCRIPTION));
    assert.equal(run.stderr, 'from the existing bundle\n');
  });

  it('after a source edit, rebuilds and runs the edited code, never the old bundle', async () => {
    writeFileSync(mainSource, readFileSync(mainSource, 'utf8').replace(DESCRIPTION, 'campuscard (edited): the card office system'));
    const run = await campuscard(root, ['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /campuscard \(edited\): the card office system/);
    assert.equal(run.stderr, '', 'the rebuilt bundle has no trace of the old one');
    assert.match(readFileSync(bundle, 'utf8'), /campuscard \(edited\)/);
  });

  it('serves from the bundle: migrations applied and web pages found in the package, /healthz ready', async () => {
    mkdirSync(join(root, 'web/dist'), { recursive: true });
    writeFileSync(join(root, 'web/dist/index.html'), '<!doctype html><title>bundle test page</title><div id="root"></div>');
    const dataDir = join(root, 'data');
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/campuscard.js', 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'false', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 240_000;
      let health: Response | undefined;
      while (!health && Date.now() < deadline) {
        assert.equal(child.exitCode, null, 'the server stopped');
        health = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => (response.status === 200 ? response : undefined), () => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(health, 'the server did not get ready');
      assert.deepEqual(await health.json(), { status: 'ok', database: 'pglite' });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /bundle test page/);
      assert.match(stdout, /campuscard is ready at/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('runs the sources through tsx, and says why, when the bundle cannot be built', async () => {
    // import.meta.dirname would name dist/server inside the bundle, so the build refuses it; tsx runs it.
    writeFileSync(mainSource, readFileSync(mainSource, 'utf8')
      .replace(/'campuscard \(edited\)[^']*'/, '`campuscard from ${typeof import.meta.dirname} sources`'));
    const run = await campuscard(root, ['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /campuscard from string sources/);
    assert.match(run.stderr, /could not build dist\/server \(.*import\.meta\.dirname in src\/cli\/main\.ts.*\); running the sources through tsx\n$/);
  });
});
