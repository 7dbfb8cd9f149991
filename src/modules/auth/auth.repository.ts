import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Role, TokenRole } from './domain/roles.ts';

/** Account row as the service uses it (the password hash never leaves the auth context). */
export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  personTypes: string[] | null;
  /** Institutions granted (as stored, before federations are expanded); null: all. */
  institutionIds: number[] | null;
  currentInstitutionId: number | null;
  personId: string | null;
  /** The eppn of single sign-on logins (lower case); null: none. */
  eppn: string | null;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const ACCOUNT_COLUMNS = ['id', 'email', 'displayName', 'passwordHash', 'role', 'personTypes', 'institutionIds',
  'currentInstitutionId', 'personId', 'eppn', 'disabledAt', 'lastLoginAt', 'createdAt'] as const;

/**
 * Accounts an admin limited to `within` (expanded institution ids; null: no limit) may see and
 * manage: with no limit, all; otherwise the staff accounts granted only institutions inside it.
 */
function manageableBy(within: readonly number[] | null) {
  if (within === null) return sql<boolean>`true`;
  return sql<boolean>`(accounts.institution_ids IS NOT NULL AND accounts.role <> 'cardholder'
    AND accounts.institution_ids <@ ${`{${within.join(',')}}`}::smallint[])`;
}

/** Finds an account by e-mail, case-insensitively. */
export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Finds the account of an eppn, case-insensitively. */
export async function findAccountByEppn(db: Executor, eppn: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS)
    .where(sql<string>`lower(eppn)`, '=', eppn.toLowerCase()).executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Which of these e-mails (lower case) an account already uses. */
export async function findTakenEmails(db: Executor, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db.selectFrom('accounts').select(sql<string>`lower(email)`.as('email'))
    .where(sql<string>`lower(email)`, 'in', emails.map((email) => email.toLowerCase())).execute();
  return new Set(rows.map((row) => row.email));
}

/** Finds an account by id, among those an admin limited to `within` may manage. */
export async function findAccountById(db: Executor, id: string, within: readonly number[] | null = null): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('id', '=', id).where(manageableBy(within))
    .executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Finds the account linked to a person. */
export async function findAccountByPerson(db: Executor, personId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('personId', '=', personId)
    .executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Lists the accounts an admin limited to `within` may manage, newest first. */
export async function listAccounts(db: Executor, limit: number, offset: number, within: readonly number[] | null = null): Promise<AccountRow[]> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where(manageableBy(within)).orderBy('createdAt', 'desc').orderBy('id')
    .limit(limit).offset(offset).execute() as Promise<AccountRow[]>;
}

export interface NewAccount {
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  personId: string | null;
  eppn?: string | null;
}

/** Inserts an account; a duplicate e-mail raises the `accounts_email_key` unique violation. */
export async function insertAccount(db: Executor, account: NewAccount): Promise<AccountRow> {
  return db.insertInto('accounts').values(account).returning(ACCOUNT_COLUMNS)
    .executeTakeFirstOrThrow() as Promise<AccountRow>;
}

