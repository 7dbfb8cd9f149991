import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';
import type { Role, TokenRole } from './domain/roles.ts';

export interface AccountsTable {
  id: Generated<string>;
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  personTypes: string[] | null;
  /** Institutions the account's role is granted in (a federation covers its members); null: all. */
  institutionIds: number[] | null;
  /** The institution the console was last switched to; null: all the account covers. */
  currentInstitutionId: number | null;
  personId: string | null;
  /** The eppn the account logs in with by single sign-on (unique, any case); null: none. */
  eppn: Generated<string | null>;
  disabledAt: Timestamp | null;
  lastLoginAt: Timestamp | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface SessionsTable {
  id: Generated<string>;
  tokenHash: string;
  accountId: string;
  ip: string | null;
  createdAt: Generated<Date>;
  expiresAt: Timestamp;
  /** For a session opened by single sign-on: the login method, what its single logout names, and what ending the IdP session needs. */
  ssoMethodId: Generated<string | null>;
  ssoSessionKey: Generated<string | null>;
  ssoLogoutData: JsonDefault<Record<string, string> | null>;
  /** What a single logout naming only the subject matches (SAML NameID without SessionIndex), hashed. */
  ssoSubjectKey: Generated<string | null>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  tokenPrefix: string;
  tokenHash: string;
  role: TokenRole;
  personTypes: string[] | null;
  /** Institutions the token is limited to (within its account's); null: as its account. */
  institutionIds: number[] | null;
  createdBy: string;
  /** The account the token acts for; null only on revoked tokens. */
  accountId: string | null;
  createdAt: Generated<Date>;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

/** Attempts inside the login window per hashed key; `admitted` tells the last upsert's verdict. */
export interface LoginThrottleTable {
  keyHash: string;
  attempts: Date[];
  admitted: boolean;
}

export interface AuthTables {
  accounts: AccountsTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  loginThrottle: LoginThrottleTable;
}
