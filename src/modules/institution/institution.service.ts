import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { notFound, unprocessable } from '../../platform/http/problem.ts';
import { withDefaults, type InstitutionColors, type InstitutionSettings } from './domain/institution-settings.ts';
import * as repo from './institution.repository.ts';
import { isValidUai } from '../people/domain/french-identifiers.ts';

export interface InstitutionView {
  id: number;
  code: string;
  kind: 'institution' | 'federation';
  name: string;
  /** Null until the PIC is known (the ESC sync waits for it). */
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: InstitutionColors;
  settings: InstitutionSettings;
  hasLogo: boolean;
  updatedAt: string;
}

export interface InstitutionInput {
  name: string;
  pic: string;
  uai?: string | null;
  schacHomeOrganization: string;
  country: string;
  esiScope: 'national' | 'institution';
  colors?: InstitutionColors;
  settings?: Partial<InstitutionSettings>;
}

/** Validates an institution's identifiers; throws a 422 naming the field. */
function validate(input: InstitutionInput): void {
  if (!/^\d{9}$/.test(input.pic)) throw unprocessable('invalid_pic', 'The PIC has 9 digits', { field: '/pic' });
  if (input.uai && !isValidUai(input.uai)) {
    throw unprocessable('invalid_uai', 'The UAI is 7 digits and a check letter that does not match', { field: '/uai' });
  }
  if (!/^[A-Z]{2}$/.test(input.country)) throw unprocessable('invalid_country', 'Use an ISO 3166-1 alpha-2 code', { field: '/country' });
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(input.schacHomeOrganization)) {
    throw unprocessable('invalid_schac_home_organization', 'The SCHAC home organization is a domain name', { field: '/schacHomeOrganization' });
  }
}

/**
 * What other contexts need to know of an institution: who it is, where it sits, and which group
 * its cards belong to for the one-ENABLED-card rule.
 */
export interface InstitutionRef {
  id: number;
  code: string;
  name: string;
  kind: 'institution' | 'federation';
  parentId: number | null;
  pic: string | null;
  disabled: boolean;
  /** The federation above it, if any. */
  federation: { id: number; code: string; name: string } | null;
  /** Whether its federation's members share one card (the Léocarte case). */
  sharedCard: boolean;
  /** The group within which a person holds at most one ENABLED card: the federation when shared, else itself. */
  cardGroup: number;
}

/** A person type as an institution defines it. */
export type PersonTypeRow = Awaited<ReturnType<typeof repo.listPersonTypes>>[number];

type InstitutionRow = NonNullable<Awaited<ReturnType<typeof repo.findInstitution>>>;

/** Builds the reference of `row` given every institution row (to find its federation). */
function toRef(row: InstitutionRow, all: readonly InstitutionRow[]): InstitutionRef {
  const parent = row.parentId === null ? undefined : all.find((candidate) => candidate.id === row.parentId);
  const federation = parent ? { id: parent.id, code: parent.code, name: parent.name } : null;
  const sharedCard = parent !== undefined && parent.settings.sharedCard === true;
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    parentId: row.parentId,
    pic: row.pic,
    disabled: row.disabledAt !== null,
    federation,
    sharedCard,
    cardGroup: sharedCard && parent ? parent.id : row.id,
  };
}

/** The scope part of a caller that picks an institution for a write. */
export interface InstitutionChooser {
  institutionIds: readonly number[] | null;
  focusInstitutionId: number | null;
}

/** The answer for an institution code that does not exist or lies outside the caller's scope. */
export function institutionNotFound(): Error {
  return notFound('institution_not_found', 'No such institution');
}

