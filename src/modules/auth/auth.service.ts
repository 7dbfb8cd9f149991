import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound, ProblemError, unauthorized, unprocessable } from '../../platform/http/problem.ts';
import type { Executor } from '../../platform/db/database.ts';
import { checkPasswordRule, normalizePassword } from './domain/password-rule.ts';
import { effectiveTokenRole, narrowInstitutions, narrowPersonTypes, type Principal, type Role, type TokenRole } from './domain/roles.ts';
import * as repo from './auth.repository.ts';
import * as groupRepo from './group-roles.repository.ts';
import { grantedInstitutionIds } from './domain/institution-grants.ts';

export interface AuthServiceOptions {
  sessionTtlHours: number;
  loginMaxAttempts: number;
  loginWindowMinutes: number;
  /** The institutions, to name grants by code and expand federation grants (the institution context's service). */
  institutions: InstitutionDirectory;
  now?: () => Date;
}

/** What the auth context needs of the institution context. */
export interface InstitutionDirectory {
  list(executor: Executor): Promise<ReadonlyArray<{ id: number; code: string }>>;
  covered(executor: Executor, granted: readonly number[]): Promise<number[]>;
}

/**
 * The institution limit of the admin managing accounts (expanded ids; null: none). A limited
 * admin sees and manages only staff accounts granted within their institutions, and grants no more.
 */
export type ManagedWithin = readonly number[] | null;

/** An account as shown through the API. */
export interface AccountView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  personTypes: string[] | null;
  /** Codes of the institutions the role is granted in (a federation covers its members); null: all. */
  institutions: string[] | null;
  personId: string | null;
  /** The eppn the account logs in with by single sign-on; null: none. */
  eppn: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

/** A session opened for an account (password or single sign-on). */
export interface OpenedSession {
  sessionToken: string;
  csrfToken: string;
  account: AccountView;
  expiresAt: Date;
}

/** What single sign-on records on a session: the method, the key its single logout names, what ending the IdP session needs. */
export interface SsoSessionData {
  methodId: string;
  sessionKey: string | null;
  logoutData: Record<string, string> | null;
  /** What a single logout naming only the subject matches (SAML NameID without SessionIndex); absent: none. */
  subjectKey?: string | null;
}

/** Names actors of one prefix (e.g. `sso:` → the login method's label) for {@link AuthService.actorNames}. */
export type ActorNamer = (ids: readonly string[]) => Promise<ReadonlyMap<string, string>>;

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  role: TokenRole;
  personTypes: string[] | null;
  institutions: string[] | null;
  createdBy: string;
  /** The account the token acts for (null only for tokens revoked because they had none). */
  actsFor: { id: string; displayName: string; email: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** SHA-256 of a high-entropy secret: enough for random tokens (unlike passwords). */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * CSRF token of a session, derived from the session secret so nothing more is stored. A page can
 * read it (same origin), another site cannot, and a stolen CSRF token does not open the session.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

const IP_LIMIT_FACTOR = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Institution id → code, to show grants by code. */
type CodeMap = ReadonlyMap<number, string>;

function codesOf(ids: readonly number[] | null, codes: CodeMap): string[] | null {
  return ids === null ? null : ids.map((id) => codes.get(id) ?? String(id));
}

function viewAccount(row: repo.AccountRow, codes: CodeMap): AccountView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    personTypes: row.personTypes,
    institutions: codesOf(row.institutionIds, codes),
    personId: row.personId,
    eppn: row.eppn,
    disabled: row.disabledAt !== null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

function viewToken(row: repo.ApiTokenWithAccountRow, codes: CodeMap): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    role: row.role,
    personTypes: row.personTypes,
    institutions: codesOf(row.institutionIds, codes),
    createdBy: row.createdBy,
    actsFor: row.accountId !== null && row.accountDisplayName !== null && row.accountEmail !== null
      ? { id: row.accountId, displayName: row.accountDisplayName, email: row.accountEmail }
      : null,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}

