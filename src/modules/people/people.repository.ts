import { sql, type Expression, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ConsentChannel, ConsentKind, PersonType, PersonsTable } from './people.tables.ts';

/** A person row as the service reads it (the search column is the database's business). */
export type PersonRow = Omit<Selectable<PersonsTable>, 'searchText'>;

/** The columns a caller writes (everything but identity, timestamps and version). */
export type PersonValues = Omit<PersonRow, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

const PERSON_COLUMNS = ['id', 'eppn', 'firstName', 'lastName', 'birthDate', 'email', 'personType', 'studentNumber', 'ine',
  'esi', 'academicLevel', 'rightsEnd', 'affiliation', 'freeFields', 'locale', 'createdAt', 'updatedAt', 'version'] as const;

/** Written columns in snake_case, for the set-based upsert (trusted constants, never input). */
const UPSERT_COLUMNS = [
  ['eppn', 'eppn', 'text'],
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['birthDate', 'birth_date', 'date'],
  ['email', 'email', 'text'],
  ['personType', 'person_type', 'text'],
  ['studentNumber', 'student_number', 'text'],
  ['ine', 'ine', 'text'],
  ['esi', 'esi', 'text'],
  ['academicLevel', 'academic_level', 'smallint'],
  ['rightsEnd', 'rights_end', 'date'],
  ['affiliation', 'affiliation', 'text'],
  ['freeFields', 'free_fields', 'jsonb'],
  ['locale', 'locale', 'text'],
] as const;

/** Finds a person by id; `forUpdate` locks the row until the transaction ends. */
export async function findPersonById(db: Executor, id: string, forUpdate = false): Promise<PersonRow | undefined> {
  let query = db.selectFrom('persons').select(PERSON_COLUMNS).where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst() as Promise<PersonRow | undefined>;
}

/** Finds a person by eppn (stored lowercased). */
export async function findPersonByEppn(db: Executor, eppn: string): Promise<PersonRow | undefined> {
  return db.selectFrom('persons').select(PERSON_COLUMNS).where('eppn', '=', eppn)
    .executeTakeFirst() as Promise<PersonRow | undefined>;
}

/** The type of each existing person among these eppns. */
export async function findTypesByEppns(db: Executor, eppns: readonly string[]): Promise<Array<{ eppn: string; personType: PersonType }>> {
  if (eppns.length === 0) return [];
  return db.selectFrom('persons').select(['eppn', 'personType']).where('eppn', 'in', eppns).execute();
}

function writable(values: Partial<PersonValues>) {
  const { freeFields, ...rest } = values;
  return { ...rest, ...(freeFields !== undefined ? { freeFields: JSON.stringify(freeFields) } : {}) };
}

/** Inserts a person; a taken eppn raises the `persons_eppn_key` unique violation. */
export async function insertPerson(db: Executor, values: PersonValues): Promise<PersonRow> {
  return db.insertInto('persons').values({ ...values, freeFields: JSON.stringify(values.freeFields) })
    .returning(PERSON_COLUMNS).executeTakeFirstOrThrow() as Promise<PersonRow>;
}

/**
 * Writes changed columns and bumps the version, only if the row still has `version`.
 * Returns undefined when it does not (somebody else changed it first).
 */
export async function updatePerson(db: Executor, id: string, version: number, changes: Partial<PersonValues>): Promise<PersonRow | undefined> {
  return db.updateTable('persons')
    .set({ ...writable(changes), version: sql<number>`version + 1`, updatedAt: sql<Date>`now()` })
    .where('id', '=', id).where('version', '=', version)
    .returning(PERSON_COLUMNS).executeTakeFirst() as Promise<PersonRow | undefined>;
}

export type PersonSort = 'last_name' | 'created_at' | 'updated_at';

/** Where a page starts: the sort key values and id of the last row of the previous page. */
export interface PersonKeyset {
  keys: string[];
  id: string;
}

export interface PersonListFilter {
  personTypes?: readonly string[] | undefined;
  rightsEndBefore?: string | undefined;
  rightsEndAfter?: string | undefined;
  /** Lowercased search terms; each must occur in search_text. */
  terms?: readonly string[] | undefined;
  sort: PersonSort;
  order: 'asc' | 'desc';
  after?: PersonKeyset | undefined;
  limit: number;
}

/** A listed row with the exact sort key values for the next cursor. */
export type ListedPersonRow = PersonRow & { sortKeys: string[] };

