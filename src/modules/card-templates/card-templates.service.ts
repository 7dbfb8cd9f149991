/**
 * Card templates as managed objects: per institution (or the whole deployment), each saved layout
 * an immutable version, images uploaded as assets, rules choosing the template of a card, and the
 * data a card brings to its render (`renderDataOf`). The printed face of a card is drawn with the
 * version it was printed with (card_prints), else with the current version of its rule's
 * template, so a reprint is identical whatever the template became since.
 */
import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { badRequest, conflict, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { CardsService } from '../cards/cards.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { PersonView } from '../people/people.service.ts';
import type { PhotosService } from '../photos/photos.service.ts';
import { assertMayEdit, mayEdit } from './card-templates.policy.ts';
import * as repo from './card-templates.repository.ts';
import {
  CardTemplateLayout, type BoundField, type CardFaceLayout, type CardRenderData,
} from './domain/card-template.ts';
import { INSTITUTION_LOGO_ASSET } from './domain/default-templates.ts';
import { assetIdsOf, layoutProblems } from './domain/layout-problems.ts';
import { resolveRule } from './domain/template-rules.ts';

/** Largest uploaded image, in bytes. */
export const ASSET_MAX_BYTES = 2 * 1024 * 1024;
/** Largest side of an uploaded image, in pixels (a full-bleed background at 600 dpi is 2022 px wide). */
export const ASSET_MAX_SIDE = 4096;

/** Renders one face to PNG (H1's renderer, injected so the service is tested without its fonts). */
/** `preview`: the editor's drawing, with the hologram area outlined and a placeholder where data is missing (no photo). */
export type RenderFacePng = (face: CardFaceLayout, data: CardRenderData, options: { dpi: 300 | 600; preview?: boolean }) => Promise<Uint8Array>;
/** Renders one face to a self-contained SVG document (texts as outlines, images inlined). */
export type RenderFaceSvg = (face: CardFaceLayout, data: CardRenderData) => string;

/**
 * A holder's own card face, ready to draw: `etag` names what is drawn (template version and every
 * piece of card data), so a client holding it is answered 304 before anything is rendered.
 */
export interface HolderCardFace {
  etag: string;
  /** The face as SVG (the virtual card: sharp at any screen resolution). */
  svg(): string;
  /** The face as PNG (a wallet pass's image, when one is built). */
  png(dpi: 300 | 600): Promise<Uint8Array>;
}

/** Which template a card is drawn with, for the office card page. */
export interface CardFaceTemplateView {
  templateId: string;
  name: string;
  version: number;
  /** True: the version the card was printed with; false: its rule's current version (not printed yet). */
  printed: boolean;
  hasBack: boolean;
}

export interface CardTemplatesServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'byId' | 'byCode' | 'personTypesOf'>;
  cards: Pick<CardsService, 'cardsForPrint'>;
  photos: Pick<PhotosService, 'get' | 'listForPerson'>;
  /** A person as `principal` may see them (404 outside their scope), for a preview with a person's data. */
  personFor?: (personId: string, principal: Principal) => Promise<PersonView>;
  /** The text the card's QR code carries is this prefix and the ESCN (the verification page's address). */
  qrPrefix: string;
  renderFacePng: RenderFacePng;
  /** The SVG renderer of the holder's virtual card (absent: `holderCardFace` answers 404 `no_template`). */
  renderFaceSvg?: RenderFaceSvg;
  /** The access-control and secondary ids of cards (card identifiers context), when deployed. */
  identifiersOf?: (executor: Executor, cardIds: string[]) => Promise<Map<string, { accessControlId: string | null; secondaryId: string | null }>>;
  /** The logo of an institution (PNG or JPEG), shown by image elements naming {@link INSTITUTION_LOGO_ASSET}. */
  institutionLogo?: (institutionId: number) => Promise<Uint8Array | undefined>;
  /** The CROUS card number of a card by its CSN (the CROUS's pre-encoded card file), when known. */
  crousCardNumber?: (executor: Executor, institutionId: number, csn: string) => Promise<string | undefined>;
  now?: () => Date;
}

export interface TemplateView {
  id: string;
  institution: string | null;
  name: string;
  currentVersion: number;
  archived: boolean;
  /** Whether the caller may save it (see `mayEdit`): the console shows edit controls only then. */
  editable: boolean;
  layout: CardTemplateLayout;
  versions: Array<{ version: number; createdBy: string; createdAt: string }>;
  updatedBy: string;
  updatedAt: string;
}

