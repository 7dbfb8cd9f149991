import type { Expression, Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { badRequest, conflict, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor, type CursorField } from '../../platform/http/cursor-codec.ts';
import type { AuditEntryView, AuditService } from '../audit/audit.service.ts';
import { buildEsi, esiEquals } from '../esc/domain/esi.ts';
import type { InstitutionService, InstitutionView } from '../institution/institution.service.ts';
import {
  isIsoCalendarDate, validatePersonInput, type AcademicLevelIsced, type FreeFieldKey, type PersonFieldError, type PersonInput, type PersonLocale,
  type PersonType,
} from './domain/person.ts';
import type { PersonalDataField } from './domain/personal-data-fields.ts';
import type { ConsentChannel, ConsentKind } from './people.tables.ts';
import { PERSON_NOT_WRITABLE, personNotFound, personNotWritable, scopeCovers, type PersonTypeScope } from './people.policy.ts';
import * as repo from './people.repository.ts';

/** A person as the API shows it. Absent optional values are null; dates are `YYYY-MM-DD`. */
export interface PersonView {
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
  academicLevel: AcademicLevelIsced | null;
  rightsEnd: string | null;
  affiliation: string | null;
  freeFields: Partial<Record<FreeFieldKey, string>>;
  /** Language of the person's mails; null: the institution's default (French). */
  locale: PersonLocale | null;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every real change; send it back as `expectedVersion` to update safely. */
  version: number;
}

/** The fields of a person that a change may touch (names as in {@link PersonView}). */
export const PERSON_FIELDS = ['eppn', 'firstName', 'lastName', 'birthDate', 'email', 'personType', 'studentNumber', 'ine',
  'esi', 'academicLevel', 'rightsEnd', 'affiliation', 'freeFields', 'locale'] as const;

export type PersonField = (typeof PERSON_FIELDS)[number];

/** All consent kinds. */
export const CONSENT_KINDS: readonly ConsentKind[] = ['esc', 'photo_publication', 'crous'];

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
  /** Only these types (a filter the caller chose). */
  personTypes?: readonly PersonType[] | undefined;
  /** The types the caller may see at all (manager limits); null or absent: all. */
  scope?: PersonTypeScope | undefined;
  /** Rights ending strictly before this date. */
  rightsEndBefore?: string | undefined;
  /** Rights ending strictly after this date. */
  rightsEndAfter?: string | undefined;
  /** Words that must all occur in names, eppn, e-mail, student number or INE. */
  q?: string | undefined;
  sort?: PersonSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  /** 1..200, default 50. */
  limit?: number | undefined;
  /** `nextCursor` of the previous page, with the same sort and order. */
  cursor?: string | undefined;
}

