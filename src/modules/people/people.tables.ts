import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';

export type PersonType = 'student' | 'staff' | 'guest' | 'external';
export type ConsentKind = 'esc' | 'photo_publication' | 'crous';
export type ConsentChannel = 'web' | 'api' | 'import' | 'office' | 'paper';

export interface PersonsTable {
  id: Generated<string>;
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
  freeFields: JsonDefault<Record<string, string>>;
  /** Language of the person's mails; null: the institution's default (French). */
  locale: 'fr' | 'en' | null;
  searchText: Generated<string>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
  version: Generated<number>;
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
  consentTexts: ConsentTextsTable;
  personConsents: PersonConsentsTable;
  consentEvents: ConsentEventsTable;
}