/** Updates some fields of an account. */
export async function updateAccount(
  db: Executor,
  id: string,
  changes: Partial<Pick<AccountRow, 'displayName' | 'passwordHash' | 'role' | 'personTypes' | 'institutionIds' | 'currentInstitutionId'
    | 'disabledAt' | 'lastLoginAt' | 'eppn'>>,
): Promise<AccountRow | undefined> {
  return db.updateTable('accounts').set({ ...changes, updatedAt: new Date() }).where('id', '=', id)
    .returning(ACCOUNT_COLUMNS).executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** What single sign-on records on a session it opens (see the `sessions` SSO columns). */
export interface SessionSso {
  ssoMethodId: string;
  ssoSessionKey: string | null;
  ssoLogoutData: Record<string, string> | null;
  /** What a single logout naming only the subject matches (0029); absent: none. */
  ssoSubjectKey?: string | null;
}

/** Stores a new session (only the token's hash), with its single sign-on data if it has any. */
export async function insertSession(
  db: Executor,
  session: { tokenHash: string; accountId: string; ip: string | null; expiresAt: Date },
  sso?: SessionSso,
): Promise<string> {
  const row = await db.insertInto('sessions').values({
    ...session,
    ...(sso ? { ssoMethodId: sso.ssoMethodId, ssoSessionKey: sso.ssoSessionKey,
      ssoLogoutData: sso.ssoLogoutData === null ? null : JSON.stringify(sso.ssoLogoutData), ssoSubjectKey: sso.ssoSubjectKey ?? null } : {}),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Deletes the sessions a single logout names (method and session key, or subject key); returns how many. */
export async function deleteSsoSessions(db: Executor, methodId: string, key: string, by: 'session' | 'subject' = 'session'): Promise<number> {
  const result = await db.deleteFrom('sessions').where('ssoMethodId', '=', methodId)
    .where(by === 'subject' ? 'ssoSubjectKey' : 'ssoSessionKey', '=', key)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The live session whose token hashes to `tokenHash`, with its account. */
export async function findLiveSession(db: Executor, tokenHash: string, now: Date) {
  return db.selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.accountId')
    .select(['sessions.id as sessionId', 'accounts.id as accountId', 'accounts.displayName', 'accounts.role',
      'accounts.personTypes', 'accounts.institutionIds', 'accounts.currentInstitutionId', 'accounts.personId', 'accounts.disabledAt'])
    .where('sessions.tokenHash', '=', tokenHash)
    .where('sessions.expiresAt', '>', now)
    .executeTakeFirst();
}

/** Deletes one session; returns its single sign-on data (null for a password session), undefined when it was gone. */
export async function deleteSession(db: Executor, sessionId: string): Promise<SessionSso | null | undefined> {
  const row = await db.deleteFrom('sessions').where('id', '=', sessionId)
    .returning(['ssoMethodId', 'ssoSessionKey', 'ssoLogoutData']).executeTakeFirst();
  if (!row) return undefined;
  return row.ssoMethodId === null ? null
    : { ssoMethodId: row.ssoMethodId, ssoSessionKey: row.ssoSessionKey, ssoLogoutData: row.ssoLogoutData };
}

/** Deletes every session of an account (password change, account disabled). */
export async function deleteSessionsOfAccount(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('sessions').where('accountId', '=', accountId).execute();
}

/** Deletes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Reserves one login attempt under a hashed key, atomically: one upsert that takes the key's row
 * lock, drops the attempts older than `since`, and adds this one only if fewer than `limit`
 * remain. Concurrent callers on any number of nodes queue on that lock, so no more than `limit`
 * attempts are ever admitted inside a window. Returns whether this attempt was admitted and the
 * oldest attempt still counted (when the next slot frees up).
 */
export async function reserveLoginAttempt(
  db: Executor,
  keyHash: string,
  at: Date,
  since: Date,
  limit: number,
): Promise<{ admitted: boolean; oldest: Date }> {
  const recent = sql`ARRAY(SELECT a FROM unnest(login_throttle.attempts) AS a WHERE a > ${since} ORDER BY a)`;
  const result = await sql<{ admitted: boolean; oldest: Date }>`
    INSERT INTO login_throttle AS login_throttle (key_hash, attempts, admitted)
    VALUES (${keyHash}, ARRAY[${at}::timestamptz], ${limit > 0})
    ON CONFLICT (key_hash) DO UPDATE SET
      admitted = cardinality(${recent}) < ${limit},
      attempts = CASE WHEN cardinality(${recent}) < ${limit} THEN ${recent} || ${at}::timestamptz ELSE ${recent} END
    RETURNING admitted, attempts[1] AS oldest`.execute(db);
  const row = result.rows[0] as { admitted: boolean; oldest: Date | string };
  return { admitted: row.admitted, oldest: new Date(row.oldest) };
}

/** Gives back an attempt reserved at `at` (it was not a failure). */
export async function releaseLoginAttempt(db: Executor, keyHash: string, at: Date): Promise<void> {
  await sql`UPDATE login_throttle
    SET attempts = attempts[:array_position(attempts, ${at}::timestamptz) - 1]
                   || attempts[array_position(attempts, ${at}::timestamptz) + 1:]
    WHERE key_hash = ${keyHash} AND array_position(attempts, ${at}::timestamptz) IS NOT NULL`.execute(db);
}

/** Forgets every attempt of a key (a successful login clears its e-mail's failures). */
export async function clearLoginAttempts(db: Executor, keyHash: string): Promise<void> {
  await db.deleteFrom('loginThrottle').where('keyHash', '=', keyHash).execute();
}

/** Deletes the keys whose newest attempt is older than `before` (housekeeping). */
export async function purgeLoginAttempts(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('loginThrottle')
    .where(sql<boolean>`coalesce(attempts[cardinality(attempts)] < ${before}, true)`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface ApiTokenRow {
  id: string;
  name: string;
  tokenPrefix: string;
  role: TokenRole;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  createdBy: string;
  accountId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A token with the account it acts for (display name and e-mail, for people to recognise). */
export interface ApiTokenWithAccountRow extends ApiTokenRow {
  accountDisplayName: string | null;
  accountEmail: string | null;
}

const TOKEN_COLUMNS = ['apiTokens.id', 'apiTokens.name', 'apiTokens.tokenPrefix', 'apiTokens.role', 'apiTokens.personTypes',
  'apiTokens.institutionIds', 'apiTokens.createdBy', 'apiTokens.accountId', 'apiTokens.createdAt', 'apiTokens.lastUsedAt', 'apiTokens.revokedAt'] as const;
const TOKEN_ACCOUNT_COLUMNS = ['accounts.displayName as accountDisplayName', 'accounts.email as accountEmail'] as const;

/** Stores a new API token (only its hash). */
export async function insertApiToken(
  db: Executor,
  token: { name: string; tokenPrefix: string; tokenHash: string; role: TokenRole; personTypes: string[] | null;
    institutionIds: number[] | null; createdBy: string; accountId: string },
): Promise<ApiTokenRow> {
  return db.insertInto('apiTokens').values(token).returning(TOKEN_COLUMNS).executeTakeFirstOrThrow() as Promise<ApiTokenRow>;
}

/** One token with the account it acts for. */
export async function findApiToken(db: Executor, id: string, within: readonly number[] | null = null): Promise<ApiTokenWithAccountRow | undefined> {
  return db.selectFrom('apiTokens').leftJoin('accounts', 'accounts.id', 'apiTokens.accountId')
    .select([...TOKEN_COLUMNS, ...TOKEN_ACCOUNT_COLUMNS]).where('apiTokens.id', '=', id).where(manageableBy(within))
    .executeTakeFirst() as Promise<ApiTokenWithAccountRow | undefined>;
}

/**
 * The unrevoked token whose secret hashes to `tokenHash`, with the current role and limits of
 * the enabled account it acts for, in one query: a disabled (or deleted) account's tokens are
 * not found at all.
 */
export async function findUsableApiToken(db: Executor, tokenHash: string) {
  return db.selectFrom('apiTokens').innerJoin('accounts', 'accounts.id', 'apiTokens.accountId')
    .select(['apiTokens.id', 'apiTokens.name', 'apiTokens.role', 'apiTokens.personTypes', 'apiTokens.institutionIds',
      'apiTokens.accountId', 'accounts.role as accountRole', 'accounts.personTypes as accountPersonTypes',
      'accounts.institutionIds as accountInstitutionIds'])
    .where('apiTokens.tokenHash', '=', tokenHash)
    .where('apiTokens.revokedAt', 'is', null)
    .where('accounts.disabledAt', 'is', null)
    .executeTakeFirst();
}

/** Marks a token used, at most once a minute, to keep hot tokens from writing on every call. */
export async function touchApiToken(db: Executor, id: string, now: Date): Promise<void> {
  await db.updateTable('apiTokens').set({ lastUsedAt: now }).where('id', '=', id)
    .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

/** Lists tokens with the account each acts for, newest first. */
export async function listApiTokens(db: Executor, within: readonly number[] | null = null): Promise<ApiTokenWithAccountRow[]> {
  return db.selectFrom('apiTokens').leftJoin('accounts', 'accounts.id', 'apiTokens.accountId')
    .select([...TOKEN_COLUMNS, ...TOKEN_ACCOUNT_COLUMNS]).where(manageableBy(within)).orderBy('apiTokens.createdAt', 'desc').orderBy('apiTokens.id')
    .execute() as Promise<ApiTokenWithAccountRow[]>;
}

/** Revokes a token; returns true, or false when there is no active token with that id. */
export async function revokeApiToken(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('apiTokens').set({ revokedAt: now }).where('id', '=', id)
    .where('revokedAt', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Serialises, until the transaction ends, every change that could leave no enabled admin, then
 * counts the enabled admins. Under the lock the count is current (READ COMMITTED takes a new
 * snapshot per statement), so two admins disabling each other at once cannot both pass.
 * Returns the ids of the enabled admins.
 */
export async function lockEnabledAdmins(db: Executor): Promise<string[]> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('campuscard.accounts.admins'))`.execute(db);
  const rows = await db.selectFrom('accounts').select('id').where('role', '=', 'admin').where('disabledAt', 'is', null).execute();
  return rows.map((row) => row.id);
}

/** Display names of these accounts and names of these API tokens; unknown ids are left out. */
export async function findActorNames(db: Executor, accountIds: readonly string[], tokenIds: readonly string[]): Promise<{
  accounts: Array<{ id: string; displayName: string }>;
  tokens: Array<{ id: string; name: string }>;
}> {
  const accounts = accountIds.length === 0 ? []
    : await db.selectFrom('accounts').select(['id', 'displayName']).where('id', 'in', [...accountIds]).execute();
  const tokens = tokenIds.length === 0 ? []
    : await db.selectFrom('apiTokens').select(['id', 'name']).where('id', 'in', [...tokenIds]).execute();
  return { accounts, tokens };
}
