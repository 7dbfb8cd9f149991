import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { notFound, unprocessable } from '../../platform/http/problem.ts';
import { withDefaults, type InstitutionColors, type InstitutionSettings } from './domain/institution-settings.ts';
import * as repo from './institution.repository.ts';
import { isValidUai } from '../people/domain/french-identifiers.ts';

export interface InstitutionView {
  name: string;
  pic: string;
  uai: string | null;
  schacHomeOrganization: string;
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

/** The institution this deployment serves and its card office settings. */
export function createInstitutionService(db: Kysely<Database>) {
  async function read(executor: Executor): Promise<InstitutionView | undefined> {
    const row = await repo.findInstitution(executor);
    if (!row) return undefined;
    return {
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

  return {
    /** The institution, or a 404 problem when it was never set up. */
    async get(executor: Executor = db): Promise<InstitutionView> {
      const view = await read(executor);
      if (!view) throw notFound('institution_not_configured', 'The institution is not configured yet');
      return view;
    },

    /** The institution, or undefined before setup. */
    find: (executor: Executor = db) => read(executor),

    /** Sets up or updates the institution; unspecified settings keep their value. */
    async save(input: InstitutionInput, context: ActorContext): Promise<InstitutionView> {
      validate(input);
      return inTransaction(db, context, async (trx) => {
        const current = await read(trx);
        await repo.upsertInstitution(trx, {
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

    /** Stores the logo (PNG, JPEG or SVG; already checked by the caller). */
    async setLogo(logo: Buffer, mime: string, context: ActorContext): Promise<void> {
      await inTransaction(db, context, (trx) => repo.updateLogo(trx, logo, mime));
    },

    /** The logo bytes, if any. */
    async logo(): Promise<{ bytes: Buffer; mime: string } | undefined> {
      const row = await repo.findLogo(db);
      return row?.logo && row.logoMime ? { bytes: row.logo, mime: row.logoMime } : undefined;
    },

    /** Claims the one-time demo seeding, inside the seeding transaction. */
    claimDemoSeed: (executor: Executor, now: Date) => repo.claimDemoSeed(executor, now),
  };
}

export type InstitutionService = ReturnType<typeof createInstitutionService>;
