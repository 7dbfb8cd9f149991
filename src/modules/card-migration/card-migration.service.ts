/**
 * Migration from another card office system (issue 13): an export's persons, cards (state,
 * dates, CSN, ESCN, photos, access-control and secondary ids) and consents (with their original
 * dates) come into campuscard so that its live cards keep working on the first day.
 *
 * A migration is planned first, against the database, writing nothing: every line is checked
 * and the report counts cards per state and per institution, new and matched persons, and lists
 * the conflicts with their line numbers (duplicate CSN in the file or among live cards, ESCN
 * taken or of another PIC, two ENABLED cards for one person, invalid photos, unknown institution,
 * person or person type, bad dates). A dry run stops there. A real run refuses a file with
 * conflicts (unless `partial`: the good lines go in) and writes the cards in batches of
 * {@link MIGRATION_BATCH_SIZE}, each batch in one transaction (all or nothing). Each migrated
 * card records its source id (`migrated_cards`), and each committed batch is recorded, so a run
 * killed midway and started again skips what was committed, and running the same export twice
 * creates nothing twice.
 *
 * Nothing goes to the connectors: persons are written silently, cards through the cards
 * context's import (no move listener), consents without their listeners. The ESC Router and the
 * CROUS already know these cards; `campuscard esc sync reconcile` and `campuscard crous reconcile`
 * compare and fix when the admin asks for it.
 */
import type { CardHolderPerson } from '../cards/cards.service.ts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import { badRequest, notFound, ProblemError } from '../../platform/http/problem.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import type { JobRunsService, JobRunView } from '../jobs/jobs.service.ts';
import type { InstitutionRef, InstitutionService } from '../institution/institution.service.ts';
import type { PeopleService, PersonView } from '../people/people.service.ts';
import { validatePersonInput, type PersonInput } from '../people/domain/person.ts';
import type { PhotosService, PreparedPhoto } from '../photos/photos.service.ts';
import type { CardImportService, ImportedCardInput } from '../cards/card-import.service.ts';
import type { CrousCardImportService } from '../crous/crous-card-file-import.service.ts';
import { openMigrationUpload, type MigrationArchive } from './domain/migration-archive.ts';
import { parseMigrationCsv, type MigrationCard, type MigrationFormat, type MigrationLineError } from './domain/migration-file.ts';
import * as repo from './card-migration.repository.ts';
import { CARD_STATES } from '../cards/domain/card-state.ts';

/** `kind` of the job runs of card migrations, and the name of their queue. */
export const CARD_MIGRATION_JOB_KIND = 'card-migration';
export const CARD_MIGRATION_QUEUE = 'card-migration';

/** Cards written per transaction. */
export const MIGRATION_BATCH_SIZE = 500;

/** Largest upload accepted, in bytes (a ZIP of photos included). */
export const MIGRATION_MAX_BYTES = 200 * 1024 * 1024;

/** Conflicts kept in a report; the counts stay exact beyond it. */
export const MAX_REPORTED_CONFLICTS = 1000;

/** How to read and apply an export. */
export interface MigrationOptions {
  dryRun?: boolean;
  /** Write the lines without conflicts even when others have some. */
  partial?: boolean;
  /** Time zone of dates written without offset (default Europe/Paris). */
  timeZone?: string;
  /** The form of ESUP-SGC's CSNs (`hex_reversed` when its export had them reversed). */
  csnForm?: 'hex' | 'hex_reversed';
}

/** Who migrates and where: the actor, what they may reach, and the institution (code; absent: their focused or only one). */
export interface MigrationCaller {
  actor: ActorContext;
  scope: AccessScope;
  focusInstitutionId: number | null;
  institution?: string | undefined;
}

/** What a migration did, or for a dry run would do. */
export interface MigrationReport {
  format: MigrationFormat | null;
  institution: string;
  dryRun: boolean;
  partial: boolean;
  /** Data lines read (cards, good and bad). */
  totalLines: number;
  /** Lines with a card to write (no conflict, not migrated before). */
  valid: number;
  /** Lines whose card an earlier run already migrated (skipped). */
  alreadyMigrated: number;
  /** Lines with at least one conflict. */
  invalid: number;
  byState: Record<string, number>;
  byInstitution: Record<string, number>;
  persons: { matched: number; created: number; enrolled: number };
  photos: number;
  consents: number;
  identifiers: number;
  conflicts: MigrationLineError[];
  conflictsTruncated: boolean;
  fileErrors: MigrationLineError[];
  /** The CROUS pre-encoded card file of an ESUP-SGC ZIP, imported through the CROUS context. */
  crousCards: { lines: number; created: number; updated: number; unchanged: number; invalid: number } | null;
  /** Cards written by this run (0 for a dry run). */
  imported: number;
  batches: { total: number; done: number; skipped: number };
  rejected: boolean;
  committed: boolean;
}

