import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lanAddress, startupMessage } from '../../src/cli/serve.command.ts';
import { loadConfig } from '../../src/config.ts';
import type { DemoLogin } from '../../src/modules/demo/demo-seed.service.ts';
import { freePort, startCampuscard } from '../helpers/processes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOGINS: DemoLogin[] = [
  { role: 'manager', email: 'manager@univ-demo.fr', password: 'Pw-manager-123', purpose: { en: 'card office', fr: 'bureau des cartes' } },
];

describe('the start message', () => {
  const runtime = (env: Record<string, string>) => {
    const config = loadConfig({ PORT: '3000', ...env });
    return { config, database: { kind: 'pglite' as const }, embeddedEscRouter: undefined } as unknown as Parameters<typeof startupMessage>[0];
  };

  it('tells how to set PUBLIC_URL with the LAN address when the URL is loopback, not otherwise', () => {
    const local = startupMessage(runtime({}), { url: 'http://localhost:3000', seconds: '1.0', logins: LOGINS, lanAddress: '192.168.1.23' });
    assert.match(local, /^ {2}PUBLIC_URL=http:\/\/192\.168\.1\.23:3000 npm start$/m);
    assert.match(local, /téléphone sur le même réseau/);
    assert.match(local, /^ {2}manager@univ-demo\.fr +Pw-manager-123 +card office$/m);
    const loopbackOnly = startupMessage(runtime({ HOST: '127.0.0.1' }), { url: 'http://127.0.0.1:3000', seconds: '1.0', logins: undefined, lanAddress: undefined });
    assert.match(loopbackOnly, /^ {2}HOST=0\.0\.0\.0 PUBLIC_URL=http:\/\/<this-machine-address>:3000 npm start$/m);
    const published = startupMessage(runtime({ PUBLIC_URL: 'https://cards.example.org' }),
      { url: 'https://cards.example.org', seconds: '1.0', logins: undefined, lanAddress: '192.168.1.23' });
    assert.doesNotMatch(published, /PUBLIC_URL=/);
  });

  it('names the demo printer\'s folder when it runs, and nothing of it otherwise', () => {
    const folder = '/data/demo-printer/printed';
    assert.match(startupMessage(runtime({}), { url: 'http://localhost:3000', seconds: '1.0', logins: undefined, demoPrinterFolder: folder }),
      /^ {2}Demo printer: prints to \/data\/demo-printer\/printed · Imprimante de démonstration\u00a0: imprime dans \/data\/demo-printer\/printed$/m);
    assert.doesNotMatch(startupMessage(runtime({}), { url: 'http://localhost:3000', seconds: '1.0', logins: undefined }), /Demo printer/);
  });

  it('a demo on the embedded database logs warnings and errors only unless LOG_LEVEL says otherwise', () => {
    assert.equal(loadConfig({}).logLevel, 'warn');
    assert.equal(loadConfig({ DEMO: 'false' }).logLevel, 'info');
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/campuscard' }).logLevel, 'info', 'a deployment on PostgreSQL keeps info');
    assert.equal(loadConfig({ LOG_LEVEL: 'info' }).logLevel, 'info');
    assert.match(startupMessage(runtime({}), { url: 'http://localhost:3000', seconds: '1.0', logins: undefined }), /LOG_LEVEL=info for each request/);
    assert.doesNotMatch(startupMessage(runtime({ LOG_LEVEL: 'info' }), { url: 'http://localhost:3000', seconds: '1.0', logins: undefined }), /LOG_LEVEL=/);
  });

  it('finds the LAN address: IPv4, not loopback, not link-local', () => {
    const address = (value: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4') =>
      ({ address: value, internal, family, netmask: '', mac: '', cidr: null }) as NonNullable<ReturnType<typeof import('node:os').networkInterfaces>[string]>[number];
    assert.equal(lanAddress({
      lo: [address('127.0.0.1', true)],
      wlan0: [address('fe80::1', false, 'IPv6'), address('169.254.3.4', false), address('192.168.1.23', false)],
    }), '192.168.1.23');
    assert.equal(lanAddress({ lo: [address('127.0.0.1', true)] }), undefined);
  });
});

describe('npm start on an empty data directory (demo)', { timeout: 300_000 }, () => {
  it('prints the logins and the PUBLIC_URL hint last, and the first requests do not scroll them away', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-serve-output-'));
    const port = await freePort();
    const running = startCampuscard(ROOT, ['serve'], {
      ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), DEMO: 'true', LOG_LEVEL: '', PUBLIC_URL: '', HOST: '',
    });
    let stdout = '';
    running.child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    try {
      const deadline = Date.now() + 240_000;
      while (!/LOG_LEVEL=info pour chaque requête/.test(stdout)) {
        assert.equal(running.child.exitCode, null, `the server stopped:\n${stdout}`);
        assert.ok(Date.now() < deadline, `no start message:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const base = `http://127.0.0.1:${port}`;
      for (const path of ['/', '/healthz', '/api/v1/auth/session', '/api/v1/people', '/no-such-page', '/api/v1/nothing-here']) {
        await fetch(`${base}${path}`).then((response) => response.arrayBuffer());
      }
      // Past the start of the job workers (a second after listening).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    } finally {
      running.child.kill('SIGTERM');
    }
    const run = await running.exited;
    rmSync(dataDir, { recursive: true, force: true });
    const output = run.stdout;
    assert.match(output, /^ {2}\S+@univ-demo\.fr +\S+ +student: /m, output);
    assert.match(output, /^ {2}manager@univ-demo\.fr +\S+ +card office: /m);
    // Several institutions: the student enrolled at both, a card office per institution and the federation's, the admin.
    assert.match(output, /^ {2}ines\.moreau@univ-demo\.fr +\S+ +student at both institutions: /m);
    assert.match(output, /^ {2}manager@ecole-demo\.fr +\S+ +school card office: /m);
    assert.match(output, /^ {2}manager@federation-demo\.fr +\S+ +federation card office: /m);
    assert.match(output, /^ {2}admin@univ-demo\.fr +\S+ +administrator: /m);
    assert.match(output, /^ +bureau des cartes de la fédération\u00a0: /m, 'each purpose in French too');
    const printed = [...output.matchAll(/^ {2}(\S+@\S+) +(\S+) +/gm)].map((match) => match[2]);
    assert.equal(printed.length, 6);
    assert.equal(new Set(printed).size, 6, 'a password of its own for each account');
    assert.match(output, new RegExp(`^ {2}PUBLIC_URL=http://\\S+:${port} npm start$`, 'm'));
    // Demo mode logs warnings and errors only: no request lines, nothing under the message.
    assert.doesNotMatch(output, /incoming request|request completed|not found/);
    const afterMessage = output.slice(output.indexOf('LOG_LEVEL=info pour chaque requête'));
    assert.deepEqual(afterMessage.split('\n').filter((line) => line.startsWith('{')), []);
  });
});
