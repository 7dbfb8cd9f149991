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
  personId: string | null;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const ACCOUNT_COLUMNS = ['id', 'email', 'displayName', 'passwordHash', 'role', 'personTypes', 'personId', 'disabledAt',
  'lastLoginAt', 'createdAt'] as const;

/** Finds an account by e-mail, case-insensitively. */
export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Finds an account by id. */
export async function findAccountById(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('id', '=', id)
    .executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Finds the account linked to a person. */
export async function findAccountByPerson(db: Executor, personId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('personId', '=', personId)
    .executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Lists accounts, newest first. */
export async function listAccounts(db: Executor, limit: number, offset: number): Promise<AccountRow[]> {
  return db.selectFrom('accounts').select(ACCOUNT_COLUMNS).orderBy('createdAt', 'desc').orderBy('id')
    .limit(limit).offset(offset).execute() as Promise<AccountRow[]>;
}

export interface NewAccount {
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  personTypes: string[] | null;
  personId: string | null;
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
  changes: Partial<Pick<AccountRow, 'displayName' | 'passwordHash' | 'role' | 'personTypes' | 'disabledAt' | 'lastLoginAt'>>,
): Promise<AccountRow | undefined> {
  return db.updateTable('accounts').set({ ...changes, updatedAt: new Date() }).where('id', '=', id)
    .returning(ACCOUNT_COLUMNS).executeTakeFirst() as Promise<AccountRow | undefined>;
}

/** Stores a new session (only the token's hash). */
export async function insertSession(
  db: Executor,
  session: { tokenHash: string; accountId: string; ip: string | null; expiresAt: Date },
): Promise<string> {
  const row = await db.insertInto('sessions').values(session).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The live session whose token hashes to `tokenHash`, with its account. */
export async function findLiveSession(db: Executor, tokenHash: string, now: Date) {
  return db.selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.accountId')
    .select(['sessions.id as sessionId', 'accounts.id as accountId', 'accounts.displayName', 'accounts.role',
      'accounts.personTypes', 'accounts.personId', 'accounts.disabledAt'])
    .where('sessions.tokenHash', '=', tokenHash)
    .where('sessions.expiresAt', '>', now)
    .executeTakeFirst();
}

/** Deletes one session. */
export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
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

/** Records a failed login under a hashed key. */
export async function insertLoginFailure(db: Executor, keyHash: string): Promise<void> {
  await db.insertInto('loginFailures').values({ keyHash }).execute();
}

/** Counts failures of a key since a moment. */
export async function countLoginFailures(db: Executor, keyHash: string, since: Date): Promise<number> {
  const row = await db.selectFrom('loginFailures').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('keyHash', '=', keyHash).where('at', '>', since).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Forgets failures of a key (after a successful login) and any older than `before`. */
export async function clearLoginFailures(db: Executor, keyHash: string, before: Date): Promise<void> {
  await db.deleteFrom('loginFailures').where((eb) => eb.or([eb('keyHash', '=', keyHash), eb('at', '<', before)])).execute();
}

export interface ApiTokenRow {
  id: string;
  name: string;
  tokenPrefix: string;
  role: TokenRole;
  personTypes: string[] | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_COLUMNS = ['id', 'name', 'tokenPrefix', 'role', 'personTypes', 'createdBy', 'createdAt', 'lastUsedAt',
  'revokedAt'] as const;

/** Stores a new API token (only its hash). */
export async function insertApiToken(
  db: Executor,
  token: { name: string; tokenPrefix: string; tokenHash: string; role: TokenRole; personTypes: string[] | null; createdBy: string },
): Promise<ApiTokenRow> {
  return db.insertInto('apiTokens').values(token).returning(TOKEN_COLUMNS).executeTakeFirstOrThrow() as Promise<ApiTokenRow>;
}

/** The unrevoked token whose secret hashes to `tokenHash`. */
export async function findActiveApiToken(db: Executor, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('apiTokens').select(TOKEN_COLUMNS).where('tokenHash', '=', tokenHash)
    .where('revokedAt', 'is', null).executeTakeFirst() as Promise<ApiTokenRow | undefined>;
}

/** Marks a token used, at most once a minute, to keep hot tokens from writing on every call. */
export async function touchApiToken(db: Executor, id: string, now: Date): Promise<void> {
  await db.updateTable('apiTokens').set({ lastUsedAt: now }).where('id', '=', id)
    .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}

/** Lists tokens, newest first. */
export async function listApiTokens(db: Executor): Promise<ApiTokenRow[]> {
  return db.selectFrom('apiTokens').select(TOKEN_COLUMNS).orderBy('createdAt', 'desc').execute() as Promise<ApiTokenRow[]>;
}

/** Revokes a token; returns it, or undefined when there is none with that id. */
export async function revokeApiToken(db: Executor, id: string, now: Date): Promise<ApiTokenRow | undefined> {
  return db.updateTable('apiTokens').set({ revokedAt: now }).where('id', '=', id)
    .where('revokedAt', 'is', null).returning(TOKEN_COLUMNS).executeTakeFirst() as Promise<ApiTokenRow | undefined>;
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
