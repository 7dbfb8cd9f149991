/**
 * Wire types of the ESC Router v2 API, as published in esc-router-v2.openapi.json
 * (components/schemas). Property names and optionality follow the document; the string unions
 * narrow fields the document types as plain strings but describes with fixed values.
 */

/** Card types the router knows (CardUpdateView.cardType). */
export type EscCardType =
  | 'UNKNOWN'
  | 'PASSIVE'
  | 'SMART_NO_CDZ'
  | 'SMART_CDZ'
  | 'SMART_MAY_SP'
  | 'SMART_PASSIVE'
  | 'SMART_PASSIVE_EMULATION';

/** All card types, in the document's order. */
export const ESC_CARD_TYPES: readonly EscCardType[] = [
  'UNKNOWN',
  'PASSIVE',
  'SMART_NO_CDZ',
  'SMART_CDZ',
  'SMART_MAY_SP',
  'SMART_PASSIVE',
  'SMART_PASSIVE_EMULATION',
];

/** Status an institution sets on a card. */
export type EscCardStatusType = 'ACTIVE' | 'INACTIVE';

/** Status the public endpoint reports: the set status, or EXPIRED once expiresAt has passed. */
export type EscCardPublicStatus = 'ACTIVE' | 'INACTIVE' | 'EXPIRED';

/** Academic level words of the v2 API. */
export type EscAcademicLevel = 'BACHELOR' | 'MASTER' | 'DOCTORATE';

/** Error body of every 4xx/5xx answer (ApiErrorMessage). */
export interface ApiErrorMessage {
  code?: string;
  message?: string;
}

/** A key with its human label (CodeView). */
export interface CodeView {
  key?: string;
  label?: string;
}

/** AddressView. */
export interface AddressView {
  addressName?: string;
  cityName?: string;
  country?: CodeView;
  streetName?: string;
  subdivisionCode?: string;
}

/** ContactPointView. */
export interface ContactPointView {
  email?: string;
}

/** An organisation as embedded in other views (OrganisationLiteView). */
export interface OrganisationLiteView {
  address?: AddressView;
  contrastColor?: string;
  fullLabel?: string;
  id?: number;
  identifier?: string;
  identifierCode?: CodeView;
  mainColor?: string;
  name?: string;
  /** yyyy-MM-dd */
  newLogoAt?: string;
  organisationType?: CodeView;
  schacHomeOrganization?: string;
  secondaryColor?: string;
  status?: CodeView;
  website?: string;
}

/** One link of a person to an organisation, as sent (PersonOrganisationUpdateView). */
export interface PersonOrganisationUpdateView {
  /** PIC of the organisation. */
  organisationIdentifier: string;
  academicLevel?: EscAcademicLevel;
  email?: string;
  phone?: string;
  fax?: string;
}

/** Body of POST /persons and PUT /persons/{esi} (PersonUpdateView). */
export interface PersonUpdateView {
  /** The ESI. */
  identifier: string;
  /** 'ESI' is the only value the router accepts. */
  identifierCode?: 'ESI';
  fullName: string;
  personOrganisationUpdateViews: PersonOrganisationUpdateView[];
}

/** One link of a person to an organisation, as returned (PersonOrganisationView). */
export interface PersonOrganisationView {
  academicLevel?: CodeView;
  contactPoint?: ContactPointView;
  organisation?: OrganisationLiteView;
}

/** A person as returned by GET/POST/PUT (PersonView). */
export interface PersonView {
  identifier: string;
  fullName: string;
  identifierCode?: CodeView;
  organisationCount?: number;
  organisations?: PersonOrganisationView[];
}

/** A person in lists and embedded in cards (PersonLiteView). */
export interface PersonLiteView {
  identifier: string;
  fullName: string;
  organisations?: PersonOrganisationView[];
}

/** Body of POST /cards and PUT /cards/{escn} (CardUpdateView). */
export interface CardUpdateView {
  /** The ESCN; optional on POST (the router then mints one). */
  cardNumber?: string;
  cardStatusType: EscCardStatusType;
  cardType: EscCardType;
  /** yyyy-MM-dd */
  expiresAt: string;
  /** yyyy-MM-dd */
  issuedAt: string;
  /** PIC of the issuing institution. */
  issuerIdentifier: string;
  /** ESI of the holder. */
  personIdentifier: string;
  displayName?: string;
  /** VAT number of the card processor. */
  processorIdentifier?: string;
}

/** A card as returned by GET/POST/PUT (CardView). */
export interface CardView {
  cardNumber?: string;
  cardStatusType?: CodeView;
  cardType?: CodeView;
  displayName?: string;
  expiresAt?: string;
  issuedAt?: string;
  hasOwnerAuthorization?: boolean;
  issuer?: OrganisationLiteView;
  person?: PersonLiteView;
  processor?: OrganisationLiteView;
}

/** A card in lists (CardLiteView). */
export interface CardLiteView {
  cardNumber?: string;
  displayName?: string;
  expiresAt?: string;
  issuedAt?: string;
  hasOwnerAuthorization?: boolean;
  issuer?: OrganisationLiteView;
  person?: PersonLiteView;
  processor?: OrganisationLiteView;
}

/** Answer of the public GET /cards/{escn}/status (CardStatusView). */
export interface CardStatusView {
  cardNumber?: string;
  status?: EscCardPublicStatus;
  expiresAt?: string;
  issuedAt?: string;
  issuerIdentifier?: string;
  issuerName?: string;
  displayName?: string;
}

/** Link (HAL-style) of paged answers. */
export interface Link {
  deprecation?: string;
  href?: string;
  hreflang?: string;
  media?: string;
  name?: string;
  profile?: string;
  rel?: string;
  title?: string;
  type?: string;
}

/** PageMetadata. */
export interface PageMetadata {
  number?: number;
  size?: number;
  totalElements?: number;
  totalPages?: number;
}

/** A page of a list (PagedResourcesCardLiteView / PagedResourcesPersonLiteView). */
export interface PagedResources<T> {
  content?: T[];
  empty?: boolean;
  links?: Link[];
  page?: PageMetadata;
}

/** Query of GET /persons and GET /cards. */
export interface PageQuery {
  page?: number;
  size?: number;
  sort?: string;
  direction?: 'ASC' | 'DESC';
  search?: string;
}

/** Options of GET /cards/{escn}/qr. */
export interface QrOptions {
  /** `svg` asks for image/svg+xml, `base64` for text/plain (a base64-encoded image). */
  format?: 'svg' | 'base64';
  orientation?: 'horizontal' | 'vertical';
  colours?: 'normal' | 'inverted';
  size?: 'XS' | 'S' | 'M';
}

/** Error codes the router is known to return. */
export const ESC_ROUTER_ERROR_CODES = {
  cardNotFound: 'ER-0001',
  cardExists: 'ER-0002',
  personExistsForOrganisation: 'ER-0019',
  accessDenied: 'SE-0000',
} as const;