/** Escapes LIKE wildcards so a search term matches literally (backslash is the default escape). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Lists persons with filters and keyset pagination: rows come ordered by the sort key then id, and
 * a page starts strictly after `after`, so pages neither skip nor repeat rows when others are
 * inserted meanwhile. Timestamps travel as PostgreSQL text (microseconds and offset kept).
 */
export async function listPersons(db: Executor, filter: PersonListFilter): Promise<ListedPersonRow[]> {
  const keyColumns: RawBuilder<unknown>[] = filter.sort === 'last_name'
    ? [sql`last_name`, sql`first_name`]
    : [sql.raw(filter.sort)];
  const keyTexts = filter.sort === 'last_name'
    ? sql<string[]>`ARRAY[last_name, first_name]`
    : sql<string[]>`ARRAY[${sql.raw(filter.sort)}::text]`;
  let query = db.selectFrom('persons').select(PERSON_COLUMNS).select(keyTexts.as('sortKeys'));
  if (filter.personTypes) {
    if (filter.personTypes.length === 0) return [];
    query = query.where('personType', 'in', filter.personTypes as PersonType[]);
  }
  if (filter.rightsEndBefore) query = query.where('rightsEnd', '<', filter.rightsEndBefore);
  if (filter.rightsEndAfter) query = query.where('rightsEnd', '>', filter.rightsEndAfter);
  for (const term of filter.terms ?? []) {
    query = query.where(sql<boolean>`search_text LIKE ${`%${escapeLike(term)}%`}`);
  }
  if (filter.after) {
    const after = filter.after;
    const casts = filter.sort === 'last_name' ? after.keys.map((key) => sql`${key}::text`) : after.keys.map((key) => sql`${key}::timestamptz`);
    const left = sql.join([...keyColumns, sql`id`]);
    const right = sql.join([...casts, sql`${after.id}::uuid`]);
    query = query.where(filter.order === 'asc' ? sql<boolean>`(${left}) > (${right})` : sql<boolean>`(${left}) < (${right})`);
  }
  for (const column of keyColumns) query = query.orderBy(column, filter.order);
  query = query.orderBy('id', filter.order).limit(filter.limit);
  return query.execute() as Promise<ListedPersonRow[]>;
}

/** One row of the set-based upsert's answer. */
export interface UpsertedRow {
  eppn: string;
  id: string;
  status: 'created' | 'updated' | 'unchanged';
}

/** An upserted row with its new values and the fields that changed (camelCase names). */
export type UpsertedFullRow = UpsertedRow & { row: PersonRow | null; changedFields: string[] };

function upsertSql(values: readonly PersonValues[], full: boolean) {
  const payload = JSON.stringify(values.map((value) => Object.fromEntries(
    UPSERT_COLUMNS.map(([key, column]) => [column, value[key] ?? null]),
  )));
  const definitions = sql.raw(UPSERT_COLUMNS.map(([, column, type]) => `${column} ${type}`).join(', '));
  const columns = sql.raw(UPSERT_COLUMNS.map(([, column]) => column).join(', '));
  const selected = sql.raw(UPSERT_COLUMNS.map(([, column]) => column === 'free_fields' ? `coalesce(free_fields, '{}'::jsonb)` : column).join(', '));
  const updatable = UPSERT_COLUMNS.filter(([, column]) => column !== 'eppn');
  // An ESI the input does not carry (and the institution's scope cannot derive) keeps its stored
  // value: it is registered at the ESC Router and must not vanish because a file lacks it. A
  // locale the input does not carry keeps the stored one too: the person may have chosen it.
  const incoming = (column: string) => column === 'esi' || column === 'locale' ? `coalesce(EXCLUDED.${column}, p.${column})` : `EXCLUDED.${column}`;
  const assignments = sql.raw(updatable.map(([, column]) => `${column} = ${incoming(column)}`).join(', '));
  const oldTuple = sql.raw(updatable.map(([, column]) => `p.${column}`).join(', '));
  const newTuple = sql.raw(updatable.map(([, column]) => incoming(column)).join(', '));
  const returning = full ? sql.raw(`p.*, (p.xmax = 0) AS inserted`) : sql.raw('p.id, p.eppn, (p.xmax = 0) AS inserted');
  // The CTE's outer query reads `persons` in the snapshot from before the insert: `old` is the
  // row as it was, which gives both the id of unchanged rows and what changed in updated ones.
  const changed = full
    ? sql.raw(`, array_remove(ARRAY[${UPSERT_COLUMNS.map(([key, column]) => column === 'free_fields'
      ? `CASE WHEN old.free_fields IS DISTINCT FROM u.free_fields AND NOT (old.id IS NULL AND u.free_fields = '{}'::jsonb) THEN '${key}' END`
      : `CASE WHEN old.${column} IS DISTINCT FROM u.${column} THEN '${key}' END`).join(', ')}], NULL) AS changed_fields,
      ${UPSERT_COLUMNS.filter(([, column]) => column !== 'eppn').map(([, column]) => `u.${column}`).join(', ')},
      u.created_at, u.updated_at, u.version`)
    : sql.raw('');
  return sql<Partial<PersonRow> & { eppn: string; id: string | null; status: UpsertedRow['status']; changedFields?: string[] }>`
    WITH input AS (
      SELECT * FROM json_to_recordset(${payload}::json) AS t(${definitions})
    ),
    upserted AS (
      INSERT INTO persons AS p (${columns})
      SELECT ${selected} FROM input
      ON CONFLICT (eppn) DO UPDATE SET ${assignments}, version = p.version + 1, updated_at = now()
      WHERE (${oldTuple}) IS DISTINCT FROM (${newTuple})
      RETURNING ${returning}
    )
    SELECT i.eppn, coalesce(u.id, old.id) AS id,
           CASE WHEN u.id IS NULL THEN 'unchanged' WHEN u.inserted THEN 'created' ELSE 'updated' END AS status
           ${changed}
    FROM input i
    LEFT JOIN upserted u ON u.eppn = i.eppn
    LEFT JOIN persons old ON old.eppn = i.eppn`;
}

