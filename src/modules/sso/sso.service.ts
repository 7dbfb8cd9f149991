import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { landingPath } from '../auth/domain/landing.ts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SsoMethodConfig } from '../../sso-methods.config.ts';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { forbidden, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import type { AuthService, SsoSessionData } from '../auth/auth.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { PeopleService, PersonView } from '../people/people.service.ts';
import {
  affiliationsOf, DEFAULT_EPPN_ATTRIBUTE, DEFAULT_FIELD_ATTRIBUTES, eppnOf, groupsOf, personFieldsOf, personTypeFor, SSO_PERSON_FIELDS,
  type SsoAttributes, type SsoPersonField,
} from './domain/sso-attributes.ts';
import { safeReturnTo } from './domain/return-to.ts';
import * as repo from './sso.repository.ts';

/** A login as a protocol adapter hands it over once the IdP's answer is verified. */
export interface SsoIdentity {
  methodId: string;
  /** Attributes by raw and canonical name (see sso-attributes.ts: canonicalizeAttributes, claimsToAttributes). */
  attributes: SsoAttributes;
  /**
   * What a single-logout message will name to end this session: the CAS service ticket, the
   * SAML NameID + SessionIndex, the OIDC `sid` (else `sub`); null when the protocol has none.
   */
  sessionKey: string | null;
  /**
   * What a single-logout message naming only the subject matches (SAML: a hash of the NameID,
   * for a LogoutRequest without SessionIndex); absent when the protocol has none.
   */
  subjectKey?: string | null;
  /** What ending the IdP session later needs (OIDC id_token hint, SAML NameID format…). Never logged nor audited. */
  logoutData?: Record<string, string>;
}

/** Why a login was refused: shown to the person, with whom to contact. */
export type SsoRefusalReason = 'unknown_person' | 'unmapped_groups' | 'account_disabled' | 'no_eppn' | 'method_disabled';

/**
 * A pending login taken back. `sameBrowser` is false when the callback does not come from the
 * browser that began the login (its binding cookie is missing or another): the caller must then
 * refuse (`sso_browser_mismatch`), nothing is completed (login CSRF).
 */
export interface TakenLogin {
  returnTo: string | null;
  payload: Record<string, string>;
  sameBrowser: boolean;
}

/** What a completed login leads to: a session (cookie + where to land), or a refusal page. */
export type SsoOutcome =
  | { kind: 'session'; sessionToken: string; expiresAt: Date; landing: string; cookieSecure: boolean }
  | { kind: 'refused'; reason: SsoRefusalReason; contact: string; institutionName: string | null; groups?: string[] };

/** What an admin decides about a method (the `login_methods` row, or defaults when it has none). */
export interface LoginMethodSettings {
  enabled: boolean;
  label: { fr: string; en: string };
  /** Code of the institution whose persons the method identifies; null: federation-wide. */
  institution: string | null;
  eppnAttribute: string;
  /** Person field → attribute, where it differs from the defaults (DEFAULT_FIELD_ATTRIBUTES). */
  fieldAttributes: Partial<Record<SsoPersonField, string>>;
  /** Person fields a login may update. */
  trustedFields: SsoPersonField[];
  /** The groups attribute; null: isMemberOf, memberOf or groups. */
  groupsAttribute: string | null;
  createUnknown: boolean;
  contact: string;
}

/** A configured method with its settings. */
export interface SsoMethod {
  id: string;
  protocol: SsoMethodConfig['protocol'];
  config: SsoMethodConfig;
  settings: LoginMethodSettings;
  /** The institution's id (settings.institution), for other contexts. */
  institutionId: number | null;
}

/** A button of the login page. */
export interface LoginMethodButton {
  id: string;
  protocol: SsoMethodConfig['protocol'];
  label: { fr: string; en: string };
  institution: string | null;
  startUrl: string;
}

