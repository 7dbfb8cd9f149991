import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { unprocessable } from '../../platform/http/problem.ts';
import type { AuditEntryView } from '../audit/audit.service.ts';
import type { InstitutionRef } from '../institution/institution.service.ts';
import { FREE_FIELD_KEYS, type PersonInput } from './domain/person.ts';
import type { ConsentKind } from './people.tables.ts';
import { personNotFound, personNotWritable, scopeCoversType, SYSTEM_READER, type PersonReader, type PersonWriter } from './people.policy.ts';
import * as repo from './people.repository.ts';
import type {
  ConsentChangedListener, ConsentEventView, ConsentsView, ExportSection, PeopleChangedListener, PeopleServiceDeps, PersonChange,
  PersonChangedListener, PersonView, UpsertManyResult,
} from './people.service.ts';
import {
  changedEnrolment, changedIdentity, deriveEsi, enrolmentOf, identityOf, keepShared, onlyFields, OPTIONAL_UPSERT_FIELDS, ordered, storedIdentity,
  type PersonField, type UpsertField,
} from './person-input.ts';
import { eppnTaken } from './person-problems.ts';
import { shownEnrolment, view, viewEvent, type InstitutionNames } from './person-views.ts';

/** All consent kinds. */
export const CONSENT_KINDS: readonly ConsentKind[] = ['esc', 'photo_publication', 'crous'];

/** Rows per upsert statement: big enough to amortise round trips, small enough to plan fast. */
export const UPSERT_CHUNK_SIZE = 1000;
/** Rows a person list counts at most (like card lists). */
export const MAX_PERSON_TOTAL = 10_000;
/** The unique constraint of eppns, told apart from other unique violations. */
export const EPPN_CONSTRAINT = 'persons_eppn_key';
/** Rows a persons list page holds at most, and by default. */
export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 50;
/** A person id's form: other strings name no person (never sent to the database as a uuid). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the people use cases share: the service's dependencies and listeners, reading persons as
 * a reader sees them, writing chunks of persons, notifying the subscribed contexts inside the
 * writing transaction, and the reads of consents and history that several use cases answer with.
 */
export function createPersonStore(deps: PeopleServiceDeps) {
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
    deps, db, institution, audit, now, today, personListeners, peopleListeners, consentListeners, exportSections,
    institutionNames, acceptedTypes, loadViews, load, writerReader, notWritableEppns, eppnConflict, notify, hasPersonListeners,
    withTransaction, upsertChunked, consents, consentHistory, historyOf, createIn,
  };
}

/** The shared part of the people use cases (see {@link createPersonStore}). */
export type PersonStore = ReturnType<typeof createPersonStore>;