/** Receives progress (the job run's reporter, or the CLI's progress bar). */
export interface MigrationProgress {
  start(total: number, message?: string): Promise<void>;
  advance(done: number, message?: string): Promise<void>;
}

/** The identifiers port (card-identifiers context): stores migrated values as they are. */
export interface MigrationIdentifiersPort {
  keepImported(executor: Executor, rows: Array<{ cardId: string; institutionId: number; accessControlId: string | null; secondaryId: string | null }>): Promise<unknown>;
}

export interface CardMigrationServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'targetFor' | 'byCode'>;
  people: Pick<PeopleService, 'viewsByEppn' | 'upsertMany' | 'personTypeCodes' | 'keepImportedConsents'>;
  photos: Pick<PhotosService, 'prepare' | 'save'>;
  cardImport: CardImportService;
  crousCards?: Pick<CrousCardImportService, 'importFile'>;
  identifiers?: MigrationIdentifiersPort | undefined;
  jobRuns: Pick<JobRunsService, 'create' | 'unfinished' | 'get'>;
  jobs: Pick<JobQueue, 'send'>;
  logger?: Logger;
  now?: () => Date;
}

/** Card states by their name without underscores, as the database's camel-casing gives them back. */
const STATE_BY_FOLDED = new Map<string, string>(CARD_STATES.map((state) => [state.replace(/_/g, ''), state]));

/**
 * The report stored with a run, its `byState` keys restored: the stored JSON is read back through
 * the query builder's camel-casing, which folds `IN_PRINT` into `INPRINT`.
 */
function withStateNames(report: unknown): unknown {
  if (typeof report !== 'object' || report === null || !('byState' in report)) return report;
  const { byState } = report as { byState: unknown };
  if (typeof byState !== 'object' || byState === null) return report;
  return { ...report, byState: Object.fromEntries(Object.entries(byState).map(([state, count]) => [STATE_BY_FOLDED.get(state) ?? state, count])) };
}

/** Data of a `card-migration` queue job. */
export interface CardMigrationJobData {
  runId: string;
}

/** A card holder as a batch needs it: identity and enrolment at the card's institution. */
interface Holder extends Omit<CardHolderPerson, 'locale'> {
  personType: string;
  studentNumber: string | null;
  rightsEnd: string | null;
}

/** A line ready to write: its card, its institution and its person (known or to create). */
interface PlannedCard {
  card: MigrationCard;
  institution: InstitutionRef;
  /** The person to create or enrol first; null: known and enrolled. */
  personInput: PersonInput | null;
  migrated: boolean;
}

interface Plan {
  report: MigrationReport;
  planned: PlannedCard[];
  archive: MigrationArchive | null;
}

function conflict(line: number, field: string, code: string, message: string): MigrationLineError {
  return { line, field, code, message };
}

function emptyReport(institution: string, options: MigrationOptions): MigrationReport {
  return {
    format: null, institution, dryRun: options.dryRun === true, partial: options.partial === true, totalLines: 0, valid: 0, alreadyMigrated: 0,
    invalid: 0, byState: {}, byInstitution: {}, persons: { matched: 0, created: 0, enrolled: 0 }, photos: 0, consents: 0, identifiers: 0,
    conflicts: [], conflictsTruncated: false, fileErrors: [], crousCards: null, imported: 0, batches: { total: 0, done: 0, skipped: 0 },
    rejected: false, committed: false,
  };
}

function inScope(scope: AccessScope, institutionId: number): boolean {
  return scope.institutionIds === null || scope.institutionIds.includes(institutionId);
}

function enrolmentAt(person: PersonView, institutionId: number): { personType: string; studentNumber: string | null; rightsEnd: string | null } | undefined {
  return person.enrolments.find((enrolment) => enrolment.institutionId === institutionId);
}

