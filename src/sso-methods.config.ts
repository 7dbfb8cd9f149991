import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * How to reach the identity providers of single sign-on (SSO_METHODS / SSO_METHODS_FILE): only
 * connection settings and secrets. Everything an admin decides about a method (enabled, labels,
 * institution, attributes, trust) is stored in the `login_methods` table instead.
 * Read by `loadConfig` (src/config.ts) only.
 */

/** Ids appear in URLs (`/auth/sso/<id>/…`) and key the `login_methods` rows. */
export const SSO_METHOD_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$';

const Id = Type.String({ pattern: SSO_METHOD_ID_PATTERN });
const Text = Type.String({ minLength: 1, maxLength: 2048 });

const CasEntry = Type.Object({
  id: Id,
  protocol: Type.Literal('cas'),
  casUrl: Text,
}, { additionalProperties: false });

const SamlEntry = Type.Object({
  id: Id,
  protocol: Type.Literal('saml'),
  idpMetadataUrl: Type.Optional(Text),
  idpMetadataFile: Type.Optional(Text),
  idpMetadataCertFile: Type.Optional(Text),
  idpEntityId: Type.Optional(Text),
  spPrivateKeyFile: Type.Optional(Text),
  spCertFile: Type.Optional(Text),
}, { additionalProperties: false });

const OidcEntry = Type.Object({
  id: Id,
  protocol: Type.Literal('oidc'),
  issuer: Text,
  clientId: Text,
  clientSecret: Text,
}, { additionalProperties: false });

const ENTRIES: Record<string, TSchema> = { cas: CasEntry, saml: SamlEntry, oidc: OidcEntry };

/** A CAS 3.0 server: `casUrl` is its base (e.g. `https://cas.univ.fr/cas`), without trailing slash. */
export type CasMethodConfig = Static<typeof CasEntry>;

/**
 * A SAML 2.0 IdP (or federation aggregate): exactly one of `idpMetadataUrl` / `idpMetadataFile`;
 * `idpMetadataCertFile` checks a signed aggregate; `idpEntityId` picks the IdP in an aggregate.
 * File paths are absolute (resolved at boot, checked to exist).
 */
export type SamlMethodConfig = Static<typeof SamlEntry>;

/**
 * An OpenID provider. `allowInsecureIssuer` is true only for an `http:` issuer accepted because
 * the deployment is a demo or the tests allow it (SSO_ALLOW_INSECURE_IDP): openid-client must
 * then be told to accept it. Any other `http:` issuer is refused at boot.
 */
export type OidcMethodConfig = Static<typeof OidcEntry> & { allowInsecureIssuer: boolean };

/** One configured login method (see {@link parseSsoMethods}). */
export type SsoMethodConfig = CasMethodConfig | SamlMethodConfig | OidcMethodConfig;

/** Where `serve` mounts the demo identity providers it embeds, relative to PUBLIC_URL. */
export const DEMO_CAS_PATH = '/demo-idp/cas';
export const DEMO_OIDC_PATH = '/demo-idp/oidc';
/** The client the embedded demo OpenID provider knows campuscard as (demo only: not a secret). */
export const DEMO_OIDC_CLIENT = { clientId: 'campuscard-demo', clientSecret: 'campuscard-demo-client-secret-not-for-production' } as const;

export class SsoConfigError extends Error {}

function fail(where: string, message: string): never {
  throw new SsoConfigError(`${where}: ${message}`);
}

