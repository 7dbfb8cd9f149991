/**
 * A real OpenLDAP server (Debian's slapd) for tests and benchmarks: its own slapd.conf (mdb
 * backend, Debian's core/cosine/inetorgperson/nis schemas plus campuscard's SupAnn/eduPerson/SCHAC
 * subset) in a temporary directory, on free ports of 127.0.0.1, entries loaded offline with
 * slapadd before it starts (100,000 entries in seconds, where ldapadd would take minutes), and
 * everything removed by `stop()`.
 *
 * The directory is shaped like a university's: people under `ou=people`, a read-only service
 * account `cn=campuscard,ou=system` that may read people (and nothing else), and a server size
 * limit (500 by default) that only paged searches get past, as on real directories.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'ldapts';
import { freePort } from './processes.ts';
import { SUPANN_SUFFIX } from './supann-entries.ts';

const SCHEMA_FILE = fileURLToPath(new URL('../../src/adapters/ldap/schema/supann-eduperson.schema', import.meta.url));
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

/** How the server is set up. */
export interface SlapdOptions {
  /** Suffix of the single database (default `dc=univ-test,dc=fr`). */
  suffix?: string;
  /** LDIF chunks of the people to load before start (DNs under `ou=people,<suffix>`). */
  entries?: Iterable<string>;
  /** Also listen on ldaps:// and allow StartTLS, with a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /** Server size limit for searches that are not paged (default 500). */
  sizeLimit?: number;
}

/** A running slapd. */
export interface SlapdServer {
  /** `ldap://127.0.0.1:<port>` (StartTLS available when started with `tls`). */
  url: string;
  /** `ldaps://127.0.0.1:<port>` when started with `tls`. */
  ldapsUrl: string | undefined;
  /** PEM file of the self-signed certificate (the CA to trust) when started with `tls`. */
  caCertFile: string | undefined;
  suffix: string;
  /** `ou=people,<suffix>`. */
  peopleBase: string;
  /** The read-only account campuscard binds as. */
  readerDn: string;
  readerPassword: string;
  /** The database's root account (for tests that change entries). */
  rootDn: string;
  rootPassword: string;
  /** A client bound as root; the caller unbinds it. */
  admin(): Promise<Client>;
  /** Stops slapd and removes its directory. */
  stop(): Promise<void>;
}

/** Starts slapd as described in the module comment; resolves once it answers a bind. */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdServer> {
  const suffix = options.suffix ?? SUPANN_SUFFIX;
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-slapd-'));
  let child: ChildProcess | undefined;
  try {
    const rootDn = `cn=admin,${suffix}`;
    const rootPassword = 'root-secret';
    const readerDn = `cn=campuscard,ou=system,${suffix}`;
    const readerPassword = 'reader-secret';
    mkdirSync(join(dir, 'db'));
    const tls = options.tls ? makeCertificate(dir) : undefined;
    const conf = join(dir, 'slapd.conf');
    writeFileSync(conf, slapdConf({ dir, suffix, rootDn, rootPassword, readerDn, sizeLimit: options.sizeLimit ?? 500, tls }));

    const ldif = join(dir, 'entries.ldif');
    const out = createWriteStream(ldif);
    const dc = /^dc=([^,]+)/.exec(suffix)?.[1] ?? 'univ';
    out.write(`dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${dc}\no: Université de test\n\n`
      + `dn: ou=people,${suffix}\nobjectClass: organizationalUnit\nou: people\n\n`
      + `dn: ou=system,${suffix}\nobjectClass: organizationalUnit\nou: system\n\n`
      + `dn: ${readerDn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: campuscard\nuserPassword: ${readerPassword}\n\n`);
    for (const chunk of options.entries ?? []) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const added = spawnSync(SLAPADD, ['-q', '-f', conf, '-l', ldif], { encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`slapadd failed: ${added.stderr}`);
    rmSync(ldif);

    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsPort = tls ? await freePort() : undefined;
    const ldapsUrl = ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : undefined;
    const urls = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
    // -d 0: stay in the foreground (no fork), so the child is slapd itself and can be stopped.
    const started = spawn(SLAPD, ['-h', urls, '-f', conf, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (data: Buffer) => { stderr += data.toString('utf8'); });
    await waitForPort(port, started, () => stderr);

    const server: SlapdServer = {
      url, ldapsUrl, caCertFile: tls?.certFile, suffix, peopleBase: `ou=people,${suffix}`,
      readerDn, readerPassword, rootDn, rootPassword,
      async admin() {
        const client = new Client({ url });
        await client.bind(rootDn, rootPassword);
        return client;
      },
      async stop() {
        if (started.exitCode === null && started.signalCode === null) {
          const exited = once(started, 'exit');
          started.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return server;
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

interface ConfParts {
  dir: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  readerDn: string;
  sizeLimit: number;
  tls: { certFile: string; keyFile: string } | undefined;
}

function slapdConf(parts: ConfParts): string {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((name) => `include /etc/ldap/schema/${name}.schema`);
  return [
    ...schemas,
    `include ${SCHEMA_FILE}`,
    `pidfile ${join(parts.dir, 'slapd.pid')}`,
    `argsfile ${join(parts.dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    // Unpaged searches stop at the limit; paged ones may read everything, page by page.
    `sizelimit size.soft=${parts.sizeLimit} size.hard=${parts.sizeLimit} size.prtotal=unlimited`,
    ...(parts.tls ? [`TLSCertificateFile ${parts.tls.certFile}`, `TLSCertificateKeyFile ${parts.tls.keyFile}`] : []),
    'database mdb',
    `suffix "${parts.suffix}"`,
    `rootdn "${parts.rootDn}"`,
    `rootpw ${parts.rootPassword}`,
    `directory ${join(parts.dir, 'db')}`,
    'maxsize 4294967296',
    'index objectClass eq',
    'index uid,eduPersonPrincipalName eq',
    // What the README asks a directory admin for: incremental syncs filter on modifyTimestamp.
    'index modifyTimestamp eq',
    'access to attrs=userPassword by anonymous auth by * none',
    `access to dn.subtree="ou=people,${parts.suffix}" by dn.exact="${parts.readerDn}" read by * none`,
    `access to dn.base="${parts.suffix}" by dn.exact="${parts.readerDn}" search by * none`,
    'access to * by * none',
    '',
  ].join('\n');
}

function makeCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { certFile, keyFile };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`slapd did not answer on port ${port}: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
