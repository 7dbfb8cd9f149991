/**
 * Shapes of the API answers the web application reads. They follow the route schemas under
 * src/modules/*\/*.routes.ts; fields the UI can live without are optional so an older or newer
 * server does not break a page.
 */
import type { CardState } from '../shared/card-state.ts';

export type PersonType = 'student' | 'staff' | 'guest' | 'external';
export type ConsentKind = 'esc' | 'photo_publication' | 'crous';

export interface Person {
  id: string;
  eppn: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  personType: PersonType;
  studentNumber: string | null;
  ine: string | null;
  esi: string | null;
  academicLevel: number | null;
  rightsEnd: string | null;
  affiliation: string | null;
  freeFields?: Record<string, string>;
  /** Language of the person's mails; null: the institution's default (French). */
  locale?: 'fr' | 'en' | null;
  createdAt?: string;
  updatedAt?: string;
}

export interface Consent {
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  channel: string;
  decidedAt: string;
}

export interface ConsentText {
  kind: ConsentKind;
  version: string;
  locale: 'fr' | 'en';
  title: string;
  body: string;
}

export interface CardMove {
  seq?: number;
  at: string;
  actor: string;
  /** The actor's readable name (card office views only). */
  actorName?: string | null;
  actorKind?: string;
  from: string | null;
  to: string;
  reason: string | null;
  comment: string | null;
  remoteAddress?: string | null;
}

export interface CsnForms {
  hex: string;
  hexReversed: string;
  decimal: string;
  decimalReversed: string;
}

/** ESC Router sync state of a card's holder (when the ESC module reports it). */
export interface EscSyncState {
  status: string;
  lastError?: string | null;
  updatedAt?: string | null;
}

export interface CardDisable {
  reason: string;
  by: 'self' | 'manager' | 'system';
  comment: string | null;
}

export interface Card {
  id: string;
  personId: string;
  state: CardState;
  cardKind: 'physical' | 'virtual';
  requestChannel: string;
  requestedAt: string;
  requestedBy?: string;
  holder: {
    eppn: string;
    firstName: string;
    lastName: string;
    email: string | null;
    studentNumber: string | null;
    ine: string | null;
    personType: string;
  };
  photoId: string | null;
  photoUrl?: string | null;
  printedLines?: Record<string, string> | null;
  csn: CsnForms | null;
  escn: string | null;
  /** The text of the QR code (verifier prefix + ESCN), when the ESC module provides it. */
  qr?: string | null;
  qrUrl?: string | null;
  disable: CardDisable | null;
  rejectReason: string | null;
  deliveryAddress: string | null;
  deliveredAt: string | null;
  dueDate?: string | null;
  lock: { owner: string; at: string | null } | null;
  enabledAt: string | null;
  expiresAt: string | null;
  renewalOf: string | null;
  escSync?: EscSyncState | null;
  history?: CardMove[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  total?: number;
  nextCursor?: string | null;
}

export interface InstitutionSettings {
  autoEnableAfterEncode: boolean;
  enableOnDelivery: boolean;
  selfServiceDisableReasons: Array<'LOST' | 'THEFT' | 'OUT_OF_ORDER'>;
  requestRules: Record<string, { selfRequest: boolean; deliveryAddress: boolean }>;
  cardValidityMonths: number;
  showHolderOnVerification: boolean;
  escDeleteDisabledCards: boolean;
}

/** The institution: everybody gets name, PIC, colours and logo; office roles also the rest. */
export interface Institution {
  name: string;
  pic: string;
  colors: { primary: string; secondary: string };
  hasLogo: boolean;
  uai?: string | null;
  schacHomeOrganization?: string;
  country?: string;
  esiScope?: 'national' | 'institution';
  settings?: InstitutionSettings;
  updatedAt?: string;
}

export interface VerifyAnswer {
  status: 'ACTIVE' | 'INACTIVE' | 'EXPIRED';
  escn: string;
  issuer: { name: string; pic: string };
  expiresAt: string | null;
  cardType: string | null;
}