function optionsFromParams(params: Record<string, unknown>): MigrationOptions {
  return {
    dryRun: params.dryRun === true,
    partial: params.partial === true,
    ...(typeof params.timeZone === 'string' ? { timeZone: params.timeZone } : {}),
    ...(params.csnForm === 'hex_reversed' ? { csnForm: 'hex_reversed' as const } : {}),
  };
}

/** The scope recorded at submission (a run without one reaches nothing). */
function scopeFromParams(params: Record<string, unknown>): AccessScope {
  const ids = params.institutionIds;
  const types = params.personTypes;
  return {
    institutionIds: ids === null ? null : Array.isArray(ids) && ids.every((id) => Number.isInteger(id)) ? ids as number[] : [],
    personTypes: types === null ? null : Array.isArray(types) && types.every((type) => typeof type === 'string') ? types as string[] : [],
  };
}

/** Card migration use cases (see the file comment). */
export function createCardMigrationService(deps: CardMigrationServiceDeps) {
  const { db, people, photos, cardImport } = deps;
  const now = deps.now ?? (() => new Date());

  /** Prepares the photos of these lines (outside any transaction): path → photo or the reason it was refused. */
  async function preparePhotos(archive: MigrationArchive | null, cards: readonly MigrationCard[]): Promise<Map<string, PreparedPhoto | ProblemError>> {
    const prepared = new Map<string, PreparedPhoto | ProblemError>();
    if (!archive) return prepared;
    const bytes = archive.photos(cards.flatMap((card) => (card.photo ? [card.photo] : [])));
    for (const [name, content] of bytes) {
      try {
        prepared.set(name, await photos.prepare(Buffer.from(content.buffer, content.byteOffset, content.byteLength)));
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        prepared.set(name, error);
      }
    }
    return prepared;
  }

  /**
   * Checks every line of an export against the file and the database (see the file comment),
   * writing nothing. The institution is resolved from the caller first (404 / 422 problems).
   */
  async function plan(bytes: Uint8Array, options: MigrationOptions, caller: MigrationCaller, progress?: MigrationProgress): Promise<Plan> {
    const target = await deps.institution.targetFor(db, { institutionIds: caller.scope.institutionIds, focusInstitutionId: caller.focusInstitutionId },
      caller.institution ? caller.institution.trim().toLowerCase() : undefined);
    if (options.timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: options.timeZone });
      } catch {
        throw badRequest('time_zone_invalid', `${options.timeZone} is not a time zone (e.g. Europe/Paris)`, { field: 'querystring:timeZone' });
      }
    }
    const report = emptyReport(target.code, options);
    const opened = openMigrationUpload(bytes);
    if (!opened.ok) {
      report.fileErrors.push({ line: 1, code: opened.code, message: opened.message });
      report.rejected = true;
      return { report, planned: [], archive: null };
    }
    const archive = opened.archive;
    const parsed = parseMigrationCsv(archive.csv, {
      ...(options.timeZone ? { timeZone: options.timeZone } : {}), ...(options.csnForm ? { csnForm: options.csnForm } : {}),
    });
    report.format = parsed.format;
    report.fileErrors.push(...parsed.fileErrors);
    if (parsed.fileErrors.length > 0) {
      report.rejected = true;
      return { report, planned: [], archive };
    }
    const conflicts: MigrationLineError[] = [...parsed.errors];
    const badLines = new Set(parsed.errors.map((error) => error.line));
    report.totalLines = parsed.cards.length + badLines.size;
    await progress?.start(parsed.cards.length, 'checking the file');

    // Institutions the lines name, each in the caller's scope.
    const institutions = new Map<string, InstitutionRef | undefined>([[target.code, target]]);
    for (const code of new Set(parsed.cards.map((card) => card.institution?.toLowerCase()).filter((code) => code !== undefined))) {
      if (!institutions.has(code)) {
        const found = await deps.institution.byCode(db, code);
        institutions.set(code, found && inScope(caller.scope, found.id) && found.kind === 'institution' ? found : undefined);
      }
    }
    const typesOf = new Map<number, string[]>();
    for (const ref of institutions.values()) if (ref) typesOf.set(ref.id, await people.personTypeCodes(ref.id));

    const lines: PlannedCard[] = [];
    const refuse = (card: MigrationCard, error: MigrationLineError) => {
      conflicts.push(error);
      badLines.add(card.line);
    };
    for (const card of parsed.cards) {
      const institution = institutions.get(card.institution?.toLowerCase() ?? target.code);
      if (!institution) {
        refuse(card, conflict(card.line, 'institution', 'unknown_institution', `No institution ${card.institution} that you manage`));
        continue;
      }
      lines.push({ card, institution, personInput: null, migrated: false });
    }

    // Already migrated (by an earlier or interrupted run): skipped, never a conflict.
    const migrated = await repo.findMigrated(db, lines.map((line) => ({ institutionId: line.institution.id, sourceId: line.card.sourceId })));
    for (const line of lines) line.migrated = migrated.has(`${line.institution.id}:${line.card.sourceId}`);
    const fresh = lines.filter((line) => !line.migrated);

    // Persons: matched by eppn; unknown ones are created from the line's identity.
    const byInstitution = new Map<number, PlannedCard[]>();
    for (const line of fresh) byInstitution.set(line.institution.id, [...(byInstitution.get(line.institution.id) ?? []), line]);
    const today = now().toISOString().slice(0, 10);
    const personIds = new Map<string, string>();
    const newPersons = new Set<string>();
    const enrolledPersons = new Set<string>();
    const matchedPersons = new Set<string>();
    for (const [institutionId, group] of byInstitution) {
      const known = await people.viewsByEppn([...new Set(group.map((line) => line.card.person.eppn))], db, institutionId);
      for (const line of group) {
        const { card } = line;
        const person = known.get(card.person.eppn);
        const enrolment = person ? enrolmentAt(person, institutionId) : undefined;
        if (person) personIds.set(card.person.eppn, person.id);
        const personType = enrolment?.personType ?? card.person.personType;
        if (enrolment && person) {
          matchedPersons.add(`${institutionId}:${person.id}`);
        } else if (!card.person.lastName || !card.person.firstName || !card.person.personType) {
          refuse(card, conflict(card.line, 'eppn', person ? 'person_not_enrolled' : 'unknown_person', person
            ? `${card.person.eppn} is not enrolled at ${line.institution.code}, and the line gives no person type`
            : `No person ${card.person.eppn}, and the line does not give last_name, first_name and person_type to create one`));
          continue;
        } else {
          const validated = validatePersonInput({
            eppn: card.person.eppn, lastName: card.person.lastName, firstName: card.person.firstName, personType: card.person.personType,
            ...(card.person.email ? { email: card.person.email } : {}), ...(card.person.studentNumber ? { studentNumber: card.person.studentNumber } : {}),
            ...(card.person.birthDate ? { birthDate: card.person.birthDate } : {}),
          }, { today, personTypes: typesOf.get(institutionId) ?? [] });
          if (!validated.ok) {
            for (const error of validated.errors) {
              const code = error.field === '/personType' ? 'unknown_person_type' : error.code;
              refuse(card, conflict(card.line, error.field.replace(/^\//, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), code, error.message));
            }
            continue;
          }
          line.personInput = validated.value;
          (person ? enrolledPersons : newPersons).add(`${institutionId}:${card.person.eppn}`);
        }
        if (personType && caller.scope.personTypes !== null && !caller.scope.personTypes.includes(personType)) {
          refuse(card, conflict(card.line, 'person_type', 'person_type_not_allowed', 'you may not manage persons of this type'));
        }
      }
    }

    // Identifiers: unique in the file, and not held by a live card.
    let candidates = fresh.filter((line) => !badLines.has(line.card.line));
    const seenIds = new Map<string, number>();
    const seenCsn = new Map<string, number>();
    const seenEscn = new Map<string, number>();
    const enabledIn = new Map<string, number>();
    const seenIdentifiers = new Map<string, number>();
    for (const { card, institution } of candidates) {
      const key = `${institution.id}:${card.sourceId}`;
      const first = seenIds.get(key);
      if (first !== undefined) refuse(card, conflict(card.line, 'card_id', 'duplicate_card_id', `Line ${first} has the same card id`));
      else seenIds.set(key, card.line);
      if (card.csn !== null && card.state !== 'DESTROYED') {
        const other = seenCsn.get(card.csn);
        if (other !== undefined) refuse(card, conflict(card.line, 'csn', 'duplicate_csn', `Line ${other} has the same CSN`));
        else seenCsn.set(card.csn, card.line);
      }
      if (card.escn !== null) {
        const other = seenEscn.get(card.escn);
        if (other !== undefined) refuse(card, conflict(card.line, 'escn', 'duplicate_escn', `Line ${other} has the same ESCN`));
        else seenEscn.set(card.escn, card.line);
        if (institution.pic === null || card.escnPic !== institution.pic) {
          refuse(card, conflict(card.line, 'escn', 'escn_other_pic', `The ESCN was issued under PIC ${card.escnPic}, not ${institution.code}'s (${institution.pic ?? 'none'})`));
        }
      }
      for (const [field, value] of [['access_control_id', card.accessControlId], ['secondary_id', card.secondaryId]] as const) {
        if (value === null) continue;
        const idKey = `${institution.id}:${field}:${value}`;
        const other = seenIdentifiers.get(idKey);
        if (other !== undefined) refuse(card, conflict(card.line, field, 'duplicate_identifier', `Line ${other} has the same ${field}`));
        else seenIdentifiers.set(idKey, card.line);
      }
      if (card.state === 'ENABLED') {
        const key2 = `${institution.cardGroup}:${card.person.eppn}`;
        const other = enabledIn.get(key2);
        if (other !== undefined) refuse(card, conflict(card.line, 'state', 'two_enabled_cards', `Line ${other} is another ENABLED card of this person`));
        else enabledIn.set(key2, card.line);
      }
    }
    const liveCsns = await cardImport.liveCsns(db, [...seenCsn.keys()]);
    const takenEscns = await cardImport.takenEscns(db, [...seenEscn.keys()]);
    const enabledGroups = new Map<number, string[]>();
    for (const { card, institution } of candidates) {
      if (card.state !== 'ENABLED') continue;
      const id = personIds.get(card.person.eppn);
      if (id) enabledGroups.set(institution.cardGroup, [...(enabledGroups.get(institution.cardGroup) ?? []), id]);
    }
    const enabledHolders = new Set<string>();
    for (const [group, ids] of enabledGroups) for (const id of await cardImport.enabledHolders(db, ids, group)) enabledHolders.add(`${group}:${id}`);
    for (const { card, institution } of candidates) {
      if (card.csn !== null && card.state !== 'DESTROYED' && liveCsns.has(card.csn)) {
        refuse(card, conflict(card.line, 'csn', 'csn_taken', 'A live card in campuscard already has this CSN'));
      }
      if (card.escn !== null && takenEscns.has(card.escn)) refuse(card, conflict(card.line, 'escn', 'escn_taken', 'A card in campuscard already has this ESCN'));
      const id = personIds.get(card.person.eppn);
      if (card.state === 'ENABLED' && id && enabledHolders.has(`${institution.cardGroup}:${id}`)) {
        refuse(card, conflict(card.line, 'state', 'enabled_card_exists', 'This person already has an ENABLED card in campuscard'));
      }
    }

    // Photos: a named photo must pass the photo checks (a missing ESUP-SGC photo is no photo).
    candidates = candidates.filter((line) => !badLines.has(line.card.line));
    for (let start = 0; start < candidates.length; start += MIGRATION_BATCH_SIZE) {
      const chunk = candidates.slice(start, start + MIGRATION_BATCH_SIZE).map((line) => line.card);
      const prepared = await preparePhotos(archive, chunk);
      for (const card of chunk) {
        if (!card.photo) continue;
        const photo = prepared.get(card.photo);
        if (photo instanceof ProblemError) refuse(card, conflict(card.line, 'photo', 'photo_invalid', `${card.photo}: ${photo.message}`));
        else if (photo) report.photos += 1;
        else if (report.format === 'generic') refuse(card, conflict(card.line, 'photo', 'photo_missing', `${card.photo} is not in the ZIP`));
      }
      await progress?.advance(Math.min(start + MIGRATION_BATCH_SIZE, candidates.length), 'checking the photos');
    }

    const planned = lines.filter((line) => !badLines.has(line.card.line));
    for (const line of planned) {
      if (line.migrated) {
        report.alreadyMigrated += 1;
        continue;
      }
      report.valid += 1;
      report.byState[line.card.state] = (report.byState[line.card.state] ?? 0) + 1;
      report.byInstitution[line.institution.code] = (report.byInstitution[line.institution.code] ?? 0) + 1;
      report.consents += line.card.consents.length;
      if (line.card.accessControlId !== null || line.card.secondaryId !== null) report.identifiers += 1;
    }
    const plannedKeys = new Set(planned.filter((line) => !line.migrated).map((line) => `${line.institution.id}:${line.card.person.eppn}`));
    const plannedPersons = (keys: Set<string>) => [...keys].filter((key) => plannedKeys.has(key)).length;
    report.persons = {
      matched: matchedPersons.size,
      created: plannedPersons(newPersons),
      enrolled: plannedPersons(enrolledPersons),
    };
    conflicts.sort((a, b) => a.line - b.line);
    report.invalid = badLines.size;
    report.conflicts = conflicts.slice(0, MAX_REPORTED_CONFLICTS);
    report.conflictsTruncated = conflicts.length > MAX_REPORTED_CONFLICTS;
    report.rejected = badLines.size > 0 && !report.partial;
    report.batches.total = Math.ceil(planned.length / MIGRATION_BATCH_SIZE);
    return { report, planned, archive };
  }

  /** Writes one batch in one transaction: persons, photos, cards, their source ids, identifiers and consents, and the batch's record. */
  async function writeBatch(runId: string | null, seq: number, batch: readonly PlannedCard[], archive: MigrationArchive | null,
    caller: MigrationCaller): Promise<number> {
    const fresh = batch.filter((line) => !line.migrated);
    const prepared = await preparePhotos(archive, fresh.map((line) => line.card));
    return inTransaction(db, caller.actor, async (trx) => {
      if (runId !== null && await repo.batchDone(trx, runId, seq)) return 0;
      // A line migrated meanwhile (by a run that died after this plan) is skipped here too.
      const already = await repo.findMigrated(trx, fresh.map((line) => ({ institutionId: line.institution.id, sourceId: line.card.sourceId })));
      const todo = fresh.filter((line) => !already.has(`${line.institution.id}:${line.card.sourceId}`));
      const byInstitution = new Map<number, PlannedCard[]>();
      for (const line of todo) byInstitution.set(line.institution.id, [...(byInstitution.get(line.institution.id) ?? []), line]);
      const inputs: ImportedCardInput[] = [];
      const consents: Array<{ personId: string; kind: 'esc' | 'crous' | 'photo_publication'; granted: boolean; at: Date }> = [];
      const ordered: PlannedCard[] = [];
      for (const [institutionId, group] of byInstitution) {
        const eppns = [...new Set(group.map((line) => line.card.person.eppn))];
        let known = await people.viewsByEppn(eppns, trx, institutionId);
        const toWrite = new Map<string, PersonInput>();
        for (const line of group) {
          const person = known.get(line.card.person.eppn);
          if (line.personInput && !(person && enrolmentAt(person, institutionId))) toWrite.set(line.card.person.eppn, line.personInput);
        }
        const holders = new Map<string, Holder>();
        for (const person of known.values()) {
          const enrolment = enrolmentAt(person, institutionId);
          if (enrolment) holders.set(person.eppn, { ...person, ...enrolment });
        }
        if (toWrite.size > 0) {
          const written = [...toWrite.values()];
          const result = await people.upsertMany(trx, written, caller.actor, { channel: 'import', institutionId, silent: true });
          if (written.some((input) => known.has(input.eppn))) {
            // Persons enrolled elsewhere keep stored fields the line leaves empty: read them back.
            known = await people.viewsByEppn(eppns, trx, institutionId);
            for (const person of known.values()) {
              const enrolment = enrolmentAt(person, institutionId);
              if (enrolment) holders.set(person.eppn, { ...person, ...enrolment });
            }
          } else {
            // New persons are exactly their lines.
            for (const item of result.results) {
              const input = written[item.index] as PersonInput;
              holders.set(input.eppn, {
                id: item.id, eppn: input.eppn, firstName: input.firstName, lastName: input.lastName, email: input.email ?? null, ine: input.ine ?? null,
                personType: input.personType, studentNumber: input.studentNumber ?? null, rightsEnd: input.rightsEnd ?? null,
              });
            }
          }
        }
        for (const line of group) {
          const { card } = line;
          const holder = holders.get(card.person.eppn);
          if (!holder) throw new Error(`person of line ${card.line} missing after its upsert`);
          const photo = card.photo ? prepared.get(card.photo) : undefined;
          const photoId = photo && !(photo instanceof ProblemError) ? (await photos.save(trx, holder.id, photo)).id : null;
          const requestedAt = card.requestedAt ?? card.stateChangedAt ?? card.enabledAt ?? now();
          inputs.push({
            personId: holder.id, institutionId, cardGroup: line.institution.cardGroup, state: card.state, cardKind: card.cardKind,
            requestedAt, enabledAt: card.enabledAt, deliveredAt: card.deliveredAt, stateChangedAt: card.stateChangedAt ?? requestedAt,
            expiresAt: card.expiresAt ?? holder.rightsEnd, disableReason: card.disableReason, csn: card.csn, escn: card.escn, photoId,
            holder: {
              eppn: holder.eppn, firstName: holder.firstName, lastName: holder.lastName, email: holder.email, ine: holder.ine,
              studentNumber: holder.studentNumber, personType: holder.personType,
            },
          });
          ordered.push(line);
          for (const decision of card.consents) consents.push({ personId: holder.id, kind: decision.kind, granted: decision.granted, at: decision.at ?? requestedAt });
        }
      }
      const ids = await cardImport.importCards(trx, inputs, caller.actor.actor);
      await repo.recordMigrated(trx, ordered.map((line, index) => ({
        institutionId: line.institution.id, sourceId: line.card.sourceId, cardId: ids[index] as string, jobRunId: runId,
      })));
      const identifierRows = ordered.flatMap((line, index) => (line.card.accessControlId !== null || line.card.secondaryId !== null
        ? [{ cardId: ids[index] as string, institutionId: line.institution.id, accessControlId: line.card.accessControlId, secondaryId: line.card.secondaryId }]
        : []));
      if (identifierRows.length > 0 && deps.identifiers) await deps.identifiers.keepImported(trx, identifierRows);
      await people.keepImportedConsents(trx, consents, caller.actor);
      if (runId !== null) await repo.recordBatch(trx, runId, seq, ids.length);
      return ids.length;
    });
  }

  /** Plans, then (unless a dry run or refused) writes batch after batch, skipping those `runId` already committed. */
  async function migrate(bytes: Uint8Array, options: MigrationOptions, caller: MigrationCaller, runId: string | null,
    progress?: MigrationProgress): Promise<MigrationReport> {
    const { report, planned, archive } = await plan(bytes, options, caller, progress);
    if (report.rejected) return report;
    if (!report.dryRun) {
      await progress?.start(planned.length, 'writing the cards');
      const done = runId !== null ? await repo.batchesDone(db, runId) : new Set<number>();
      for (let seq = 0; seq * MIGRATION_BATCH_SIZE < planned.length; seq++) {
        const batch = planned.slice(seq * MIGRATION_BATCH_SIZE, (seq + 1) * MIGRATION_BATCH_SIZE);
        if (done.has(seq)) {
          report.batches.skipped += 1;
        } else {
          report.imported += await writeBatch(runId, seq, batch, archive, caller);
          report.batches.done += 1;
        }
        const written = Math.min((seq + 1) * MIGRATION_BATCH_SIZE, planned.length);
        await progress?.advance(written, `${written} of ${planned.length} cards`);
      }
      report.committed = true;
    }
    if (archive?.crousCards && deps.crousCards) {
      const crous = await deps.crousCards.importFile({ institutionIds: caller.scope.institutionIds, focusInstitutionId: caller.focusInstitutionId, actor: caller.actor.actor },
        report.institution, archive.crousCards, 'crous_cards.csv', { partial: true, dryRun: report.dryRun }, caller.actor);
      report.crousCards = { lines: crous.totalLines, created: crous.created, updated: crous.updated, unchanged: crous.unchanged, invalid: crous.invalid };
    }
    return report;
  }

  return {
    /**
     * Migrates an export held in memory, in this process (CLI): plans, then writes unless a dry
     * run or refused. Throws only for the caller's institution (404/422 problems) or a database
     * failure; a bad file is a report with `rejected`.
     */
    migrate: (bytes: Uint8Array, options: MigrationOptions, caller: MigrationCaller, progress?: MigrationProgress) =>
      migrate(bytes, options, caller, null, progress),

    /**
     * Stores an upload and queues its job, atomically. The institution is resolved now (404
     * `institution_not_found`, 422 `institution_required`) and recorded with the caller's scope.
     */
    async submit(bytes: Uint8Array, fileName: string | null, options: MigrationOptions, caller: MigrationCaller): Promise<JobRunView> {
      const target = await deps.institution.targetFor(db, { institutionIds: caller.scope.institutionIds, focusInstitutionId: caller.focusInstitutionId },
        caller.institution ? caller.institution.trim().toLowerCase() : undefined);
      return inTransaction(db, caller.actor, async (trx) => {
        const run = await deps.jobRuns.create(trx, CARD_MIGRATION_JOB_KIND, {
          fileName, byteSize: bytes.byteLength, dryRun: options.dryRun === true, partial: options.partial === true,
          ...(options.timeZone ? { timeZone: options.timeZone } : {}), ...(options.csnForm ? { csnForm: options.csnForm } : {}),
          institution: target.code, institutionIds: caller.scope.institutionIds, personTypes: caller.scope.personTypes,
        }, caller.actor.actor, target.id);
        await repo.insertUpload(trx, { jobRunId: run.id, fileName, content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
        await deps.jobs.send(CARD_MIGRATION_QUEUE, { runId: run.id } satisfies CardMigrationJobData, { trx });
        return run;
      });
    },

    /**
     * Runs a queued migration: `succeeded` with the report in `result`, `failed` with the report
     * when the file is refused. Safe to run again: a run taken back from a dead worker plans again
     * and skips the batches and cards already committed. The upload is deleted when the run ends.
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      const open = await deps.jobRuns.unfinished(runId, job);
      if (!open) return;
      const { run, reporter } = open;
      try {
        const upload = await repo.findUpload(db, runId);
        if (!upload) {
          await reporter.fail({ code: 'upload_missing', message: 'The uploaded file is gone; upload it again' });
          return;
        }
        const caller: MigrationCaller = {
          actor: { actor: run.createdBy }, scope: scopeFromParams(run.params), focusInstitutionId: null,
          institution: typeof run.params.institution === 'string' ? run.params.institution : undefined,
        };
        const report = await migrate(upload.content, optionsFromParams(run.params), caller, runId, {
          start: (total, message) => reporter.start(total, message),
          advance: (done, message) => reporter.advance(done, message),
        });
        if (report.rejected) {
          await reporter.fail({ code: report.fileErrors.length > 0 ? 'invalid_migration_file' : 'migration_conflicts',
            message: report.fileErrors.length > 0 ? report.fileErrors.map((error) => error.message).join('; ')
              : `${report.invalid} line(s) have conflicts; nothing was written (fix the file, or run with partial)`, report });
        } else {
          await reporter.succeed({ ...report, total: report.valid + report.alreadyMigrated });
        }
        await repo.deleteUpload(db, runId);
      } catch (error) {
        if (error instanceof ProblemError && error.status < 500) {
          await reporter.fail({ code: error.code, message: error.message });
          await repo.deleteUpload(db, runId);
        } else {
          deps.logger?.error({ runId, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'card migration failed');
          await reporter.fail({ code: 'migration_failed',
            message: 'The migration stopped on an unexpected error; the batches written stay, and running the same file again continues after them' });
          await repo.deleteUpload(db, runId);
        }
      } finally {
        reporter.release();
      }
    },

    /**
     * A migration run, for its author and whoever may reach its institution (in the query); 404
     * `migration_not_found` for anyone else, as for a missing one.
     */
    async status(runId: string, actor: string, scope: AccessScope): Promise<JobRunView> {
      const missing = () => notFound('migration_not_found', 'No such card migration');
      let run: JobRunView;
      try {
        run = await deps.jobRuns.get(runId, { actor, scope });
      } catch (error) {
        if (error instanceof ProblemError && error.status === 404) throw missing();
        throw error;
      }
      if (run.kind !== CARD_MIGRATION_JOB_KIND) throw missing();
      return {
        ...run,
        result: run.result ? withStateNames(run.result) as Record<string, unknown> : run.result,
        error: run.error ? { ...run.error, ...('report' in run.error ? { report: withStateNames(run.error.report) } : {}) } : run.error,
      };
    },

    /** Deletes the upload of a run that will not run again (its worker lost, no attempt left). */
    async discard(runId: string): Promise<void> {
      await repo.deleteUpload(db, runId);
    },
  };
}

export type CardMigrationService = ReturnType<typeof createCardMigrationService>;
