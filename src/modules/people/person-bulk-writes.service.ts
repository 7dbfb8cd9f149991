import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import type { ProblemItem } from '../../platform/http/problem.ts';
import type { InstitutionRef } from '../institution/institution.service.ts';
import { validatePersonInput, type PersonInput } from './domain/person.ts';
import { PERSON_NOT_WRITABLE, SYSTEM_READER, SYSTEM_WRITER, type PersonWriter } from './people.policy.ts';
import * as repo from './people.repository.ts';
import type { BatchItemResult, BatchResult, UpsertManyItem, UpsertManyResult } from './people.service.ts';
import { splitInstitution, type PersonField, type UpsertField } from './person-input.ts';
import { institutionItemError, personProblemItems } from './person-problems.ts';
import { UPSERT_CHUNK_SIZE, type PersonStore } from './person-store.service.ts';

/** Writing many persons at once: set-based upserts (imports, directory syncs, migrations), ending rights, and the API's JSON batch. */
export function createPersonBulkWrites(store: PersonStore) {
  const { db, institution, today, acceptedTypes, loadViews, notWritableEppns, notify, hasPersonListeners, withTransaction, upsertChunked } = store;
  return {
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
  };
}