/**
 * Applies the password rule (see password-rule.ts) and hashes the normalised password; a refused
 * one is a 422 naming the rule it breaks and the field.
 */
async function hashNewPassword(password: string, account: { email: string; displayName?: string }): Promise<string> {
  const verdict = await checkPasswordRule(password, account);
  if (!verdict.ok) throw unprocessable(verdict.code, verdict.detail, { field: '/password' });
  return argon2Hash(verdict.normalized);
}

/**
 * Checks a password against its hash. New hashes are of the NFKC form; hashes made before
 * normalisation are of the raw form, so when the two forms differ the raw one is tried too and
 * nobody who typed the same characters as before is locked out.
 */
async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const normalized = normalizePassword(password);
  if (await argon2Verify(hash, normalized).catch(() => false)) return true;
  return normalized !== password && argon2Verify(hash, password).catch(() => false);
}

/** 429 for a login refused by the throttle, with the seconds until a slot frees (Retry-After). */
function tooManyAttempts(retryAfterSeconds: number): ProblemError {
  return new ProblemError(429, 'too_many_login_attempts',
    `Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`,
    { extensions: { retryAfterSeconds } });
}

/**
 * Accounts, passwords (argon2id), sessions stored in PostgreSQL, API tokens, and login throttling
 * kept in the database so that every node behind a load balancer sees the same counts.
 */