/** What the admin console shows of a method: settings, and the URLs to give the IdP's admin. */
export interface LoginMethodAdminView extends LoginMethodSettings {
  id: string;
  protocol: SsoMethodConfig['protocol'];
  /** Whether settings were saved (false: defaults shown). */
  saved: boolean;
  urls: {
    login: string;
    /** CAS service URL, OIDC redirect URI. */
    callback: string | null;
    /** SAML: SP metadata, assertion consumer service, single logout. */
    metadata: string | null;
    acs: string | null;
    singleLogout: string | null;
    /** OIDC back-channel logout URI. */
    backchannelLogout: string | null;
    /** OIDC post-logout redirect URI (where the provider sends the browser back after logout): to register with the client. */
    postLogoutRedirect: string | null;
  };
}

/** How a protocol ends the IdP session when a campuscard session ends. */
export interface SsoProtocolHandler {
  /**
   * The URL to send the browser to (the IdP's logout), or null when there is none. `returnUrl`
   * is where the IdP may send the browser back (the login page).
   */
  logoutUrl(method: SsoMethod, session: { sessionKey: string | null; logoutData: Record<string, string> | null; returnUrl: string }):
    Promise<string | null> | string | null;
}

/**
 * What the core needs of the group → role mappings (services.groupRoles, built in the auth
 * context): the staff account to log in as when a mapping grants a role, else undefined.
 */
export interface GroupRolesAtLogin {
  roleAtLogin(executor: Executor, login: { eppn: string; groups: string[]; email: string | null; displayName: string; personId: string | null;
    methodId: string }): Promise<string | undefined>;
}

export interface SsoServiceDeps {
  db: Kysely<Database>;
  ssoMethods: readonly SsoMethodConfig[];
  publicUrl: string;
  /** Session cookies Secure (COOKIE_SECURE), as the password login sets them. */
  cookieSecure: boolean;
  auth: AuthService;
  people: PeopleService;
  institution: InstitutionService;
  logger: Logger;
  /** The group → role mappings, when that service is wired (read at each login). */
  groupRoles?: () => GroupRolesAtLogin | undefined;
  now?: () => Date;
}

const PENDING_TTL_MS = 10 * 60_000;
/** Replay records live at least this long (clock skew between the IdP and us). */
const MIN_SEEN_TTL_MS = 5 * 60_000;
const STATE_PATTERN = /^[A-Za-z0-9_-]{20,200}$/;
const PROTOCOL_NAMES = { cas: 'CAS', saml: 'SAML', oidc: 'OpenID Connect' } as const;
const ENROLMENT_FIELDS: readonly SsoPersonField[] = ['studentNumber', 'affiliation'];

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The actor recorded for what a login through this method changes. */
export function ssoActor(methodId: string): string {
  return `sso:${methodId}`;
}

/**
 * Single sign-on core: the methods (configuration + admin settings), pending logins and replay
 * records in PostgreSQL, and the completion of a login (matching the person, trusted updates,
 * the account and the session). Protocols (CAS, SAML, OIDC) only verify the IdP's answer.
 */
