import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { AccountFileKind, AccountFileSettings, AccountFilePerson } from './domain/crous-account-file.ts';
import type { PreEncodedCrousCard } from './domain/crous-card-file.ts';

/** A stored configuration row, as the service reads it. */
export type ConfigRow = Awaited<ReturnType<typeof findConfigs>>[number];

/** The configurations an institution saved (kinds never saved are absent). */
export async function findConfigs(executor: Executor, institutionId: number) {
  return executor.selectFrom('crousFileConfigs').selectAll().where('institutionId', '=', institutionId).execute();
}

/** Creates or replaces the configuration of one kind. */
export async function upsertConfig(executor: Executor, institutionId: number, kind: AccountFileKind, settings: AccountFileSettings,
  nextRunAt: Date | null): Promise<void> {
  const values = {
    columns: JSON.stringify(settings.columns),
    separator: settings.separator,
    encoding: settings.encoding,
    header: settings.header,
    dateFormat: settings.dateFormat,
    personTypes: settings.personTypes === null ? null : JSON.stringify(settings.personTypes),
    ineAsIdentifier: settings.ineAsIdentifier,
    leavingWindowDays: settings.leavingWindowDays,
    schedule: settings.schedule,
    nextRunAt,
  };
  await executor.insertInto('crousFileConfigs').values({ institutionId, kind, ...values })
    .onConflict((conflict) => conflict.columns(['institutionId', 'kind']).doUpdateSet({ ...values, updatedAt: sql`now()` }))
    .execute();
}

/** Configurations whose scheduled run is due, locked for this transaction (ticks on other nodes skip them). */
export async function lockDueConfigs(trx: Transaction<Database>, now: Date, limit: number) {
  return trx.selectFrom('crousFileConfigs').selectAll()
    .where('nextRunAt', '<=', now).orderBy('nextRunAt').limit(limit).forUpdate().skipLocked().execute();
}

export async function setNextRun(executor: Executor, id: string, nextRunAt: Date | null): Promise<void> {
  await executor.updateTable('crousFileConfigs').set({ nextRunAt }).where('id', '=', id).execute();
}

/**
 * Which enrolments a file holds (see the service for the rules): the institution, the person
 * types, and for each kind a condition on the rights end and the enrolment's creation.
 */
export interface PersonSelection {
  institutionId: number;
  kind: AccountFileKind;
  personTypes: readonly string[];
  /** Today, `YYYY-MM-DD`. */
  today: string;
  /** First day of the academic year: enrolments created since are new entrants. */
  yearStart: Date;
  /** Staff leaving: rights ended on or after this day (and before today). */
  leavingFrom: string;
}

function selectionCondition(selection: PersonSelection) {
  const types = `{${selection.personTypes.map((type) => `"${type.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
  const running = sql`(e.rights_end IS NULL OR e.rights_end >= ${selection.today}::date)`;
  const kindCondition = selection.kind === 'new_entrants'
    ? sql`${running} AND e.created_at >= ${selection.yearStart.toISOString()}::timestamptz`
    : selection.kind === 're_enrolments'
      ? sql`${running} AND e.created_at < ${selection.yearStart.toISOString()}::timestamptz`
      : selection.kind === 'staff_present'
        ? running
        : sql`e.rights_end < ${selection.today}::date AND e.rights_end >= ${selection.leavingFrom}::date`;
  // Only persons whose current CROUS consent is granted: their data goes to the CROUS with it only.
  return sql`e.institution_id = ${selection.institutionId} AND e.person_type = ANY (${types}::text[]) AND ${kindCondition}
    AND EXISTS (SELECT 1 FROM person_consents pc WHERE pc.person_id = e.person_id AND pc.kind = 'crous' AND pc.granted)`;
}

/** How many persons the selection holds (the progress bar's denominator). */
export async function countPersons(executor: Executor, selection: PersonSelection): Promise<number> {
  const result = await sql<{ count: number }>`SELECT count(*)::int AS count FROM enrolments e WHERE ${selectionCondition(selection)}`.execute(executor);
  return result.rows[0]?.count ?? 0;
}