export interface PersonPage {
  items: PersonView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
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

/** Called inside the writing transaction after a person was created or changed. */
export type PersonChangedListener = (executor: Executor, person: PersonView, changedFields: PersonField[]) => Promise<void>;

/** One changed person, for listeners that prefer a whole chunk at once. */
export interface PersonChange {
  person: PersonView;
  changedFields: PersonField[];
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

/** Rows per upsert statement: big enough to amortise round trips, small enough to plan fast. */
export const UPSERT_CHUNK_SIZE = 1000;
const EPPN_CONSTRAINT = 'persons_eppn_key';
const MAX_LIST_LIMIT = 200;
const DEFAULT_LIST_LIMIT = 50;
const MAX_SEARCH_TERMS = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PeopleServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'find'>;
  audit: Pick<AuditService, 'historyOf'>;
  /**
   * The personal data each consent lets out, from the definitions the connectors build their
   * payloads from (ESC_DATA_FIELDS, CROUS_DATA_FIELDS, PUBLISHED_HOLDER_FIELDS): the composition
   * root passes them so that the summaries shown to people cannot drift from what is sent.
   */
  consentDataFields: Readonly<Record<ConsentKind, readonly PersonalDataField[]>>;
  now?: () => Date;
}

function view(row: repo.PersonRow): PersonView {
  return {
    id: row.id,
    eppn: row.eppn,
    firstName: row.firstName,
    lastName: row.lastName,
    birthDate: row.birthDate,
    email: row.email,
    personType: row.personType,
    studentNumber: row.studentNumber,
    ine: row.ine,
    esi: row.esi,
    academicLevel: row.academicLevel as AcademicLevelIsced | null,
    rightsEnd: row.rightsEnd,
    affiliation: row.affiliation,
    freeFields: row.freeFields,
    locale: row.locale,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

function viewEvent(row: repo.ConsentEventRow): ConsentEventView {
  return { ...row, at: row.at.toISOString() };
}

/** The person as validation input: stored values, absent ones left out. */
function inputOf(row: repo.PersonRow): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of PERSON_FIELDS) {
    const value = row[field];
    if (value !== null && !(field === 'freeFields' && Object.keys(row.freeFields).length === 0)) input[field] = value;
  }
  return input;
}

function valuesOf(input: PersonInput, esi: string | null): repo.PersonValues {
  return {
    eppn: input.eppn,
    firstName: input.firstName,
    lastName: input.lastName,
    birthDate: input.birthDate ?? null,
    email: input.email ?? null,
    personType: input.personType,
    studentNumber: input.studentNumber ?? null,
    ine: input.ine ?? null,
    esi,
    academicLevel: input.academicLevel ?? null,
    rightsEnd: input.rightsEnd ?? null,
    affiliation: input.affiliation ?? null,
    freeFields: input.freeFields ?? {},
    locale: input.locale ?? null,
  };
}

function storedValues(row: repo.PersonRow): repo.PersonValues {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, version: _version, ...values } = row;
  return values;
}

/** The fields a new person has a value in: what a creation "changed". */
function presentFields(values: repo.PersonValues): PersonField[] {
  return PERSON_FIELDS.filter((field) => values[field] !== null && !(field === 'freeFields' && Object.keys(values.freeFields).length === 0));
}

function canonical(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify(entries);
  }
  return JSON.stringify(value ?? null);
}

function changedFields(before: repo.PersonValues, after: repo.PersonValues): PersonField[] {
  return PERSON_FIELDS.filter((field) => canonical(before[field]) !== canonical(after[field]));
}

/** Domain field name (`freeFields.free3`) to the JSON pointer the API reports (`/freeFields/free3`). */
function pointer(field: string): string {
  return field === '' ? '/' : `/${field.split('.').join('/')}`;
}

/** Domain validation errors as problem items. */
export function personProblemItems(errors: readonly PersonFieldError[]): ProblemItem[] {
  return errors.map((error) => ({ field: pointer(error.field), code: error.code, message: error.message }));
}

function invalidPerson(errors: readonly PersonFieldError[]): Error {
  const items = personProblemItems(errors);
  const first = items[0];
  return unprocessable('invalid_person', first ? `${first.field}: ${first.message}` : 'The person is invalid', {
    ...(first?.field ? { field: first.field } : {}), errors: items,
  });
}

function eppnTaken(): Error {
  return conflict('eppn_taken', 'Another person already has this eppn', { field: '/eppn' });
}

/**
 * The ESI the institution mints for a person who was given none: national scope with the INE,
 * or institution scope (schacHomeOrganization) with the student number. Null when the institution
 * is not set up, the person lacks the code, or the code cannot be part of a URN (spaces…).
 */