function checkUrl(where: string, field: string, raw: string, allowHttp: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return fail(where, `${field} is not a valid URL`);
  }
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
    fail(where, `${field} must use https:${allowHttp ? ' or http:' : ''}, got ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) fail(where, `${field} must not carry credentials`);
  return raw.replace(/\/+$/, '');
}

function checkFile(where: string, field: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const path = resolve(raw);
  if (!existsSync(path)) fail(where, `${field} names a file that does not exist: ${path}`);
  return path;
}

/**
 * Parses and validates the login methods. `source` names where the JSON came from (for
 * messages); every error names the entry (index and id) and the field. `allowInsecure` lets
 * `http:` URLs through (demo, tests); otherwise they must be https (a SAML metadata URL may be
 * http when a certificate checks its signature).
 */
export function parseSsoMethods(json: string, source: string, allowInsecure: boolean): SsoMethodConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new SsoConfigError(`${source} is not valid JSON`);
  }
  if (!Array.isArray(raw)) throw new SsoConfigError(`${source} must be a JSON array of login methods`);
  const seen = new Set<string>();
  return raw.map((entry: unknown, index): SsoMethodConfig => {
    const named = typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string'
      ? ` (id "${String((entry as { id: string }).id).slice(0, 40)}")` : '';
    const where = `${source}[${index}]${named}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(where, 'must be an object');
    const protocol = (entry as { protocol?: unknown }).protocol;
    const schema = typeof protocol === 'string' ? ENTRIES[protocol] : undefined;
    if (!schema) fail(where, 'field /protocol must be one of cas, saml, oidc');
    const error = Value.Errors(schema, entry).First();
    if (error) fail(where, `field ${error.path || '/'} ${error.message}`);
    const checked = entry as SsoMethodConfig;
    if (seen.has(checked.id)) fail(where, 'field /id is used by another entry');
    seen.add(checked.id);
    switch (checked.protocol) {
      case 'cas':
        return { ...checked, casUrl: checkUrl(where, 'field /casUrl', checked.casUrl, allowInsecure) };
      case 'oidc': {
        const issuer = checkUrl(where, 'field /issuer', (checked as OidcMethodConfig).issuer, allowInsecure);
        return { ...(checked as OidcMethodConfig), issuer, allowInsecureIssuer: issuer.startsWith('http:') };
      }
      case 'saml': {
        const saml = checked as SamlMethodConfig;
        if ((saml.idpMetadataUrl === undefined) === (saml.idpMetadataFile === undefined)) {
          fail(where, 'exactly one of the fields /idpMetadataUrl and /idpMetadataFile is required');
        }
        if ((saml.spPrivateKeyFile === undefined) !== (saml.spCertFile === undefined)) {
          fail(where, 'the fields /spPrivateKeyFile and /spCertFile go together');
        }
        const result: SamlMethodConfig = { id: saml.id, protocol: 'saml' };
        if (saml.idpMetadataUrl !== undefined) {
          result.idpMetadataUrl = checkUrl(where, 'field /idpMetadataUrl', saml.idpMetadataUrl,
            allowInsecure || saml.idpMetadataCertFile !== undefined);
        }
        const files = ['idpMetadataFile', 'idpMetadataCertFile', 'spPrivateKeyFile', 'spCertFile'] as const;
        for (const field of files) {
          const path = checkFile(where, `field /${field}`, saml[field]);
          if (path !== undefined) result[field] = path;
        }
        if (saml.idpEntityId !== undefined) result.idpEntityId = saml.idpEntityId;
        return result;
      }
    }
  });
}

/**
 * The login methods of a deployment: SSO_METHODS (JSON) or SSO_METHODS_FILE (a path to such a
 * JSON file), never both; in demo mode the embedded CAS simulator and OpenID provider are added
 * as `cas-demo` and `oidc-demo` (unless an entry already uses these ids).
 */
export function ssoMethodsFromEnv(
  env: Record<string, string | undefined>,
  options: { demo: boolean; publicUrl: string },
): SsoMethodConfig[] {
  const inline = env.SSO_METHODS?.trim() || undefined;
  const file = env.SSO_METHODS_FILE?.trim() || undefined;
  if (inline && file) throw new SsoConfigError('SSO_METHODS and SSO_METHODS_FILE cannot both be set');
  const allowValues = ['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off', ''];
  const allowRaw = env.SSO_ALLOW_INSECURE_IDP?.trim().toLowerCase() ?? '';
  if (!allowValues.includes(allowRaw)) throw new SsoConfigError(`SSO_ALLOW_INSECURE_IDP must be true or false, got "${env.SSO_ALLOW_INSECURE_IDP}"`);
  const allowInsecure = options.demo || ['1', 'true', 'yes', 'on'].includes(allowRaw);
  let methods: SsoMethodConfig[] = [];
  if (inline) methods = parseSsoMethods(inline, 'SSO_METHODS', allowInsecure);
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(file), 'utf8');
    } catch {
      throw new SsoConfigError(`SSO_METHODS_FILE cannot be read: ${resolve(file)}`);
    }
    methods = parseSsoMethods(text, 'SSO_METHODS_FILE', allowInsecure);
  }
  if (options.demo) {
    const taken = new Set(methods.map((method) => method.id));
    if (!taken.has('cas-demo')) methods.push({ id: 'cas-demo', protocol: 'cas', casUrl: `${options.publicUrl}${DEMO_CAS_PATH}` });
    if (!taken.has('oidc-demo')) {
      methods.push({
        id: 'oidc-demo', protocol: 'oidc', issuer: `${options.publicUrl}${DEMO_OIDC_PATH}`, ...DEMO_OIDC_CLIENT,
        allowInsecureIssuer: options.publicUrl.startsWith('http:'),
      });
    }
  }
  return methods;
}