export interface AssetView {
  id: string;
  institution: string | null;
  name: string;
  mediaType: string;
  width: number;
  height: number;
  createdAt: string;
}

export interface RuleView {
  id: string;
  institution: string | null;
  personType: string | null;
  cardKind: 'physical' | 'virtual' | null;
  templateId: string;
}

/** A card as its render needs it: the render data of both faces and the version drawn. */
export interface CardRenderJob {
  cardId: string;
  institutionId: number;
  version: repo.VersionRow;
  data: CardRenderData;
}

/** The card's fields a render may show and rule resolution reads. */
type PrintCard = Awaited<ReturnType<CardsService['cardsForPrint']>>[number];

const LOCALES = { fr: 'fr-FR', en: 'en-GB' } as const;

/** A day (`YYYY-MM-DD`) or instant as the card's language writes it on a card: 31/08/2027, 31 Aug 2027. */
export function formatCardDate(value: string | Date | null, language: 'fr' | 'en'): string | null {
  if (value === null) return null;
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T00:00:00Z`) : value;
  if (Number.isNaN(date.getTime())) return null;
  const options: Intl.DateTimeFormatOptions = language === 'fr'
    ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }
    : { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(LOCALES[language], options).format(date);
}

/** The academic year a day falls in (it starts on 1 September): 2026-2027. */
export function academicYearOf(day: Date): string {
  const year = day.getUTCFullYear();
  const start = day.getUTCMonth() >= 8 ? year : year - 1;
  return `${start}-${start + 1}`;
}

function languageOf(locale: string | null): 'fr' | 'en' {
  return locale === 'en' ? 'en' : 'fr';
}

/**
 * A digest of everything a face is drawn from: the template version, the side, the bound fields,
 * the QR text, the language and the bytes of the photo and images (hashed, not compared).
 */
function renderDigest(versionId: string, side: 'front' | 'back', data: CardRenderData): string {
  const hash = createHash('sha256').update(JSON.stringify([versionId, side, data.language, data.qrText, data.fields]));
  const bytesHash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url');
  hash.update(data.photo ? bytesHash(data.photo) : '-');
  for (const id of Object.keys(data.images).sort()) hash.update(`${id}:${bytesHash(data.images[id]!)}`);
  return hash.digest('base64url');
}

function templateNotFound(): ProblemError {
  return notFound('template_not_found', 'No such card template');
}

/** 422 `invalid_layout` naming every element at fault (schema errors first, then `layoutProblems`). */
function checkLayout(layout: unknown, assetIds: ReadonlySet<string>, fieldPrefix: string): CardTemplateLayout {
  if (!Value.Check(CardTemplateLayout, layout)) {
    const errors = [...Value.Errors(CardTemplateLayout, layout)].slice(0, 20)
      .map((error) => ({ code: 'schema', message: error.message, field: `${fieldPrefix}${error.path}` }));
    throw unprocessable('invalid_layout', `The layout does not follow the layout schema at ${errors[0]?.field ?? fieldPrefix}`,
      { field: errors[0]?.field ?? fieldPrefix, errors });
  }
  const problems = layoutProblems(layout, new Set([...assetIds, INSTITUTION_LOGO_ASSET]));
  const first = problems[0];
  if (first) {
    throw unprocessable('invalid_layout', first.message, {
      field: `${fieldPrefix}${first.field}`,
      errors: problems.map((problem) => ({ code: problem.code, message: problem.message, field: `${fieldPrefix}${problem.field}` })),
      extensions: { elementId: first.elementId },
    });
  }
  return layout;
}

/** Card templates use cases (see the file comment). */
export function createCardTemplatesService(deps: CardTemplatesServiceDeps) {
  const { db, institution } = deps;
  const now = deps.now ?? (() => new Date());

  async function codeOf(executor: Executor, institutionId: number | null): Promise<string | null> {
    return institutionId === null ? null : (await institution.byId(executor, institutionId))?.code ?? null;
  }

  async function templateView(executor: Executor, row: repo.TemplateRow, principal: Principal): Promise<TemplateView> {
    const current = await repo.findVersion(executor, row.id, row.currentVersion);
    if (!current) throw new Error(`template ${row.id} has no version ${row.currentVersion}`);
    const versions = await repo.listVersions(executor, row.id);
    return {
      id: row.id, institution: await codeOf(executor, row.institutionId), name: row.name, currentVersion: row.currentVersion,
      archived: row.archivedAt !== null, editable: mayEdit(principal, row.institutionId), layout: current.layout,
      versions: versions.map((version) => ({ version: version.version, createdBy: version.createdBy, createdAt: version.createdAt.toISOString() })),
      updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString(),
    };
  }

  /**
   * The institution a new template, rule or asset belongs to: the code given (null: the whole
   * deployment), absent: the focused institution, else the caller's only one, else 422.
   */
  async function owningInstitution(principal: Principal, code: string | null | undefined): Promise<number | null> {
    if (code === null) return null;
    if (code !== undefined) {
      const found = await institution.byCode(db, code);
      if (!found || (principal.institutionIds !== null && !principal.institutionIds.includes(found.id))) {
        throw notFound('institution_not_found', `No institution ${code} within your reach`);
      }
      return found.id;
    }
    if (principal.focusInstitutionId !== null) return principal.focusInstitutionId;
    const ids = principal.institutionIds;
    if (ids !== null && ids.length === 1 && ids[0] !== undefined) return ids[0];
    if (ids === null) return null;
    throw unprocessable('institution_required', 'Name the institution (you reach several)', { field: '/institution' });
  }

  async function loadTemplate(executor: Executor, id: string, principal: Principal, forUpdate = false): Promise<repo.TemplateRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw templateNotFound();
    const row = await repo.findTemplate(executor, id, principal.institutionIds, { forUpdate });
    if (!row) throw templateNotFound();
    return row;
  }

  /**
   * The template version each card is drawn with: the one it was last printed with, else the
   * current version of the template its most specific rule names; absent when no rule applies.
   */
  async function versionsFor(executor: Executor, cards: readonly PrintCard[], options: { ignorePrinted?: boolean } = {}): Promise<Map<string, repo.VersionRow>> {
    const result = new Map<string, repo.VersionRow>();
    if (cards.length === 0) return result;
    const printed = options.ignorePrinted ? new Map<string, string>() : await repo.latestPrints(executor, cards.map((card) => card.id));
    const printedVersions = new Map((await repo.findVersionsByIds(executor, [...new Set(printed.values())])).map((row) => [row.id, row]));
    const institutionIds = [...new Set(cards.map((card) => card.institutionId))];
    const federations = new Map<number, number | null>();
    for (const id of institutionIds) federations.set(id, (await institution.byId(executor, id))?.federation?.id ?? null);
    const rules = await repo.rulesFor(executor, [...institutionIds, ...[...federations.values()].filter((id): id is number => id !== null)]);
    const chosen = new Map<string, string>();
    for (const card of cards) {
      const version = printedVersions.get(printed.get(card.id) ?? '');
      if (version) {
        result.set(card.id, version);
        continue;
      }
      const rule = resolveRule(rules, {
        institutionId: card.institutionId, federationId: federations.get(card.institutionId) ?? null,
        personType: card.holderPersonType, cardKind: card.cardKind,
      });
      if (rule) chosen.set(card.id, rule.templateId);
    }
    const current = new Map((await repo.findCurrentVersions(executor, [...new Set(chosen.values())])).map((row) => [row.templateId, row]));
    for (const [cardId, templateId] of chosen) {
      const version = current.get(templateId);
      if (version) result.set(cardId, version);
    }
    return result;
  }

  /** The render data of cards already read (fields in the holder's language, photo, QR text, images of `layouts`). */
  async function renderData(executor: Executor, cards: readonly PrintCard[], layouts: Map<string, CardTemplateLayout>): Promise<Map<string, CardRenderData>> {
    const identifiers = deps.identifiersOf ? await deps.identifiersOf(executor, cards.map((card) => card.id)) : new Map<string, never>();
    const labels = new Map<number, Map<string, { labelFr: string; labelEn: string }>>();
    for (const id of new Set(cards.map((card) => card.institutionId))) {
      labels.set(id, new Map((await institution.personTypesOf(executor, id)).map((type) => [type.code, type])));
    }
    const assets = await repo.findAssetContents(executor, [...new Set([...layouts.values()].flatMap(assetIdsOf))]);
    const images: Record<string, Uint8Array> = Object.fromEntries([...assets].map(([id, asset]) => [id, asset.content]));
    const logos = new Map<number, Uint8Array | undefined>();
    if (deps.institutionLogo && [...layouts.values()].some((layout) => assetIdsOf(layout).includes(INSTITUTION_LOGO_ASSET))) {
      for (const id of new Set(cards.map((card) => card.institutionId))) logos.set(id, await deps.institutionLogo(id));
    }
    const result = new Map<string, CardRenderData>();
    for (const card of cards) {
      const language = languageOf(card.holderLocale);
      // The lines frozen when the card left the printer win over the holder's current data, so a
      // reprint shows what the first print showed.
      const frozen: Record<string, string | undefined> = card.printedLines ?? {};
      const lastName = frozen.lastName ?? card.holderLastName;
      const firstName = frozen.firstName ?? card.holderFirstName;
      const personType = frozen.personType ?? card.holderPersonType;
      const type = labels.get(card.institutionId)?.get(personType);
      const ids = identifiers.get(card.id);
      const crous = card.csn && deps.crousCardNumber ? await deps.crousCardNumber(executor, card.institutionId, card.csn) : undefined;
      const photo = card.photoId ? await deps.photos.get(card.photoId, executor).catch(() => undefined) : undefined;
      const logo = logos.get(card.institutionId);
      const fields: Partial<Record<BoundField, string | null>> = {
        lastName,
        firstName,
        fullName: `${firstName} ${lastName}`,
        studentNumber: frozen.studentNumber ?? card.holderStudentNumber,
        personType: type ? (language === 'en' ? type.labelEn || type.labelFr : type.labelFr) : personType,
        institutionName: card.institutionName,
        expiresAt: formatCardDate(frozen.expiresAt ?? card.expiresAt, language),
        enabledAt: formatCardDate(card.enabledAt, language),
        escn: card.escn,
        csn: card.csn,
        secondaryId: ids?.secondaryId ?? null,
        accessControlId: ids?.accessControlId ?? null,
        crousCardNumber: crous ?? null,
        academicYear: academicYearOf(card.enabledAt ?? now()),
      };
      result.set(card.id, {
        fields, photo: photo ? new Uint8Array(photo.jpeg) : null, qrText: card.escn ? `${deps.qrPrefix}${card.escn}` : null, language,
        images: logo ? { ...images, [INSTITUTION_LOGO_ASSET]: logo } : images,
      });
    }
    return result;
  }

  /**
   * A person's data as their card would show it, before they have one: names, the first enrolment
   * in reach (institution, type, student number, rights end as validity), their latest photo.
   */
  async function personData(person: PersonView, layout: CardTemplateLayout, language: 'fr' | 'en' | undefined): Promise<CardRenderData> {
    const lang = language ?? languageOf(person.locale);
    const enrolment = person.enrolments[0];
    const type = enrolment ? (await institution.personTypesOf(db, enrolment.institutionId)).find((row) => row.code === enrolment.personType) : undefined;
    const [latest] = await deps.photos.listForPerson(db, person.id);
    const photo = latest ? await deps.photos.get(latest.id).catch(() => undefined) : undefined;
    const assets = await repo.findAssetContents(db, assetIdsOf(layout));
    const logo = enrolment && deps.institutionLogo ? await deps.institutionLogo(enrolment.institutionId) : undefined;
    const images: Record<string, Uint8Array> = Object.fromEntries([...assets].map(([id, asset]) => [id, asset.content]));
    return {
      fields: {
        lastName: person.lastName, firstName: person.firstName, fullName: `${person.firstName} ${person.lastName}`,
        studentNumber: enrolment?.studentNumber ?? null,
        personType: type ? (lang === 'en' ? type.labelEn || type.labelFr : type.labelFr) : enrolment?.personType ?? null,
        institutionName: enrolment?.institutionName ?? null, expiresAt: formatCardDate(enrolment?.rightsEnd ?? null, lang),
        enabledAt: null, escn: null, csn: null, secondaryId: null, accessControlId: null, crousCardNumber: null, academicYear: academicYearOf(now()),
      },
      photo: photo ? new Uint8Array(photo.jpeg) : null, qrText: null, language: lang,
      images: logo ? { ...images, [INSTITUTION_LOGO_ASSET]: logo } : images,
    };
  }

  /** Fake but plausible data, for a preview without a card. */
  function sampleData(images: Record<string, Uint8Array>, language: 'fr' | 'en'): CardRenderData {
    return {
      fields: {
        lastName: 'Dupont-Étienne', firstName: 'Camille', fullName: 'Camille Dupont-Étienne', studentNumber: '22401234',
        personType: language === 'en' ? 'Student' : 'Étudiant', institutionName: 'Université de démonstration',
        expiresAt: formatCardDate('2027-08-31', language), enabledAt: formatCardDate(now(), language),
        escn: '6b0a5f3c-1d2e-4f50-8a7b-9c0d1e2f3a4b', csn: '04A1B2C3D4E5F6', secondaryId: '2900012345678', accessControlId: '000123456',
        crousCardNumber: '123456789', academicYear: academicYearOf(now()),
      },
      photo: null, qrText: `${deps.qrPrefix}6b0a5f3c-1d2e-4f50-8a7b-9c0d1e2f3a4b`, images, language,
    };
  }

  return {
    /** Templates the caller reaches (its institutions' and the deployment's), archived ones on request. */
    async list(principal: Principal, includeArchived = false): Promise<TemplateView[]> {
      const rows = await repo.listTemplates(db, principal.institutionIds, includeArchived);
      return Promise.all(rows.map((row) => templateView(db, row, principal)));
    },

    /** One template with its current layout and its versions; 404 `template_not_found` outside the caller's reach. */
    async get(id: string, principal: Principal): Promise<TemplateView> {
      return templateView(db, await loadTemplate(db, id, principal), principal);
    },

    /** The layout of one version of a template (a card printed with it, a comparison). */
    async version(id: string, version: number, principal: Principal): Promise<{ version: number; layout: CardTemplateLayout; createdBy: string; createdAt: string }> {
      const template = await loadTemplate(db, id, principal);
      const row = await repo.findVersion(db, template.id, version);
      if (!row) throw notFound('template_version_not_found', `Template ${id} has no version ${version}`);
      return { version: row.version, layout: row.layout, createdBy: row.createdBy, createdAt: row.createdAt.toISOString() };
    },

    /**
     * Creates a template with its first version. The layout is checked (422 `invalid_layout` with
     * the element's pointer in `field`); 403 `template_edit_forbidden` outside the caller's institutions.
     */
    async create(principal: Principal, input: { institution?: string | null | undefined; name: string; layout: unknown }, context: ActorContext): Promise<TemplateView> {
      const institutionId = await owningInstitution(principal, input.institution);
      assertMayEdit(principal, institutionId);
      const layout = checkLayout(input.layout, await repo.assetIdsFor(db, institutionId), '/layout');
      return inTransaction(db, context, async (trx) => {
        const row = await repo.insertTemplate(trx, { institutionId, name: input.name, actor: context.actor });
        await repo.insertVersion(trx, { templateId: row.id, version: 1, layout, actor: context.actor });
        return templateView(trx, row, principal);
      });
    },

    /**
     * Saves a new version (versions are never changed) and makes it current. With
     * `expectedVersion`, 409 `template_version_conflict` when someone saved in between.
     */
    async save(id: string, principal: Principal, input: { layout: unknown; name?: string | undefined; expectedVersion?: number | undefined },
      context: ActorContext): Promise<TemplateView> {
      return inTransaction(db, context, async (trx) => {
        const template = await loadTemplate(trx, id, principal, true);
        assertMayEdit(principal, template.institutionId);
        if (template.archivedAt !== null) throw conflict('template_archived', 'An archived template is not changed');
        if (input.expectedVersion !== undefined && input.expectedVersion !== template.currentVersion) {
          throw conflict('template_version_conflict', `The template is at version ${template.currentVersion}, not ${input.expectedVersion}`);
        }
        const layout = checkLayout(input.layout, await repo.assetIdsFor(trx, template.institutionId), '/layout');
        const version = template.currentVersion + 1;
        await repo.insertVersion(trx, { templateId: template.id, version, layout, actor: context.actor });
        const row = await repo.updateTemplate(trx, template.id, { currentVersion: version, ...(input.name ? { name: input.name } : {}) }, context.actor);
        return templateView(trx, row, principal);
      });
    },

    /** Archives a template (its rules stop applying; cards printed with it keep their version) or restores it. */
    async archive(id: string, principal: Principal, archived: boolean, context: ActorContext): Promise<TemplateView> {
      return inTransaction(db, context, async (trx) => {
        const template = await loadTemplate(trx, id, principal, true);
        assertMayEdit(principal, template.institutionId);
        return templateView(trx, await repo.updateTemplate(trx, template.id, { archivedAt: archived ? now() : null }, context.actor), principal);
      });
    },

    /**
     * Stores an image for layouts (PNG or JPEG, at most {@link ASSET_MAX_BYTES} and
     * {@link ASSET_MAX_SIDE} px a side), checked by decoding it: 413 `asset_too_large`,
     * 415 `asset_unsupported_type`, 422 `asset_corrupt`, with field `/file`.
     */
    async uploadAsset(principal: Principal, input: { institution?: string | null | undefined; name: string; bytes: Buffer }, context: ActorContext): Promise<AssetView> {
      const institutionId = await owningInstitution(principal, input.institution);
      assertMayEdit(principal, institutionId);
      if (input.bytes.length > ASSET_MAX_BYTES) {
        throw new ProblemError(413, 'asset_too_large', `An image is at most ${ASSET_MAX_BYTES / 1024} KB`, { field: '/file' });
      }
      let metadata: sharp.Metadata;
      try {
        metadata = await sharp(input.bytes, { failOn: 'error', limitInputPixels: ASSET_MAX_SIDE * ASSET_MAX_SIDE }).metadata();
        await sharp(input.bytes, { failOn: 'error', limitInputPixels: ASSET_MAX_SIDE * ASSET_MAX_SIDE }).stats();
      } catch {
        throw unprocessable('asset_corrupt', 'The image cannot be read', { field: '/file' });
      }
      const mediaType = metadata.format === 'png' ? 'image/png' : metadata.format === 'jpeg' ? 'image/jpeg' : undefined;
      if (!mediaType) throw new ProblemError(415, 'asset_unsupported_type', 'Send a PNG or JPEG image', { field: '/file' });
      const width = metadata.width;
      const height = metadata.height;
      if (width > ASSET_MAX_SIDE || height > ASSET_MAX_SIDE) {
        throw new ProblemError(413, 'asset_too_large', `An image is at most ${ASSET_MAX_SIDE} pixels a side`, { field: '/file' });
      }
      const row = await inTransaction(db, context, (trx) => repo.insertAsset(trx, {
        institutionId, name: input.name, mediaType, content: new Uint8Array(input.bytes), width, height, actor: context.actor,
      }));
      return { id: row.id, institution: await codeOf(db, row.institutionId), name: row.name, mediaType, width, height, createdAt: row.createdAt.toISOString() };
    },

    /** Images the caller reaches (its institutions' and the deployment's). */
    async listAssets(principal: Principal): Promise<AssetView[]> {
      const rows = await repo.listAssets(db, principal.institutionIds);
      return Promise.all(rows.map(async (row) => ({
        id: row.id, institution: await codeOf(db, row.institutionId), name: row.name, mediaType: row.mediaType, width: row.width, height: row.height,
        createdAt: row.createdAt.toISOString(),
      })));
    },

    /** The bytes of an image the caller reaches; 404 `asset_not_found` otherwise. */
    async assetContent(id: string, principal: Principal): Promise<{ mediaType: string; content: Uint8Array }> {
      const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findAsset(db, id, principal.institutionIds) : undefined;
      if (!row) throw notFound('asset_not_found', 'No such image');
      return { mediaType: row.mediaType, content: row.content };
    },

    /** Rules the caller reaches. */
    async listRules(principal: Principal): Promise<RuleView[]> {
      const rows = await repo.listRules(db, principal.institutionIds);
      return Promise.all(rows.map(async (row) => ({
        id: row.id, institution: await codeOf(db, row.institutionId), personType: row.personType, cardKind: row.cardKind, templateId: row.templateId,
      })));
    },

    /**
     * Adds a rule: cards of `institution` (null: any), `personType` and `cardKind` (null: any) get
     * `templateId`. The template must be reachable from the rule's institution (its own or the
     * deployment's); 409 `rule_exists` for criteria that already have a rule.
     */
    async createRule(principal: Principal, input: { institution?: string | null | undefined; personType: string | null; cardKind: 'physical' | 'virtual' | null; templateId: string },
      context: ActorContext): Promise<RuleView> {
      const institutionId = await owningInstitution(principal, input.institution);
      assertMayEdit(principal, institutionId);
      const template = await loadTemplate(db, input.templateId, principal);
      if (template.institutionId !== null && template.institutionId !== institutionId) {
        throw unprocessable('template_of_other_institution', 'A rule names a template of its own institution or of the whole deployment', { field: '/templateId' });
      }
      try {
        const row = await inTransaction(db, context, (trx) => repo.insertRule(trx, {
          institutionId, personType: input.personType, cardKind: input.cardKind, templateId: template.id, actor: context.actor,
        }));
        return { id: row.id, institution: await codeOf(db, row.institutionId), personType: row.personType, cardKind: row.cardKind, templateId: row.templateId };
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('rule_exists', 'A rule with these criteria exists; delete it first');
        throw error;
      }
    },

    /** Deletes a rule; 404 `rule_not_found` outside the caller's reach. */
    async deleteRule(id: string, principal: Principal, context: ActorContext): Promise<void> {
      await inTransaction(db, context, async (trx) => {
        const rule = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findRule(trx, id, principal.institutionIds) : undefined;
        if (!rule) throw notFound('rule_not_found', 'No such rule');
        assertMayEdit(principal, rule.institutionId);
        await repo.deleteRule(trx, rule.id);
      });
    },

    /**
     * A face drawn to PNG for the editor: a draft `layout` (checked as on save), or a saved
     * `templateId` (+ `version`, default current), with the data of `cardId` or `personId` (within
     * the caller's scope: 404 otherwise) or sample data.
     */
    async preview(principal: Principal, input: {
      layout?: unknown; templateId?: string | undefined; version?: number | undefined; cardId?: string | undefined; personId?: string | undefined;
      side: 'front' | 'back'; dpi: 300 | 600; language?: 'fr' | 'en' | undefined;
      /** Drawn for the editor: the hologram area and missing data (a photo) outlined, so every element can be seen and placed. */
      editor?: boolean;
    }): Promise<Uint8Array> {
      let layout: CardTemplateLayout;
      if (input.layout !== undefined) {
        const assetIds = new Set((await repo.listAssets(db, principal.institutionIds)).map((asset) => asset.id));
        layout = checkLayout(input.layout, assetIds, '/layout');
      } else if (input.templateId !== undefined) {
        const template = await loadTemplate(db, input.templateId, principal);
        const row = await repo.findVersion(db, template.id, input.version ?? template.currentVersion);
        if (!row) throw notFound('template_version_not_found', `No version ${input.version} of this template`);
        layout = row.layout;
      } else {
        throw badRequest('layout_or_template_required', 'Send a layout or a templateId', { field: '/layout' });
      }
      const face = input.side === 'back' ? layout.back : layout.front;
      if (!face) throw unprocessable('no_back', 'This layout has no back', { field: '/side' });
      let data: CardRenderData;
      if (input.cardId !== undefined) {
        const [card] = await deps.cards.cardsForPrint([input.cardId], principal);
        if (!card) throw notFound('card_not_found', 'No such card');
        const found = (await renderData(db, [card], new Map([['preview', layout]]))).get(card.id);
        if (!found) throw new Error('no render data for a card read');
        data = input.language ? { ...found, language: input.language } : found;
      } else if (input.personId !== undefined && deps.personFor) {
        data = await personData(await deps.personFor(input.personId, principal), layout, input.language);
      } else {
        const assets = await repo.findAssetContents(db, assetIdsOf(layout));
        data = sampleData(Object.fromEntries([...assets].map(([id, asset]) => [id, asset.content])), input.language ?? 'fr');
      }
      return deps.renderFacePng(face, data, { dpi: input.dpi, preview: input.editor === true });
    },

    /**
     * A card's face as printed: with the version it was printed with, else its rule's current
     * version. 404 `card_not_found` outside the caller's scope, 404 `no_template` when no rule
     * applies, 404 `no_back` for the back of a one-sided template.
     */
    async cardFace(cardId: string, side: 'front' | 'back', principal: Principal, dpi: 300 | 600 = 300): Promise<Uint8Array> {
      const [card] = await deps.cards.cardsForPrint([cardId], principal);
      if (!card) throw notFound('card_not_found', 'No such card');
      const version = (await versionsFor(db, [card])).get(card.id);
      if (!version) throw notFound('no_template', 'No template rule applies to this card');
      const face = side === 'back' ? version.layout.back : version.layout.front;
      if (!face) throw notFound('no_back', 'The card\'s template has no back');
      const data = (await renderData(db, [card], new Map([[version.id, version.layout]]))).get(card.id);
      if (!data) throw new Error('no render data for a card read');
      return deps.renderFacePng(face, data, { dpi });
    },

    /**
     * The template version `cardFace` draws a card with, named: the one it was printed with, else
     * its rule's current one. 404 `card_not_found` (also outside the caller's institutions and
     * person types), `no_template` (no rule applies).
     */
    async cardFaceTemplate(cardId: string, principal: Principal): Promise<CardFaceTemplateView> {
      const [card] = await deps.cards.cardsForPrint([cardId], principal);
      if (!card) throw notFound('card_not_found', 'No such card');
      const version = (await versionsFor(db, [card])).get(card.id);
      if (!version) throw notFound('no_template', 'No template rule applies to this card');
      const printedWith = (await repo.latestPrints(db, [card.id])).get(card.id);
      // The rule already chose within the card's institution or federation: no reach to apply again.
      const template = await repo.findTemplate(db, version.templateId, null);
      return {
        templateId: version.templateId, name: template?.name ?? '', version: version.version,
        printed: printedWith === version.id, hasBack: version.layout.back !== null,
      };
    },

    /**
     * The face of a card its holder sees on their virtual card, drawn as `cardFace` draws it (the
     * version it was printed with, else its rule's current one) so the printed and the virtual
     * card look alike. Only the holder's own cards: anyone else's, or a principal that is no
     * person, gets 404 `card_not_found`, as an unknown card. A card never enabled (being made, or
     * refused) is drawn without its QR code: scanning it would only tell "not valid". This is the
     * function a wallet pass generator calls for its image (`png`).
     */
    async holderCardFace(cardId: string, side: 'front' | 'back', principal: Principal): Promise<HolderCardFace> {
      const personId = principal.personId;
      const [card] = personId === null ? [] : await deps.cards.cardsForPrint([cardId], WHOLE_DEPLOYMENT);
      if (!card || card.personId !== personId) throw notFound('card_not_found', 'No such card');
      const version = (await versionsFor(db, [card])).get(card.id);
      const render = deps.renderFaceSvg;
      if (!version || !render) throw notFound('no_template', 'No template rule applies to this card');
      const face = side === 'back' ? version.layout.back : version.layout.front;
      if (!face) throw notFound('no_back', 'The card\'s template has no back');
      const found = (await renderData(db, [card], new Map([[version.id, version.layout]]))).get(card.id);
      if (!found) throw new Error('no render data for a card read');
      const data = card.enabledAt === null ? { ...found, qrText: null } : found;
      return {
        etag: `"${renderDigest(version.id, side, data)}"`,
        svg: () => render(face, data),
        png: (dpi) => deps.renderFacePng(face, data, { dpi }),
      };
    },

    /**
     * What each card is drawn with, for the cards of `cardIds` within `scope` (default: the whole
     * deployment, for system work): its template version (see `versionsFor`) and render data.
     * Cards without an applicable template are absent from `jobs` and listed in `missing`.
     */
    async renderJobs(executor: Executor, cardIds: readonly string[], options: { scope?: AccessScope; versionIds?: ReadonlyMap<string, string> } = {}): Promise<{
      jobs: Map<string, CardRenderJob>; missing: string[];
    }> {
      const cards = await deps.cards.cardsForPrint(cardIds, options.scope ?? WHOLE_DEPLOYMENT, executor);
      let versions: Map<string, repo.VersionRow>;
      if (options.versionIds) {
        const rows = new Map((await repo.findVersionsByIds(executor, [...new Set(options.versionIds.values())])).map((row) => [row.id, row]));
        versions = new Map(cards.flatMap((card) => {
          const row = rows.get(options.versionIds?.get(card.id) ?? '');
          return row ? [[card.id, row] as const] : [];
        }));
      } else {
        versions = await versionsFor(executor, cards);
      }
      const data = await renderData(executor, cards, new Map([...versions.values()].map((row) => [row.id, row.layout])));
      const jobs = new Map<string, CardRenderJob>();
      for (const card of cards) {
        const version = versions.get(card.id);
        const found = data.get(card.id);
        if (version && found) jobs.set(card.id, { cardId: card.id, institutionId: card.institutionId, version, data: found });
      }
      return { jobs, missing: cardIds.filter((id) => !jobs.has(id)) };
    },

    /** The render data of cards (contract for other contexts): bound fields, photo, QR text and every image their templates show. */
    async renderDataOf(executor: Executor, cardIds: readonly string[]): Promise<Map<string, CardRenderData>> {
      const cards = await deps.cards.cardsForPrint(cardIds, WHOLE_DEPLOYMENT, executor);
      const versions = await versionsFor(executor, cards);
      return renderData(executor, cards, new Map([...versions.values()].map((row) => [row.id, row.layout])));
    },

    /** The template version each card would be printed with now (printed version first), by card id. */
    async versionsOf(executor: Executor, cardIds: readonly string[], scope: AccessScope = WHOLE_DEPLOYMENT): Promise<Map<string, { versionId: string; hasBack: boolean }>> {
      const cards = await deps.cards.cardsForPrint(cardIds, scope, executor);
      const versions = await versionsFor(executor, cards);
      return new Map([...versions].map(([cardId, row]) => [cardId, { versionId: row.id, hasBack: row.layout.back !== null }]));
    },

    /** Records that cards were printed with these versions (their reprint uses them). */
    async recordPrints(executor: Executor, rows: ReadonlyArray<{ cardId: string; templateVersionId: string; batchId: string | null }>): Promise<void> {
      await repo.insertPrints(executor, rows, now());
    },
  };
}

export type CardTemplatesService = ReturnType<typeof createCardTemplatesService>;