/** Ids of persons by eppn (rows inserted by a concurrent transaction the upsert's snapshot missed). */
async function idsByEppn(db: Executor, eppns: string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom('persons').select(['eppn', 'id']).where('eppn', 'in', eppns).execute();
  return new Map(rows.map((row) => [row.eppn, row.id]));
}

/**
 * Creates or updates persons by eppn in ONE statement: `INSERT … SELECT FROM json_to_recordset
 * ON CONFLICT (eppn) DO UPDATE … WHERE old IS DISTINCT FROM new`. Identical rows are not written
 * (no version bump, no audit entry). The eppns must be distinct. `full` also returns each written
 * row and the names of the fields that changed, for change listeners; without it the statement
 * returns ids and statuses only, which is what bulk imports need to stay fast.
 */
export async function upsertPersons(db: Executor, values: readonly PersonValues[], full: false): Promise<UpsertedRow[]>;
export async function upsertPersons(db: Executor, values: readonly PersonValues[], full: true): Promise<UpsertedFullRow[]>;
export async function upsertPersons(db: Executor, values: readonly PersonValues[], full: boolean): Promise<UpsertedRow[] | UpsertedFullRow[]> {
  if (values.length === 0) return [];
  const { rows } = await upsertSql(values, full).execute(db);
  const missing = rows.filter((row) => row.id === null).map((row) => row.eppn);
  const late = missing.length > 0 ? await idsByEppn(db, missing) : new Map<string, string>();
  return rows.map((row) => {
    const base: UpsertedRow = { eppn: row.eppn, id: row.id ?? (late.get(row.eppn) as string), status: row.status };
    if (!full) return base;
    const written = row.status === 'unchanged' ? null : { ...row, id: base.id, freeFields: row.freeFields ?? {} } as PersonRow;
    return { ...base, row: written, changedFields: row.changedFields ?? [] };
  });
}

/** A consent text as published. */
export interface ConsentTextRow {
  kind: ConsentKind;
  version: string;
  locale: 'fr' | 'en';
  title: string;
  body: string;
  publishedAt: Date;
}

/** True when this version of this kind of consent text exists in this locale. */
export async function consentTextExists(db: Executor, kind: ConsentKind, version: string, locale: 'fr' | 'en'): Promise<boolean> {
  const row = await db.selectFrom('consentTexts').select('id')
    .where('kind', '=', kind).where('version', '=', version).where('locale', '=', locale).executeTakeFirst();
  return row !== undefined;
}

/** The most recently published text of each kind in a locale. */
export async function latestConsentTexts(db: Executor, locale: 'fr' | 'en'): Promise<ConsentTextRow[]> {
  return db.selectFrom('consentTexts').distinctOn('kind')
    .select(['kind', 'version', 'locale', 'title', 'body', 'publishedAt'])
    .where('locale', '=', locale)
    .orderBy('kind').orderBy('publishedAt', 'desc').orderBy('version', 'desc')
    .execute();
}

