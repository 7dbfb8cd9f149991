/**
 * Queries of the institution administration: institutions read within a caller's scope, created,
 * changed, disabled; person types written. Reads of one institution for a caller always filter
 * by the scope in SQL (`inScope` on `institutions.id`), so an institution outside it is simply
 * not found.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { InstitutionColors, InstitutionSettings } from './domain/institution-settings.ts';

/** Columns of an institution view, with its parent's code and name (never the logo bytes nor the ESC key). */
function institutionView(db: Executor) {
  return db.selectFrom('institutions')
    .leftJoin('institutions as parent', 'parent.id', 'institutions.parentId')
    .select([
      'institutions.id', 'institutions.code', 'institutions.kind', 'institutions.parentId', 'institutions.name',
      'institutions.pic', 'institutions.uai', 'institutions.schacHomeOrganization', 'institutions.country',
      'institutions.esiScope', 'institutions.colors', 'institutions.settings', 'institutions.disabledAt',
      'institutions.createdAt', 'institutions.updatedAt',
      'parent.code as parentCode', 'parent.name as parentName',
    ])
    .select(sql<boolean>`institutions.logo_mime IS NOT NULL`.as('hasLogo'));
}

/** An institution row as the administration shows it. */
export type InstitutionViewRow = NonNullable<Awaited<ReturnType<typeof findInstitutionById>>>;

/** The institutions inside `scope`, federations first then by name. */
export async function listInstitutionsInScope(db: Executor, scope: AccessScope) {
  return institutionView(db).where(inScope(scope, { institution: 'institutions.id' }))
    .orderBy('institutions.kind').orderBy('institutions.name').orderBy('institutions.id').execute();
}

/** The institution with this code when it lies inside `scope`. */
export async function findInstitutionInScope(db: Executor, scope: AccessScope, code: string) {
  return institutionView(db).where('institutions.code', '=', code)
    .where(inScope(scope, { institution: 'institutions.id' })).executeTakeFirst();
}

/** The institution with this id, whatever the caller (public branding, after a write). */
export async function findInstitutionById(db: Executor, id: number) {
  return institutionView(db).where('institutions.id', '=', id).executeTakeFirst();
}

/** The ids and parents of every institution, locked until the transaction ends (reparenting checks cycles on it). */
export async function lockInstitutionTree(db: Executor) {
  return db.selectFrom('institutions').select(['id', 'parentId']).orderBy('id').forUpdate().execute();
}

/** Identity fields an admin sets on an institution. */
export interface InstitutionFields {
  name: string;
  parentId: number | null;
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: InstitutionColors;
  settings: InstitutionSettings;
}

/** Creates an institution; returns its id. The code must be free (unique index `institutions_code_key`). */
export async function insertInstitution(db: Executor, code: string, kind: 'institution' | 'federation', fields: InstitutionFields): Promise<number> {
  const row = await db.insertInto('institutions').values({
    ...fields, code, kind, colors: JSON.stringify(fields.colors), settings: JSON.stringify(fields.settings),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Replaces an institution's identity fields and settings. */
export async function updateInstitutionFields(db: Executor, id: number, fields: InstitutionFields): Promise<void> {
  await db.updateTable('institutions').set({
    ...fields, colors: JSON.stringify(fields.colors), settings: JSON.stringify(fields.settings), updatedAt: new Date(),
  }).where('id', '=', id).execute();
}

/** Disables an institution (at `at`) or enables it again (null); its data stays. */
export async function setInstitutionDisabled(db: Executor, id: number, at: Date | null): Promise<void> {
  await db.updateTable('institutions').set({ disabledAt: at, updatedAt: new Date() }).where('id', '=', id).execute();
}

/** A person type's configurable fields. */
export interface PersonTypeFields {
  labelFr: string;
  labelEn: string;
  cardKinds: Array<'physical' | 'virtual'>;
  selfRequest: boolean;
  deliveryAddress: boolean;
  validityMonths: number | null;
  affiliations: string[];
  position: number;
  disabledAt: Date | null;
}

/** Creates or replaces a person type of an institution. */
export async function upsertPersonType(db: Executor, institutionId: number, code: string, fields: PersonTypeFields): Promise<void> {
  const values = { ...fields, updatedAt: new Date() };
  await db.insertInto('personTypes').values({ institutionId, code, ...values })
    .onConflict((oc) => oc.columns(['institutionId', 'code']).doUpdateSet(values)).execute();
}

/** Deletes a person type; false when there was none. Enrolments of the type make it fail (foreign key). */
export async function deletePersonType(db: Executor, institutionId: number, code: string): Promise<boolean> {
  const result = await db.deleteFrom('personTypes').where('institutionId', '=', institutionId).where('code', '=', code)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Today's four person types, given to a new institution so it can enrol people at once (as migration 0019 did). */
const DEFAULT_PERSON_TYPES: ReadonlyArray<{ code: string } & Omit<PersonTypeFields, 'disabledAt' | 'validityMonths' | 'cardKinds'>> = [
  { code: 'student', labelFr: 'Étudiant', labelEn: 'Student', selfRequest: true, deliveryAddress: false, affiliations: ['student'], position: 1 },
  { code: 'staff', labelFr: 'Personnel', labelEn: 'Staff', selfRequest: true, deliveryAddress: true,
    affiliations: ['staff', 'faculty', 'employee', 'researcher', 'teacher'], position: 2 },
  { code: 'guest', labelFr: 'Invité', labelEn: 'Guest', selfRequest: false, deliveryAddress: false, affiliations: ['affiliate'], position: 3 },
  { code: 'external', labelFr: 'Extérieur', labelEn: 'External', selfRequest: false, deliveryAddress: false,
    affiliations: ['member', 'library-walk-in'], position: 4 },
];

/** Gives an institution the default person types. */
export async function insertDefaultPersonTypes(db: Executor, institutionId: number): Promise<void> {
  await db.insertInto('personTypes').values(DEFAULT_PERSON_TYPES.map((type) => ({ institutionId, ...type }))).execute();
}

/** Sets the self-request rules of existing person types (the deprecated `settings.requestRules`). */
export async function setRequestRule(db: Executor, institutionId: number, code: string,
  rule: { selfRequest: boolean; deliveryAddress: boolean }): Promise<boolean> {
  const result = await db.updateTable('personTypes').set({ ...rule, updatedAt: new Date() })
    .where('institutionId', '=', institutionId).where('code', '=', code).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
