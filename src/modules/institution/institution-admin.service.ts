import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { conflict, notFound, unprocessable } from '../../platform/http/problem.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { coversInstitution, type Principal } from '../auth/domain/roles.ts';
import { isValidCountryCode, isValidUai, normalizeUai } from '../people/domain/french-identifiers.ts';
import { isValidPic } from '../esc/domain/escn.ts';
import { withDefaults, type InstitutionColors, type InstitutionSettings } from './domain/institution-settings.ts';
import * as adminRepo from './institution-admin.repository.ts';
import type { InstitutionFields, InstitutionViewRow, PersonTypeFields } from './institution-admin.repository.ts';
import * as repo from './institution.repository.ts';
import { processLogo, type StoredLogoMime } from './logo-processing.ts';

/** What the administration needs to know of its caller: the role and the institutions reached. */
export type InstitutionCaller = Pick<Principal, 'role' | 'institutionIds' | 'grantedInstitutionIds' | 'focusInstitutionId'>;

type Kind = 'institution' | 'federation';

/** A person type as every reader sees it (labels and request rules). */
export interface PublicPersonTypeView {
  code: string;
  labelFr: string;
  labelEn: string;
  cardKinds: Array<'physical' | 'virtual'>;
  selfRequest: boolean;
  deliveryAddress: boolean;
}

/** A person type as the card office configures it. */
export interface PersonTypeView extends PublicPersonTypeView {
  validityMonths: number | null;
  affiliations: string[];
  position: number;
  disabled: boolean;
}

/** An institution in a list. */
export interface InstitutionSummaryView {
  code: string;
  name: string;
  kind: Kind;
  parent: string | null;
  parentName: string | null;
  pic: string | null;
  disabled: boolean;
  hasLogo: boolean;
}

/** An institution with its identifiers, settings and person types (office roles). */
export interface InstitutionDetailView extends InstitutionSummaryView {
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: InstitutionColors;
  settings: InstitutionSettings;
  disabledAt: string | null;
  personTypes: PersonTypeView[];
  updatedAt: string;
}

/** What everybody may read of an institution: its branding and the request rules of its person types. */
export interface PublicInstitutionView {
  code: string;
  name: string;
  kind: Kind;
  parent: string | null;
  parentName: string | null;
  pic: string | null;
  colors: InstitutionColors;
  hasLogo: boolean;
  personTypes: PublicPersonTypeView[];
}

/**
 * Identity fields of an institution as an admin writes them; on a change, fields not sent keep
 * their value (null clears a nullable one), settings not sent keep theirs.
 */
export interface InstitutionWrite {
  name?: string;
  kind?: Kind;
  /** The parent's code; null: top level. */
  parent?: string | null;
  pic?: string | null;
  uai?: string | null;
  schacHomeOrganization?: string | null;
  country?: string;
  esiScope?: 'national' | 'institution';
  colors?: InstitutionColors;
  settings?: Partial<InstitutionSettings>;
}

/** A new institution: its code and name at least. */
export interface InstitutionCreate extends InstitutionWrite {
  code: string;
  name: string;
}

/** A person type as an admin writes it; optional fields not sent keep their value (defaults when new). */
export interface PersonTypeWrite {
  labelFr: string;
  labelEn: string;
  cardKinds?: Array<'physical' | 'virtual'>;
  selfRequest?: boolean;
  deliveryAddress?: boolean;
  validityMonths?: number | null;
  affiliations?: string[];
  position?: number;
  disabled?: boolean;
}

/** A logo as it is served. */
export interface InstitutionLogo {
  bytes: Buffer;
  mime: StoredLogoMime;
}

const INSTITUTION_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const SCHAC_HOME_ORGANIZATION = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const DEFAULT_COLORS: InstitutionColors = { primary: '#1d4ed8', secondary: '#0f172a' };
/** Logo conversions of old rows are written by the system, not by whoever happened to read. */
const LOGO_CONVERSION_CONTEXT: ActorContext = { actor: 'system' };

const isStoredLogoMime = (mime: string): mime is StoredLogoMime => mime === 'image/png' || mime === 'image/jpeg';

