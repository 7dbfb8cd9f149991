/**
 * The printers' SQL (tables `printers`, `printer_presence`, `printer_jobs`, migration 0047). The
 * office's reads filter by the caller's institutions in the query (`inScope`); the printer
 * client's reads filter by its printer (found by its credential's hash).
 */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { PrinterJobsTable, PrinterPresenceTable, PrintersTable } from './printers.tables.ts';

export type PrinterRow = Selectable<PrintersTable>;
export type PrinterJobRow = Selectable<PrinterJobsTable>;
export type PrinterPresenceRow = Selectable<PrinterPresenceTable>;
type Scope = Pick<AccessScope, 'institutionIds'>;

const inInstitutions = (scope: Scope, column: string) => inScope({ institutionIds: scope.institutionIds, personTypes: null }, { institution: column });

/** The printers within `scope`, by institution and name. */
export async function listPrinters(executor: Executor, scope: Scope): Promise<PrinterRow[]> {
  return executor.selectFrom('printers').selectAll().where(() => inInstitutions(scope, 'printers.institution_id'))
    .orderBy('institutionId').orderBy('name').execute();
}

/** One printer, if it exists within `scope` (null: whatever its institution). */
export async function findPrinter(executor: Executor, id: string, scope: Scope | null, options: { forUpdate?: boolean } = {}): Promise<PrinterRow | undefined> {
  let query = executor.selectFrom('printers').selectAll().where('id', '=', id);
  if (scope) query = query.where(() => inInstitutions(scope, 'printers.institution_id'));
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The printer whose client secret hashes to this. */
/** Names of printers by id (deleted ones left out). */
export async function findPrinterNames(executor: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await executor.selectFrom('printers').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function findPrinterByTokenHash(executor: Executor, tokenHash: string): Promise<PrinterRow | undefined> {
  return executor.selectFrom('printers').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

/** Inserts a printer. */
export async function insertPrinter(executor: Executor, row: {
  institutionId: number; name: string; model: string; site: string; duplex: boolean; templateIds: string[]; enabled: boolean;
  tokenHash: string; tokenHint: string; createdBy: string;
}): Promise<PrinterRow> {
  return executor.insertInto('printers').values({ ...row, updatedBy: row.createdBy }).returningAll().executeTakeFirstOrThrow();
}

/** Changes a printer; returns it as written. */
export async function updatePrinter(executor: Executor, id: string, changes: Updateable<PrintersTable> & { updatedBy: string }): Promise<PrinterRow> {
  return executor.updateTable('printers').set({ ...changes, updatedAt: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Deletes a printer and its jobs; false when there was none. */
export async function deletePrinter(executor: Executor, id: string): Promise<boolean> {
  const result = await executor.deleteFrom('printers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records the client's call (one row per printer, replaced). */
export async function touchPresence(executor: Executor, row: PrinterPresenceRow): Promise<void> {
  await executor.insertInto('printerPresence').values(row)
    .onConflict((oc) => oc.column('printerId').doUpdateSet({
      lastSeenAt: row.lastSeenAt,
      // A call other than the heartbeat says nothing of the client: what the heartbeat said stays.
      clientVersion: (eb) => eb.fn.coalesce(eb.ref('excluded.clientVersion'), eb.ref('printerPresence.clientVersion')),
      clientState: (eb) => eb.fn.coalesce(eb.ref('excluded.clientState'), eb.ref('printerPresence.clientState')),
      clientMessage: (eb) => row.clientState === null ? eb.ref('printerPresence.clientMessage') : eb.ref('excluded.clientMessage'),
    }))
    .execute();
}

/** The presence rows of these printers. */
export async function presenceOf(executor: Executor, printerIds: readonly string[]): Promise<Map<string, PrinterPresenceRow>> {
  if (printerIds.length === 0) return new Map();
  const rows = await executor.selectFrom('printerPresence').selectAll().where('printerId', 'in', [...printerIds]).execute();
  return new Map(rows.map((row) => [row.printerId, row]));
}

/** Per printer: its queued jobs and the job its client holds (taken or printing), if any. */
export async function queueStateOf(executor: Executor, printerIds: readonly string[]): Promise<Map<string, { waiting: number; current: PrinterJobRow | null }>> {
  const state = new Map(printerIds.map((id) => [id, { waiting: 0, current: null as PrinterJobRow | null }]));
  if (printerIds.length === 0) return state;
  const counts = await executor.selectFrom('printerJobs').select(['printerId', (eb) => eb.fn.countAll<string>().as('count')])
    .where('printerId', 'in', [...printerIds]).where('status', '=', 'queued').groupBy('printerId').execute();
  for (const row of counts) state.get(row.printerId)!.waiting = Number(row.count);
  const held = await executor.selectFrom('printerJobs').selectAll()
    .where('printerId', 'in', [...printerIds]).where('status', 'in', ['taken', 'printing']).orderBy('takenAt').execute();
  for (const row of held) state.get(row.printerId)!.current ??= row;
  return state;
}

/** Inserts a queued job. */
export async function insertJob(executor: Executor, row: {
  printerId: string; institutionId: number; batchId: string | null; filePath: string | null; title: string;
  cardsTotal: number | null; pagesTotal: number | null; createdBy: string;
}): Promise<PrinterJobRow> {
  return executor.insertInto('printerJobs').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A printer's latest jobs, newest first. */
export async function listJobs(executor: Executor, printerId: string, limit: number): Promise<PrinterJobRow[]> {
  return executor.selectFrom('printerJobs').selectAll().where('printerId', '=', printerId)
    .orderBy('createdAt', 'desc').orderBy('id').limit(limit).execute();
}

/** One job of a printer. */
export async function findJob(executor: Executor, printerId: string, jobId: string, options: { forUpdate?: boolean } = {}): Promise<PrinterJobRow | undefined> {
  let query = executor.selectFrom('printerJobs').selectAll().where('id', '=', jobId).where('printerId', '=', printerId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The job the printer's client holds (taken or printing), the oldest if several. */
export async function heldJob(executor: Executor, printerId: string): Promise<PrinterJobRow | undefined> {
  return executor.selectFrom('printerJobs').selectAll().where('printerId', '=', printerId).where('status', 'in', ['taken', 'printing'])
    .orderBy('takenAt').orderBy('id').limit(1).executeTakeFirst();
}

/** Claims the printer's oldest queued job (taken at `now`), skipping one another caller is claiming. */
export async function claimNextJob(executor: Executor, printerId: string, now: Date): Promise<PrinterJobRow | undefined> {
  const next = executor.selectFrom('printerJobs').select('id').where('printerId', '=', printerId).where('status', '=', 'queued')
    .orderBy('createdAt').orderBy('id').limit(1).forUpdate().skipLocked();
  return executor.updateTable('printerJobs').set({ status: 'taken', takenAt: now, updatedAt: now })
    .where('id', '=', (eb) => eb.selectFrom(next.as('next')).select('next.id'))
    .returningAll().executeTakeFirst();
}

/** Changes a job; returns it as written. */
export async function updateJob(executor: Executor, id: string, changes: Updateable<PrinterJobsTable>, now: Date): Promise<PrinterJobRow> {
  return executor.updateTable('printerJobs').set({ ...changes, updatedAt: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
