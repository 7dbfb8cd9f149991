import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.ts';

const PROD = { DEMO: 'false' };

function refused(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
    `expected ${pattern} for ${JSON.stringify(env)}`);
}

test('no SSO_METHODS outside demo mode: no login method', () => {
  assert.deepEqual(loadConfig(PROD).ssoMethods, []);
});

test('demo mode adds the embedded CAS and OpenID provider, on the public URL', () => {
  const methods = loadConfig({ PUBLIC_URL: 'http://localhost:8080' }).ssoMethods;
  assert.deepEqual(methods.map((method) => [method.id, method.protocol]), [['cas-demo', 'cas'], ['oidc-demo', 'oidc']]);
  const oidc = methods.find((method) => method.id === 'oidc-demo');
  assert.ok(oidc?.protocol === 'oidc' && oidc.issuer.startsWith('http://localhost:8080/') && oidc.allowInsecureIssuer);
});

test('SSO_METHODS: CAS, SAML and OIDC entries are parsed, trailing slashes dropped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sso-config-'));
  try {
    const metadata = join(dir, 'idp.xml');
    writeFileSync(metadata, '<EntityDescriptor/>');
    const methods = loadConfig({
      ...PROD,
      SSO_METHODS: JSON.stringify([
        { id: 'cas', protocol: 'cas', casUrl: 'https://cas.univ.example/cas/' },
        { id: 'renater', protocol: 'saml', idpMetadataUrl: 'https://metadata.federation.renater.fr/renater/main/main-idps-renater-metadata.xml',
          idpEntityId: 'https://idp.univ.example/idp/shibboleth' },
        { id: 'local-saml', protocol: 'saml', idpMetadataFile: metadata },
        { id: 'keycloak', protocol: 'oidc', issuer: 'https://sso.univ.example/realms/univ', clientId: 'campuscard', clientSecret: 's3cret' },
      ]),
    }).ssoMethods;
    assert.deepEqual(methods.map((method) => method.id), ['cas', 'renater', 'local-saml', 'keycloak']);
    assert.equal(methods[0]?.protocol === 'cas' && methods[0].casUrl, 'https://cas.univ.example/cas');
    const oidc = methods[3];
    assert.ok(oidc?.protocol === 'oidc' && !oidc.allowInsecureIssuer);
    const file = methods[2];
    assert.ok(file?.protocol === 'saml' && file.idpMetadataFile === metadata);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SSO_METHODS_FILE reads the same JSON from a file; both at once are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sso-config-'));
  try {
    const path = join(dir, 'methods.json');
    writeFileSync(path, JSON.stringify([{ id: 'cas', protocol: 'cas', casUrl: 'https://cas.univ.example/cas' }]));
    assert.deepEqual(loadConfig({ ...PROD, SSO_METHODS_FILE: path }).ssoMethods.map((method) => method.id), ['cas']);
    refused({ ...PROD, SSO_METHODS_FILE: path, SSO_METHODS: '[]' }, /SSO_METHODS and SSO_METHODS_FILE/);
    refused({ ...PROD, SSO_METHODS_FILE: join(dir, 'missing.json') }, /SSO_METHODS_FILE cannot be read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad entries fail at boot naming the entry and the field', () => {
  const one = (entry: unknown) => ({ ...PROD, SSO_METHODS: JSON.stringify([entry]) });
  refused({ ...PROD, SSO_METHODS: '{not json' }, /SSO_METHODS is not valid JSON/);
  refused({ ...PROD, SSO_METHODS: '{}' }, /SSO_METHODS must be a JSON array/);
  refused(one({ id: 'x', protocol: 'ldap' }), /SSO_METHODS\[0\] \(id "x"\): field \/protocol must be one of cas, saml, oidc/);
  refused(one({ id: 'Bad Id', protocol: 'cas', casUrl: 'https://c.example' }), /SSO_METHODS\[0\].*field \/id/);
  refused(one({ id: 'cas', protocol: 'cas' }), /SSO_METHODS\[0\] \(id "cas"\): field \/casUrl/);
  refused(one({ id: 'cas', protocol: 'cas', casUrl: 'https://c.example', extra: 1 }), /SSO_METHODS\[0\].*extra/);
  refused(one({ id: 'cas', protocol: 'cas', casUrl: 'not a url' }), /field \/casUrl is not a valid URL/);
  refused(one({ id: 'cas', protocol: 'cas', casUrl: 'http://c.example' }), /field \/casUrl must use https:/);
  refused(one({ id: 'o', protocol: 'oidc', issuer: 'http://op.example', clientId: 'c', clientSecret: 's' }), /\(id "o"\): field \/issuer must use https:/);
  refused(one({ id: 'o', protocol: 'oidc', issuer: 'https://op.example', clientId: 'c' }), /field \/clientSecret/);
  refused(one({ id: 's', protocol: 'saml' }), /exactly one of the fields \/idpMetadataUrl and \/idpMetadataFile/);
  refused(one({ id: 's', protocol: 'saml', idpMetadataUrl: 'https://m.example', idpMetadataFile: '/etc/hostname' }), /exactly one of/);
  refused(one({ id: 's', protocol: 'saml', idpMetadataFile: '/nonexistent/idp.xml' }), /field \/idpMetadataFile names a file that does not exist/);
  refused(one({ id: 's', protocol: 'saml', idpMetadataUrl: 'https://m.example', spCertFile: '/etc/hostname' }), /\/spPrivateKeyFile and \/spCertFile go together/);
  refused({ ...PROD, SSO_METHODS: JSON.stringify([{ id: 'a', protocol: 'cas', casUrl: 'https://c.example' }, { id: 'a', protocol: 'cas', casUrl: 'https://d.example' }]) },
    /SSO_METHODS\[1\] \(id "a"\): field \/id is used by another entry/);
  refused({ ...PROD, SSO_ALLOW_INSECURE_IDP: 'sometimes' }, /SSO_ALLOW_INSECURE_IDP must be true or false/);
});

test('http identity providers only in demo mode or when tests allow them', () => {
  const env = { ...PROD, SSO_METHODS: JSON.stringify([{ id: 'o', protocol: 'oidc', issuer: 'http://127.0.0.1:4000', clientId: 'c', clientSecret: 's' }]) };
  refused(env, /must use https:/);
  const allowed = loadConfig({ ...env, SSO_ALLOW_INSECURE_IDP: 'true' }).ssoMethods[0];
  assert.ok(allowed?.protocol === 'oidc' && allowed.allowInsecureIssuer);
  // A signed SAML aggregate may come over http: its certificate checks it.
  const saml = JSON.stringify([{ id: 's', protocol: 'saml', idpMetadataUrl: 'http://md.example/agg.xml', idpMetadataCertFile: '/etc/hostname' }]);
  assert.equal(loadConfig({ ...PROD, SSO_METHODS: saml }).ssoMethods.length, 1);
});
