import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';

/** A person type code; each institution defines its own (see `person_types`). */
export type PersonType = string;
export type ConsentKind = 'esc' | 'photo_publication' | 'crous';
export type ConsentChannel = 'web' | 'api' | 'import' | 'office' | 'paper';

export interface PersonsTable {
  id: Generated<string>;
  eppn: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  ine: string | null;
  esi: string | null;
  freeFields: JsonDefault<Record<string, string>>;
  /** Language of the person's mails; null: the institution's default (French). */
  locale: 'fr' | 'en' | null;
  searchText: Generated<string>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
  version: Generated<number>;
}

/**
 * A person's enrolment at one institution: what depends on the institution (type, student number,
 * rights end, academic level). One person may be enrolled at several institutions at once.
 */
export interface EnrolmentsTable {
  personId: string;
  institutionId: number;
  personType: PersonType;
  studentNumber: string | null;
  rightsEnd: string | null;
  academicLevel: number | null;
  affiliation: string | null;
  /** `<person id>:<institution id>`, the key the audit log records rows under. */
  id: Generated<string>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface ConsentTextsTable {
  id: Generated<string>;
  kind: ConsentKind;
  version: string;
  locale: 'fr' | 'en';
  title: string;
  body: string;
  publishedAt: Generated<Date>;
}

export interface PersonConsentsTable {
  id: Generated<string>;
  personId: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  channel: ConsentChannel;
  decidedAt: Timestamp;
}

export interface ConsentEventsTable {
  id: Generated<string>;
  personId: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: ConsentChannel;
  actor: string;
  ip: string | null;
  at: Generated<Date>;
}

export interface PeopleTables {
  persons: PersonsTable;
  enrolments: EnrolmentsTable;
  consentTexts: ConsentTextsTable;
  personConsents: PersonConsentsTable;
  consentEvents: ConsentEventsTable;
}
