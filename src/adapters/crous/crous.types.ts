import type { CrousAccountStatus, CrousBlockingStatus, CrousCancelReason } from '../../modules/crous/domain/crous-account.ts';

/**
 * Wire types of the API CROUS (`/beforeizly/v1`), as shared/domain/crous-izly.md describes them.
 * Dates are strings here; the client turns them into instants (the `dueDate` quirk lives there).
 */

/** An account as sent (POST, PUT) and read (GET). */
export interface RightHolderWire {
  identifier: string;
  firstName: string;
  lastName: string;
  email: string;
  /** `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` holding wall-clock time of the CROUS's zone. */
  dueDate: string;
  idCompanyRate: number;
  idRate: number;
  /** `YYYY-MM-DD` or empty. */
  simpleBirthDate: string;
  ine: string | null;
  rneOrgCode: string;
  /** Read-only, only in answers. */
  accountStatus?: CrousAccountStatus;
  /** Read-only, only in answers. */
  blockingStatus?: CrousBlockingStatus;
}

/** Body of PATCH /rightholders/{currentIdentifier}. */
export interface PatchIdentifierWire {
  currentIdentifier: string;
  email: string;
  newIdentifier: string;
}

/** A card as sent (POST /rightholders/{id}/smartcard). */
export interface SmartCardWire {
  idTransmitter: number;
  idMapping: number;
  idZdc: number;
  /** `yyyy-MM-dd'T'HH:mm:ss.SSSX`. */
  zdcCreationDate: string;
  pixSs: string;
  pixNn: string;
  appl: string;
  /** CSN, upper-case hex. */
  uid: string;
  rid: string;
}

/** A card as read: what was sent plus its cancellation state (empty strings when none). */
export interface SmartCardReadWire extends SmartCardWire {
  cancelDate?: string;
  revalidationDate?: string;
  reason?: string;
}

/** Body of PATCH /rightholders/{id}/smartcard/{idZdc}: cancel (reason set) or revalidate. */
export interface SmartCardPatchWire {
  cancelDate: string;
  revalidationDate: string;
  reason: CrousCancelReason | '';
}

/** One tariff rule (GET /crous/{crousNumber}/organization/{rne}). */
export interface TariffRuleWire {
  statusCode: string;
  indexMin: number | null;
  indexMax: number | null;
  idCompanyRate: number;
  idRate: number;
}

/** One error of an error answer; `code` is a string such as "-11". */
export interface CrousErrorItem {
  code: string | null;
  message: string | null;
  field: string | null;
}

/** Body of every 4xx/5xx answer of the API. */
export interface CrousErrorBody {
  errors: CrousErrorItem[];
}

/** Answer of the OAuth2 token endpoint. */
export interface OAuthTokenWire {
  access_token: string;
  token_type?: string;
  expires_in?: number;
}

/** Which CROUS platform: decides the OAuth2 token path and the legacy `env` value. */
export type CrousEnvironment = 'production' | 'preproduction';

/** The API's path prefix, after the host. */
export const CROUS_API_PREFIX = '/beforeizly/v1';

/** OAuth2 token path on the access host, per platform. */
export const CROUS_TOKEN_PATHS: Record<CrousEnvironment, string> = {
  production: '/api/oauth/token',
  preproduction: '/api-pp/oauth/token',
};

/** Legacy `env` form value, per platform. */
export const CROUS_LEGACY_ENV: Record<CrousEnvironment, 'PRD' | 'PPD'> = {
  production: 'PRD',
  preproduction: 'PPD',
};
