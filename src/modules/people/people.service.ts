import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { ProblemItem } from '../../platform/http/problem.ts';
import type { AuditEntryView, AuditService } from '../audit/audit.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { AcademicLevelIsced, FreeFieldKey, PersonLocale, PersonType } from './domain/person.ts';
import type { PersonalDataField } from './domain/personal-data-fields.ts';
import type { ConsentChannel, ConsentKind } from './people.tables.ts';
import type { PersonReader } from './people.policy.ts';
import * as repo from './people.repository.ts';
import type { PersonField } from './person-input.ts';
import { createPersonBulkWrites } from './person-bulk-writes.service.ts';
import { createPersonConsents } from './person-consents.service.ts';
import { createPersonEdits } from './person-edits.service.ts';
import { createPersonReads } from './person-reads.service.ts';
import { createPersonStore } from './person-store.service.ts';

// What other contexts import from the people service, defined beside it.
export { deriveEsi, ENROLMENT_FIELDS, IDENTITY_FIELDS, PERSON_FIELDS, type PersonField, type UpsertField } from './person-input.ts';
export { personProblemItems } from './person-problems.ts';
export { CONSENT_KINDS, MAX_PERSON_TOTAL, UPSERT_CHUNK_SIZE } from './person-store.service.ts';

/** A person's enrolment at one institution, as the API shows it. */
export interface EnrolmentView {
  /** The institution's code. */
  institution: string;
  institutionName: string;
  /** The institution's id: for other contexts, never sent by the API. */
  institutionId: number;
  personType: PersonType;
  studentNumber: string | null;
  rightsEnd: string | null;
  academicLevel: AcademicLevelIsced | null;
  affiliation: string | null;
}

/**
 * A person as the API shows it: the identity, then, flat, the fields of ONE enrolment (the one
 * at the institution the reader focuses on, else the reader's first by institution id; for a
 * write, the enrolment written), then every enrolment the reader may see. Absent optional values
 * are null; dates are `YYYY-MM-DD`.
 */
export interface PersonView {
  id: string;
  eppn: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  institution: string;
  /** The id of the flat enrolment's institution: for other contexts, never sent by the API. */
  institutionId: number;
  personType: PersonType;
  studentNumber: string | null;
  ine: string | null;
  esi: string | null;
  academicLevel: AcademicLevelIsced | null;
  rightsEnd: string | null;
  affiliation: string | null;
  freeFields: Partial<Record<FreeFieldKey, string>>;
  /** Language of the person's mails; null: the institution's default (French). */
  locale: PersonLocale | null;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every real change, of the identity or of an enrolment; send it back as `expectedVersion`. */
  version: number;
  enrolments: EnrolmentView[];
}


/** The current decision of a person about one kind of consent. */
export interface ConsentState {
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  channel: ConsentChannel;
  decidedAt: string;
}

/** Current decisions per kind; null where the person never decided. */
export type ConsentsView = Record<ConsentKind, ConsentState | null>;

export interface ConsentTextView {
  kind: ConsentKind;
  version: string;
  locale: 'fr' | 'en';
  title: string;
  body: string;
  publishedAt: string;
  /** The personal data this consent lets out, exactly as its connector sends it. */
  fields: PersonalDataField[];
}

/** One recorded decision: the proof of what was agreed to, when, how and by whom. */
export interface ConsentEventView {
  id: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: ConsentChannel;
  actor: string;
  ip: string | null;
  at: string;
}

export interface ConsentDecision {
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: ConsentChannel;
}

export type PersonSort = repo.PersonSort;

export interface PersonListQuery {
  /** Only enrolments of these types (a filter the caller chose). */
  personTypes?: readonly PersonType[] | undefined;
  /** Who lists: the enrolments they may see, and their focus. Absent: system work, everything. */
  reader?: PersonReader | undefined;
  /** Rights ending strictly before this date. */
  rightsEndBefore?: string | undefined;
  /** Rights ending strictly after this date. */
  rightsEndAfter?: string | undefined;
  /** Words that must all occur in names, eppn, e-mail or INE; or the start of the enrolment's student number. */
  q?: string | undefined;
  sort?: PersonSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** 1..200, default 50. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page, with the same sort and order. */
  cursor?: string | undefined;
  /** Also count the rows (up to {@link MAX_PERSON_TOTAL}). */
  withTotal?: boolean | undefined;
}

export interface PersonPage {
  /** One item per enrolment in the reader's scope: its flat fields are that enrolment's. */
  items: PersonView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** With `withTotal`: the rows matching, within the reader's scope, at most {@link MAX_PERSON_TOTAL}. */
  total?: number;
  /** With `withTotal`: true when there are more rows than {@link MAX_PERSON_TOTAL}. */
  totalCapped?: boolean;
}