export function createSsoService(deps: SsoServiceDeps) {
  const { db, auth, people, institution } = deps;
  const now = deps.now ?? (() => new Date());
  const configs = new Map(deps.ssoMethods.map((method) => [method.id, method]));
  const protocols = new Map<SsoMethodConfig['protocol'], SsoProtocolHandler>();

  function defaults(config: SsoMethodConfig): LoginMethodSettings {
    const name = PROTOCOL_NAMES[config.protocol];
    return {
      enabled: false,
      label: { fr: `Se connecter avec ${name} (${config.id})`, en: `Sign in with ${name} (${config.id})` },
      institution: null,
      eppnAttribute: DEFAULT_EPPN_ATTRIBUTE,
      fieldAttributes: {},
      trustedFields: [],
      groupsAttribute: null,
      createUnknown: false,
      contact: '',
    };
  }

  async function codeOf(executor: Executor, id: number | null): Promise<string | null> {
    if (id === null) return null;
    return (await institution.byId(executor, id))?.code ?? null;
  }

  async function toMethod(executor: Executor, config: SsoMethodConfig, row: repo.LoginMethodRow | undefined): Promise<SsoMethod> {
    if (!row) return { id: config.id, protocol: config.protocol, config, settings: defaults(config), institutionId: null };
    const fieldAttributes: Partial<Record<SsoPersonField, string>> = {};
    for (const field of SSO_PERSON_FIELDS) {
      const attribute = row.fieldAttributes[field];
      if (typeof attribute === 'string' && attribute !== '') fieldAttributes[field] = attribute;
    }
    return {
      id: config.id,
      protocol: config.protocol,
      config,
      institutionId: row.institutionId,
      settings: {
        enabled: row.enabled,
        label: { fr: row.labelFr, en: row.labelEn },
        institution: await codeOf(executor, row.institutionId),
        eppnAttribute: row.eppnAttribute,
        fieldAttributes,
        trustedFields: row.trustedFields.filter((field): field is SsoPersonField => (SSO_PERSON_FIELDS as readonly string[]).includes(field)),
        groupsAttribute: row.groupsAttribute,
        createUnknown: row.createUnknown,
        contact: row.contact,
      },
    };
  }

  async function allMethods(executor: Executor = db): Promise<SsoMethod[]> {
    const rows = await repo.findLoginMethods(executor, [...configs.keys()]);
    return Promise.all([...configs.values()].map((config) => toMethod(executor, config, rows.find((row) => row.id === config.id))));
  }

  async function method(id: string, executor: Executor = db): Promise<SsoMethod> {
    const config = configs.get(id);
    if (!config) throw notFound('sso_method_not_found', 'No such login method');
    return toMethod(executor, config, await repo.findLoginMethod(executor, id));
  }

  /** Where the IdP's logout brings the browser back (every protocol's `returnUrl`). */
  function loginPageUrl(): string {
    return `${deps.publicUrl}/login`;
  }

  function urlsOf(config: SsoMethodConfig): LoginMethodAdminView['urls'] {
    const base = `${deps.publicUrl}/auth/sso/${config.id}`;
    return {
      login: `${base}/login`,
      callback: config.protocol === 'saml' ? null : `${base}/callback`,
      metadata: config.protocol === 'saml' ? `${base}/metadata` : null,
      acs: config.protocol === 'saml' ? `${base}/acs` : null,
      singleLogout: config.protocol === 'saml' || config.protocol === 'cas' ? `${base}/slo` : null,
      backchannelLogout: config.protocol === 'oidc' ? `${base}/backchannel-logout` : null,
      postLogoutRedirect: config.protocol === 'oidc' ? loginPageUrl() : null,
    };
  }

  function adminView(found: SsoMethod, saved: boolean): LoginMethodAdminView {
    return { id: found.id, protocol: found.protocol, saved, ...found.settings, urls: urlsOf(found.config) };
  }

  /** True when an admin limited to `within` (expanded ids; null: none) may see and edit the method. */
  function manages(within: readonly number[] | null, found: SsoMethod): boolean {
    return within === null || (found.institutionId !== null && within.includes(found.institutionId));
  }

  /**
   * Trusted attributes onto the person, through the people service's normal update (history,
   * listeners). Values the person rules refuse (a malformed INE from the IdP) are left out rather
   * than failing the login. Enrolment fields go to the enrolment at the method's institution (or
   * the person's only one); a login never enrols anybody anywhere.
   */
  async function applyTrusted(found: SsoMethod, person: PersonView, values: Partial<Record<SsoPersonField, string>>, context: ActorContext): Promise<boolean> {
    const enrolmentAt = found.settings.institution ?? (person.enrolments.length === 1 ? person.enrolments[0]?.institution ?? null : null);
    const enrolment = enrolmentAt === null ? undefined : person.enrolments.find((candidate) => candidate.institution === enrolmentAt);
    const patch: Record<string, string> = {};
    for (const field of found.settings.trustedFields) {
      const value = values[field];
      if (value === undefined) continue;
      if (field === 'studentNumber' || field === 'affiliation') {
        if (enrolment && enrolment[field] !== value) patch[field] = value;
      } else if (person[field] !== value) {
        patch[field] = value;
      }
    }
    if (Object.keys(patch).length === 0) return false;
    if (enrolment && ENROLMENT_FIELDS.some((field) => field in patch)) patch.institution = enrolment.institution;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await people.update(person.id, patch, context);
        return true;
      } catch (error) {
        const refused = error instanceof ProblemError && error.status === 422 ? (error.errors ?? []).map((item) => item.field?.slice(1)) : [];
        const dropped = refused.filter((field): field is string => field !== undefined && field in patch);
        if (dropped.length === 0) {
          deps.logger.warn({ method: found.id, code: error instanceof ProblemError ? error.code : 'error' }, 'sso: trusted attributes not applied');
          return false;
        }
        for (const field of dropped) delete patch[field];
        if (Object.keys(patch).filter((field) => field !== 'institution').length === 0) return false;
      }
    }
    return false;
  }

  /**
   * Creates a person unknown to campuscard from their login, when the method allows it and their
   * affiliation maps to a person type that may request a card at the method's institution.
   */
  async function createFromLogin(found: SsoMethod, eppn: string, attributes: SsoAttributes, context: ActorContext): Promise<PersonView | undefined> {
    if (!found.settings.createUnknown || found.institutionId === null || found.settings.institution === null) return undefined;
    const types = (await institution.personTypesOf(db, found.institutionId)).filter((type) => type.disabledAt === null);
    const type = personTypeFor(affiliationsOf(attributes, found.settings.fieldAttributes), types);
    if (!type?.selfRequest) return undefined;
    const values = personFieldsOf(attributes, found.settings.fieldAttributes);
    if (!values.firstName || !values.lastName) return undefined;
    const input: Record<string, string> = { institution: found.settings.institution, eppn, personType: type.code };
    for (const [field, value] of Object.entries(values)) input[field] = value;
    const required = new Set(['institution', 'eppn', 'personType', 'firstName', 'lastName']);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return await people.create(input, context);
      } catch (error) {
        if (error instanceof ProblemError && error.code === 'eppn_taken') return people.getByEppn(eppn);
        const refused = error instanceof ProblemError && error.status === 422 ? (error.errors ?? []).map((item) => item.field?.slice(1)) : [];
        const dropped = refused.filter((field): field is string => field !== undefined && field in input && !required.has(field));
        if (dropped.length === 0 || dropped.length !== refused.length) throw error;
        for (const field of dropped) delete input[field];
      }
    }
    return undefined;
  }

  async function findPerson(eppn: string): Promise<PersonView | undefined> {
    try {
      return await people.getByEppn(eppn);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) return undefined;
      throw error;
    }
  }

  async function refused(found: SsoMethod, reason: SsoRefusalReason, groups?: string[]): Promise<SsoOutcome> {
    const institutionName = found.institutionId === null ? null : (await institution.byId(db, found.institutionId))?.name ?? null;
    return { kind: 'refused', reason, contact: found.settings.contact, institutionName, ...(groups ? { groups } : {}) };
  }

  return {
    /** The enabled methods, for the login page's buttons (configuration order). */
    async methods(): Promise<LoginMethodButton[]> {
      return (await allMethods()).filter((found) => found.settings.enabled).map((found) => ({
        id: found.id,
        protocol: found.protocol,
        label: found.settings.label,
        institution: found.settings.institution,
        startUrl: `/auth/sso/${found.id}/login`,
      }));
    },

    /** A configured method with its settings (enabled or not); 404 `sso_method_not_found`. */
    method,

    /** The methods an admin limited to `within` (expanded institution ids; null: none) manages. */
    async adminList(within: readonly number[] | null): Promise<LoginMethodAdminView[]> {
      const saved = new Set((await repo.findLoginMethods(db, [...configs.keys()])).map((row) => row.id));
      return (await allMethods()).filter((found) => manages(within, found)).map((found) => adminView(found, saved.has(found.id)));
    },

    /** One method an admin manages; 404 `sso_method_not_found` otherwise (as for a missing one). */
    async adminGet(id: string, within: readonly number[] | null): Promise<LoginMethodAdminView> {
      const found = await method(id);
      if (!manages(within, found)) throw notFound('sso_method_not_found', 'No such login method');
      return adminView(found, (await repo.findLoginMethod(db, id)) !== undefined);
    },

    /**
     * Saves an admin's settings of a method. An admin limited to some institutions edits only the
     * methods of their institutions and cannot move one elsewhere (or make it federation-wide).
     * 422 `unknown_institution` for an institution that does not exist (or is out of reach).
     */
    async save(id: string, input: LoginMethodSettings, within: readonly number[] | null, context: ActorContext): Promise<LoginMethodAdminView> {
      const current = await method(id);
      if (!manages(within, current)) throw notFound('sso_method_not_found', 'No such login method');
      let institutionId: number | null = null;
      if (input.institution !== null) {
        const found = await institution.byCode(db, input.institution);
        if (!found || (within !== null && !within.includes(found.id))) {
          throw unprocessable('unknown_institution', `Unknown institution: ${input.institution}`, { field: '/institution' });
        }
        institutionId = found.id;
      } else if (within !== null) {
        throw forbidden('Only an admin of the whole deployment may make a login method federation-wide', 'institution_required');
      }
      const fieldAttributes: Record<string, string> = {};
      for (const field of SSO_PERSON_FIELDS) {
        const attribute = input.fieldAttributes[field]?.trim();
        if (attribute && attribute !== DEFAULT_FIELD_ATTRIBUTES[field]) fieldAttributes[field] = attribute;
      }
      await inTransaction(db, context, (trx) => repo.upsertLoginMethod(trx, {
        id,
        enabled: input.enabled,
        labelFr: input.label.fr.trim(),
        labelEn: input.label.en.trim(),
        institutionId,
        eppnAttribute: input.eppnAttribute.trim(),
        fieldAttributes,
        trustedFields: [...new Set(input.trustedFields)],
        groupsAttribute: input.groupsAttribute?.trim() || null,
        createUnknown: input.createUnknown,
        contact: input.contact.trim(),
      }));
      return adminView(await method(id), true);
    },

    /**
     * Default settings for configured methods that have none yet (the demo seed, first boot);
     * existing settings are never overwritten. Returns how many were inserted.
     */
    async seedDefaults(
      rows: ReadonlyArray<{ id: string } & Partial<Omit<LoginMethodSettings, 'institution'>> & { institution?: string | null }>,
      context: ActorContext,
    ): Promise<number> {
      const values: repo.LoginMethodValues[] = [];
      for (const row of rows) {
        const config = configs.get(row.id);
        if (!config) continue;
        const base = defaults(config);
        const found = row.institution ? await institution.byCode(db, row.institution) : undefined;
        values.push({
          id: row.id,
          enabled: row.enabled ?? base.enabled,
          labelFr: row.label?.fr ?? base.label.fr,
          labelEn: row.label?.en ?? base.label.en,
          institutionId: found?.id ?? null,
          eppnAttribute: row.eppnAttribute ?? base.eppnAttribute,
          fieldAttributes: row.fieldAttributes ?? {},
          trustedFields: row.trustedFields ?? [],
          groupsAttribute: row.groupsAttribute ?? null,
          createUnknown: row.createUnknown ?? false,
          contact: row.contact ?? '',
        });
      }
      return inTransaction(db, context, (trx) => repo.insertLoginMethodsIfMissing(trx, values));
    },

    /**
     * Starts a login: stores the pending state (hashed, single use, 10 minutes) with where to go
     * back (`returnTo`, kept only when it is a path of this site) and the protocol's data.
     * Returns the state to send to the IdP. 404 `sso_method_not_found` for an unknown method.
     */
    async beginLogin(methodId: string, input: { returnTo?: string | null | undefined; payload?: Record<string, string>; browser: string }):
      Promise<{ state: string }> {
      if (!configs.has(methodId)) throw notFound('sso_method_not_found', 'No such login method');
      const state = randomBytes(32).toString('base64url');
      await repo.insertPendingLogin(db, {
        stateHash: sha256(state), methodId, returnTo: safeReturnTo(input.returnTo), payload: input.payload ?? {},
        expiresAt: new Date(now().getTime() + PENDING_TTL_MS), browserHash: sha256(input.browser),
      });
      return { state };
    },

    /**
     * Takes a pending login back (once: a second call, another method, or an expired state get
     * undefined). `browser` is the binding cookie's value the callback came with; it is compared
     * (constant time, on hashes) with the one stored at beginLogin: see TakenLogin.sameBrowser.
     * A login taken from another browser is spent all the same (it was somebody else's).
     */
    async takeLogin(methodId: string, state: string | null | undefined, browser: string | null | undefined): Promise<TakenLogin | undefined> {
      if (typeof state !== 'string' || !STATE_PATTERN.test(state)) return undefined;
      const row = await repo.takePendingLogin(db, methodId, sha256(state), now());
      if (!row) return undefined;
      const stored = Buffer.from(row.browserHash ?? '', 'utf8');
      const given = Buffer.from(typeof browser === 'string' && browser !== '' ? sha256(browser) : '', 'utf8');
      const sameBrowser = given.length > 0 && given.length === stored.length && timingSafeEqual(given, stored);
      return { returnTo: row.returnTo, payload: row.payload, sameBrowser };
    },

    /**
     * Remembers an id (SAML assertion id, logout-token jti) until `expiresAt` (at least 5
     * minutes): true the first time, false on a replay.
     */
    async rememberOnce(methodId: string, id: string, expiresAt: Date): Promise<boolean> {
      const at = now();
      const until = new Date(Math.max(expiresAt.getTime(), at.getTime() + MIN_SEEN_TTL_MS));
      return repo.insertSeenId(db, methodId, sha256(id), until, at);
    },

    /**
     * Completes a login the protocol verified: matches the person by the method's eppn
     * attribute, applies the trusted attributes (history actor `sso:<methodId>`), finds the
     * account (a group-granted or eppn-granted staff account first, else the person's cardholder
     * account, created on first login; an unknown person is created only when the method allows
     * it), and opens a session like a password login. Refusals are outcomes, never errors.
     */
    async completeLogin(identity: SsoIdentity, options: { ip: string | null; returnTo?: string | null }): Promise<SsoOutcome> {
      const found = await method(identity.methodId);
      if (!found.settings.enabled) return refused(found, 'method_disabled');
      const eppn = eppnOf(identity.attributes, found.settings.eppnAttribute);
      if (eppn === undefined) return refused(found, 'no_eppn');
      const context: ActorContext = { actor: ssoActor(found.id), ...(options.ip ? { ip: options.ip } : {}) };
      const values = personFieldsOf(identity.attributes, found.settings.fieldAttributes);
      const groups = groupsOf(identity.attributes, found.settings.groupsAttribute);

      let person = await findPerson(eppn);
      if (person && await applyTrusted(found, person, values, context)) person = await people.get(person.id);
      const displayName = person ? `${person.firstName} ${person.lastName}`
        : [values.firstName, values.lastName].filter(Boolean).join(' ') || eppn;
      const email = person?.email ?? values.email ?? null;
      const groupRoles = deps.groupRoles?.();

      const staff = await inTransaction(db, context, async (trx) => {
        const granted = groupRoles ? await groupRoles.roleAtLogin(trx, { eppn, groups, email, displayName, personId: person?.id ?? null, methodId: found.id }) : undefined;
        return granted ?? (await auth.accountByEppn(eppn, trx))?.id;
      });
      if (staff === undefined && !person) person = await createFromLogin(found, eppn, identity.attributes, context);
      // Someone the identity provider puts in groups, none of which gives a role, is told so (with
      // the groups, for the admin who may map one): the usual case of staff refused until an admin
      // maps their group, unlike a person nobody knows at all.
      if (staff === undefined && !person) return groups.length > 0 ? refused(found, 'unmapped_groups', groups) : refused(found, 'unknown_person');

      const sso: SsoSessionData = {
        methodId: found.id, sessionKey: identity.sessionKey, logoutData: identity.logoutData ?? null, subjectKey: identity.subjectKey ?? null,
      };
      const open = () => inTransaction(db, context, async (trx) => {
        let accountId = staff;
        if (accountId === undefined && person) {
          const account = await auth.ensureCardholderAccount(trx, { id: person.id, eppn, displayName },
            [person.email, values.email, eppn].filter((item): item is string => typeof item === 'string'));
          accountId = account.id;
        }
        return accountId === undefined ? undefined : auth.createSsoSession(trx, accountId, options.ip, sso);
      });
      // Two first logins of one person at once (two tabs, a double click): the second to create
      // the account meets the first's (or its e-mail) and, once again, finds it.
      const opened = await open().catch((error: unknown) => {
        if (isUniqueViolation(error)) return open();
        throw error;
      });
      if (!opened) return refused(found, 'account_disabled');
      const landing = landingPath(opened.account.role, safeReturnTo(options.returnTo));
      return { kind: 'session', sessionToken: opened.sessionToken, expiresAt: opened.expiresAt, landing, cookieSecure: deps.cookieSecure };
    },

    /** Ends the sessions a back-channel logout names (CAS, SAML, OIDC); returns how many. */
    async endSsoSessions(methodId: string, sessionKey: string): Promise<number> {
      if (!configs.has(methodId) || sessionKey === '') return 0;
      return auth.endSsoSessions(methodId, sessionKey, { actor: ssoActor(methodId) });
    },

    /** Ends every session of a subject (SsoIdentity.subjectKey: a SAML LogoutRequest without SessionIndex); returns how many. */
    async endSsoSubjectSessions(methodId: string, subjectKey: string): Promise<number> {
      if (!configs.has(methodId) || subjectKey === '') return 0;
      return auth.endSsoSessions(methodId, subjectKey, { actor: ssoActor(methodId) }, 'subject');
    },

    /** Registers how a protocol ends the IdP session (once per protocol). */
    registerProtocol(protocol: SsoMethodConfig['protocol'], handler: SsoProtocolHandler): void {
      if (protocols.has(protocol)) throw new Error(`SSO protocol ${protocol} is already registered`);
      protocols.set(protocol, handler);
    },

    /**
     * Where the browser goes after a local logout to end the IdP session too: the protocol's
     * logout URL, or null (password session, method gone, protocol without one). Never throws:
     * the local session is already over.
     */
    async logoutUrl(ended: SsoSessionData): Promise<string | null> {
      const config = configs.get(ended.methodId);
      const handler = config ? protocols.get(config.protocol) : undefined;
      if (!config || !handler) return null;
      try {
        const found = await method(config.id);
        return await handler.logoutUrl(found, { sessionKey: ended.sessionKey, logoutData: ended.logoutData, returnUrl: loginPageUrl() });
      } catch (error) {
        deps.logger.warn({ method: config.id, err: error instanceof Error ? error.message : 'error' }, 'sso: no IdP logout URL');
        return null;
      }
    },

    /** Readable names of `sso:<id>` actors: the method's French label (for histories). */
    async actorNames(ids: readonly string[]): Promise<Map<string, string>> {
      const rows = await repo.findLoginMethods(db, ids.filter((id) => configs.has(id)));
      const names = new Map<string, string>();
      for (const id of ids) {
        const config = configs.get(id);
        if (!config) continue;
        names.set(id, rows.find((row) => row.id === id)?.labelFr ?? defaults(config).label.fr);
      }
      return names;
    },

    /** Deletes expired pending logins and replay records (scheduled housekeeping). */
    async purgeExpired(): Promise<number> {
      return repo.purgeExpired(db, now());
    },
  };
}

export type SsoService = ReturnType<typeof createSsoService>;
