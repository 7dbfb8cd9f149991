import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { notFound, unprocessable } from '../../platform/http/problem.ts';
import { withDefaults, type InstitutionColors, type InstitutionSettings } from './domain/institution-settings.ts';
import * as repo from './institution.repository.ts';
import { processLogo, type StoredLogoMime } from './logo-processing.ts';
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

/** A logo as it is served. */
export interface InstitutionLogo {
  bytes: Buffer;
  mime: StoredLogoMime;
}

const isStoredLogoMime = (mime: string): mime is StoredLogoMime => mime === 'image/png' || mime === 'image/jpeg';

/** Logo conversions of old rows are written by the system, not by whoever happened to read. */
const LOGO_CONVERSION_CONTEXT: ActorContext = { actor: 'system' };

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

  let legacyConversion: Promise<void> | undefined;

  /** Draws a logo stored as SVG by an older version into a PNG and stores it back, or removes it. */
  async function convertLegacyLogo(stored: Buffer): Promise<void> {
    const converted = await processLogo(stored).catch(() => undefined);
    await inTransaction(db, LOGO_CONVERSION_CONTEXT, (trx) =>
      repo.replaceLogoIfUnchanged(trx, stored, converted?.bytes ?? null, converted?.mime ?? null));
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

    /**
     * Replaces the logo with an upload (PNG, JPEG, SVG or SVGZ, judged by content): it is decoded
     * and re-encoded, an SVG drawn into a PNG, and only the result is stored. Throws the problems
     * of {@link processLogo}, or 404 before the institution is set up.
     */
    async setLogo(upload: Buffer, context: ActorContext): Promise<void> {
      if (!(await read(db))) throw notFound('institution_not_configured', 'The institution is not configured yet');
      const logo = await processLogo(upload);
      await inTransaction(db, context, (trx) => repo.updateLogo(trx, logo.bytes, logo.mime));
    },

    /**
     * The logo to serve, always a PNG or a JPEG. A logo stored before logos were rasterised (an
     * SVG) is converted on first read and stored back; one that cannot be converted is removed,
     * never served as it is.
     */
    async logo(): Promise<InstitutionLogo | undefined> {
      const row = await repo.findLogo(db);
      if (!row?.logo || !row.logoMime) return undefined;
      if (isStoredLogoMime(row.logoMime)) return { bytes: row.logo, mime: row.logoMime };
      // Readers arriving during the conversion wait for it rather than start one each.
      legacyConversion ??= convertLegacyLogo(row.logo).finally(() => { legacyConversion = undefined; });
      await legacyConversion;
      // Whatever won a race with another upload or conversion is what is served.
      const now = await repo.findLogo(db);
      return now?.logo && now.logoMime && isStoredLogoMime(now.logoMime) ? { bytes: now.logo, mime: now.logoMime } : undefined;
    },

    /** Claims the one-time demo seeding, inside the seeding transaction. */
    claimDemoSeed: (executor: Executor, now: Date) => repo.claimDemoSeed(executor, now),
  };
}

export type InstitutionService = ReturnType<typeof createInstitutionService>;
