import type { Expression, Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { scopeAdmits, WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { badRequest, conflict, notFound, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import type { AuditEntryView, AuditService } from '../audit/audit.service.ts';
import { esiEquals } from '../esc/domain/esi.ts';
import { institutionNotFound, type InstitutionRef, type InstitutionService } from '../institution/institution.service.ts';
import {
  FREE_FIELD_KEYS, isIsoCalendarDate, validatePersonInput, type AcademicLevelIsced, type FreeFieldKey, type PersonInput, type PersonLocale,
  type PersonType,
} from './domain/person.ts';
import type { PersonalDataField } from './domain/personal-data-fields.ts';
import type { ConsentChannel, ConsentKind } from './people.tables.ts';
import {
  PERSON_NOT_WRITABLE, personNotFound, personNotWritable, scopeCoversType, SYSTEM_READER, SYSTEM_WRITER, type PersonReader, type PersonWriter,
} from './people.policy.ts';
import * as repo from './people.repository.ts';
import {
  changedEnrolment, changedIdentity, deriveEsi, enrolmentOf, ENROLMENT_FIELDS, identityOf, inputOf, keepShared, onlyFields, OPTIONAL_UPSERT_FIELDS, ordered,
  splitInstitution, storedEnrolment, storedIdentity, type PersonField, type UpsertField,
} from './person-input.ts';
import { decodePersonCursor, encodePersonCursor, searchTerms, studentNumberPrefixes } from './person-list-query.ts';
import { eppnTaken, institutionItemError, invalidPerson, personProblemItems } from './person-problems.ts';
import { enrolmentView, shownEnrolment, view, viewEvent, type InstitutionNames } from './person-views.ts';

// What other contexts import from the people service, defined beside it.
export { deriveEsi, ENROLMENT_FIELDS, IDENTITY_FIELDS, PERSON_FIELDS, type PersonField, type UpsertField } from './person-input.ts';
export { personProblemItems } from './person-problems.ts';

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

/** Rows per upsert statement: big enough to amortise round trips, small enough to plan fast. */
export const UPSERT_CHUNK_SIZE = 1000;
/** Rows a person list counts at most (like card lists). */
export const MAX_PERSON_TOTAL = 10_000;
const EPPN_CONSTRAINT = 'persons_eppn_key';
const MAX_LIST_LIMIT = 200;
const DEFAULT_LIST_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** Institution code and name by id, to label enrolments. */
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
  const { db, institution, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const personListeners: PersonChangedListener[] = [];
  const peopleListeners: PeopleChangedListener[] = [];
  const consentListeners: ConsentChangedListener[] = [];
  const exportSections = new Map<string, ExportSection>();

  const today = () => now().toISOString().slice(0, 10);

  async function institutionNames(executor: Executor): Promise<InstitutionNames> {
    return new Map((await institution.list(executor)).map((ref) => [ref.id, ref]));
  }

  /** The type codes an institution accepts for new enrolments and changes (not the disabled ones), plus `keep`. */
  async function acceptedTypes(executor: Executor, institutionId: number, keep?: string): Promise<string[]> {
    const codes = (await institution.personTypesOf(executor, institutionId))
      .filter((type) => type.disabledAt === null || type.code === keep).map((type) => type.code);
    return codes;
  }

  /**
   * Views of these persons as `reader` sees them (persons out of sight are left out, as are
   * persons with no enrolment the reader may see). `shownAt` overrides the reader's focus for
   * the flat enrolment (a write shows the enrolment written).
   */
  async function loadViews(executor: Executor, ids: readonly string[], reader: PersonReader, shownAt?: number): Promise<Map<string, PersonView>> {
    const valid = [...new Set(ids.filter((id) => UUID.test(id)))];
    const rows = await repo.findVisiblePersons(executor, valid, reader.scope, reader.personId);
    if (rows.length === 0) return new Map();
    const self = reader.personId !== null && rows.some((row) => row.id === reader.personId) ? reader.personId : null;
    const others = rows.filter((row) => row.id !== self).map((row) => row.id);
    const enrolments = [
      ...(await repo.findEnrolments(executor, others, reader.scope)),
      ...(self === null ? [] : await repo.findEnrolments(executor, [self], WHOLE_DEPLOYMENT)),
    ];
    const names = await institutionNames(executor);
    // Grouped once (in their order): filtering the whole list per person was quadratic, a
    // million comparisons for each chunk of 1,000 persons an import or a sync writes.
    const byPerson = new Map<string, typeof enrolments>();
    for (const enrolment of enrolments) {
      const list = byPerson.get(enrolment.personId);
      if (list) list.push(enrolment);
      else byPerson.set(enrolment.personId, [enrolment]);
    }
    const result = new Map<string, PersonView>();
    for (const row of rows) {
      const own = byPerson.get(row.id) ?? [];
      const shown = shownEnrolment(own, shownAt ?? reader.focusInstitutionId);
      if (shown) result.set(row.id, view(row, shown, own, names));
    }
    return result;
  }

  async function load(executor: Executor, id: string, reader: PersonReader = SYSTEM_READER, shownAt?: number): Promise<PersonView> {
    const found = (await loadViews(executor, [id], reader, shownAt)).get(id);
    if (!found) throw personNotFound();
    return found;
  }

  /** The view a writer gets back: their scope, showing the enrolment written. */
  const writerReader = (writer: PersonWriter): PersonReader => ({ scope: writer, focusInstitutionId: writer.focusInstitutionId, personId: null });

  /**
   * The eppns among `items` that `writer` may not write at `institutionId`: a type outside the
   * writer's type limits, or a person already enrolled there with such a type (whom the write
   * would overwrite). Both are refused alike ({@link PERSON_NOT_WRITABLE}). Read in the writing
   * transaction, so check and write see the same enrolments. The institution itself must already
   * be one the writer may write at (see `institution.targetFor`).
   */
  async function notWritableEppns(executor: Executor, items: ReadonlyArray<{ eppn: string; personType: string }>, writer: AccessScope,
    institutionId: number): Promise<Set<string>> {
    if (writer.personTypes === null || items.length === 0) return new Set();
    const refused = new Set(items.filter((item) => !scopeCoversType(writer, item.personType)).map((item) => item.eppn));
    const existing = await repo.findEnrolmentTypesByEppns(executor, items.filter((item) => !refused.has(item.eppn)).map((item) => item.eppn), institutionId);
    for (const row of existing) if (!scopeCoversType(writer, row.personType)) refused.add(row.eppn);
    return refused;
  }

  /**
   * The answer to a write that hit the eppn of another person: 409 `eppn_taken` when the writer
   * may see that person, otherwise the refusal of a person outside their limits (the same as for
   * a type they may not manage), so that the answer does not reveal who holds the eppn.
   */
  async function eppnConflict(eppn: string, writer: AccessScope): Promise<Error> {
    const holder = await repo.findPersonByEppn(db, eppn);
    if (!holder) return eppnTaken();
    const visible = await repo.findEnrolments(db, [holder.id], writer);
    return visible.length > 0 ? eppnTaken() : personNotWritable();
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

  /** What a line limited to `fields` leaves alone (see `repo.PartialUpsert`); undefined: whole records. */
  function partialOf(fields: ReadonlySet<UpsertField> | undefined): repo.PartialUpsert | undefined {
    if (!fields) return undefined;
    return {
      kept: new Set(OPTIONAL_UPSERT_FIELDS.filter((field) => !fields.has(field))),
      freeFieldKeys: FREE_FIELD_KEYS.filter((key) => fields.has(`freeFields.${key}`)),
    };
  }

  async function upsertChunked(executor: Executor, institutionId: number, inputs: readonly PersonInput[], channel: 'api' | 'import',
    fields?: ReadonlySet<UpsertField>, silent = false): Promise<UpsertManyResult> {
    const seen = new Map<string, number>();
    inputs.forEach((input, index) => {
      if (seen.has(input.eppn)) {
        throw unprocessable('duplicate_eppn', `Items ${seen.get(input.eppn)} and ${index} have the same eppn`, { field: `/${index}/eppn` });
      }
      seen.set(input.eppn, index);
    });
    const inst = await institution.find(executor, institutionId);
    const partial = partialOf(fields);
    const result: UpsertManyResult = { created: 0, updated: 0, unchanged: 0, results: [] };
    const detailed = !silent && hasPersonListeners();
    for (let start = 0; start < inputs.length; start += UPSERT_CHUNK_SIZE) {
      const chunk = inputs.slice(start, start + UPSERT_CHUNK_SIZE);
      const values = chunk.map((input) => {
        const given = fields ? onlyFields(input, fields) : input;
        return { ...identityOf(given, given.esi ?? deriveEsi(inst, input)), ...enrolmentOf(given) };
      });
      const rows: repo.UpsertedRow[] = detailed
        ? await repo.upsertPersons(executor, institutionId, values, true, partial)
        : await repo.upsertPersons(executor, institutionId, values, false, partial);
      for (const row of rows) {
        result[row.status] += 1;
        result.results.push({ index: seen.get(row.eppn) as number, eppn: row.eppn, id: row.id, status: row.status });
      }
      if (detailed) {
        const written = (rows as repo.UpsertedDetailedRow[]).filter((row) => row.status !== 'unchanged');
        const views = await loadViews(executor, written.map((row) => row.id), SYSTEM_READER, institutionId);
        const changes: PersonChange[] = [];
        for (const row of written) {
          const person = views.get(row.id);
          if (person) changes.push({ person, changedFields: ordered(row.changedFields as PersonField[]), created: row.status === 'created' });
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

  /**
   * Audit entries of the person row and of the given enrolments, oldest first; within `scope`,
   * entries filed under an institution outside it (what the record held of the first institution
   * before enrolments existed) are left out by the audit query.
   */
  async function historyOf(person: PersonView, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<AuditEntryView[]> {
    const entries = [
      ...(await audit.historyOf('persons', person.id, { scope })),
      ...(await Promise.all(person.enrolments.map((enrolment) =>
        audit.historyOf('enrolments', `${person.id}:${enrolment.institutionId}`, { scope })))).flat(),
    ];
    // Audit ids grow with every entry written: their order is the order of the changes.
    return entries.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /**
   * Creates the person, or enrols an existing one (same eppn) at `target`, in `trx`. The answer
   * and the listeners show the enrolment at `target`.
   */
  async function createIn(trx: Executor, writer: PersonWriter, target: InstitutionRef, input: PersonInput): Promise<PersonView> {
    const inst = await institution.find(trx, target.id);
    const enrolment = enrolmentOf(input);
    const identity = identityOf(input, input.esi ?? deriveEsi(inst, input));
    const existing = await repo.findPersonByEppn(trx, input.eppn, true);
    let personId: string;
    let changed: PersonField[];
    if (existing) {
      const there = await repo.findEnrolment(trx, existing.id, target.id, true);
      if (there) throw scopeCoversType(writer, there.personType) ? eppnTaken() : personNotWritable();
      // Enrolled elsewhere: this institution enrols the person too, the other enrolments stay.
      const before = storedIdentity(existing);
      const after = keepShared(before, identity);
      const identityChanges = changedIdentity(before, after);
      await repo.updatePerson(trx, existing.id, existing.version,
        Object.fromEntries(identityChanges.map((field) => [field, after[field]])) as Partial<repo.IdentityValues>);
      personId = existing.id;
      changed = ordered([...identityChanges, ...changedEnrolment(undefined, enrolment)]);
    } else {
      personId = (await repo.insertPerson(trx, identity)).id;
      changed = ordered([...changedIdentity(undefined, identity), ...changedEnrolment(undefined, enrolment)]);
    }
    await repo.upsertEnrolment(trx, personId, target.id, enrolment);
    const person = await load(trx, personId, SYSTEM_READER, target.id);
    await notify(trx, [{ person, changedFields: changed, created: !existing }], 'api');
    return load(trx, personId, writerReader(writer), target.id);
  }

  return {
    /**
     * Many persons at once, reduced to what a connector sends (names, e-mail, ESI, level, rights
     * end) with whether each currently grants the consent `kind`; ids that do not exist are left
     * out. The level, rights end and type are those of the enrolment at `institutionId` (persons
     * not enrolled there are left out), or of the first enrolment without it. One query whatever
     * the number (the ESC Router sync reads a batch per pass).
     */
    async summariesWithConsent(ids: readonly string[], kind: ConsentKind, executor: Executor = db, institutionId?: number): Promise<repo.PersonConsentSummaryRow[]> {
      return repo.findPersonsWithConsent(executor, ids.filter((id) => UUID.test(id)), kind, institutionId);
    },

    /**
     * The ids of the persons with an enrolment inside `scope`, as a subquery for another context
     * to embed in its own SQL, so that its rows are limited by the database and its pages stay
     * full; undefined when the scope has no limits. A bare list of person types (or null) is the
     * type-only scope of before institutions existed.
     */
    personIdsInScope(scope: AccessScope | readonly string[] | null): Expression<{ id: string }> | undefined {
      const access: AccessScope = scope === null || Array.isArray(scope)
        ? { institutionIds: null, personTypes: scope as readonly string[] | null }
        : scope as AccessScope;
      return access.institutionIds === null && access.personTypes === null ? undefined : repo.personIdsWithin(db, access);
    },

    /** Names and eppns of many persons at once (to label another context's rows); unknown ids are left out. */
    async namesOf(ids: readonly string[], executor: Executor = db): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>> {
      return repo.findPersonNames(executor, ids.filter((id) => UUID.test(id)));
    },

    notWritableEppns,

    /**
     * The institution a write of `writer` goes to: `code`, else their focus, else their only
     * institution (404 `institution_not_found`, 422 `institution_required`; see `institution.targetFor`).
     */
    async institutionFor(writer: PersonWriter, code?: string | null, executor: Executor = db): Promise<InstitutionRef> {
      return institution.targetFor(executor, writer, code ? code.trim().toLowerCase() : undefined);
    },

    /** The person type codes an institution accepts for new enrolments (its enabled types). */
    async personTypeCodes(institutionId: number, executor: Executor = db): Promise<string[]> {
      return acceptedTypes(executor, institutionId);
    },

    /**
     * A person by id with every enrolment (system work: other contexts, jobs), or 404
     * `person_not_found`. The flat fields show the enrolment at `institutionId` when given and
     * the person is enrolled there, else the first by institution id.
     */
    async get(id: string, executor: Executor = db, institutionId?: number): Promise<PersonView> {
      return load(executor, id, SYSTEM_READER, institutionId);
    },

    /**
     * A person as `reader` may see them: their own record, or a person with an enrolment in the
     * reader's scope (only those enrolments are shown); otherwise 404 `person_not_found`.
     */
    async read(id: string, reader: PersonReader, executor: Executor = db): Promise<PersonView> {
      return load(executor, id, reader);
    },

    /** A person by eppn (any case), or 404 `person_not_found`. */
    async getByEppn(eppn: string, executor: Executor = db, institutionId?: number): Promise<PersonView> {
      const row = await repo.findPersonByEppn(executor, eppn.trim().toLowerCase());
      if (!row) throw personNotFound();
      return load(executor, row.id, SYSTEM_READER, institutionId);
    },

    /**
     * The persons with these eppns (unknown ones left out), by eppn, each showing its enrolment
     * at `institutionId` when it has one: a few queries whatever the number (a sync reads the
     * persons it is about to change, for its sample, this way).
     */
    async viewsByEppn(eppns: readonly string[], executor: Executor = db, institutionId?: number): Promise<Map<string, PersonView>> {
      const views = await loadViews(executor, await repo.findPersonIdsByEppns(executor, eppns), SYSTEM_READER, institutionId);
      return new Map([...views.values()].map((person) => [person.eppn, person]));
    },

    /** The enrolments of a person (all of them), by institution id; empty for an unknown id. */
    async enrolmentsOf(personId: string, executor: Executor = db): Promise<EnrolmentView[]> {
      if (!UUID.test(personId)) return [];
      const rows = await repo.findEnrolments(executor, [personId], WHOLE_DEPLOYMENT);
      const names = await institutionNames(executor);
      return rows.map((row) => enrolmentView(row, names));
    },

    /**
     * Creates a person from raw input (API body) at the institution the body names (`institution`,
     * a code) or the writer's focused or only one (see `institution.targetFor`: 404
     * `institution_not_found`, 422 `institution_required`). Validation problems are one 422
     * `invalid_person` listing every field; a type the institution does not define is 422
     * `unknown_person_type`. A person with this eppn enrolled elsewhere is enrolled here too (201,
     * their other enrolments untouched); one already enrolled here is 409 `eppn_taken`. A type
     * outside the writer's limits, or an eppn enrolled here with such a type, is the same 422
     * `person_type_not_allowed`. Without an ESI, one is derived from the institution's ESI scope.
     */
    async create(raw: unknown, context: ActorContext, options: { writer?: PersonWriter } = {}): Promise<PersonView> {
      const writer = options.writer ?? SYSTEM_WRITER;
      const { code, body } = splitInstitution(raw);
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(db, context, async (trx) => {
            const target = await institution.targetFor(trx, writer, code);
            const validated = validatePersonInput(body, { today: today(), personTypes: await acceptedTypes(trx, target.id) });
            if (!validated.ok) throw invalidPerson(validated.errors);
            if (!scopeCoversType(writer, validated.value.personType)) throw personNotWritable();
            return createIn(trx, writer, target, validated.value);
          });
        } catch (error) {
          // Somebody created this eppn at the same moment: the second attempt sees their row.
          if (isUniqueViolation(error, EPPN_CONSTRAINT) && attempt < 2) continue;
          throw error;
        }
      }
    },

    /**
     * Changes some fields of a person. `patch` holds the fields to change; null clears an
     * optional field. Identity fields are the person's; enrolment fields (type, student number,
     * rights end, academic level, affiliation) those of the enrolment at the institution the
     * patch names (`institution`), else the writer's focus, else the person's only enrolment the
     * writer may write, else the writer's only institution (422 `institution_required` when
     * that is ambiguous). Enrolment fields for an institution where the person is not enrolled
     * yet enrol them there (`personType` is then required). The whole resulting record is
     * validated (422 `invalid_person`, `unknown_person_type`). With `expectedVersion`, a person
     * changed since that version is 409 `version_conflict`. An ESI that was derived follows its
     * source (INE or student number); one given explicitly stays until changed explicitly.
     * Nothing changed: no write, same version.
     * A person with no enrolment the writer may write is 404; moving an enrolment to a type
     * outside the writer's limits, or to the eppn of a person out of their sight, is 422
     * `person_type_not_allowed`.
     */
    async update(
      id: string,
      patch: Record<string, unknown>,
      context: ActorContext,
      options: { expectedVersion?: number | undefined; writer?: PersonWriter } = {},
    ): Promise<PersonView> {
      const writer = options.writer ?? SYSTEM_WRITER;
      let newEppn: string | undefined;
      try {
        return await inTransaction(db, context, async (trx) => {
          const row = UUID.test(id) ? await repo.findPersonById(trx, id, true) : undefined;
          const enrolments = row ? await repo.findEnrolments(trx, [row.id], WHOLE_DEPLOYMENT) : [];
          const writable = enrolments.filter((enrolment) => scopeAdmits(writer, enrolment.institutionId, enrolment.personType));
          if (!row || writable.length === 0) throw personNotFound();
          if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
            throw conflict('version_conflict', `The person was changed meanwhile (version ${row.version}, you had ${options.expectedVersion}); reload and retry`,
              { extensions: { currentVersion: row.version } });
          }
          const { code, body } = splitInstitution(patch);
          const fields = body as Record<string, unknown>;
          const touchesEnrolment = ENROLMENT_FIELDS.some((field) => field in fields);
          let targetId: number;
          if (code !== undefined || (touchesEnrolment && (writer.focusInstitutionId !== null || writable.length > 1))) {
            targetId = (await institution.targetFor(trx, writer, code)).id;
          } else {
            targetId = (shownEnrolment(writable, writer.focusInstitutionId) as repo.EnrolmentRow).institutionId;
          }
          let current = enrolments.find((enrolment) => enrolment.institutionId === targetId);
          if (current && !scopeCoversType(writer, current.personType)) throw personNotWritable();
          if (!current && !touchesEnrolment) {
            // Identity alone, for a focus the person is not enrolled at: their first writable enrolment shows.
            current = writable[0] as repo.EnrolmentRow;
            targetId = current.institutionId;
          }
          const validated = validatePersonInput({ ...inputOf(row, storedEnrolment(current)), ...fields },
            { today: today(), personTypes: await acceptedTypes(trx, targetId, current?.personType) });
          if (!validated.ok) throw invalidPerson(validated.errors);
          const input = validated.value;
          newEppn = input.eppn;
          if (!scopeCoversType(writer, input.personType)) throw personNotWritable();
          const inst = await institution.find(trx, targetId);
          let esi: string | null;
          if ('esi' in fields) {
            esi = input.esi ?? deriveEsi(inst, input);
          } else {
            const derivedBefore = deriveEsi(inst, { ...(row.ine ? { ine: row.ine } : {}), ...(current?.studentNumber ? { studentNumber: current.studentNumber } : {}) });
            const wasDerived = row.esi === null || (derivedBefore !== null && esiEquals(row.esi, derivedBefore));
            // Another institution's enrolment may be what the stored ESI was derived from: it stays
            // when this institution derives none.
            const shared = enrolments.some((enrolment) => enrolment.institutionId !== targetId);
            esi = wasDerived ? deriveEsi(inst, input) ?? (shared ? row.esi : null) : row.esi;
          }
          const beforeIdentity = storedIdentity(row);
          const afterIdentity = identityOf(input, esi);
          const identityChanges = changedIdentity(beforeIdentity, afterIdentity);
          const beforeEnrolment = storedEnrolment(current);
          const afterEnrolment = enrolmentOf(input);
          const enrolmentChanges = changedEnrolment(beforeEnrolment, afterEnrolment);
          if (identityChanges.length === 0 && enrolmentChanges.length === 0) return load(trx, row.id, writerReader(writer), targetId);
          const changes = Object.fromEntries(identityChanges.map((field) => [field, afterIdentity[field]])) as Partial<repo.IdentityValues>;
          const updated = await repo.updatePerson(trx, row.id, row.version, changes);
          if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
          if (enrolmentChanges.length > 0) await repo.upsertEnrolment(trx, row.id, targetId, afterEnrolment);
          const person = await load(trx, row.id, SYSTEM_READER, targetId);
          await notify(trx, [{ person, changedFields: ordered([...identityChanges, ...enrolmentChanges]), created: false }], 'api');
          return load(trx, row.id, writerReader(writer), targetId);
        });
      } catch (error) {
        if (isUniqueViolation(error, EPPN_CONSTRAINT) && newEppn !== undefined) throw await eppnConflict(newEppn, writer);
        throw error;
      }
    },

    /**
     * Ends a person's enrolment at an institution (code). 404 `institution_not_found` for an
     * institution outside the writer's scope, `person_not_found` for a person out of their sight,
     * `enrolment_not_found` when the person is not enrolled there (or with a type outside their
     * limits); 409 `last_enrolment` for the person's only enrolment (a person is always enrolled
     * somewhere), 409 `enrolment_has_cards` when that institution issued the person cards (they
     * keep the enrolment they were issued for).
     */
    async removeEnrolment(personId: string, code: string, context: ActorContext, options: { writer?: PersonWriter } = {}): Promise<void> {
      const writer = options.writer ?? SYSTEM_WRITER;
      try {
        await inTransaction(db, context, async (trx) => {
          const target = await institution.byCode(trx, code.trim().toLowerCase());
          if (!target || (writer.institutionIds !== null && !writer.institutionIds.includes(target.id))) throw institutionNotFound();
          const row = UUID.test(personId) ? await repo.findPersonById(trx, personId, true) : undefined;
          const enrolments = row ? await repo.findEnrolments(trx, [row.id], WHOLE_DEPLOYMENT) : [];
          if (!row || !enrolments.some((enrolment) => scopeAdmits(writer, enrolment.institutionId, enrolment.personType))) throw personNotFound();
          const there = enrolments.find((enrolment) => enrolment.institutionId === target.id);
          if (!there || !scopeCoversType(writer, there.personType)) {
            throw notFound('enrolment_not_found', 'The person is not enrolled at this institution');
          }
          if (enrolments.length === 1) {
            throw conflict('last_enrolment', 'This is the person\'s only enrolment; a person is always enrolled somewhere');
          }
          await repo.deleteEnrolment(trx, row.id, target.id);
          await repo.updatePerson(trx, row.id, row.version, {});
        });
      } catch (error) {
        const fault = error as { code?: string; constraint?: string };
        if (fault?.code === '23503' && fault.constraint?.startsWith('cards_')) {
          throw conflict('enrolment_has_cards', 'This institution issued cards for this enrolment; it stays while they exist');
        }
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
        if (row.locale === locale) return load(trx, row.id);
        const updated = await repo.updatePerson(trx, row.id, row.version, { locale });
        if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
        const person = await load(trx, row.id);
        await notify(trx, [{ person, changedFields: ['locale'], created: false }], 'api');
        return person;
      });
    },

    /**
     * Lists enrolments with their persons, one row per enrolment the reader may see: filters,
     * word search over names, eppn, e-mail and INE (trigram index) or the start of the
     * enrolment's student number, a sort with keyset pagination (stable while others write), at
     * most 200 per page, and on demand the total (scoped like the rows).
     */
    async list(query: PersonListQuery = {}): Promise<PersonPage> {
      for (const [name, value] of [['rightsEndBefore', query.rightsEndBefore], ['rightsEndAfter', query.rightsEndAfter]] as const) {
        if (value !== undefined && !isIsoCalendarDate(value)) {
          throw badRequest('invalid_date', `${name} must be an existing date written YYYY-MM-DD`, { field: `querystring:/${name}` });
        }
      }
      const reader = query.reader ?? SYSTEM_READER;
      const sort = query.sort ?? 'last_name';
      const order = query.order ?? 'asc';
      const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
      const terms = searchTerms(query.q);
      // One word of letters in name order is read through the words of the search text, however
      // many persons hold it: no need to collect them first (see repo.WordSearch).
      const oneWord = sort === 'last_name' && terms.length === 1 ? repo.wordSearchTerm(terms) : null;
      const oneWordInner = oneWord !== null ? await repo.collectInnerWords(db, oneWord) : null;
      const matched = terms.length === 0 ? undefined : oneWordInner !== null ? null : await repo.collectSearchMatches(db, terms);
      // Other dense searches are read through the words where that helps: in name order and for
      // their total (by date, walking the date index meets a page of matches soon).
      const wordTerm = oneWordInner !== null ? oneWord
        : matched === null && (sort === 'last_name' || query.withTotal === true) ? repo.wordSearchTerm(terms) : null;
      const inner = oneWordInner ?? (wordTerm !== null ? await repo.collectInnerWords(db, wordTerm) : null);
      const filter = {
        scope: reader.scope,
        personTypes: query.personTypes && query.personTypes.length > 0 ? query.personTypes : undefined,
        rightsEndBefore: query.rightsEndBefore,
        rightsEndAfter: query.rightsEndAfter,
        terms,
        studentNumberPrefixes: studentNumberPrefixes(query.q),
        matched,
        words: wordTerm !== null && inner !== null ? { term: wordTerm, inner } : undefined,
      };
      const rows = await repo.listPersons(db, {
        ...filter, sort, order, after: query.cursor ? decodePersonCursor(query.cursor, sort, order) : undefined, limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const ids = [...new Set(page.map((row) => row.id))];
      const enrolments = await repo.findEnrolments(db, ids, reader.scope);
      const names = await institutionNames(db);
      const last = page.at(-1);
      const result: PersonPage = {
        items: page.map((row) => view(row, row, enrolments.filter((enrolment) => enrolment.personId === row.id), names)),
        nextCursor: rows.length > limit && last ? encodePersonCursor(sort, order, last) : null,
      };
      if (query.withTotal) {
        const counted = await repo.countPersons(db, filter, MAX_PERSON_TOTAL + 1);
        result.total = Math.min(counted, MAX_PERSON_TOTAL);
        result.totalCapped = counted > MAX_PERSON_TOTAL;
      }
      return result;
    },

    /**
     * Creates or updates many validated persons by eppn, with their enrolment at `institutionId`
     * (default: the only institution, see `institution.targetFor`), inside the caller's
     * transaction (or one of its own when given `db`), set-based: one statement per
     * {@link UPSERT_CHUNK_SIZE} rows. A row identical to the stored one is `unchanged` (no write,
     * no version bump, no audit entry). Eppns must be distinct (422 `duplicate_eppn`); every
     * type must exist at the institution. An input without ESI gets the derived one, or keeps the
     * stored one when none can be derived. Persons enrolled elsewhere gain this enrolment and
     * keep the optional identity fields the input leaves empty. Change listeners are called for
     * created and updated persons only.
     *
     * `fields`: the line carries only these fields (a directory source's mapping, the columns of
     * a CSV file); every other optional field is neither compared nor written and keeps its
     * stored value, while a field in the set that the line leaves empty is cleared (except the
     * ESI and the language, never cleared by an upsert). Absent: whole records.
     *
     * `silent`: no change listener is called (no event, no connector outbox entry): for persons
     * migrated from another card office system, whom the connectors already know.
     */
    async upsertMany(
      executor: Executor,
      inputs: readonly PersonInput[],
      context: ActorContext,
      options: { channel: 'api' | 'import'; institutionId?: number; fields?: ReadonlySet<UpsertField>; silent?: boolean },
    ): Promise<UpsertManyResult> {
      return withTransaction(executor, context, async (trx) => {
        const institutionId = options.institutionId ?? (await institution.targetFor(trx, SYSTEM_WRITER)).id;
        return upsertChunked(trx, institutionId, inputs, options.channel, options.fields, options.silent === true);
      });
    },

    /**
     * Ends the rights of many persons at one institution on `rightsEnd` (persons a directory no
     * longer returns): set-based, within the caller's transaction when given, never deleting
     * anyone. An enrolment already ending earlier keeps its date. Change listeners hear of the
     * changed persons (`rightsEnd`), so their cards follow the rights-end rules. Returns the ids
     * of the persons whose enrolment changed.
     */
    async endRights(executor: Executor, institutionId: number, personIds: readonly string[], rightsEnd: string,
      context: ActorContext): Promise<string[]> {
      return withTransaction(executor, context, async (trx) => {
        const changed: string[] = [];
        for (let start = 0; start < personIds.length; start += UPSERT_CHUNK_SIZE) {
          const ids = await repo.endRights(trx, institutionId, personIds.slice(start, start + UPSERT_CHUNK_SIZE), rightsEnd);
          changed.push(...ids);
          if (ids.length > 0 && hasPersonListeners()) {
            const views = await loadViews(trx, ids, SYSTEM_READER, institutionId);
            await notify(trx, [...views.values()].map((person) => ({ person, changedFields: ['rightsEnd'] as PersonField[], created: false })), 'import');
          }
        }
        return changed;
      });
    },

    /**
     * The JSON batch of the API: each item may name its institution (`institution`, a code; else
     * the writer's focused or only one). Validates every item (types against its institution's),
     * refuses duplicates (the later occurrence of an eppn for the same institution) and, alike,
     * types outside the writer's limits and eppns enrolled at that institution with such a type
     * (such an item never changes that enrolment), and writes all valid items in one
     * transaction. Invalid items are reported with their errors and do not stop the others.
     */
    async batch(items: readonly unknown[], context: ActorContext, options: { writer?: PersonWriter } = {}): Promise<BatchResult> {
      const writer = options.writer ?? SYSTEM_WRITER;
      const outcome: BatchItemResult[] = [];
      const day = today();
      const written = await inTransaction(db, context, async (trx) => {
        const targets = new Map<string, InstitutionRef | ProblemItem>();
        const types = new Map<number, string[]>();
        const groups = new Map<number, Array<{ index: number; input: PersonInput }>>();
        for (const [index, item] of items.entries()) {
          const { code, body } = splitInstitution(item);
          const rawEppn = (body as { eppn?: unknown } | null)?.eppn;
          const eppnOf = () => (typeof rawEppn === 'string' ? rawEppn.trim().toLowerCase() : null);
          const key = code ?? '';
          if (!targets.has(key)) targets.set(key, await institution.targetFor(trx, writer, code).catch(institutionItemError));
          const target = targets.get(key) as InstitutionRef | ProblemItem;
          if (!('id' in target)) {
            outcome.push({ index, eppn: eppnOf(), status: 'error', errors: [target] });
            continue;
          }
          if (!types.has(target.id)) types.set(target.id, await acceptedTypes(trx, target.id));
          const validated = validatePersonInput(body, { today: day, personTypes: types.get(target.id) as string[] });
          if (!validated.ok) {
            outcome.push({ index, eppn: eppnOf(), status: 'error', errors: personProblemItems(validated.errors) });
            continue;
          }
          const group = groups.get(target.id) ?? [];
          if (group.some((other) => other.input.eppn === validated.value.eppn)) {
            outcome.push({ index, eppn: validated.value.eppn, status: 'error', errors: [{ field: '/eppn', code: 'duplicate_eppn', message: 'An earlier item of this batch has the same eppn' }] });
            continue;
          }
          group.push({ index, input: validated.value });
          groups.set(target.id, group);
        }
        const sum = { created: 0, updated: 0, unchanged: 0 };
        const results: UpsertManyItem[] = [];
        for (const [institutionId, group] of groups) {
          const refused = await notWritableEppns(trx, group.map((item) => item.input), writer, institutionId);
          const allowed = group.filter((item) => {
            if (!refused.has(item.input.eppn)) return true;
            outcome.push({ index: item.index, eppn: item.input.eppn, status: 'error', errors: [{ ...PERSON_NOT_WRITABLE }] });
            return false;
          });
          const result = await upsertChunked(trx, institutionId, allowed.map((item) => item.input), 'api');
          sum.created += result.created;
          sum.updated += result.updated;
          sum.unchanged += result.unchanged;
          for (const item of result.results) results.push({ ...item, index: (allowed[item.index] as { index: number }).index });
        }
        return { ...sum, results };
      });
      outcome.push(...written.results);
      outcome.sort((a, b) => a.index - b.index);
      return {
        created: written.created,
        updated: written.updated,
        unchanged: written.unchanged,
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

    /**
     * Records consent decisions taken in another card office system, with their original dates,
     * in the caller's transaction, set-based: the current state (a stored decision newer than the
     * migrated one is kept) and the proof (`consent_events`, channel `import`, text version
     * `migrated`). No consent listener is called: the connectors already hold these decisions.
     */
    async keepImportedConsents(executor: Executor, decisions: ReadonlyArray<{ personId: string; kind: ConsentKind; granted: boolean; at: Date }>,
      context: ActorContext): Promise<void> {
      if (decisions.length === 0) return;
      await repo.keepImportedConsents(executor, decisions, context.actor);
    },

    /** The latest published consent text of each kind in a locale, with the personal data it covers. */
    async consentTexts(locale: 'fr' | 'en'): Promise<ConsentTextView[]> {
      return (await repo.latestConsentTexts(db, locale)).map((row) => ({
        ...row, publishedAt: row.publishedAt.toISOString(), fields: [...deps.consentDataFields[row.kind]],
      }));
    },

    /** Every consent decision of a person, oldest first; 404 if no such person. */
    consentHistory,

    /**
     * Changes of the person record and of the enrolments `reader` may see, from the audit log,
     * oldest first; 404 when the reader may not see the person.
     */
    async history(personId: string, reader: PersonReader = SYSTEM_READER): Promise<AuditEntryView[]> {
      return historyOf(await load(db, personId, reader), reader.scope);
    },

    /** Adds a named section to {@link exportData}; for the composition root (cards, photos). */
    addExportSection(name: string, section: ExportSection): void {
      if (exportSections.has(name) || ['exportedAt', 'person', 'consents', 'consentEvents', 'history'].includes(name)) {
        throw new Error(`Export section ${name} is already defined`);
      }
      exportSections.set(name, section);
    },

    /**
     * Everything held about a person, for the GDPR JSON export: the record with every enrolment,
     * consents and their proof, the change history of the record and its enrolments, then each
     * section other contexts registered.
     */
    async exportData(personId: string): Promise<PersonExport> {
      const person = await load(db, personId);
      const result: PersonExport = {
        exportedAt: now().toISOString(),
        person,
        consents: await consents(personId),
        consentEvents: await consentHistory(personId),
        history: await historyOf(person),
      };
      for (const [name, section] of exportSections) result[name] = await section(db, personId);
      return result;
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
