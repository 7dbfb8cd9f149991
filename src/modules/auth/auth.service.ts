import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound, ProblemError, unauthorized, unprocessable } from '../../platform/http/problem.ts';
import type { Principal, Role, TokenRole } from './domain/roles.ts';
import * as repo from './auth.repository.ts';

export interface AuthServiceOptions {
  sessionTtlHours: number;
  loginMaxAttempts: number;
  loginWindowMinutes: number;
  now?: () => Date;
}

/** An account as shown through the API. */
export interface AccountView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  personTypes: string[] | null;
  personId: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  role: TokenRole;
  personTypes: string[] | null;
  createdBy: string;
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

const MIN_PASSWORD_LENGTH = 10;
const IP_LIMIT_FACTOR = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function viewAccount(row: repo.AccountRow): AccountView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    personTypes: row.personTypes,
    personId: row.personId,
    disabled: row.disabledAt !== null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

function viewToken(row: repo.ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    role: row.role,
    personTypes: row.personTypes,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revoked: row.revokedAt !== null,
  };
}

/** Rejects weak passwords with a 422 naming the field. */
function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw unprocessable('weak_password', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: '/password' });
  }
}

/**
 * Accounts, passwords (argon2id), sessions stored in PostgreSQL, API tokens, and login throttling
 * kept in the database so that every node behind a load balancer sees the same counts.
 */
