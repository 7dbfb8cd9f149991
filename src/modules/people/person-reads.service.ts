import type { Expression } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { badRequest } from '../../platform/http/problem.ts';
import type { InstitutionRef } from '../institution/institution.service.ts';
import { isIsoCalendarDate } from './domain/person.ts';
import type { ConsentKind } from './people.tables.ts';
import { personNotFound, SYSTEM_READER, type PersonReader, type PersonWriter } from './people.policy.ts';
import * as repo from './people.repository.ts';
import { collectInnerWords, wordSearchTerm } from '../../platform/db/search-words.ts';
import type { EnrolmentView, PersonListQuery, PersonPage, PersonView } from './people.service.ts';
import { decodePersonCursor, encodePersonCursor, searchTerms, studentNumberPrefixes } from './person-list-query.ts';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, MAX_PERSON_TOTAL, UUID, type PersonStore } from './person-store.service.ts';
import { enrolmentView, view } from './person-views.ts';

/** Reading persons: one by id or eppn as the system or a reader sees them, many at once for other contexts, and the scoped, searched, keyset-paginated list. */
export function createPersonReads(store: PersonStore) {
  const { db, institution, institutionNames, acceptedTypes, loadViews, load } = store;
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
      // One word of letters in name or date order is read through the words of the search text,
      // however many persons hold it: no need to collect them first (see WordSearch).
      const oneWord = repo.isWordSort(sort) && terms.length === 1 ? wordSearchTerm(terms) : null;
      const oneWordInner = oneWord !== null ? await collectInnerWords(db, oneWord) : null;
      const matched = terms.length === 0 ? undefined : oneWordInner !== null ? null : await repo.collectSearchMatches(db, terms);
      // Other dense searches are read through the words too, and so is their total.
      const wordTerm = oneWordInner !== null ? oneWord
        : matched === null && (repo.isWordSort(sort) || query.withTotal === true) ? wordSearchTerm(terms) : null;
      const inner = oneWordInner ?? (wordTerm !== null ? await collectInnerWords(db, wordTerm) : null);
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
  };
}
