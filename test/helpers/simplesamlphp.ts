/**
 * A real SAML identity provider for end-to-end tests: Debian's SimpleSAMLphp (1.19, in
 * /usr/share/simplesamlphp) served by PHP's built-in server on a free port, with a configuration
 * directory of its own under os.tmpdir() (SIMPLESAMLPHP_CONFIG_DIR): Debian's config.php with the
 * paths, base URL, PHP session store and enabled modules overridden, an `exampleauth:UserPass`
 * source with the test users, a hosted IdP with a key generated for the run, and campuscard's SP
 * read from its own metadata document. Needs php-cli and php-xml (DOM), as `.ci/run` installs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml, selectElements } from '../../src/adapters/saml/saml-xml.ts';
import { freePort } from './processes.ts';
import { generateKeyPair } from './saml-idp.ts';

/** Debian's install: the web root to serve and its base configuration. */
export const SIMPLESAMLPHP_WWW = '/usr/share/simplesamlphp/www';
const DEBIAN_CONFIG = '/etc/simplesamlphp/config.php';

/** A test user: login, password and the attributes the IdP releases (by LDAP-style names). */
export interface SimpleSamlPhpUser {
  username: string;
  password: string;
  attributes: Record<string, string[]>;
}

/** The running IdP. */
export interface SimpleSamlPhp {
  baseUrl: string;
  entityId: string;
  metadataUrl: string;
  /** What PHP wrote (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Attributes are sent by OID (`urn:oid:…`, URI name format) as Renater's IdPs do: SimpleSAMLphp's
 * own name2oid map for eduPerson, inetOrgPerson and SCHAC, and the SupAnn OIDs it does not ship.
 */
const SUPANN_OIDS = {
  supannEtuId: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.10',
  supannCodeINE: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.9',
  supannEmpId: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.11',
  supannEtablissement: 'urn:oid:1.3.6.1.4.1.7135.1.2.1.14',
};

const php = (value: unknown) => `json_decode(${JSON.stringify(JSON.stringify(value))}, true)`;

async function waitForHttp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`php -S exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`SimpleSAMLphp did not answer at ${url}: ${output()}`);
}

/**
 * Writes the configuration and starts `php -S 127.0.0.1:<free port>`. `spMetadataXml` is
 * campuscard's SP metadata (entity id, ACS and SLO are read from it).
 */
export async function startSimpleSamlPhp(options: { spMetadataXml: string; users: SimpleSamlPhpUser[]; port?: number }): Promise<SimpleSamlPhp> {
  const port = options.port ?? await freePort();
  const baseUrl = `http://127.0.0.1:${port}/simplesaml`;
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-simplesamlphp-'));
  for (const sub of ['metadata', 'sessions', 'log', 'data', 'tmp', 'docroot']) mkdirSync(join(dir, sub));
  // The built-in server serves one web root: ours holds the SimpleSAMLphp web root under the
  // `simplesaml/` base path Debian's package expects, so that its URLs, PATH_INFO included
  // (module.php/core/loginuserpass.php), resolve without a router script.
  symlinkSync(SIMPLESAMLPHP_WWW, join(dir, 'docroot', 'simplesaml'));
  const keys = generateKeyPair('simplesamlphp-idp');
  writeFileSync(join(dir, 'idp.key'), keys.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'idp.crt'), keys.certificate);

  const overrides = {
    baseurlpath: `${baseUrl}/`,
    metadatadir: `${join(dir, 'metadata')}/`,
    certdir: `${dir}/`,
    loggingdir: `${join(dir, 'log')}/`,
    datadir: `${join(dir, 'data')}/`,
    tempdir: join(dir, 'tmp'),
    'logging.handler': 'file',
    secretsalt: `campuscard-test-${process.pid}-${Date.now()}`,
    'auth.adminpassword': `admin-${process.pid}-${Date.now()}`,
    'enable.saml20-idp': true,
    'module.enable': { exampleauth: true, core: true, saml: true, admin: true },
    // Plain http on 127.0.0.1: the session cookie must not be Secure, nor SameSite=None.
    'session.cookie.secure': false,
    'session.cookie.samesite': null,
    'store.type': 'phpsession',
    'session.phpsession.savepath': join(dir, 'sessions'),
    timezone: 'UTC',
    'language.default': 'en',
  };
  writeFileSync(join(dir, 'config.php'), `<?php\nrequire '${DEBIAN_CONFIG}';\n$config = array_replace($config, ${php(overrides)});\n`);
  const userpass: Record<string, unknown> = { 0: 'exampleauth:UserPass' };
  for (const user of options.users) userpass[`${user.username}:${user.password}`] = user.attributes;
  writeFileSync(join(dir, 'authsources.php'), `<?php\n$config = ${php({ admin: ['core:AdminPassword'], 'campuscard-users': userpass })};\n`);

  writeFileSync(join(dir, 'metadata', 'saml20-idp-hosted.php'), `<?php\n$metadata['__DYNAMIC:1__'] = ${php({
    host: '__DEFAULT__',
    privatekey: join(dir, 'idp.key'),
    certificate: join(dir, 'idp.crt'),
    auth: 'campuscard-users',
    'attributes.NameFormat': 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    // Shibboleth's default with an SP that wants signed assertions: the assertion signed, the response not.
    'saml20.sign.assertion': true,
    'saml20.sign.response': false,
    // Logout messages signed, as Shibboleth signs them (campuscard refuses unsigned LogoutRequests).
    'sign.logout': true,
    authproc: {
      90: { class: 'core:AttributeMap', ...SUPANN_OIDS },
      91: { class: 'core:AttributeMap', 0: 'name2oid' },
    },
  })};\n`);

  const sp = (await parseXml(options.spMetadataXml)).documentElement;
  const entityId = sp.getAttribute('entityID') ?? '';
  const acs = selectElements(sp, "//*[local-name()='AssertionConsumerService']").map((element) => ({
    Binding: element.getAttribute('Binding'), Location: element.getAttribute('Location'), index: Number(element.getAttribute('index') ?? 0),
  }));
  const slo = selectElements(sp, "//*[local-name()='SingleLogoutService']").map((element) => ({
    Binding: element.getAttribute('Binding'), Location: element.getAttribute('Location'),
  }));
  writeFileSync(join(dir, 'metadata', 'saml20-sp-remote.php'), `<?php\n$metadata[${JSON.stringify(entityId)}] = ${php({
    AssertionConsumerService: acs,
    SingleLogoutService: slo,
    NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'saml20.sign.assertion': true,
  })};\n`);

  let output = '';
  const child = spawn('/usr/bin/php', ['-d', 'display_errors=stderr', '-S', `127.0.0.1:${port}`, '-t', join(dir, 'docroot')], {
    env: { PATH: '/usr/bin:/bin', SIMPLESAMLPHP_CONFIG_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const metadataUrl = `${baseUrl}/saml2/idp/metadata.php`;
  try {
    await waitForHttp(metadataUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, entityId: metadataUrl, metadataUrl, output: () => output.slice(-4000), stop };
}
