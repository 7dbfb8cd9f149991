/**
 * Person source definitions: create, read, change, delete, check the connection, and preview the
 * first mapped entries. Scoped by institution: a caller limited to some institutions sees and
 * edits only the sources enrolling at one of them; sources taking the institution from an
 * attribute (they may write any institution) belong to callers with no institution limit.
 */
import type { Kysely } from 'kysely';
import { CronExpressionParser } from 'cron-parser';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { ProblemError, badRequest, conflict, notFound, type ProblemItem } from '../../platform/http/problem.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { PeopleService, PersonView } from '../people/people.service.ts';
import { diffPerson, type FieldChange, type PersonDiff } from './domain/person-changes.ts';
import {
  SUPANN_MAPPING, goneRightsEnd, mapRecord, mappedAttributes, mappingVersion, parseSourceMapping, providedFields,
  type MappedRecord, type MappingContext, type RecordError, type SourceMapping,
} from './domain/person-mapping.ts';
import {
  PERSON_SOURCE_KINDS, SourceSettingsError,
  type PersonSource, type PersonSourceFactory, type PersonSourceKind, type SourceRecord, type SourceTestResult,
} from './domain/person-source.ts';
import type { RecordDigestSpec } from './domain/record-digest.ts';
import * as repo from './directory.repository.ts';
import type { SourceFilesService } from './source-files.service.ts';

/**
 * The share of the last full count under which a full read stops for confirmation (per source,
 * `min_ratio`; this is the default). A directory outage, a wrong base DN or an expired replica
 * returns few entries: applying that would end the rights of everyone missing. 90% lets normal
 * departures through (a few % a year, more at the end of the academic year, when an admin is
 * watching anyway) and stops anything like an outage.
 */
export const DEFAULT_MIN_RATIO = 0.9;

/** Entries the preview maps. */
export const PREVIEW_SIZE = 10;

/** Who manages sources: the institutions they reach (null: all). */
export interface SourceManager {
  institutionIds: readonly number[] | null;
}

/** A source as the API shows it (settings hold secret names only, never values). */
export interface PersonSourceView {
  id: string;
  name: string;
  institution: string | null;
  kind: PersonSourceKind;
  settings: Record<string, unknown>;
  mapping: Record<string, unknown>;
  schedule: string | null;
  nextRunAt: string | null;
  incremental: boolean;
  gonePolicy: string;
  minRatio: number;
  photosAllowed: boolean;
  watermark: string | null;
  lastFullCount: number | null;
  createdAt: string;
  updatedAt: string;
}

/** What a source is created or changed with (all fields for create; any for a change). */
export interface PersonSourceInput {
  name?: string;
  /** Institution code; null: from the mapping's institution attribute. */
  institution?: string | null;
  kind?: PersonSourceKind;
  settings?: Record<string, unknown>;
  mapping?: Record<string, unknown>;
  schedule?: string | null;
  incremental?: boolean;
  gonePolicy?: string;
  minRatio?: number;
  photosAllowed?: boolean;
}

/** One previewed entry: its person as a sync would write it, or its errors. */
export interface PreviewEntry {
  /** Null: an entry the source could not read, key included. */
  key: string | null;
  ok: boolean;
  institution: string | null;
  person: Record<string, unknown> | null;
  groups: string[];
  hasPhoto: boolean;
  errors: RecordError[];
  /** Against the persons as they are (see `diffPerson`); null for a bad entry. */
  status: PersonDiff['status'] | null;
  /** The fields a sync would change (stored → written). */
  changes: FieldChange[];
  enrolledElsewhere: boolean;
}

/** A source ready to read: the plug-in, its parsed mapping, and how to map records. */
export interface BuiltSource {
  row: repo.SourceRow;
  source: PersonSource;
  mapping: SourceMapping;
  /** Maps a record (institutions and person types read once when built). */
  map(record: SourceRecord): MappedRecord;
  /**
   * How to fingerprint and identify its records (`recordFingerprint`, `recordIdentity`): a
   * fingerprint equal to the stored one means nothing to do.
   */
  digest: RecordDigestSpec;
  /** Institution id → code, for views. */
  institutionCode(id: number): string | null;
}

export interface PersonSourcesServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'list' | 'personTypesOf'>;
  /** For the preview: the persons the previewed records would change. */
  people?: Pick<PeopleService, 'viewsByEppn'>;
  /** DIRECTORY_SECRETS. */
  secrets: Readonly<Record<string, string>>;
  /** PERSON_SOURCE_DIR: which CSV files a caller may name (see source-files.service.ts). */
  sourceFiles?: Pick<SourceFilesService, 'checkScope'>;
  now?: () => Date;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sourceNotFound(): Error {
  return notFound('person_source_not_found', 'No such person source');
}