/** Current consent decision of a person for one kind. */
export interface PersonConsentRow {
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  channel: ConsentChannel;
  decidedAt: Date;
}

/** The current decisions of a person, one per kind at most. */
export async function listPersonConsents(db: Executor, personId: string): Promise<PersonConsentRow[]> {
  return db.selectFrom('personConsents').select(['kind', 'granted', 'textVersion', 'channel', 'decidedAt'])
    .where('personId', '=', personId).orderBy('kind').execute();
}

/** The current decision of a person for one kind, locked until the transaction ends. */
export async function findPersonConsentForUpdate(db: Executor, personId: string, kind: ConsentKind): Promise<PersonConsentRow | undefined> {
  return db.selectFrom('personConsents').select(['kind', 'granted', 'textVersion', 'channel', 'decidedAt'])
    .where('personId', '=', personId).where('kind', '=', kind).forUpdate().executeTakeFirst();
}

/** Sets the current decision of a person for a kind. */
export async function upsertPersonConsent(
  db: Executor,
  value: { personId: string; kind: ConsentKind; granted: boolean; textVersion: string; channel: ConsentChannel; decidedAt: Date },
): Promise<PersonConsentRow> {
  return db.insertInto('personConsents').values(value)
    .onConflict((oc) => oc.columns(['personId', 'kind']).doUpdateSet({
      granted: value.granted, textVersion: value.textVersion, channel: value.channel, decidedAt: value.decidedAt,
    }))
    .returning(['kind', 'granted', 'textVersion', 'channel', 'decidedAt']).executeTakeFirstOrThrow();
}

/** A recorded consent decision: the proof kept for every grant and withdrawal. */
export interface ConsentEventRow {
  id: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: ConsentChannel;
  actor: string;
  ip: string | null;
  at: Date;
}

const EVENT_COLUMNS = ['id', 'kind', 'granted', 'textVersion', 'locale', 'channel', 'actor', 'ip', 'at'] as const;

/** Appends a consent decision to the proof log. */
export async function insertConsentEvent(db: Executor, event: Omit<ConsentEventRow, 'id'> & { personId: string }): Promise<ConsentEventRow> {
  return db.insertInto('consentEvents').values(event).returning(EVENT_COLUMNS).executeTakeFirstOrThrow();
}

/** Every consent decision of a person, oldest first. */
export async function listConsentEvents(db: Executor, personId: string): Promise<ConsentEventRow[]> {
  return db.selectFrom('consentEvents').select(EVENT_COLUMNS).where('personId', '=', personId)
    .orderBy('at').orderBy('id').execute();
}

/** What the ESC Router sync reads about many persons at once: router data and one consent, in one query. */
export interface PersonConsentSummaryRow {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  esi: string | null;
  academicLevel: number | null;
  rightsEnd: string | null;
  personType: PersonType;
  consentGranted: boolean;
}

/** These persons (missing ids are left out) with whether they currently grant `kind`. */
export async function findPersonsWithConsent(db: Executor, ids: readonly string[], kind: ConsentKind): Promise<PersonConsentSummaryRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('persons')
    .leftJoin('personConsents as pc', (join) => join.onRef('pc.personId', '=', 'persons.id').on('pc.kind', '=', kind))
    .select(['persons.id', 'persons.firstName', 'persons.lastName', 'persons.email', 'persons.esi', 'persons.academicLevel',
      'persons.rightsEnd', 'persons.personType', sql<boolean>`coalesce(pc.granted, false)`.as('consentGranted')])
    .where('persons.id', 'in', ids)
    .execute() as Promise<PersonConsentSummaryRow[]>;
}

/**
 * The ids of the persons of these types, as a subquery another context embeds in its own
 * statement: its rows are then limited to a manager's person types by the database, so a page of
 * them is full. No type at all selects nobody.
 */
export function personIdsOfTypes(db: Executor, personTypes: readonly string[]): Expression<{ id: string }> {
  const query = db.selectFrom('persons').select('id');
  return personTypes.length === 0 ? query.where(sql<boolean>`false`) : query.where('personType', 'in', personTypes as PersonType[]);
}

/** The names and eppns of these persons, in one query; ids that do not exist are left out. */
export async function findPersonNames(db: Executor, ids: readonly string[]): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('persons').select(['id', 'firstName', 'lastName', 'eppn']).where('id', 'in', ids).execute();
}