export function createAuthService(db: Kysely<Database>, options: AuthServiceOptions) {
  const now = options.now ?? (() => new Date());
  // A fixed dummy hash lets unknown e-mails cost as much as known ones (no user enumeration by timing).
  const dummyHash = argon2Hash('not-a-real-password-0000');

  async function codeMap(executor: Executor = db): Promise<CodeMap> {
    return new Map((await options.institutions.list(executor)).map((ref) => [ref.id, ref.code]));
  }

  /**
   * Institution ids from codes an admin grants. Unknown codes, and codes outside what the admin
   * manages, are the same 422 (naming nothing the admin may not see). A limited admin who names
   * no institution grants their own limit (never "all").
   */
  async function grantIds(codes: readonly string[] | null | undefined, within: ManagedWithin): Promise<number[] | null | undefined> {
    if (codes === undefined) return within === null ? undefined : [...within];
    if (codes === null) return within === null ? null : [...within];
    const ids = grantedInstitutionIds(await options.institutions.list(db), codes, within);
    return ids;
  }

  /** Expanded grants: null stays "all"; federations bring their members. */
  async function expand(ids: readonly number[] | null): Promise<number[] | null> {
    return ids === null ? null : options.institutions.covered(db, ids);
  }

  /**
   * The scope of one call: the expanded grants, narrowed to the focused institution (the header's
   * code, else the session's remembered choice). A header naming an institution the caller does
   * not cover is 404 `institution_not_found`; a remembered choice no longer covered is ignored.
   */
  async function scopeOf(granted: number[] | null, focusCode: string | undefined, remembered: number | null):
    Promise<Pick<Principal, 'institutionIds' | 'grantedInstitutionIds' | 'focusInstitutionId'>> {
    let focus: number | null = null;
    if (focusCode !== undefined) {
      const found = (await options.institutions.list(db)).find((ref) => ref.code === focusCode);
      if (!found || (granted !== null && !granted.includes(found.id))) throw notFound('institution_not_found', 'No such institution');
      focus = found.id;
    } else if (remembered !== null && (granted === null || granted.includes(remembered))) {
      focus = remembered;
    }
    if (focus === null) return { institutionIds: granted, grantedInstitutionIds: granted, focusInstitutionId: null };
    const focused = await options.institutions.covered(db, [focus]);
    return { institutionIds: narrowInstitutions(focused, granted), grantedInstitutionIds: granted, focusInstitutionId: focus };
  }

  const actorNamers = new Map<string, ActorNamer>();

  /** A new session for an account, in `trx` (the caller's transaction). */
  async function openSession(trx: Executor, account: repo.AccountRow, ip: string | null, sso?: SsoSessionData): Promise<OpenedSession> {
    const sessionToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now().getTime() + options.sessionTtlHours * 3_600_000);
    await repo.insertSession(trx, { tokenHash: hashToken(sessionToken), accountId: account.id, ip, expiresAt },
      sso ? { ssoMethodId: sso.methodId, ssoSessionKey: sso.sessionKey, ssoLogoutData: sso.logoutData, ssoSubjectKey: sso.subjectKey ?? null }
        : undefined);
    await repo.updateAccount(trx, account.id, { lastLoginAt: now() });
    return { sessionToken, csrfToken: csrfTokenFor(sessionToken), account: viewAccount(account, await codeMap(trx)), expiresAt };
  }

  function throttleKeys(email: string, ip: string): string[] {
    return [hashToken(`login:email:${email.toLowerCase()}`), hashToken(`login:ip:${ip}`)];
  }

  return {
    /** Creates an account. Cardholder accounts must be linked to a person. */
    async createAccount(
      input: { email: string; password?: string | undefined; displayName: string; role: Role; personTypes?: string[] | null;
        institutions?: string[] | null; personId?: string | null; eppn?: string | null },
      context: ActorContext,
      within: ManagedWithin = null,
    ): Promise<AccountView> {
      if (within !== null && input.role === 'cardholder') {
        throw forbidden('Cardholder accounts are made by an admin of the whole deployment (or by single sign-on)');
      }
      const institutionIds = input.role === 'cardholder' ? null : ((await grantIds(input.institutions, within)) ?? null);
      if (input.role === 'cardholder' && !input.personId) {
        throw unprocessable('person_required', 'A cardholder account must be linked to a person', { field: '/personId' });
      }
      const passwordHash = input.password === undefined ? null : await hashNewPassword(input.password, input);
      try {
        const row = await inTransaction(db, context, (trx) => repo.insertAccount(trx, {
          email: input.email.trim(),
          displayName: input.displayName.trim(),
          passwordHash,
          role: input.role,
          personTypes: input.role === 'manager' || input.role === 'viewer' ? (input.personTypes ?? null) : null,
          institutionIds,
          personId: input.personId ?? null,
          eppn: input.eppn?.trim().toLowerCase() || null,
        }));
        return viewAccount(row, await codeMap());
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_email_key')) {
          throw conflict('email_taken', 'An account with this e-mail already exists', { field: '/email' });
        }
        if (isUniqueViolation(error, 'accounts_person_key')) {
          throw conflict('person_has_account', 'This person already has an account', { field: '/personId' });
        }
        if (isUniqueViolation(error, 'accounts_eppn_key')) {
          throw conflict('eppn_taken', 'Another account already logs in with this eppn', { field: '/eppn' });
        }
        throw error;
      }
    },

    /** Lists the accounts the admin manages. */
    async listAccounts(limit: number, offset: number, within: ManagedWithin = null): Promise<AccountView[]> {
      const codes = await codeMap();
      return (await repo.listAccounts(db, limit, offset, within)).map((row) => viewAccount(row, codes));
    },

    /** Reads one account the admin manages (404 otherwise). */
    async getAccount(id: string, within: ManagedWithin = null): Promise<AccountView> {
      const row = await repo.findAccountById(db, id, within);
      if (!row) throw notFound('account_not_found', 'No such account');
      return viewAccount(row, await codeMap());
    },

    /**
     * Remembers the institution the console is switched to (null: all the account covers). It
     * must be one the account covers: 404 `institution_not_found` otherwise.
     */
    async rememberInstitution(principal: Principal, code: string | null, context: ActorContext): Promise<void> {
      if (principal.kind !== 'session') throw forbidden('Only a console session remembers an institution; API clients send the header');
      let id: number | null = null;
      if (code !== null) {
        const found = (await options.institutions.list(db)).find((ref) => ref.code === code);
        if (!found || (principal.grantedInstitutionIds !== null && !principal.grantedInstitutionIds.includes(found.id))) {
          throw notFound('institution_not_found', 'No such institution');
        }
        id = found.id;
      }
      await inTransaction(db, context, (trx) => repo.updateAccount(trx, principal.id, { currentInstitutionId: id }));
    },

    /**
     * Readable names of the actors recorded in histories (`account:<id>` → the account's display
     * name, `token:<id>` → the token's name), so that people see who did what rather than an id.
     * Other actors (system jobs, the demo seed) and unknown ids are left out of the map.
     */
    async actorNames(actors: readonly string[]): Promise<Map<string, string>> {
      const idsOf = (prefix: string) => [...new Set(actors.filter((actor) => actor.startsWith(prefix)).map((actor) => actor.slice(prefix.length)))]
        .filter((id) => UUID.test(id));
      const found = await repo.findActorNames(db, idsOf('account:'), idsOf('token:'));
      const names = new Map([
        ...found.accounts.map((row): [string, string] => [`account:${row.id}`, row.displayName]),
        ...found.tokens.map((row): [string, string] => [`token:${row.id}`, row.name]),
      ]);
      for (const [prefix, namer] of actorNamers) {
        const ids = [...new Set(actors.filter((actor) => actor.startsWith(prefix)).map((actor) => actor.slice(prefix.length)))];
        if (ids.length === 0) continue;
        for (const [id, name] of await namer(ids)) names.set(`${prefix}${id}`, name);
      }
      return names;
    },

    /**
     * Lets another context name the actors of one prefix in histories (`sso:` → the login
     * method's label). For the composition root; a prefix is registered once.
     */
    registerActorNames(prefix: string, namer: ActorNamer): void {
      if (actorNamers.has(prefix) || prefix === 'account:' || prefix === 'token:') throw new Error(`Actor prefix ${prefix} is already named`);
      actorNamers.set(prefix, namer);
    },

    /** The account that logs in with this eppn by single sign-on (any case), if any; disabled ones too. */
    async accountByEppn(eppn: string, executor: Executor = db): Promise<AccountView | undefined> {
      const row = await repo.findAccountByEppn(executor, eppn);
      return row ? viewAccount(row, await codeMap(executor)) : undefined;
    },

    /**
     * The cardholder account of a person logging in by single sign-on, created on their first
     * login (no password: they always come through their IdP). Its e-mail is the first of
     * `emails` no other account uses, else an address under the reserved `.invalid` domain, so
     * that somebody else's account holding the same e-mail never blocks (nor is ever linked to)
     * this login. Runs in `executor` (the caller's transaction).
     */
    async ensureCardholderAccount(
      executor: Executor,
      person: { id: string; displayName: string; eppn: string },
      emails: readonly string[],
    ): Promise<AccountView> {
      const existing = await repo.findAccountByPerson(executor, person.id);
      if (existing) return viewAccount(existing, await codeMap(executor));
      const candidates = [...new Set(emails.map((email) => email.trim().toLowerCase()).filter((email) => /^[^@\s]+@[^@\s]+$/.test(email)))];
      const taken = await repo.findTakenEmails(executor, candidates);
      const email = candidates.find((candidate) => !taken.has(candidate)) ?? `sso-${person.id}@accounts.invalid`;
      const row = await repo.insertAccount(executor, {
        email, displayName: person.displayName.slice(0, 200), passwordHash: null, role: 'cardholder',
        personTypes: null, institutionIds: null, personId: person.id,
      });
      return viewAccount(row, await codeMap(executor));
    },

    /**
     * Opens a session for an account that single sign-on identified, exactly like a password
     * login (same token, cookie, CSRF and expiry) with the SSO columns set. A disabled or unknown
     * account gets none (undefined). Runs in `executor` (the caller's transaction).
     */
    async createSsoSession(executor: Executor, accountId: string, ip: string | null, sso: SsoSessionData): Promise<OpenedSession | undefined> {
      const account = await repo.findAccountById(executor, accountId);
      if (!account || account.disabledAt) return undefined;
      return openSession(executor, account, ip, sso);
    },

    /**
     * Ends the sessions a single logout message names (method + session key, or + subject key
     * when `by` is 'subject': every session of that subject); returns how many.
     */
    async endSsoSessions(methodId: string, key: string, context: ActorContext, by: 'session' | 'subject' = 'session'): Promise<number> {
      return inTransaction(db, context, (trx) => repo.deleteSsoSessions(trx, methodId, key, by));
    },

    /** The account with this e-mail (case-insensitive), if any. */
    async accountByEmail(email: string): Promise<AccountView | undefined> {
      const row = await repo.findAccountByEmail(db, email);
      return row ? viewAccount(row, await codeMap()) : undefined;
    },

    /** The account of a person, if they have one. */
    async accountOfPerson(personId: string): Promise<AccountView | undefined> {
      const row = await repo.findAccountByPerson(db, personId);
      return row ? viewAccount(row, await codeMap()) : undefined;
    },

    /**
     * Changes role, limits, name, password or disabled state; ends the sessions when access shrinks.
     * The last enabled admin can be neither demoted nor disabled (409 `last_admin`), checked under
     * a lock so that concurrent changes cannot together leave none.
     */
    async updateAccount(
      id: string,
      changes: { displayName?: string; role?: Role; personTypes?: string[] | null; institutions?: string[] | null; password?: string; disabled?: boolean;
        eppn?: string | null },
      context: ActorContext,
      within: ManagedWithin = null,
    ): Promise<AccountView> {
      let passwordHash: string | undefined;
      const current = await repo.findAccountById(db, id, within);
      if (!current) throw notFound('account_not_found', 'No such account');
      const institutionIds = changes.institutions === undefined ? undefined : await grantIds(changes.institutions, within);
      if (changes.password !== undefined) {
        passwordHash = await hashNewPassword(changes.password, { email: current.email, displayName: changes.displayName ?? current.displayName });
      }
      return inTransaction(db, context, async (trx) => {
        const removesAdmin = (changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true;
        if (removesAdmin) {
          const admins = await repo.lockEnabledAdmins(trx);
          if (admins.length <= 1 && admins.includes(id)) {
            throw conflict('last_admin', 'This is the last enabled admin account: make another admin first',
              { field: changes.disabled === true ? '/disabled' : '/role' });
          }
        }
        const row = await repo.updateAccount(trx, id, {
          ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.personTypes !== undefined ? { personTypes: changes.personTypes } : {}),
          ...(institutionIds !== undefined ? { institutionIds } : {}),
          ...(passwordHash !== undefined ? { passwordHash } : {}),
          ...(changes.disabled !== undefined ? { disabledAt: changes.disabled ? now() : null } : {}),
          ...(changes.eppn !== undefined ? { eppn: changes.eppn?.trim().toLowerCase() || null } : {}),
        });
        if (!row) throw notFound('account_not_found', 'No such account');
        // An admin deciding the role, limits or state of a group-granted account makes its grant
        // local: groups never change it again (see domain/group-roles.ts).
        if (changes.role !== undefined || changes.personTypes !== undefined || institutionIds !== undefined || changes.disabled !== undefined) {
          await groupRepo.dropGrant(trx, id);
        }
        if (passwordHash !== undefined || changes.disabled || changes.role !== undefined || changes.personTypes !== undefined
          || institutionIds !== undefined) {
          await repo.deleteSessionsOfAccount(trx, id);
        }
        return viewAccount(row, await codeMap(trx));
      }).catch((error: unknown) => {
        if (isUniqueViolation(error, 'accounts_eppn_key')) {
          throw conflict('eppn_taken', 'Another account already logs in with this eppn', { field: '/eppn' });
        }
        throw error;
      });
    },

    /**
     * Checks e-mail and password and opens a session. Each attempt first reserves a slot per
     * e-mail and per client address (see reserveLoginAttempt: atomic across nodes); past the
     * limit the answer is 429 with the seconds to wait, whatever the password, and the password is
     * not even checked. A failure keeps its slot; a success gives the address's slot back and
     * clears the e-mail's count. Returns the session secret (for the cookie) and its CSRF token.
     */
    async login(email: string, password: string, ip: string): Promise<OpenedSession> {
      const keys = throttleKeys(email, ip);
      const at = now();
      const windowMs = options.loginWindowMinutes * 60_000;
      const since = new Date(at.getTime() - windowMs);
      // A whole campus may share one address (NAT), so the per-address limit is wider.
      const limits = [options.loginMaxAttempts, options.loginMaxAttempts * IP_LIMIT_FACTOR];
      const reserved: string[] = [];
      for (const [index, key] of keys.entries()) {
        const slot = await repo.reserveLoginAttempt(db, key, at, since, limits[index] as number);
        if (!slot.admitted) {
          for (const done of reserved) await repo.releaseLoginAttempt(db, done, at);
          throw tooManyAttempts(Math.max(1, Math.ceil((slot.oldest.getTime() + windowMs - at.getTime()) / 1000)));
        }
        reserved.push(key);
      }
      const account = await repo.findAccountByEmail(db, email);
      const ok = account?.passwordHash
        ? await verifyPassword(account.passwordHash, password)
        : await argon2Verify(await dummyHash, password).then(() => false);
      if (!account || !ok || account.disabledAt) throw unauthorized('E-mail or password is wrong', 'invalid_credentials');
      return inTransaction(db, { actor: `account:${account.id}`, ip }, async (trx) => {
        const opened = await openSession(trx, account, ip);
        await repo.clearLoginAttempts(trx, keys[0] as string);
        await repo.releaseLoginAttempt(trx, keys[1] as string, at);
        return opened;
      });
    },

    /**
     * Ends a session. Returns what single sign-on recorded on it (null for a password session, or
     * when it was already gone), for the protocol to end the IdP session too.
     */
    async logout(sessionId: string, context: ActorContext): Promise<SsoSessionData | null> {
      const ended = await inTransaction(db, context, (trx) => repo.deleteSession(trx, sessionId));
      return ended ? { methodId: ended.ssoMethodId, sessionKey: ended.ssoSessionKey, logoutData: ended.ssoLogoutData } : null;
    },

    /** Resolves a session cookie to the caller, or null when it is unknown, expired or disabled. */
    async principalFromSession(sessionToken: string, focusCode?: string): Promise<Principal | null> {
      const row = await repo.findLiveSession(db, hashToken(sessionToken), now());
      if (!row || row.disabledAt) return null;
      // A cardholder acts on their own data at every institution: no institution scope applies.
      const granted = row.role === 'cardholder' ? null : await expand(row.institutionIds);
      return {
        ...(row.role === 'cardholder'
          ? { institutionIds: [], grantedInstitutionIds: [], focusInstitutionId: null }
          : await scopeOf(granted, focusCode, row.currentInstitutionId)),
        kind: 'session',
        id: row.accountId,
        actor: `account:${row.accountId}`,
        displayName: row.displayName,
        role: row.role,
        personTypes: row.personTypes,
        personId: row.personId,
        sessionId: row.sessionId,
      };
    },

    /**
     * Resolves a bearer token to the caller, or null when it is unknown or revoked, or when the
     * account it acts for is disabled or gone. The token acts with at most that account's current
     * role (capped, see effectiveTokenRole) and within both its own and the account's person-type
     * limits: derived at every call, so nothing is left to update when an account changes.
     */
    async principalFromToken(secret: string, focusCode?: string): Promise<Principal | null> {
      const row = await repo.findUsableApiToken(db, hashToken(secret));
      if (!row?.accountId) return null;
      const role = effectiveTokenRole(row.role, row.accountRole);
      if (role === null) return null;
      await repo.touchApiToken(db, row.id, now());
      const granted = narrowInstitutions(await expand(row.institutionIds), await expand(row.accountInstitutionIds));
      return {
        ...(await scopeOf(granted, focusCode, null)),
        kind: 'token',
        id: row.id,
        actor: `token:${row.id}`,
        displayName: row.name,
        role,
        personTypes: narrowPersonTypes(row.personTypes, row.accountPersonTypes),
        personId: null,
        accountId: row.accountId,
      };
    },

    /** Checks a CSRF token against the session secret it derives from, in constant time. */
    checkCsrf(sessionToken: string, presented: string | undefined): void {
      const expected = Buffer.from(csrfTokenFor(sessionToken));
      const given = Buffer.from(presented ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw forbidden('Missing or wrong X-CSRF-Token header', 'csrf_failed');
      }
    },

    /**
     * Creates an API token acting for an account (the caller's own account, or the account behind
     * the caller's token). The account must be enabled and hold the token's role; the token's
     * person types are narrowed to `actsFor.personTypes` (the caller's own limits), so a limited
     * token cannot mint a wider one. The secret is returned once and only its hash is kept.
     */
    async createApiToken(
      input: { name: string; role: TokenRole; personTypes?: string[] | null; institutions?: string[] | null },
      actsFor: { accountId: string; personTypes: string[] | null; institutionIds: number[] | null },
      context: ActorContext,
    ): Promise<{ token: string; view: ApiTokenView }> {
      const secret = `cc_${randomBytes(32).toString('base64url')}`;
      const requested = input.institutions === undefined || input.institutions === null
        ? null : ((await grantIds(input.institutions, actsFor.institutionIds)) ?? null);
      const id = await inTransaction(db, context, async (trx) => {
        const account = await repo.findAccountById(trx, actsFor.accountId);
        if (!account || account.disabledAt) {
          throw unprocessable('token_account_unusable', 'A token must act for an enabled account', { field: '/account' });
        }
        if (effectiveTokenRole(input.role, account.role) !== input.role) {
          throw unprocessable('token_role_exceeds_account', `The account is ${account.role}: it cannot hand out a ${input.role} token`, { field: '/role' });
        }
        const row = await repo.insertApiToken(trx, {
          name: input.name.trim(),
          tokenPrefix: secret.slice(0, 7),
          tokenHash: hashToken(secret),
          role: input.role,
          personTypes: narrowPersonTypes(input.personTypes ?? null, actsFor.personTypes),
          institutionIds: narrowInstitutions(requested, actsFor.institutionIds),
          createdBy: context.actor,
          accountId: account.id,
        });
        return row.id;
      });
      const row = await repo.findApiToken(db, id);
      if (!row) throw notFound('token_not_found', 'No such token');
      return { token: secret, view: viewToken(row, await codeMap()) };
    },

    /** Lists the API tokens of the accounts the admin manages (never their secrets). */
    async listApiTokens(within: ManagedWithin = null): Promise<ApiTokenView[]> {
      const codes = await codeMap();
      return (await repo.listApiTokens(db, within)).map((row) => viewToken(row, codes));
    },

    /** Revokes an API token at once (one of an account the admin manages). */
    async revokeApiToken(id: string, context: ActorContext, within: ManagedWithin = null): Promise<ApiTokenView> {
      if (!(await repo.findApiToken(db, id, within))) throw notFound('token_not_found', 'No such active token');
      const revoked = await inTransaction(db, context, (trx) => repo.revokeApiToken(trx, id, now()));
      const row = revoked ? await repo.findApiToken(db, id) : undefined;
      if (!row) throw notFound('token_not_found', 'No such active token');
      return viewToken(row, await codeMap());
    },

    /** Removes expired sessions and login counts past their window (scheduled housekeeping). */
    async purgeExpiredSessions(): Promise<number> {
      const at = now();
      await repo.purgeLoginAttempts(db, new Date(at.getTime() - options.loginWindowMinutes * 60_000));
      return inTransaction(db, { actor: 'system' }, (trx) => repo.deleteExpiredSessions(trx, at));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