function invalid(field: string, code: string, message: string, errors?: ProblemItem[]): Error {
  return badRequest('validation_failed', `${field}: ${message}`, { field, errors: errors ?? [{ field, code, message }] });
}

/** The next time a cron expression fires after `from` (UTC), or an error message. */
export function nextCronRun(expression: string, from: Date): { ok: true; at: Date } | { ok: false; message: string } {
  if (expression.trim().split(/\s+/).length !== 5) return { ok: false, message: 'a cron expression of 5 fields: minute hour day month weekday' };
  try {
    return { ok: true, at: CronExpressionParser.parse(expression, { currentDate: from, tz: 'UTC' }).next().toDate() };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Sources' definitions and the plug-ins that read them. */
export function createPersonSourcesService(deps: PersonSourcesServiceDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const factories = new Map<PersonSourceKind, { factory: PersonSourceFactory; defaultMapping: SourceMapping }>();

  function secret(name: string): string {
    const value = deps.secrets[name];
    if (value === undefined) throw new SourceSettingsError('secretEnv', 'secret_not_defined', `The secret ${name} is not defined in DIRECTORY_SECRETS`);
    return value;
  }

  function factoryOf(kind: PersonSourceKind): PersonSourceFactory {
    const registered = factories.get(kind);
    if (!registered) throw invalid('/kind', 'kind_not_available', `no ${kind} source is available in this version`);
    return registered.factory;
  }

  function instantiate(row: Pick<repo.SourceRow, 'kind' | 'settings' | 'photosAllowed'>, mapping: SourceMapping): PersonSource {
    return factoryOf(row.kind)({ settings: row.settings, attributes: mappedAttributes(mapping), wantPhotos: row.photosAllowed, secret });
  }

  async function codes(executor: Executor): Promise<Map<number, string>> {
    return new Map((await deps.institution.list(executor)).map((ref) => [ref.id, ref.code]));
  }

  function visible(manager: SourceManager, row: repo.SourceRow): boolean {
    if (manager.institutionIds === null) return true;
    return row.institutionId !== null && manager.institutionIds.includes(row.institutionId);
  }

  function view(row: repo.SourceRow, names: ReadonlyMap<number, string>): PersonSourceView {
    return {
      id: row.id,
      name: row.name,
      institution: row.institutionId === null ? null : names.get(row.institutionId) ?? null,
      kind: row.kind,
      settings: row.settings,
      mapping: row.mapping,
      schedule: row.schedule,
      nextRunAt: row.nextRunAt?.toISOString() ?? null,
      incremental: row.incremental,
      gonePolicy: row.gonePolicy,
      minRatio: row.minRatio,
      photosAllowed: row.photosAllowed,
      watermark: row.watermark,
      lastFullCount: row.lastFullCount,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** The source `idOrName` if the manager may see it, else 404 (as for a missing one). */
  async function load(manager: SourceManager, idOrName: string, executor: Executor = db, lock = false): Promise<repo.SourceRow> {
    const row = UUID.test(idOrName) ? await repo.findSource(executor, idOrName, lock) : await repo.findSourceByName(executor, idOrName);
    if (!row || !visible(manager, row)) throw sourceNotFound();
    return row;
  }

  /** Checks an input against the current row (for a change) and gives the values to write. */
  async function resolve(executor: Executor, manager: SourceManager, input: PersonSourceInput, current?: repo.SourceRow): Promise<repo.SourceValues> {
    const name = input.name ?? current?.name;
    if (name === undefined || !NAME.test(name)) throw invalid('/name', 'invalid_name', 'lowercase letters, digits, _ and -, at most 63, starting with a letter or digit');
    const kind = input.kind ?? current?.kind;
    if (kind === undefined || !PERSON_SOURCE_KINDS.includes(kind)) throw invalid('/kind', 'invalid_kind', `one of ${PERSON_SOURCE_KINDS.join(', ')}`);
    let institutionId: number | null = current?.institutionId ?? null;
    if (input.institution !== undefined) {
      if (input.institution === null) {
        institutionId = null;
      } else {
        const ref = (await deps.institution.list(executor)).find((candidate) => candidate.code === input.institution);
        if (!ref || (manager.institutionIds !== null && !manager.institutionIds.includes(ref.id))) {
          throw notFound('institution_not_found', 'No such institution');
        }
        if (ref.kind !== 'institution') throw invalid('/institution', 'institution_not_issuing', 'a federation enrols nobody: name one of its institutions');
        institutionId = ref.id;
      }
    }
    if (institutionId === null && manager.institutionIds !== null) {
      // Such a source may enrol at any institution: only a caller with no institution limit may define it.
      throw invalid('/institution', 'institution_required', 'name the institution the source enrols at');
    }
    const mappingRaw = input.mapping ?? current?.mapping ?? { ...(factories.get(kind)?.defaultMapping ?? SUPANN_MAPPING) };
    const mapping = parseSourceMapping(mappingRaw);
    if (!mapping.ok) {
      const items = mapping.errors.map((error) => ({ field: `/mapping${error.field === '/' ? '' : error.field}`, code: error.code, message: error.message }));
      throw invalid(items[0]?.field ?? '/mapping', items[0]?.code ?? 'invalid_value', items[0]?.message ?? 'invalid mapping', items);
    }
    if (institutionId === null && mapping.value.institution === null) {
      throw invalid('/mapping/institution', 'required', 'a source without an institution must map the institution attribute (e.g. supannEtablissement) to institution codes');
    }
    const schedule = input.schedule !== undefined ? (input.schedule === null || input.schedule.trim() === '' ? null : input.schedule.trim()) : current?.schedule ?? null;
    let nextRunAt: Date | null = null;
    if (schedule !== null) {
      const next = nextCronRun(schedule, now());
      if (!next.ok) throw invalid('/schedule', 'invalid_cron', next.message);
      nextRunAt = next.at;
    }
    const gonePolicy = input.gonePolicy ?? current?.gonePolicy ?? 'today';
    if (goneRightsEnd(gonePolicy, '2000-01-01') === undefined) throw invalid('/gonePolicy', 'invalid_gone_policy', '"today", "+N days" or a date YYYY-MM-DD');
    const minRatio = input.minRatio ?? current?.minRatio ?? DEFAULT_MIN_RATIO;
    if (!(minRatio >= 0 && minRatio <= 1)) throw invalid('/minRatio', 'invalid_ratio', 'a share between 0 and 1');
    const settings = input.settings ?? current?.settings ?? {};
    const values: repo.SourceValues = {
      name, kind, institutionId, settings, mapping: mappingRaw as Record<string, unknown>, schedule,
      incremental: input.incremental ?? current?.incremental ?? false, gonePolicy, minRatio,
      photosAllowed: input.photosAllowed ?? current?.photosAllowed ?? false,
      // An unchanged schedule keeps its planned run (a change of name must not skip or add a run).
      nextRunAt: current && current.schedule === schedule ? current.nextRunAt : nextRunAt,
    };
    try {
      const source = instantiate(values, mapping.value);
      // A file of the server named anew is checked against the caller's institutions (a limited admin reads only their folders).
      if (kind === 'csv' && deps.sourceFiles && settings.path !== current?.settings.path) {
        const names = await codes(executor);
        deps.sourceFiles.checkScope({ institutionCodes: manager.institutionIds?.map((id) => names.get(id) ?? '') ?? null }, String(settings.path));
      }
      await source.check?.();
    } catch (error) {
      if (error instanceof SourceSettingsError) throw invalid(`/settings/${error.field.split('.').join('/')}`, error.code, error.message);
      throw error;
    }
    return values;
  }

  async function mappingContext(executor: Executor, row: repo.SourceRow, mapping: SourceMapping): Promise<{ context: MappingContext; names: Map<number, string> }> {
    const refs = await deps.institution.list(executor);
    const issuing = refs.filter((ref) => ref.kind === 'institution' && !ref.disabled);
    const wanted = row.institutionId !== null ? issuing.filter((ref) => ref.id === row.institutionId)
      : issuing.filter((ref) => Object.values(mapping.institution?.codes ?? {}).includes(ref.code));
    const personTypes = new Map<number, Array<{ code: string; affiliations: string[]; disabled: boolean }>>();
    for (const ref of wanted) {
      const types = await deps.institution.personTypesOf(executor, ref.id);
      personTypes.set(ref.id, types.map((type) => ({ code: type.code, affiliations: type.affiliations, disabled: type.disabledAt !== null })));
    }
    return {
      context: {
        fixedInstitutionId: row.institutionId,
        institutionIds: new Map(wanted.map((ref) => [ref.code, ref.id])),
        personTypes,
        today: now().toISOString().slice(0, 10),
      },
      names: new Map(refs.map((ref) => [ref.id, ref.code])),
    };
  }

  /** Builds the plug-in of a stored source (400 when its stored definition no longer holds). */
  async function build(row: repo.SourceRow, executor: Executor = db): Promise<BuiltSource> {
    const parsed = parseSourceMapping(row.mapping);
    if (!parsed.ok) throw invalid('/mapping', parsed.errors[0]?.code ?? 'invalid_value', parsed.errors[0]?.message ?? 'invalid mapping');
    const mapping = parsed.value;
    let source: PersonSource;
    try {
      source = instantiate(row, mapping);
    } catch (error) {
      if (error instanceof SourceSettingsError) throw invalid(`/settings/${error.field.split('.').join('/')}`, error.code, error.message);
      throw error;
    }
    const { context, names } = await mappingContext(executor, row, mapping);
    const institutionAttribute = row.institutionId === null ? mapping.institution?.attribute : undefined;
    const digest: RecordDigestSpec = {
      attributes: mappedAttributes(mapping).sort(),
      version: mappingVersion(mapping, context),
      photos: row.photosAllowed,
      fixedInstitutionId: row.institutionId,
      ...(mapping.fields.eppn ? { eppnAttribute: mapping.fields.eppn } : {}),
      ...(institutionAttribute ? { institutionAttribute } : {}),
    };
    return {
      row, source, mapping, digest,
      map: (record) => mapRecord(record, mapping, context),
      institutionCode: (id) => names.get(id) ?? null,
    };
  }

  return {
    /**
     * Registers the plug-in of a kind of source (the composition root wires LDAP, SQL, REST,
     * CSV), with the mapping a new source of that kind starts from (default: SupAnn).
     */
    register(kind: PersonSourceKind, factory: PersonSourceFactory, defaultMapping: SourceMapping = SUPANN_MAPPING): void {
      factories.set(kind, { factory, defaultMapping });
    },

    /** The mapping a new source of a kind starts from (for the editor). */
    defaultMapping: (kind: PersonSourceKind): SourceMapping => factories.get(kind)?.defaultMapping ?? SUPANN_MAPPING,

    /** The codes of institutions, by id (a limited admin's folders in PERSON_SOURCE_DIR). */
    async institutionCodes(ids: readonly number[]): Promise<string[]> {
      const names = await codes(db);
      return ids.map((id) => names.get(id)).filter((code): code is string => code !== undefined);
    },

    /** Whether a kind of source can be used. */
    available: (kind: PersonSourceKind) => factories.has(kind),

    visible,
    load,
    build,

    /** The sources the manager may see, by name. */
    async list(manager: SourceManager): Promise<PersonSourceView[]> {
      const names = await codes(db);
      return (await repo.listSources(db, manager.institutionIds)).filter((row) => visible(manager, row)).map((row) => view(row, names));
    },

    /** One source (404 `person_source_not_found` outside the manager's scope). */
    async get(manager: SourceManager, idOrName: string): Promise<PersonSourceView> {
      return view(await load(manager, idOrName), await codes(db));
    },

    /** Creates a source (400 on a bad definition, 409 `person_source_name_taken`). */
    async create(manager: SourceManager, input: PersonSourceInput, context: ActorContext): Promise<PersonSourceView> {
      if (input.name === undefined) throw invalid('/name', 'required', 'name is required');
      if (input.kind === undefined) throw invalid('/kind', 'required', 'kind is required');
      try {
        return await inTransaction(db, context, async (trx) => {
          const values = await resolve(trx, manager, input);
          return view(await repo.insertSource(trx, values), await codes(trx));
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('person_source_name_taken', 'Another person source has this name', { field: '/name' });
        throw error;
      }
    },

    /** Changes a source; the kind may not change (its settings would not fit). */
    async update(manager: SourceManager, idOrName: string, input: PersonSourceInput, context: ActorContext): Promise<PersonSourceView> {
      try {
        return await inTransaction(db, context, async (trx) => {
          const current = await load(manager, idOrName, trx, true);
          if (input.kind !== undefined && input.kind !== current.kind) throw invalid('/kind', 'kind_immutable', 'the kind of a source cannot change: create another source');
          const values = await resolve(trx, manager, input, current);
          const row = await repo.updateSource(trx, current.id, values);
          if (!row) throw sourceNotFound();
          return view(row, await codes(trx));
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('person_source_name_taken', 'Another person source has this name', { field: '/name' });
        throw error;
      }
    },

    /** Deletes a source and its runs; the persons it brought stay (409 while a run is active). */
    async remove(manager: SourceManager, idOrName: string, context: ActorContext): Promise<void> {
      await inTransaction(db, context, async (trx) => {
        const current = await load(manager, idOrName, trx, true);
        const last = (await repo.lastRuns(trx, [current.id]))[0];
        if (last && repo.ACTIVE_RUN_STATUSES.includes(last.status)) {
          throw conflict('person_source_busy', 'A sync of this source is running or waiting for confirmation: let it end or cancel it first');
        }
        await repo.deleteSource(trx, current.id);
      });
    },

    /** Checks the connection of a source (never throws for a failed connection: the answer says why). */
    async test(manager: SourceManager, idOrName: string): Promise<SourceTestResult> {
      const built = await build(await load(manager, idOrName));
      try {
        return await built.source.test();
      } catch (error) {
        if (error instanceof SourceSettingsError) return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: 'source_unreachable', message: (error as Error).message };
      }
    },

    /**
     * The first {@link PREVIEW_SIZE} entries of the source, mapped as a sync would (persons, or
     * errors per field). Reads nothing more than that and writes nothing.
     */
    async preview(manager: SourceManager, idOrName: string): Promise<{ items: PreviewEntry[] }> {
      const built = await build(await load(manager, idOrName));
      const items: PreviewEntry[] = [];
      const mappedItems: Array<{ item: PreviewEntry; mapped: Extract<MappedRecord, { ok: true }> }> = [];
      const controller = new AbortController();
      // The attributes the source carries at all (a CSV file's columns): the rest is left alone, as by a sync.
      let present: ReadonlySet<string> | null = null;
      const bad = (key: string | null, hasPhoto: boolean, errors: RecordError[]): PreviewEntry => ({
        key, ok: false, institution: null, person: null, groups: [], hasPhoto, errors, status: null, changes: [], enrolledElsewhere: false,
      });
      try {
        const read = await built.source.records({ limit: PREVIEW_SIZE, signal: controller.signal });
        for await (const page of read.pages) {
          present = read.presentAttributes?.() ?? null;
          // Entries the source could not read are shown too, with their reasons: they are what the admin must fix.
          for (const rejected of page.rejected ?? []) {
            if (items.length >= PREVIEW_SIZE) break;
            const key = rejected.key ?? null;
            items.push(bad(key, false, rejected.errors.map((problem) => ({ key, ...problem }))));
          }
          for (const record of page.records) {
            if (items.length >= PREVIEW_SIZE) break;
            const mapped = built.map(record);
            if (mapped.ok) {
              const item: PreviewEntry = {
                key: record.key, ok: true, institution: built.institutionCode(mapped.institutionId), person: { ...mapped.person }, groups: mapped.groups,
                hasPhoto: record.photo !== undefined, errors: [], status: 'new', changes: [], enrolledElsewhere: false,
              };
              items.push(item);
              mappedItems.push({ item, mapped });
            } else {
              items.push(bad(record.key, record.photo !== undefined, mapped.errors));
            }
          }
          if (items.length >= PREVIEW_SIZE) break;
        }
      } catch (error) {
        if (error instanceof SourceSettingsError) throw invalid(`/settings/${error.field.split('.').join('/')}`, error.code, error.message);
        // A source that names its failure (the LDAP source's ldap_* 409s with the setting at fault) is shown as it is.
        if (error instanceof ProblemError && error.status < 500) throw error;
        throw conflict('source_unreachable', `The source could not be read: ${(error as Error).message}`);
      } finally {
        controller.abort();
      }
      // What a sync would do to each person, compared as the sync compares (the mapped fields only).
      const fields = providedFields(built.mapping, present);
      for (const institutionId of new Set(mappedItems.map(({ mapped }) => mapped.institutionId))) {
        const here = mappedItems.filter(({ mapped }) => mapped.institutionId === institutionId);
        const stored = deps.people ? await deps.people.viewsByEppn(here.map(({ mapped }) => mapped.person.eppn), db, institutionId) : new Map<string, PersonView>();
        for (const { item, mapped } of here) {
          const diff = diffPerson(mapped.person, fields, stored.get(mapped.person.eppn), institutionId);
          Object.assign(item, { status: diff.status, changes: diff.changes, enrolledElsewhere: diff.enrolledElsewhere });
        }
      }
      return { items };
    },
  };
}

export type PersonSourcesService = ReturnType<typeof createPersonSourcesService>;