/** Where the previous page stopped (the last row's sort key). */
export interface PersonCursor {
  lastName: string;
  firstName: string;
  eppn: string;
}

/** A person of a file, with the type of their enrolment (the tariff depends on it). */
export interface SelectedPerson extends AccountFilePerson {
  personType: string;
}

/** One page of the selection, by last name, first name, eppn (the eppn is unique: a total order). */
export async function pagePersons(executor: Executor, selection: PersonSelection, after: PersonCursor | null, limit: number): Promise<SelectedPerson[]> {
  const cursor = after === null ? sql`true` : sql`(p.last_name, p.first_name, p.eppn) > (${after.lastName}, ${after.firstName}, ${after.eppn})`;
  const result = await sql<SelectedPerson>`
    SELECT p.eppn, e.person_type AS "personType", p.first_name AS "firstName", p.last_name AS "lastName", p.birth_date::text AS "birthDate", p.email, p.ine,
           e.student_number AS "studentNumber", e.rights_end::text AS "rightsEnd"
    FROM enrolments e JOIN persons p ON p.id = e.person_id
    WHERE ${selectionCondition(selection)} AND ${cursor}
    ORDER BY p.last_name, p.first_name, p.eppn
    LIMIT ${limit}`.execute(executor);
  return result.rows;
}