export function createAuthService(db: Kysely<Database>, options: AuthServiceOptions) {
  const now = options.now ?? (() => new Date());
  // A fixed dummy hash lets unknown e-mails cost as much as known ones (no user enumeration by timing).
  const dummyHash = argon2Hash('not-a-real-password-0000');

  function throttleKeys(email: string, ip: string): string[] {
    return [hashToken(`login:email:${email.toLowerCase()}`), hashToken(`login:ip:${ip}`)];
  }

  return {
    /** Creates an account. Cardholder accounts must be linked to a person. */
    async createAccount(
      input: { email: string; password?: string | undefined; displayName: string; role: Role; personTypes?: string[] | null; personId?: string | null },
      context: ActorContext,
    ): Promise<AccountView> {
      if (input.password !== undefined) checkPassword(input.password);
      if (input.role === 'cardholder' && !input.personId) {
        throw unprocessable('person_required', 'A cardholder account must be linked to a person', { field: '/personId' });
      }
      const passwordHash = input.password === undefined ? null : await argon2Hash(input.password);
      try {
        const row = await inTransaction(db, context, (trx) => repo.insertAccount(trx, {
          email: input.email.trim(),
          displayName: input.displayName.trim(),
          passwordHash,
          role: input.role,
          personTypes: input.role === 'manager' || input.role === 'viewer' ? (input.personTypes ?? null) : null,
          personId: input.personId ?? null,
        }));
        return viewAccount(row);
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_email_key')) {
          throw conflict('email_taken', 'An account with this e-mail already exists', { field: '/email' });
        }
        if (isUniqueViolation(error, 'accounts_person_key')) {
          throw conflict('person_has_account', 'This person already has an account', { field: '/personId' });
        }
        throw error;
      }
    },

    /** Lists accounts. */
    async listAccounts(limit: number, offset: number): Promise<AccountView[]> {
      return (await repo.listAccounts(db, limit, offset)).map(viewAccount);
    },

    /** Reads one account. */
    async getAccount(id: string): Promise<AccountView> {
      const row = await repo.findAccountById(db, id);
      if (!row) throw notFound('account_not_found', 'No such account');
      return viewAccount(row);
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
      return new Map([
        ...found.accounts.map((row): [string, string] => [`account:${row.id}`, row.displayName]),
        ...found.tokens.map((row): [string, string] => [`token:${row.id}`, row.name]),
      ]);
    },

    /** The account of a person, if they have one. */
    async accountOfPerson(personId: string): Promise<AccountView | undefined> {
      const row = await repo.findAccountByPerson(db, personId);
      return row ? viewAccount(row) : undefined;
    },

    /** Changes role, limits, name, password or disabled state; ends the sessions when access shrinks. */
    async updateAccount(
      id: string,
      changes: { displayName?: string; role?: Role; personTypes?: string[] | null; password?: string; disabled?: boolean },
      context: ActorContext,
    ): Promise<AccountView> {
      if (changes.password !== undefined) checkPassword(changes.password);
      const passwordHash = changes.password === undefined ? undefined : await argon2Hash(changes.password);
      return inTransaction(db, context, async (trx) => {
        const row = await repo.updateAccount(trx, id, {
          ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.personTypes !== undefined ? { personTypes: changes.personTypes } : {}),
          ...(passwordHash !== undefined ? { passwordHash } : {}),
          ...(changes.disabled !== undefined ? { disabledAt: changes.disabled ? now() : null } : {}),
        });
        if (!row) throw notFound('account_not_found', 'No such account');
        if (passwordHash !== undefined || changes.disabled || changes.role !== undefined || changes.personTypes !== undefined) {
          await repo.deleteSessionsOfAccount(trx, id);
        }
        return viewAccount(row);
      });
    },

    /**
     * Checks e-mail and password and opens a session. Failures are counted per e-mail and per
     * client address; past the limit the answer is 429 whatever the password.
     * Returns the session secret (for the cookie) and its CSRF token.
     */
    async login(email: string, password: string, ip: string): Promise<{ sessionToken: string; csrfToken: string; account: AccountView; expiresAt: Date }> {
      const keys = throttleKeys(email, ip);
      const windowStart = new Date(now().getTime() - options.loginWindowMinutes * 60_000);
      // A whole campus may share one address (NAT), so the per-address limit is wider.
      const limits = [options.loginMaxAttempts, options.loginMaxAttempts * IP_LIMIT_FACTOR];
      for (const [index, key] of keys.entries()) {
        if ((await repo.countLoginFailures(db, key, windowStart)) >= (limits[index] as number)) {
          throw new ProblemError(429, 'too_many_login_attempts',
            `Too many failed logins; try again in ${options.loginWindowMinutes} minutes`,
            { extensions: { retryAfterSeconds: options.loginWindowMinutes * 60 } });
        }
      }
      const account = await repo.findAccountByEmail(db, email);
      const ok = account?.passwordHash
        ? await argon2Verify(account.passwordHash, password).catch(() => false)
        : await argon2Verify(await dummyHash, password).then(() => false);
      if (!account || !ok || account.disabledAt) {
        await inTransaction(db, { actor: 'anonymous', ip }, async (trx) => {
          for (const key of keys) await repo.insertLoginFailure(trx, key);
        });
        throw unauthorized('E-mail or password is wrong', 'invalid_credentials');
      }
      const sessionToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now().getTime() + options.sessionTtlHours * 3_600_000);
      await inTransaction(db, { actor: `account:${account.id}`, ip }, async (trx) => {
        await repo.insertSession(trx, { tokenHash: hashToken(sessionToken), accountId: account.id, ip, expiresAt });
        await repo.updateAccount(trx, account.id, { lastLoginAt: now() });
        await repo.clearLoginFailures(trx, keys[0] as string, windowStart);
      });
      return { sessionToken, csrfToken: csrfTokenFor(sessionToken), account: viewAccount(account), expiresAt };
    },

    /** Ends a session. */
    async logout(sessionId: string, context: ActorContext): Promise<void> {
      await inTransaction(db, context, (trx) => repo.deleteSession(trx, sessionId));
    },

    /** Resolves a session cookie to the caller, or null when it is unknown, expired or disabled. */
    async principalFromSession(sessionToken: string): Promise<Principal | null> {
      const row = await repo.findLiveSession(db, hashToken(sessionToken), now());
      if (!row || row.disabledAt) return null;
      return {
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

    /** Resolves a bearer token to the caller, or null when it is unknown or revoked. */
    async principalFromToken(secret: string): Promise<Principal | null> {
      const row = await repo.findActiveApiToken(db, hashToken(secret));
      if (!row) return null;
      await repo.touchApiToken(db, row.id, now());
      return {
        kind: 'token',
        id: row.id,
        actor: `token:${row.id}`,
        displayName: row.name,
        role: row.role,
        personTypes: row.personTypes,
        personId: null,
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

    /** Creates an API token. The secret is returned once and only its hash is kept. */
    async createApiToken(
      input: { name: string; role: TokenRole; personTypes?: string[] | null },
      context: ActorContext,
    ): Promise<{ token: string; view: ApiTokenView }> {
      const secret = `cc_${randomBytes(32).toString('base64url')}`;
      const row = await inTransaction(db, context, (trx) => repo.insertApiToken(trx, {
        name: input.name.trim(),
        tokenPrefix: secret.slice(0, 7),
        tokenHash: hashToken(secret),
        role: input.role,
        personTypes: input.personTypes ?? null,
        createdBy: context.actor,
      }));
      return { token: secret, view: viewToken(row) };
    },

    /** Lists API tokens (never their secrets). */
    async listApiTokens(): Promise<ApiTokenView[]> {
      return (await repo.listApiTokens(db)).map(viewToken);
    },

    /** Revokes an API token at once. */
    async revokeApiToken(id: string, context: ActorContext): Promise<ApiTokenView> {
      const row = await inTransaction(db, context, (trx) => repo.revokeApiToken(trx, id, now()));
      if (!row) throw notFound('token_not_found', 'No such active token');
      return viewToken(row);
    },

    /** Removes expired sessions (scheduled housekeeping). */
    async purgeExpiredSessions(): Promise<number> {
      return inTransaction(db, { actor: 'system' }, (trx) => repo.deleteExpiredSessions(trx, now()));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