export function deriveEsi(institution: Pick<InstitutionView, 'esiScope' | 'country' | 'schacHomeOrganization'> | undefined,
  input: Pick<PersonInput, 'ine' | 'studentNumber'>): string | null {
  if (!institution) return null;
  try {
    if (institution.esiScope === 'national') {
      return input.ine ? buildEsi({ kind: 'national', country: institution.country }, input.ine) : null;
    }
    return input.studentNumber
      ? buildEsi({ kind: 'institution', schacHomeOrganization: institution.schacHomeOrganization }, input.studentNumber)
      : null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** The cursor's fields: the sort and order it was made for, the sort keys, then the row id. */
function cursorShape(sort: PersonSort, order: 'asc' | 'desc'): CursorField[] {
  const keys: CursorField[] = sort === 'last_name' ? ['text', 'text'] : ['timestamp'];
  return [{ equals: sort }, { equals: order }, ...keys, 'uuid'];
}

function decodePersonCursor(cursor: string, sort: PersonSort, order: 'asc' | 'desc'): repo.PersonKeyset {
  const values = decodeCursor(cursor, cursorShape(sort, order));
  return { keys: values.slice(2, -1), id: values[values.length - 1] as string };
}

/** Lowercased, NFC, whitespace-separated search words (search_text is lower() of the fields). */
function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  return q.normalize('NFC').toLowerCase().split(/\s+/).filter((term) => term !== '').slice(0, MAX_SEARCH_TERMS);
}

/**
 * People: the persons the card office serves, their consents, and the proof of those consents.
 * Every write runs in an audited transaction and notifies the subscribed contexts (cards, ESC)
 * inside that same transaction, so their follow-up writes commit or roll back with it.
 */
export function createPeopleService(deps: PeopleServiceDeps) {
  const { db, institution, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const personListeners: PersonChangedListener[] = [];
  const peopleListeners: PeopleChangedListener[] = [];
  const consentListeners: ConsentChangedListener[] = [];
  const exportSections = new Map<string, ExportSection>();

  const today = () => now().toISOString().slice(0, 10);

  async function load(executor: Executor, id: string): Promise<repo.PersonRow> {
    const row = UUID.test(id) ? await repo.findPersonById(executor, id) : undefined;
    if (!row) throw personNotFound();
    return row;
  }

  /**
   * The answer to a write that hit the eppn of another person: 409 `eppn_taken` when the caller
   * may see that person, otherwise the refusal of a person outside their limits (the same as for
   * a type they may not manage), so that the answer does not reveal who holds the eppn.
   */
  async function eppnConflict(eppn: string, scope: PersonTypeScope): Promise<Error> {
    if (scope === null) return eppnTaken();
    const [holder] = await repo.findTypesByEppns(db, [eppn]);
    return holder && !scopeCovers(scope, holder.personType) ? personNotWritable() : eppnTaken();
  }

  /**
   * The eppns among `items` that a caller limited to `scope` may not write: a type outside the
   * scope, or an existing person outside it (whom the write would overwrite). Both are refused
   * alike ({@link PERSON_NOT_WRITABLE}). Read in the writing transaction, so check and write
   * see the same persons.
   */
  async function notWritableEppns(executor: Executor, items: ReadonlyArray<{ eppn: string; personType: string }>, scope: PersonTypeScope): Promise<Set<string>> {
    if (scope === null || items.length === 0) return new Set();
    const refused = new Set(items.filter((item) => !scopeCovers(scope, item.personType)).map((item) => item.eppn));
    const existing = await repo.findTypesByEppns(executor, items.filter((item) => !refused.has(item.eppn)).map((item) => item.eppn));
    for (const row of existing) if (!scopeCovers(scope, row.personType)) refused.add(row.eppn);
    return refused;
  }

  async function notify(executor: Executor, changes: PersonChange[], channel: 'api' | 'import'): Promise<void> {
    if (changes.length === 0) return;
    for (const listener of peopleListeners) await listener(executor, changes, channel);
    for (const listener of personListeners) {
      for (const change of changes) await listener(executor, change.person, change.changedFields);
    }
  }

  const hasPersonListeners = () => personListeners.length > 0 || peopleListeners.length > 0;

  async function withTransaction<T>(executor: Executor, context: ActorContext, work: (trx: Executor) => Promise<T>): Promise<T> {
    return executor.isTransaction ? work(executor) : inTransaction(db, context, work);
  }

  async function upsertChunked(executor: Executor, inputs: readonly PersonInput[], channel: 'api' | 'import'): Promise<UpsertManyResult> {
    const seen = new Map<string, number>();
    inputs.forEach((input, index) => {
      if (seen.has(input.eppn)) {
        throw unprocessable('duplicate_eppn', `Items ${seen.get(input.eppn)} and ${index} have the same eppn`, { field: `/${index}/eppn` });
      }
      seen.set(input.eppn, index);
    });
    const inst = await institution.find(executor);
    const result: UpsertManyResult = { created: 0, updated: 0, unchanged: 0, results: [] };
    const full = hasPersonListeners();
    for (let start = 0; start < inputs.length; start += UPSERT_CHUNK_SIZE) {
      const chunk = inputs.slice(start, start + UPSERT_CHUNK_SIZE);
      const values = chunk.map((input) => valuesOf(input, input.esi ?? deriveEsi(inst, input)));
      const rows: repo.UpsertedRow[] = full ? await repo.upsertPersons(executor, values, true) : await repo.upsertPersons(executor, values, false);
      for (const row of rows) {
        result[row.status] += 1;
        result.results.push({ index: seen.get(row.eppn) as number, eppn: row.eppn, id: row.id, status: row.status });
      }
      if (full) {
        const changes: PersonChange[] = [];
        for (const row of rows as repo.UpsertedFullRow[]) {
          if (row.row && row.status !== 'unchanged') {
            changes.push({ person: view(row.row), changedFields: row.changedFields as PersonField[], created: row.status === 'created' });
          }
        }
        await notify(executor, changes, channel);
      }
    }
    result.results.sort((a, b) => a.index - b.index);
    return result;
  }

  async function consents(personId: string, executor: Executor = db): Promise<ConsentsView> {
    await load(executor, personId);
    const rows = await repo.listPersonConsents(executor, personId);
    const result = Object.fromEntries(CONSENT_KINDS.map((kind) => [kind, null])) as ConsentsView;
    for (const row of rows) result[row.kind] = { ...row, decidedAt: row.decidedAt.toISOString() };
    return result;
  }

  async function consentHistory(personId: string, executor: Executor = db): Promise<ConsentEventView[]> {
    await load(executor, personId);
    return (await repo.listConsentEvents(executor, personId)).map(viewEvent);
  }

  return {
    /**
     * Many persons at once, reduced to what a connector sends (names, e-mail, ESI, level, rights
     * end) with whether each currently grants the consent `kind`; ids that do not exist are left
     * out. One query whatever the number (the ESC Router sync reads a batch per pass).
     */
    async summariesWithConsent(ids: readonly string[], kind: ConsentKind, executor: Executor = db): Promise<repo.PersonConsentSummaryRow[]> {
      return repo.findPersonsWithConsent(executor, ids.filter((id) => UUID.test(id)), kind);
    },

    /**
     * The ids of the persons `scope` covers, as a subquery for another context to embed in its
     * own SQL, so that its rows are limited by the database and its pages stay full; undefined
     * when the scope has no limits.
     */
    personIdsInScope(scope: PersonTypeScope): Expression<{ id: string }> | undefined {
      return scope === null ? undefined : repo.personIdsOfTypes(db, scope);
    },

    /** Names and eppns of many persons at once (to label another context's rows); unknown ids are left out. */
    async namesOf(ids: readonly string[], executor: Executor = db): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>> {
      return repo.findPersonNames(executor, ids.filter((id) => UUID.test(id)));
    },

    notWritableEppns,

    /** A person by id, or 404 `person_not_found`. */
    async get(id: string, executor: Executor = db): Promise<PersonView> {
      return view(await load(executor, id));
    },

    /** A person by eppn (any case), or 404 `person_not_found`. */
    async getByEppn(eppn: string, executor: Executor = db): Promise<PersonView> {
      const row = await repo.findPersonByEppn(executor, eppn.trim().toLowerCase());
      if (!row) throw personNotFound();
      return view(row);
    },

    /**
     * Creates a person from raw input (API body). Validation problems are one 422 `invalid_person`
     * listing every field; a taken eppn is 409 `eppn_taken`. A type outside `scope`, or an eppn
     * held by a person outside it, is the same 422 `person_type_not_allowed` (who holds an eppn
     * is not disclosed beyond the caller's limits). Without an ESI, one is derived from the
     * institution's ESI scope.
     */
    async create(raw: unknown, context: ActorContext, options: { scope?: PersonTypeScope } = {}): Promise<PersonView> {
      const validated = validatePersonInput(raw, { today: today() });
      if (!validated.ok) throw invalidPerson(validated.errors);
      const input = validated.value;
      const scope = options.scope ?? null;
      if (!scopeCovers(scope, input.personType)) throw personNotWritable();
      try {
        return await inTransaction(db, context, async (trx) => {
          const inst = await institution.find(trx);
          const values = valuesOf(input, input.esi ?? deriveEsi(inst, input));
          const person = view(await repo.insertPerson(trx, values));
          await notify(trx, [{ person, changedFields: presentFields(values), created: true }], 'api');
          return person;
        });
      } catch (error) {
        if (isUniqueViolation(error, EPPN_CONSTRAINT)) throw await eppnConflict(input.eppn, scope);
        throw error;
      }
    },

    /**
     * Changes some fields of a person. `patch` holds the fields to change; null clears an
     * optional field. The whole resulting record is validated (422 `invalid_person`). With
     * `expectedVersion`, a person changed since that version is 409 `version_conflict`.
     * An ESI that was derived follows its source (INE or student number); one given explicitly
     * stays until changed explicitly. Nothing changed: no write, same version.
     * A person outside `scope` is 404; moving a person to a type outside `scope`, or to the eppn
     * of a person outside it, is 422 `person_type_not_allowed`.
     */
    async update(
      id: string,
      patch: Record<string, unknown>,
      context: ActorContext,
      options: { expectedVersion?: number | undefined; scope?: PersonTypeScope } = {},
    ): Promise<PersonView> {
      const scope = options.scope ?? null;
      let newEppn: string | undefined;
      try {
        return await inTransaction(db, context, async (trx) => {
          const row = UUID.test(id) ? await repo.findPersonById(trx, id, true) : undefined;
          if (!row || !scopeCovers(scope, row.personType)) throw personNotFound();
          if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
            throw conflict('version_conflict', `The person was changed meanwhile (version ${row.version}, you had ${options.expectedVersion}); reload and retry`,
              { extensions: { currentVersion: row.version } });
          }
          const validated = validatePersonInput({ ...inputOf(row), ...patch }, { today: today() });
          if (!validated.ok) throw invalidPerson(validated.errors);
          const input = validated.value;
          newEppn = input.eppn;
          if (!scopeCovers(scope, input.personType)) throw personNotWritable();
          const inst = await institution.find(trx);
          const before = storedValues(row);
          let esi: string | null;
          if ('esi' in patch) {
            esi = input.esi ?? deriveEsi(inst, input);
          } else {
            const derivedBefore = deriveEsi(inst, { ...(row.ine ? { ine: row.ine } : {}), ...(row.studentNumber ? { studentNumber: row.studentNumber } : {}) });
            const wasDerived = row.esi === null || (derivedBefore !== null && esiEquals(row.esi, derivedBefore));
            esi = wasDerived ? deriveEsi(inst, input) : row.esi;
          }
          const after = valuesOf(input, esi);
          const changed = changedFields(before, after);
          if (changed.length === 0) return view(row);
          const changes = Object.fromEntries(changed.map((field) => [field, after[field]])) as Partial<repo.PersonValues>;
          const updated = await repo.updatePerson(trx, row.id, row.version, changes);
          if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
          const person = view(updated);
          await notify(trx, [{ person, changedFields: changed, created: false }], 'api');
          return person;
        });
      } catch (error) {
        if (isUniqueViolation(error, EPPN_CONSTRAINT) && newEppn !== undefined) throw await eppnConflict(newEppn, scope);
        throw error;
      }
    },

    /**
     * Sets the language of a person's mails (null: the institution's default), whatever else the
     * record holds: the person chooses it themselves, so no other field is validated again.
     * Nothing changed: no write, same version. 404 when there is no such person.
     */
    async setLocale(id: string, locale: PersonLocale | null, context: ActorContext): Promise<PersonView> {
      return inTransaction(db, context, async (trx) => {
        const row = UUID.test(id) ? await repo.findPersonById(trx, id, true) : undefined;
        if (!row) throw personNotFound();
        if (row.locale === locale) return view(row);
        const updated = await repo.updatePerson(trx, row.id, row.version, { locale });
        if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
        const person = view(updated);
        await notify(trx, [{ person, changedFields: ['locale'], created: false }], 'api');
        return person;
      });
    },

    /**
     * Lists persons: filters, word search over names, eppn, e-mail, student number and INE
     * (trigram index), a sort with keyset pagination (stable while others write), at most 200
     * per page. `scope` restricts to the types the caller may see.
     */
    async list(query: PersonListQuery = {}): Promise<PersonPage> {
      for (const [name, value] of [['rightsEndBefore', query.rightsEndBefore], ['rightsEndAfter', query.rightsEndAfter]] as const) {
        if (value !== undefined && !isIsoCalendarDate(value)) {
          throw badRequest('invalid_date', `${name} must be an existing date written YYYY-MM-DD`, { field: `querystring:/${name}` });
        }
      }
      const sort = query.sort ?? 'last_name';
      const order = query.order ?? 'asc';
      const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
      let types: readonly string[] | undefined = query.personTypes && query.personTypes.length > 0 ? query.personTypes : undefined;
      if (query.scope) types = types ? types.filter((type) => scopeCovers(query.scope ?? null, type)) : query.scope;
      const rows = await repo.listPersons(db, {
        personTypes: types,
        rightsEndBefore: query.rightsEndBefore,
        rightsEndAfter: query.rightsEndAfter,
        terms: searchTerms(query.q),
        sort,
        order,
        after: query.cursor ? decodePersonCursor(query.cursor, sort, order) : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(view),
        nextCursor: rows.length > limit && last ? encodeCursor([sort, order, ...last.sortKeys, last.id]) : null,
      };
    },

    /**
     * Creates or updates many validated persons by eppn inside the caller's transaction (or one
     * of its own when given `db`), set-based: one INSERT … ON CONFLICT statement per
     * {@link UPSERT_CHUNK_SIZE} rows. A row identical to the stored one is `unchanged` (no write,
     * no version bump, no audit entry). Eppns must be distinct (422 `duplicate_eppn`). An input
     * without ESI gets the derived one, or keeps the stored one when none can be derived.
     * Change listeners are called for created and updated persons only; with no listener the
     * statement does not even return the rows.
     */
    async upsertMany(
      executor: Executor,
      inputs: readonly PersonInput[],
      context: ActorContext,
      options: { channel: 'api' | 'import' },
    ): Promise<UpsertManyResult> {
      return withTransaction(executor, context, (trx) => upsertChunked(trx, inputs, options.channel));
    },

    /**
     * The JSON batch of the API: validates every item, refuses duplicates (the later occurrence)
     * and, alike, types outside `scope` and eppns of persons outside it (such an item never
     * changes that person), and writes all valid items in one
     * transaction. Invalid items are reported with their errors and do not stop the others.
     */
    async batch(items: readonly unknown[], context: ActorContext, options: { scope?: PersonTypeScope } = {}): Promise<BatchResult> {
      const scope = options.scope ?? null;
      const outcome: BatchItemResult[] = [];
      const valid: Array<{ index: number; input: PersonInput }> = [];
      const seen = new Set<string>();
      const day = today();
      items.forEach((item, index) => {
        const validated = validatePersonInput(item, { today: day });
        const rawEppn = (item as { eppn?: unknown } | null)?.eppn;
        if (!validated.ok) {
          outcome.push({ index, eppn: typeof rawEppn === 'string' ? rawEppn.trim().toLowerCase() : null, status: 'error', errors: personProblemItems(validated.errors) });
          return;
        }
        const input = validated.value;
        if (seen.has(input.eppn)) {
          outcome.push({ index, eppn: input.eppn, status: 'error', errors: [{ field: '/eppn', code: 'duplicate_eppn', message: 'An earlier item of this batch has the same eppn' }] });
          return;
        }
        seen.add(input.eppn);
        valid.push({ index, input });
      });
      const written = await inTransaction(db, context, async (trx) => {
        const refused = await notWritableEppns(trx, valid.map((item) => item.input), scope);
        const allowed = valid.filter((item) => {
          if (!refused.has(item.input.eppn)) return true;
          outcome.push({ index: item.index, eppn: item.input.eppn, status: 'error', errors: [{ ...PERSON_NOT_WRITABLE }] });
          return false;
        });
        const result = await upsertChunked(trx, allowed.map((item) => item.input), 'api');
        return { result, indexes: allowed.map((item) => item.index) };
      });
      for (const item of written.result.results) outcome.push({ ...item, index: written.indexes[item.index] as number });
      outcome.sort((a, b) => a.index - b.index);
      return {
        created: written.result.created,
        updated: written.result.updated,
        unchanged: written.result.unchanged,
        failed: outcome.filter((item) => item.status === 'error').length,
        items: outcome,
      };
    },

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

    /** Current consent decisions of a person per kind (null: never decided); 404 if no such person. */
    consents,

    /**
     * Records a consent decision: the current state (person_consents) and the proof
     * (consent_events: time, channel, text version, locale, actor, address) in one transaction.
     * The text version must exist for that kind and locale (422 `unknown_consent_text`).
     * Consent listeners run when the granted state changes (including a first decision).
     */
    async setConsent(personId: string, decision: ConsentDecision, context: ActorContext): Promise<ConsentState> {
      return inTransaction(db, context, async (trx) => {
        await load(trx, personId);
        if (!(await repo.consentTextExists(trx, decision.kind, decision.textVersion, decision.locale))) {
          throw unprocessable('unknown_consent_text',
            `There is no ${decision.locale} text version ${decision.textVersion} for the ${decision.kind} consent`, { field: '/textVersion' });
        }
        const previous = await repo.findPersonConsentForUpdate(trx, personId, decision.kind);
        const at = now();
        const row = await repo.upsertPersonConsent(trx, {
          personId, kind: decision.kind, granted: decision.granted, textVersion: decision.textVersion, channel: decision.channel, decidedAt: at,
        });
        await repo.insertConsentEvent(trx, {
          personId, kind: decision.kind, granted: decision.granted, textVersion: decision.textVersion, locale: decision.locale,
          channel: decision.channel, actor: context.actor, ip: context.ip ?? null, at,
        });
        if (previous?.granted !== decision.granted) {
          for (const listener of consentListeners) await listener(trx, personId, decision.kind, decision.granted);
        }
        return { ...row, decidedAt: row.decidedAt.toISOString() };
      });
    },

    /** The latest published consent text of each kind in a locale, with the personal data it covers. */
    async consentTexts(locale: 'fr' | 'en'): Promise<ConsentTextView[]> {
      return (await repo.latestConsentTexts(db, locale)).map((row) => ({
        ...row, publishedAt: row.publishedAt.toISOString(), fields: [...deps.consentDataFields[row.kind]],
      }));
    },

    /** Every consent decision of a person, oldest first; 404 if no such person. */
    consentHistory,

    /** Changes of the person record from the audit log, oldest first; 404 if no such person. */
    async history(personId: string): Promise<AuditEntryView[]> {
      await load(db, personId);
      return audit.historyOf('persons', personId);
    },

    /** Adds a named section to {@link exportData}; for the composition root (cards, photos). */
    addExportSection(name: string, section: ExportSection): void {
      if (exportSections.has(name) || ['exportedAt', 'person', 'consents', 'consentEvents', 'history'].includes(name)) {
        throw new Error(`Export section ${name} is already defined`);
      }
      exportSections.set(name, section);
    },

    /**
     * Everything held about a person, for the GDPR JSON export: the record, consents and their
     * proof, the record's change history, then each section other contexts registered.
     */
    async exportData(personId: string): Promise<PersonExport> {
      const person = view(await load(db, personId));
      const result: PersonExport = {
        exportedAt: now().toISOString(),
        person,
        consents: await consents(personId),
        consentEvents: await consentHistory(personId),
        history: await audit.historyOf('persons', personId),
      };
      for (const [name, section] of exportSections) result[name] = await section(db, personId);
      return result;
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