/** Stores a file produced. */
export async function insertFile(executor: Executor, file: {
  institutionId: number; kind: AccountFileKind; fileName: string; content: Buffer; lineCount: number; settings: AccountFileSettings;
  trigger: 'manual' | 'schedule'; jobRunId: string | null; createdBy: string;
}): Promise<string> {
  const row = await executor.insertInto('crousFiles').values({
    ...file, byteSize: file.content.byteLength, settings: JSON.stringify(file.settings),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const FILE_COLUMNS = ['crousFiles.id', 'crousFiles.institutionId', 'institutions.code as institution', 'crousFiles.kind', 'crousFiles.fileName',
  'crousFiles.byteSize', 'crousFiles.lineCount', 'crousFiles.settings', 'crousFiles.trigger', 'crousFiles.jobRunId', 'crousFiles.createdBy',
  'crousFiles.createdAt'] as const;

/** The files produced that `scope` reaches, newest first. */
export async function listFiles(executor: Executor, scope: AccessScope, filter: { institutionId?: number; kind?: AccountFileKind; limit: number }) {
  let query = executor.selectFrom('crousFiles').innerJoin('institutions', 'institutions.id', 'crousFiles.institutionId')
    .select(FILE_COLUMNS)
    .where(inScope(scope, { institution: 'crous_files.institution_id' }))
    .orderBy('crousFiles.createdAt', 'desc').orderBy('crousFiles.id', 'desc').limit(filter.limit);
  if (filter.institutionId !== undefined) query = query.where('crousFiles.institutionId', '=', filter.institutionId);
  if (filter.kind !== undefined) query = query.where('crousFiles.kind', '=', filter.kind);
  return query.execute();
}

/** One file with its bytes, when `scope` reaches it. */
export async function findFile(executor: Executor, id: string, scope: AccessScope) {
  return executor.selectFrom('crousFiles').innerJoin('institutions', 'institutions.id', 'crousFiles.institutionId')
    .select([...FILE_COLUMNS, 'crousFiles.content'])
    .where('crousFiles.id', '=', id)
    .where(inScope(scope, { institution: 'crous_files.institution_id' }))
    .executeTakeFirst();
}

/** Serialises imports of one institution's card file (two at once would judge against the same old rows). */
export async function lockCardImports(trx: Transaction<Database>, institutionId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('crous_pre_encoded_cards'), ${institutionId}::int)`.execute(trx);
}

/** A stored pre-encoded card. */
export type PreEncodedCardRow = Awaited<ReturnType<typeof findCardsByCsn>>[number];

const CARD_COLUMNS = ['csn', 'idZdc', 'rid', 'idTransmitter', 'idMapping', 'pixSs', 'pixNn', 'appl', 'nfo', 'cnous', 'crous', 'creationDay'] as const;

/** The institution's stored cards of these chips. */
export async function findCardsByCsn(executor: Executor, institutionId: number, csns: readonly string[]) {
  if (csns.length === 0) return [];
  return executor.selectFrom('crousPreEncodedCards').select([...CARD_COLUMNS])
    .where('institutionId', '=', institutionId).where('csn', 'in', [...csns]).execute();
}

/** The institution's stored cards of these CROUS card numbers. */
export async function findCardsByNumber(executor: Executor, institutionId: number, numbers: readonly number[]) {
  if (numbers.length === 0) return [];
  return executor.selectFrom('crousPreEncodedCards').select(['csn', 'idZdc'])
    .where('institutionId', '=', institutionId).where('idZdc', 'in', [...numbers]).execute();
}

/** Writes the cards (a chip already known gets the file's values). */
export async function upsertCards(executor: Executor, institutionId: number, importId: string, cards: readonly PreEncodedCrousCard[]): Promise<void> {
  if (cards.length === 0) return;
  const rows = cards.map((card) => ({
    institutionId, importId, csn: card.csn, idZdc: card.idZdc, rid: card.rid, idTransmitter: card.idTransmitter, idMapping: card.idMapping,
    pixSs: card.pixSs, pixNn: card.pixNn, appl: card.appl, nfo: card.nfo, cnous: card.cnous, crous: card.crous, creationDay: card.creationDay,
  }));
  await executor.insertInto('crousPreEncodedCards').values(rows)
    .onConflict((conflict) => conflict.columns(['institutionId', 'csn']).doUpdateSet((eb) => ({
      idZdc: eb.ref('excluded.idZdc'), rid: eb.ref('excluded.rid'), idTransmitter: eb.ref('excluded.idTransmitter'),
      idMapping: eb.ref('excluded.idMapping'), pixSs: eb.ref('excluded.pixSs'), pixNn: eb.ref('excluded.pixNn'), appl: eb.ref('excluded.appl'),
      nfo: eb.ref('excluded.nfo'), cnous: eb.ref('excluded.cnous'), crous: eb.ref('excluded.crous'),
      creationDay: eb.ref('excluded.creationDay'), importId: eb.ref('excluded.importId'), updatedAt: sql`now()`,
    })))
    .execute();
}

/** Records an import and its report; returns its id. */
export async function insertCardImport(executor: Executor, entry: {
  institutionId: number; fileName: string | null; partial: boolean; report: Record<string, unknown>; createdBy: string;
}): Promise<string> {
  const row = await executor.insertInto('crousCardImports').values({ ...entry, report: JSON.stringify(entry.report) })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The card imports `scope` reaches, newest first. */
export async function listCardImports(executor: Executor, scope: AccessScope, filter: { institutionId?: number; limit: number }) {
  let query = executor.selectFrom('crousCardImports').innerJoin('institutions', 'institutions.id', 'crousCardImports.institutionId')
    .select(['crousCardImports.id', 'institutions.code as institution', 'crousCardImports.fileName', 'crousCardImports.partial',
      'crousCardImports.report', 'crousCardImports.createdBy', 'crousCardImports.createdAt'])
    .where(inScope(scope, { institution: 'crous_card_imports.institution_id' }))
    .orderBy('crousCardImports.createdAt', 'desc').orderBy('crousCardImports.id', 'desc').limit(filter.limit);
  if (filter.institutionId !== undefined) query = query.where('crousCardImports.institutionId', '=', filter.institutionId);
  return query.execute();
}

/** How many pre-encoded cards the institution holds. */
export async function countCards(executor: Executor, institutionId: number): Promise<number> {
  const row = await executor.selectFrom('crousPreEncodedCards').select((eb) => eb.fn.countAll<number>().as('count'))
    .where('institutionId', '=', institutionId).executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** The card the CROUS encoded on this chip for this institution, if its file named it. */
export async function findCard(executor: Executor, institutionId: number, csn: string) {
  return executor.selectFrom('crousPreEncodedCards').select([...CARD_COLUMNS, 'updatedAt'])
    .where('institutionId', '=', institutionId).where('csn', '=', csn).executeTakeFirst();
}
