import type { ColumnType, Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';

/** What an admin decided about a configured login method (id = the SSO_METHODS id). */
export interface LoginMethodsTable {
  id: string;
  enabled: Generated<boolean>;
  labelFr: string;
  labelEn: string;
  institutionId: number | null;
  eppnAttribute: Generated<string>;
  /** Person field → attribute name, overriding the defaults (sso-attributes.ts). */
  fieldAttributes: JsonDefault<Record<string, string>>;
  trustedFields: Generated<string[]>;
  groupsAttribute: string | null;
  createUnknown: Generated<boolean>;
  contact: Generated<string>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/** A login sent to an IdP and not back yet: the state's hash only, single use, short-lived. */
export interface SsoPendingLoginsTable {
  stateHash: string;
  methodId: string;
  returnTo: string | null;
  payload: JsonDefault<Record<string, string>>;
  expiresAt: Timestamp;
  /** Hash of the browser-binding cookie's value of the browser that began the login (0029). */
  browserHash: Generated<string | null>;
}

/** Hashed ids seen once per method (assertion ids, logout-token jti) until they expire. */
export interface SsoSeenIdsTable {
  methodId: string;
  idHash: string;
  expiresAt: Timestamp;
}

/** The stored IdP metadata of a SAML method (0035): the last verified copy and the last attempt. */
export interface SamlMetadataTable {
  methodId: string;
  /** The verified IdP's part of the document (see StoredIdpMetadata); null until a refresh succeeds. */
  metadata: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  fetchedAt: Timestamp | null;
  validUntil: Timestamp | null;
  lastAttemptAt: Timestamp;
  lastError: string | null;
}

export interface SsoTables {
  loginMethods: LoginMethodsTable;
  ssoPendingLogins: SsoPendingLoginsTable;
  ssoSeenIds: SsoSeenIdsTable;
  samlMetadata: SamlMetadataTable;
}