export interface UpsertManyItem {
  index: number;
  eppn: string;
  id: string;
  status: 'created' | 'updated' | 'unchanged';
}

export interface UpsertManyResult {
  created: number;
  updated: number;
  unchanged: number;
  results: UpsertManyItem[];
}

/** One item of a JSON batch: written, or refused with the reasons. */
export type BatchItemResult =
  | UpsertManyItem
  | { index: number; eppn: string | null; status: 'error'; errors: ProblemItem[] };

export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  items: BatchItemResult[];
}

/** Everything held about a person (GDPR right of access), plus sections other contexts add. */
export interface PersonExport {
  exportedAt: string;
  person: PersonView;
  consents: ConsentsView;
  consentEvents: ConsentEventView[];
  history: AuditEntryView[];
  [section: string]: unknown;
}

/**
 * Called inside the writing transaction after a person was created or changed. `person` shows
 * the enrolment written (its institution in `institution` / `institutionId`) and all enrolments.
 */
export type PersonChangedListener = (executor: Executor, person: PersonView, changedFields: PersonField[]) => Promise<void>;

/** One changed person, for listeners that prefer a whole chunk at once. */
export interface PersonChange {
  /** The person, showing the enrolment written, with all their enrolments. */
  person: PersonView;
  changedFields: PersonField[];
  /** The person did not exist before (a new enrolment of an existing person is not a creation). */
  created: boolean;
}

/**
 * Called inside the writing transaction once per written chunk (one change for create/update,
 * up to {@link UPSERT_CHUNK_SIZE} for bulk upserts): lets a subscriber write set-based.
 */
export type PeopleChangedListener = (executor: Executor, changes: PersonChange[], channel: 'api' | 'import') => Promise<void>;

/** Called inside the writing transaction when a person's granted state for a kind changes. */
export type ConsentChangedListener = (executor: Executor, personId: string, kind: ConsentKind, granted: boolean) => Promise<void>;

/** Adds a section to a person's data export (cards, photos…); runs outside any transaction. */
export type ExportSection = (executor: Executor, personId: string) => Promise<unknown>;

export interface PeopleServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'find' | 'list' | 'byCode' | 'targetFor' | 'personTypesOf'>;
  audit: Pick<AuditService, 'historyOf'>;
  /**
   * The personal data each consent lets out, from the definitions the connectors build their
   * payloads from (ESC_DATA_FIELDS, CROUS_DATA_FIELDS, PUBLISHED_HOLDER_FIELDS): the composition
   * root passes them so that the summaries shown to people cannot drift from what is sent.
   */
  consentDataFields: Readonly<Record<ConsentKind, readonly PersonalDataField[]>>;
  now?: () => Date;
}

/**
 * People: persons (identities), their enrolments at institutions, their consents, and the proof
 * of those consents. Reads are scoped in SQL by the reader's institutions and person types (see
 * `inScope`); writes target one institution. Every write runs in an audited transaction and
 * notifies the subscribed contexts (cards, ESC) inside that same transaction, so their follow-up
 * writes commit or roll back with it.
 *
 * Identity fields (eppn, names, birth date, e-mail, INE, ESI, free fields, language) are shared
 * by all the person's enrolments: a writer who may write one of the person's enrolments (or
 * creates one) may change them. A write for an institution where the person is not enrolled yet
 * adds that enrolment and never changes another institution's enrolment; an optional identity
 * field such a write leaves empty keeps its stored value.
 */
export function createPeopleService(deps: PeopleServiceDeps) {
  const store = createPersonStore(deps);
  const { personListeners, peopleListeners, consentListeners, notWritableEppns } = store;
  return {
    ...createPersonReads(store),
    ...createPersonEdits(store),
    ...createPersonBulkWrites(store),
    ...createPersonConsents(store),
    /** The eppns of a batch a writer may not write at an institution (see the store). */
    notWritableEppns,

    /** Subscribes to every created or changed person (called once per person). */
    onPersonChanged(listener: PersonChangedListener): void {
      personListeners.push(listener);
    },

    /** Subscribes to created or changed persons a chunk at a time (bulk-friendly). */
    onPeopleChanged(listener: PeopleChangedListener): void {
      peopleListeners.push(listener);
    },

    /** Subscribes to consent grants and withdrawals. */
    onConsentChanged(listener: ConsentChangedListener): void {
      consentListeners.push(listener);
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