/** The answer for an institution that does not exist or lies outside the caller's scope. */
const institutionNotFound = () => notFound('institution_not_found', 'No such institution');
const institutionRequired = () => unprocessable('institution_required',
  'Several institutions are in reach: name one with the Campuscard-Institution header, or use /api/v1/institutions/{code}',
  { field: '/institution' });

function toPersonType(row: Awaited<ReturnType<typeof repo.listPersonTypes>>[number]): PersonTypeView {
  return {
    code: row.code,
    labelFr: row.labelFr,
    labelEn: row.labelEn,
    cardKinds: row.cardKinds,
    selfRequest: row.selfRequest,
    deliveryAddress: row.deliveryAddress,
    validityMonths: row.validityMonths,
    affiliations: row.affiliations,
    position: row.position,
    disabled: row.disabledAt !== null,
  };
}

function toSummary(row: InstitutionViewRow): InstitutionSummaryView {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    parent: row.parentCode,
    parentName: row.parentName,
    pic: row.pic,
    disabled: row.disabledAt !== null,
    hasLogo: row.hasLogo,
  };
}

/** A stored timestamp as ISO text (PGlite and pg both give Date here, but the column type allows text). */
const isoOf = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

/** Checks and normalises identifiers; throws a 422 naming the field. */
function normalised(input: InstitutionWrite): InstitutionWrite {
  const out: InstitutionWrite = { ...input };
  if (input.name !== undefined) {
    out.name = input.name.trim();
    if (out.name === '') throw unprocessable('invalid_name', 'The name cannot be blank', { field: '/name' });
  }
  if (input.pic !== undefined && input.pic !== null && !isValidPic(input.pic)) {
    throw unprocessable('invalid_pic', 'The PIC has 9 digits', { field: '/pic' });
  }
  if (input.uai !== undefined && input.uai !== null) {
    out.uai = input.uai.trim() === '' ? null : normalizeUai(input.uai);
    if (out.uai !== null && !isValidUai(out.uai)) {
      throw unprocessable('invalid_uai', 'The UAI is 7 digits and a check letter that does not match', { field: '/uai' });
    }
  }
  if (input.country !== undefined && !(/^[A-Z]{2}$/.test(input.country) && isValidCountryCode(input.country))) {
    throw unprocessable('invalid_country', 'Use an ISO 3166-1 alpha-2 code', { field: '/country' });
  }
  if (input.schacHomeOrganization !== undefined && input.schacHomeOrganization !== null) {
    out.schacHomeOrganization = input.schacHomeOrganization.trim().toLowerCase();
    if (!SCHAC_HOME_ORGANIZATION.test(out.schacHomeOrganization)) {
      throw unprocessable('invalid_schac_home_organization', 'The SCHAC home organization is a domain name', { field: '/schacHomeOrganization' });
    }
  }
  return out;
}

/** Ids of `id` and everything below it in `tree`. */
function subtreeOf(tree: ReadonlyArray<{ id: number; parentId: number | null }>, id: number): Set<number> {
  const below = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of tree) {
      if (node.parentId !== null && below.has(node.parentId) && !below.has(node.id)) {
        below.add(node.id);
        grew = true;
      }
    }
  }
  return below;
}

/** The rows a caller reaches: person-type limits concern people and cards, not institutions. */
const scopeOf = (caller: InstitutionCaller): AccessScope => ({ institutionIds: caller.institutionIds, personTypes: null });

const isForeignKeyViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23503';

/**
 * Institutions and their person types, as admins manage them: an admin acts within the
 * institutions their grants cover (a federation admin on the federation and its members); only
 * an admin granted on every institution creates a top-level one. Whatever lies outside the
 * caller's scope answers 404 `institution_not_found`, as if it did not exist. Also serves today's
 * single-institution routes (`/api/v1/institution`), on the institution they resolve to.
 */
