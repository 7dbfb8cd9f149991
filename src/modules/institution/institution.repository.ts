import type { Executor } from '../../platform/db/database.ts';
import type { InstitutionSettings, InstitutionColors } from './domain/institution-settings.ts';

const COLUMNS = ['id', 'name', 'pic', 'uai', 'schacHomeOrganization', 'country', 'esiScope', 'logoMime', 'colors',
  'settings', 'demoSeededAt', 'updatedAt'] as const;

/** The institution row (without the logo bytes), if it was set up. */
export async function findInstitution(db: Executor) {
  return db.selectFrom('institution').select(COLUMNS).where('id', '=', 1).executeTakeFirst();
}

/** The logo bytes and type. */
export async function findLogo(db: Executor) {
  return db.selectFrom('institution').select(['logo', 'logoMime']).where('id', '=', 1).executeTakeFirst();
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

/** Creates or replaces the institution's fields. */
export async function upsertInstitution(db: Executor, values: InstitutionValues): Promise<void> {
  const row = { ...values, colors: JSON.stringify(values.colors), settings: JSON.stringify(values.settings), updatedAt: new Date() };
  await db.insertInto('institution').values({ id: 1, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
}

/** Stores the logo (null removes it). */
export async function updateLogo(db: Executor, logo: Buffer | null, logoMime: string | null): Promise<void> {
  await db.updateTable('institution').set({ logo, logoMime, updatedAt: new Date() }).where('id', '=', 1).execute();
}

/**
 * Replaces the stored logo only while it still is `previous` (byte for byte), so that converting
 * an old logo never overwrites one uploaded meanwhile. Returns whether it was replaced.
 */
export async function replaceLogoIfUnchanged(db: Executor, previous: Buffer, logo: Buffer | null, logoMime: string | null): Promise<boolean> {
  const result = await db.updateTable('institution').set({ logo, logoMime, updatedAt: new Date() })
    .where('id', '=', 1).where('logo', '=', previous).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks demo data as created; returns false when it already was (so it is never created twice). */
export async function claimDemoSeed(db: Executor, now: Date): Promise<boolean> {
  const result = await db.updateTable('institution').set({ demoSeededAt: now }).where('id', '=', 1)
    .where('demoSeededAt', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