/** The institutions this deployment serves and their card office settings. */
export function createInstitutionService(db: Kysely<Database>) {
  async function read(executor: Executor, id: number = repo.FIRST_INSTITUTION_ID): Promise<InstitutionView | undefined> {
    const row = await repo.findInstitution(executor, id);
    if (!row) return undefined;
    return {
      id: row.id,
      code: row.code,
      kind: row.kind,
      name: row.name,
      pic: row.pic,
      uai: row.uai,
      schacHomeOrganization: row.schacHomeOrganization,
      country: row.country,
      esiScope: row.esiScope,
      colors: row.colors,
      settings: withDefaults(row.settings),
      hasLogo: row.logoMime !== null,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async function refs(executor: Executor): Promise<InstitutionRef[]> {
    const rows = await repo.listInstitutionRows(executor);
    return rows.map((row) => toRef(row, rows));
  }

  return {
    /** Every institution and federation, by id. */
    list: (executor: Executor = db) => refs(executor),

    /** The institution with this code, or undefined. */
    async byCode(executor: Executor, code: string): Promise<InstitutionRef | undefined> {
      return (await refs(executor)).find((ref) => ref.code === code);
    },

    /** The institution with this id, or undefined. */
    async byId(executor: Executor, id: number): Promise<InstitutionRef | undefined> {
      return (await refs(executor)).find((ref) => ref.id === id);
    },

    /** The ids `granted` covers: themselves and, below a federation, its members at any depth. */
    covered: (executor: Executor, granted: readonly number[]) => repo.coveredInstitutionIds(executor, granted),

    /**
     * The institution a write creates something in (an enrolment, a card request, an import):
     * the code named in the request, else the caller's focused institution, else the only
     * issuing institution (not a federation, not disabled) in the caller's scope. A code outside
     * the scope is 404 `institution_not_found` (as if it did not exist); several candidates and
     * no choice is 422 `institution_required`. A federation or a disabled institution issues
     * nothing: 422 `institution_not_issuing`.
     */
    async targetFor(executor: Executor, caller: InstitutionChooser, code?: string | null): Promise<InstitutionRef> {
      const all = await refs(executor);
      const inScope = (ref: InstitutionRef) => caller.institutionIds === null || caller.institutionIds.includes(ref.id);
      let chosen: InstitutionRef | undefined;
      if (code) {
        chosen = all.find((ref) => ref.code === code && inScope(ref));
        if (!chosen) throw institutionNotFound();
      } else if (caller.focusInstitutionId !== null) {
        chosen = all.find((ref) => ref.id === caller.focusInstitutionId);
        if (chosen?.kind === 'federation') {
          const members = all.filter((ref) => ref.kind === 'institution' && !ref.disabled && inScope(ref));
          if (members.length === 1) chosen = members[0];
          else throw unprocessable('institution_required', 'Say which institution this is for', { field: '/institution' });
        }
      } else {
        const candidates = all.filter((ref) => ref.kind === 'institution' && !ref.disabled && inScope(ref));
        if (candidates.length !== 1) {
          throw unprocessable('institution_required', 'Say which institution this is for', { field: '/institution' });
        }
        chosen = candidates[0];
      }
      if (!chosen) throw institutionNotFound();
      if (chosen.kind !== 'institution' || chosen.disabled) {
        throw unprocessable('institution_not_issuing', 'This institution enrols nobody and issues no card (a federation, or disabled)', { field: '/institution' });
      }
      return chosen;
    },

    /** The person types an institution defines, in display order (disabled ones included). */
    personTypesOf: (executor: Executor, institutionId: number): Promise<PersonTypeRow[]> => repo.listPersonTypes(executor, institutionId),

    /** One person type of an institution, or undefined. */
    personType: (executor: Executor, institutionId: number, code: string): Promise<PersonTypeRow | undefined> =>
      repo.findPersonType(executor, institutionId, code),

    /** An institution's card office settings, completed with the defaults. */
    async settingsOf(executor: Executor, institutionId: number): Promise<InstitutionSettings> {
      const row = await repo.findInstitution(executor, institutionId);
      return withDefaults(row?.settings);
    },

    /** The institution, or a 404 problem when it was never set up. */
    async get(executor: Executor = db): Promise<InstitutionView> {
      const view = await read(executor);
      if (!view) throw notFound('institution_not_configured', 'The institution is not configured yet');
      return view;
    },

    /** The institution (the first one, or the one with this id), or undefined before setup. */
    find: (executor: Executor = db, id?: number) => read(executor, id),

    /** Sets up or updates the institution; unspecified settings keep their value. */
    async save(input: InstitutionInput, context: ActorContext): Promise<InstitutionView> {
      validate(input);
      return inTransaction(db, context, async (trx) => {
        const current = await read(trx);
        await repo.updateInstitution(trx, repo.FIRST_INSTITUTION_ID, {
          name: input.name.trim(),
          pic: input.pic,
          uai: input.uai ? input.uai.toUpperCase() : null,
          schacHomeOrganization: input.schacHomeOrganization.toLowerCase(),
          country: input.country,
          esiScope: input.esiScope,
          colors: input.colors ?? current?.colors ?? { primary: '#1d4ed8', secondary: '#0f172a' },
          settings: withDefaults({ ...(current?.settings ?? {}), ...(input.settings ?? {}) }),
        });
        return (await read(trx)) as InstitutionView;
      });
    },

    /** Claims the one-time demo seeding, inside the seeding transaction. */
    claimDemoSeed: (executor: Executor, now: Date) => repo.claimDemoSeed(executor, now),
  };
}

export type InstitutionService = ReturnType<typeof createInstitutionService>;