export function createInstitutionAdminService(db: Kysely<Database>) {
  async function detail(executor: Executor, row: InstitutionViewRow): Promise<InstitutionDetailView> {
    const types = await repo.listPersonTypes(executor, row.id);
    return {
      ...toSummary(row),
      uai: row.uai,
      schacHomeOrganization: row.schacHomeOrganization,
      country: row.country,
      esiScope: row.esiScope,
      colors: row.colors,
      settings: withDefaults(row.settings),
      disabledAt: row.disabledAt === null ? null : isoOf(row.disabledAt),
      personTypes: types.map(toPersonType),
      updatedAt: isoOf(row.updatedAt),
    };
  }

  /** The institution `code` if the caller reaches it, else 404. */
  async function reachable(executor: Executor, caller: InstitutionCaller, code: string): Promise<InstitutionViewRow> {
    const row = await adminRepo.findInstitutionInScope(executor, scopeOf(caller), code);
    if (!row) throw institutionNotFound();
    return row;
  }

  /**
   * The parent an institution may be placed under: one the caller reaches (404 otherwise); top
   * level only for an admin granted on every institution. `self` is the institution being
   * moved, which may not go below itself (422 `institution_cycle`).
   */
  async function parentFor(trx: Executor, caller: InstitutionCaller, parentCode: string | null, self?: number): Promise<number | null> {
    if (parentCode === null) {
      if (caller.grantedInstitutionIds !== null) {
        throw unprocessable('parent_required', 'Your grants cover some institutions only: place it under one of them', { field: '/parent' });
      }
      return null;
    }
    const parent = await adminRepo.findInstitutionInScope(trx, scopeOf(caller), parentCode);
    if (!parent) throw notFound('institution_not_found', 'No such parent institution');
    if (self !== undefined) {
      const tree = await adminRepo.lockInstitutionTree(trx);
      if (subtreeOf(tree, self).has(parent.id)) {
        throw unprocessable('institution_cycle', 'An institution cannot be placed below itself or one of its members', { field: '/parent' });
      }
    }
    return parent.id;
  }

  function fieldsOf(input: InstitutionWrite, current: InstitutionViewRow | undefined, parentId: number | null): InstitutionFields {
    const keep = <T>(value: T | undefined, existing: T): T => (value === undefined ? existing : value);
    const settings = withDefaults({ ...(current ? withDefaults(current.settings) : {}), ...(input.settings ?? {}) });
    return {
      name: keep(input.name, current?.name ?? ''),
      parentId,
      pic: keep(input.pic, current?.pic ?? null),
      uai: keep(input.uai, current?.uai ?? null),
      schacHomeOrganization: keep(input.schacHomeOrganization, current?.schacHomeOrganization ?? null),
      country: keep(input.country, current?.country ?? 'FR'),
      esiScope: keep(input.esiScope, current?.esiScope ?? 'national'),
      colors: keep(input.colors, current?.colors ?? DEFAULT_COLORS),
      settings,
    };
  }

  async function update(trx: Executor, caller: InstitutionCaller, row: InstitutionViewRow, raw: InstitutionWrite): Promise<InstitutionDetailView> {
    const input = normalised(raw);
    if (input.kind !== undefined && input.kind !== row.kind) {
      throw unprocessable('institution_kind_fixed', 'An institution stays what it was created as (institution or federation)', { field: '/kind' });
    }
    let parentId = row.parentId;
    if (input.parent !== undefined && input.parent !== row.parentCode) {
      parentId = await parentFor(trx, caller, input.parent, row.id);
    }
    await adminRepo.updateInstitutionFields(trx, row.id, fieldsOf(input, row, parentId));
    return detail(trx, await adminRepo.findInstitutionById(trx, row.id) as InstitutionViewRow);
  }

  /**
   * Which institution today's single-institution routes act on: the focused one, else the only
   * one the caller reaches. Several: 422 `institution_required` for a write; for a read, the
   * first top-level institution the caller reaches (what a visitor's branding shows), or of the
   * whole deployment when the caller reaches none.
   */
  async function legacyTarget(executor: Executor, caller: InstitutionCaller | null, purpose: 'read' | 'write'): Promise<InstitutionViewRow> {
    let rows = await adminRepo.listInstitutionsInScope(executor, caller ? scopeOf(caller) : WHOLE_DEPLOYMENT);
    if (caller?.focusInstitutionId) {
      const focused = rows.find((row) => row.id === caller.focusInstitutionId);
      if (focused) return focused;
    }
    if (rows.length === 1) return rows[0] as InstitutionViewRow;
    if (purpose === 'write' && rows.length === 0) throw institutionNotFound();
    if (purpose === 'write') throw institutionRequired();
    // The branding never fails: a reader reaching none (a cardholder not enrolled yet) sees a visitor's.
    if (rows.length === 0) rows = await adminRepo.listInstitutionsInScope(executor, WHOLE_DEPLOYMENT);
    const reached = new Set(rows.map((row) => row.id));
    const tops = rows.filter((row) => row.parentId === null || !reached.has(row.parentId)).sort((a, b) => a.id - b.id);
    return tops.find((row) => row.disabledAt === null) ?? tops[0] as InstitutionViewRow;
  }

  /**
   * The institution a public read is about: the one named (by a visitor or a cardholder, whom no
   * institution scope limits: branding is public), else the one the call resolves to.
   */
  async function publicTarget(caller: InstitutionCaller | null, named: string | undefined): Promise<InstitutionViewRow> {
    if (named === undefined) return legacyTarget(db, caller, 'read');
    const row = await adminRepo.findInstitutionInScope(db, WHOLE_DEPLOYMENT, named);
    if (!row) throw institutionNotFound();
    return row;
  }

  const conversions = new Map<number, Promise<void>>();

  /** Draws a logo stored as SVG by an older version into a PNG and stores it back, or removes it. */
  async function convertLegacyLogo(id: number, stored: Buffer): Promise<void> {
    const converted = await processLogo(stored).catch(() => undefined);
    await inTransaction(db, LOGO_CONVERSION_CONTEXT, (trx) =>
      repo.replaceLogoIfUnchanged(trx, stored, converted?.bytes ?? null, converted?.mime ?? null, id));
  }

  async function logoOf(id: number): Promise<InstitutionLogo | undefined> {
    const row = await repo.findLogo(db, id);
    if (!row?.logo || !row.logoMime) return undefined;
    if (isStoredLogoMime(row.logoMime)) return { bytes: row.logo, mime: row.logoMime };
    // Readers arriving during the conversion wait for it rather than start one each.
    let running = conversions.get(id);
    if (!running) {
      running = convertLegacyLogo(id, row.logo).finally(() => conversions.delete(id));
      conversions.set(id, running);
    }
    await running;
    // Whatever won a race with another upload or conversion is what is served.
    const now = await repo.findLogo(db, id);
    return now?.logo && now.logoMime && isStoredLogoMime(now.logoMime) ? { bytes: now.logo, mime: now.logoMime } : undefined;
  }

  async function storeLogo(id: number, upload: Buffer | null, context: ActorContext): Promise<void> {
    const logo = upload === null ? null : await processLogo(upload);
    await inTransaction(db, context, (trx) => repo.updateLogo(trx, logo?.bytes ?? null, logo?.mime ?? null, id));
  }

  return {
    /** The institutions the caller reaches (disabled ones included, marked). */
    async list(caller: InstitutionCaller): Promise<InstitutionSummaryView[]> {
      return (await adminRepo.listInstitutionsInScope(db, scopeOf(caller))).map(toSummary);
    },

    /** One institution the caller reaches, with its settings and person types; else 404. */
    async get(caller: InstitutionCaller, code: string): Promise<InstitutionDetailView> {
      return detail(db, await reachable(db, caller, code));
    },

    /**
     * Creates an institution or a federation under a parent the caller reaches (top level: only
     * an admin granted on every institution). An institution gets today's four person types,
     * which its admins then adapt. 409 `institution_code_taken` when the code is in use.
     */
    async create(caller: InstitutionCaller, raw: InstitutionCreate, context: ActorContext): Promise<InstitutionDetailView> {
      const code = raw.code.trim().toLowerCase();
      if (!INSTITUTION_CODE.test(code)) {
        throw unprocessable('invalid_institution_code', 'A code is 1 to 32 lowercase letters, digits or hyphens, not starting with a hyphen', { field: '/code' });
      }
      const input = normalised(raw);
      const kind = input.kind ?? 'institution';
      try {
        return await inTransaction(db, context, async (trx) => {
          const parentId = await parentFor(trx, caller, input.parent ?? null);
          const id = await adminRepo.insertInstitution(trx, code, kind, fieldsOf(input, undefined, parentId));
          if (kind === 'institution') await adminRepo.insertDefaultPersonTypes(trx, id);
          return detail(trx, await adminRepo.findInstitutionById(trx, id) as InstitutionViewRow);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'institutions_code_key')) {
          throw conflict('institution_code_taken', 'Another institution has this code', { field: '/code' });
        }
        throw error;
      }
    },

    /** Changes an institution the caller reaches; fields and settings not sent keep their value. */
    async update(caller: InstitutionCaller, code: string, input: InstitutionWrite, context: ActorContext): Promise<InstitutionDetailView> {
      return inTransaction(db, context, async (trx) => update(trx, caller, await reachable(trx, caller, code), input));
    },

    /**
     * Disables an institution (or enables it again). A disabled institution keeps all its data
     * (people, cards, history, settings) and is still shown; it takes no new enrolment and no
     * new card request (the `targetFor` rule refuses it).
     */
    async setDisabled(caller: InstitutionCaller, code: string, disabled: boolean, context: ActorContext): Promise<InstitutionDetailView> {
      return inTransaction(db, context, async (trx) => {
        const row = await reachable(trx, caller, code);
        if ((row.disabledAt !== null) !== disabled) await adminRepo.setInstitutionDisabled(trx, row.id, disabled ? new Date() : null);
        return detail(trx, await adminRepo.findInstitutionById(trx, row.id) as InstitutionViewRow);
      });
    },

    /** The logo of an institution (public branding); 404 when the code is unknown. */
    async logo(code: string): Promise<InstitutionLogo | undefined> {
      const row = await adminRepo.findInstitutionInScope(db, WHOLE_DEPLOYMENT, code);
      if (!row) throw institutionNotFound();
      return logoOf(row.id);
    },

    /**
     * Replaces (or, with null, removes) the logo of an institution the caller reaches. An upload
     * (PNG, JPEG, SVG or SVGZ, judged by content) is decoded and re-encoded, an SVG drawn into a
     * PNG, and only the result is stored; throws the problems of {@link processLogo}.
     */
    async setLogo(caller: InstitutionCaller, code: string, upload: Buffer | null, context: ActorContext): Promise<void> {
      const row = await reachable(db, caller, code);
      await storeLogo(row.id, upload, context);
    },

    /** The person types of an institution the caller reaches, in display order (disabled ones included). */
    async personTypes(caller: InstitutionCaller, code: string): Promise<PersonTypeView[]> {
      const row = await reachable(db, caller, code);
      return (await repo.listPersonTypes(db, row.id)).map(toPersonType);
    },

    /**
     * Creates or changes a person type of an institution the caller reaches. A directory
     * affiliation maps to one type per institution (422 `affiliation_already_mapped`). Disabling
     * keeps the type on existing enrolments but offers it for no new one.
     */
    async savePersonType(caller: InstitutionCaller, code: string, type: string, input: PersonTypeWrite,
      context: ActorContext): Promise<{ personType: PersonTypeView; created: boolean }> {
      return inTransaction(db, context, async (trx) => {
        const institution = await reachable(trx, caller, code);
        const all = await repo.listPersonTypes(trx, institution.id);
        const current = all.find((row) => row.code === type);
        const affiliations = input.affiliations ?? current?.affiliations ?? [];
        affiliations.forEach((affiliation, index) => {
          const other = all.find((row) => row.code !== type && row.affiliations.includes(affiliation));
          if (other) {
            throw unprocessable('affiliation_already_mapped', `The affiliation ${affiliation} already makes a person of type ${other.code}`,
              { field: `/affiliations/${index}` });
          }
        });
        const fields: PersonTypeFields = {
          labelFr: input.labelFr.trim(),
          labelEn: input.labelEn.trim(),
          cardKinds: input.cardKinds ?? current?.cardKinds ?? ['physical', 'virtual'],
          selfRequest: input.selfRequest ?? current?.selfRequest ?? false,
          deliveryAddress: input.deliveryAddress ?? current?.deliveryAddress ?? false,
          validityMonths: input.validityMonths === undefined ? current?.validityMonths ?? null : input.validityMonths,
          affiliations,
          position: input.position ?? current?.position ?? Math.max(0, ...all.map((row) => row.position)) + 1,
          disabledAt: input.disabled === undefined
            ? current?.disabledAt ?? null
            : input.disabled ? current?.disabledAt ?? new Date() : null,
        };
        if (fields.labelFr === '') throw unprocessable('invalid_label', 'The label cannot be blank', { field: '/labelFr' });
        if (fields.labelEn === '') throw unprocessable('invalid_label', 'The label cannot be blank', { field: '/labelEn' });
        await adminRepo.upsertPersonType(trx, institution.id, type, fields);
        const saved = await repo.findPersonType(trx, institution.id, type);
        return { personType: toPersonType(saved as NonNullable<typeof saved>), created: current === undefined };
      });
    },

    /**
     * Deletes a person type nobody is enrolled as (409 `person_type_in_use` otherwise: disable
     * it instead). 404 `person_type_not_found` when the institution has no such type.
     */
    async deletePersonType(caller: InstitutionCaller, code: string, type: string, context: ActorContext): Promise<void> {
      try {
        await inTransaction(db, context, async (trx) => {
          const institution = await reachable(trx, caller, code);
          if (!(await adminRepo.deletePersonType(trx, institution.id, type))) {
            throw notFound('person_type_not_found', 'This institution has no such person type');
          }
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw conflict('person_type_in_use', 'People are enrolled with this type: change their type or disable it instead');
        }
        throw error;
      }
    },

    /**
     * Today's `GET /institution`: the institution the call resolves to, whole for an office role
     * that reaches it, else its public view (branding and person types' request rules). A caller
     * without an office role may name the institution (`named`, the Campuscard-Institution
     * header): a cardholder enrolled at two reads the request rules of each.
     */
    async legacyView(caller: InstitutionCaller | null, office: boolean, named?: string): Promise<InstitutionDetailView | PublicInstitutionView> {
      const row = office ? await legacyTarget(db, caller, 'read') : await publicTarget(caller, named);
      if (caller && office && coversInstitution(caller, row.id)) return detail(db, row);
      const types = (await repo.listPersonTypes(db, row.id)).filter((type) => type.disabledAt === null);
      return {
        code: row.code,
        name: row.name,
        kind: row.kind,
        parent: row.parentCode,
        parentName: row.parentName,
        pic: row.pic,
        colors: row.colors,
        hasLogo: row.hasLogo,
        personTypes: types.map(({ code, labelFr, labelEn, cardKinds, selfRequest, deliveryAddress }) =>
          ({ code, labelFr, labelEn, cardKinds, selfRequest, deliveryAddress })),
      };
    },

    /**
     * Today's `PUT /institution` on the institution the call resolves to (422
     * `institution_required` when several are in reach and none is focused). The deprecated
     * `requestRules` set the request rules of the named person types.
     */
    async legacySave(caller: InstitutionCaller, input: InstitutionWrite & {
      requestRules?: Record<string, { selfRequest: boolean; deliveryAddress: boolean }>;
    }, context: ActorContext): Promise<InstitutionDetailView> {
      const { requestRules, ...fields } = input;
      return inTransaction(db, context, async (trx) => {
        const row = await legacyTarget(trx, caller, 'write');
        for (const [type, rule] of Object.entries(requestRules ?? {})) {
          if (!(await adminRepo.setRequestRule(trx, row.id, type, rule))) {
            throw unprocessable('unknown_person_type', `This institution has no person type ${type}`, { field: `/settings/requestRules/${type}` });
          }
        }
        return update(trx, caller, row, fields);
      });
    },

    /** Today's `GET /institution/logo`: the logo of the institution named or the call resolves to (see {@link legacyView}). */
    async legacyLogo(caller: InstitutionCaller | null, office: boolean, named?: string): Promise<InstitutionLogo | undefined> {
      return logoOf((office ? await legacyTarget(db, caller, 'read') : await publicTarget(caller, named)).id);
    },

    /** Today's `PUT /institution/logo`, on the institution the call resolves to. */
    async legacySetLogo(caller: InstitutionCaller, upload: Buffer, context: ActorContext): Promise<void> {
      await storeLogo((await legacyTarget(db, caller, 'write')).id, upload, context);
    },
  };
}

export type InstitutionAdminService = ReturnType<typeof createInstitutionAdminService>;
