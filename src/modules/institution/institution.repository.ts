import type { Executor } from '../../platform/db/database.ts';
import type { InstitutionSettings, InstitutionColors } from './domain/institution-settings.ts';

const COLUMNS = ['id', 'code', 'kind', 'parentId', 'name', 'pic', 'uai', 'schacHomeOrganization', 'country', 'esiScope',
  'logoMime', 'colors', 'settings', 'disabledAt', 'demoSeededAt', 'updatedAt'] as const;

/** The id of the first institution (kind institution): the one a single-institution deployment serves. */
export const FIRST_INSTITUTION_ID = 1;

/** An institution row (without the logo bytes) by id. */
export async function findInstitution(db: Executor, id: number = FIRST_INSTITUTION_ID) {
  return db.selectFrom('institutions').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** An institution row (without the logo bytes) by code. */
export async function findInstitutionByCode(db: Executor, code: string) {
  return db.selectFrom('institutions').select(COLUMNS).where('code', '=', code).executeTakeFirst();
}

/** Every institution and federation row (without logos), by id: a deployment has a handful to a few dozen. */
export async function listInstitutionRows(db: Executor) {
  return db.selectFrom('institutions').select(COLUMNS).orderBy('id').execute();
}

/** The institution ids a set of grants covers (federations cover their members, at any depth). */
export async function coveredInstitutionIds(db: Executor, granted: readonly number[]): Promise<number[]> {
  if (granted.length === 0) return [];
  const row = await db.selectNoFrom((eb) => eb.fn<number[]>('institutions_covered', [eb.val(`{${granted.join(',')}}`)]).as('ids'))
    .executeTakeFirstOrThrow();
  return row.ids.map(Number);
}

/** The person types an institution defines, in display order. */
export async function listPersonTypes(db: Executor, institutionId: number) {
  return db.selectFrom('personTypes').selectAll().where('institutionId', '=', institutionId)
    .orderBy('position').orderBy('code').execute();
}

/** One person type of an institution. */
export async function findPersonType(db: Executor, institutionId: number, code: string) {
  return db.selectFrom('personTypes').selectAll().where('institutionId', '=', institutionId).where('code', '=', code)
    .executeTakeFirst();
}

/** The logo bytes and type. */
export async function findLogo(db: Executor, id: number = FIRST_INSTITUTION_ID) {
  return db.selectFrom('institutions').select(['logo', 'logoMime']).where('id', '=', id).executeTakeFirst();
}

export interface InstitutionValues {
  name: string;
  pic: string;
  uai: string | null;
  schacHomeOrganization: string;
  country: string;
  esiScope: 'national' | 'institution';
  colors: InstitutionColors;
  settings: InstitutionSettings;
}

/** Replaces an institution's fields. */
export async function updateInstitution(db: Executor, id: number, values: InstitutionValues): Promise<void> {
  const row = { ...values, colors: JSON.stringify(values.colors), settings: JSON.stringify(values.settings), updatedAt: new Date() };
  await db.updateTable('institutions').set(row).where('id', '=', id).execute();
}

/** Stores the logo (null removes it). */
export async function updateLogo(db: Executor, logo: Buffer | null, logoMime: string | null, id: number = FIRST_INSTITUTION_ID): Promise<void> {
  await db.updateTable('institutions').set({ logo, logoMime, updatedAt: new Date() }).where('id', '=', id).execute();
}

/**
 * Replaces the stored logo only while it still is `previous` (byte for byte), so that converting
 * an old logo never overwrites one uploaded meanwhile. Returns whether it was replaced.
 */
export async function replaceLogoIfUnchanged(db: Executor, previous: Buffer, logo: Buffer | null, logoMime: string | null,
  id: number = FIRST_INSTITUTION_ID): Promise<boolean> {
  const result = await db.updateTable('institutions').set({ logo, logoMime, updatedAt: new Date() })
    .where('id', '=', id).where('logo', '=', previous).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks demo data as created; returns false when it already was (so it is never created twice). */
export async function claimDemoSeed(db: Executor, now: Date): Promise<boolean> {
  const result = await db.updateTable('institutions').set({ demoSeededAt: now }).where('id', '=', FIRST_INSTITUTION_ID)
    .where('demoSeededAt', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
