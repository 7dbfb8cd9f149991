/**
 * Import of the CROUS's pre-encoded card file (issue 11): cards the CROUS encoded itself come
 * with a `;`-separated file linking each chip (CSN) to its CROUS card number and SmartCard data.
 * campuscard keeps that link per institution; when a card with such a chip is enabled, the CROUS
 * connector sends the CROUS's own card (`preEncodedCardFor`) instead of a number of its own.
 *
 * Outcome rules, as the person import's:
 * - a wrong header refuses the file (line 1);
 * - by default one bad line refuses the whole file: nothing is written, and the report lists
 *   every bad line with its number, column and stable code;
 * - `partial` writes the good lines and reports the bad ones;
 * - `dryRun` checks against the stored cards and counts, writes nothing.
 * A line is bad when the parser refuses it (see crous-card-file.ts) or when its card number is
 * already linked to another chip of the institution (`card_number_taken`). A chip already known
 * takes the file's values (`updated`, or `unchanged` when they are the same). Every import that
 * is not a dry run is recorded with its report, refused ones included.
 */
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import { institutionNotFound } from '../institution/institution.service.ts';
import { parseCsn } from '../cards/domain/csn.ts';
import { parseCrousCardFile, type PreEncodedCrousCard } from './domain/crous-card-file.ts';
import type { CrousFilesCaller } from './crous-files.service.ts';
import * as repo from './crous-files.repository.ts';

/** Line errors kept in a report; the counts stay exact beyond it. */
export const MAX_CARD_FILE_ERRORS = 1000;

/** A refused line: its number (1 is the header), the column at fault, a stable code. */
export interface CardFileLineError {
  line: number;
  field?: string;
  code: string;
  message: string;
}

/** What an import did (or, for a dry run, would do). */
export interface CardFileReport {
  institution: string;
  dryRun: boolean;
  partial: boolean;
  /** Data lines read (blank lines and the header not counted). */
  totalLines: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: CardFileLineError[];
  errorsTruncated: boolean;
  /** Problems that make the whole file unusable (a wrong header). */
  fileErrors: CardFileLineError[];
  encoding: 'utf-8' | 'windows-1252';
  rejected: boolean;
  committed: boolean;
}

/** The CROUS card of a chip, as the connector sends it (SmartCard fields). */
export interface PreEncodedCard {
  csn: string;
  idZdc: number;
  rid: string;
  idTransmitter: number;
  idMapping: number;
  pixSs: string;
  pixNn: string;
  appl: string;
  /** `zdcCreationDate`: the file's day, at midnight UTC. */
  zdcCreationDate: Date;
  creationDay: string;
}

/** An import as the history lists it. */
export interface CardImportView {
  id: string;
  institution: string;
  fileName: string | null;
  partial: boolean;
  report: CardFileReport;
  createdBy: string;
  createdAt: string;
}

export interface CrousCardImportDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'targetFor' | 'list'>;
}

/** UTF-8 when the bytes are valid UTF-8 (a byte order mark is dropped), else Windows-1252 (what Excel writes in France). */
function decode(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), encoding: 'windows-1252' };
  }
}

function same(card: PreEncodedCrousCard, row: repo.PreEncodedCardRow): boolean {
  return card.idZdc === row.idZdc && card.rid === row.rid && card.idTransmitter === row.idTransmitter && card.idMapping === row.idMapping
    && card.pixSs === row.pixSs && card.pixNn === row.pixNn && card.appl === row.appl && card.nfo === row.nfo && card.cnous === row.cnous
    && card.crous === row.crous && card.creationDay === row.creationDay;
}

class Rollback extends Error {}

const CHUNK = 1000;

/** Card file import, its history, and the lookup the CROUS connector calls. */
export function createCrousCardImportService(deps: CrousCardImportDeps) {
  const { db, institution } = deps;

  return {
    /**
     * Imports a card file for an institution (`code`, else the caller's focused or only one).
     * Never throws for bad content: the report says what was refused (`rejected`) and whether
     * anything was written (`committed`).
     */
    async importFile(caller: CrousFilesCaller, code: string | undefined, bytes: Uint8Array, fileName: string | null,
      options: { partial?: boolean; dryRun?: boolean }, context: ActorContext): Promise<CardFileReport & { importId: string | null }> {
      const ref = await institution.targetFor(db, caller, code);
      const partial = options.partial === true;
      const dryRun = options.dryRun === true;
      const { text, encoding } = decode(bytes);
      const parsed = parseCrousCardFile(text);
      const fileErrors = parsed.errors.filter((error) => error.code === 'header_invalid');
      const errors: CardFileLineError[] = parsed.errors.filter((error) => error.code !== 'header_invalid')
        .map((error) => ({ line: error.line, ...(error.column ? { field: error.column } : {}), code: error.code, message: error.message }));
      let cards = parsed.cards;
      const counts = { created: 0, updated: 0, unchanged: 0 };
      let committed = false;
      let importId: string | null = null;
      // Lines whose chip is stored with the same values: nothing to write for them.
      const unchangedLines = new Set<number>();
      const report = (): CardFileReport => {
        errors.sort((a, b) => a.line - b.line);
        return {
          institution: ref.code, dryRun, partial, totalLines: parsed.lineCount, valid: cards.length,
          invalid: new Set(errors.map((error) => error.line)).size, ...counts,
          errors: errors.slice(0, MAX_CARD_FILE_ERRORS), errorsTruncated: errors.length > MAX_CARD_FILE_ERRORS,
          fileErrors: fileErrors.map((error) => ({ line: error.line, code: error.code, message: error.message })), encoding,
          rejected: fileErrors.length > 0 || (errors.length > 0 && !partial), committed,
        };
      };
      try {
        await inTransaction(db, context, async (trx) => {
          await repo.lockCardImports(trx, ref.id);
          if (fileErrors.length === 0) {
            const known = new Map<string, repo.PreEncodedCardRow>();
            const holders = new Map<number, string>();
            for (let start = 0; start < cards.length; start += CHUNK) {
              const chunk = cards.slice(start, start + CHUNK);
              for (const row of await repo.findCardsByCsn(trx, ref.id, chunk.map((card) => card.csn))) known.set(row.csn, row);
              for (const row of await repo.findCardsByNumber(trx, ref.id, chunk.map((card) => card.idZdc))) holders.set(row.idZdc, row.csn);
            }
            // A card number moving to another chip would leave the first chip pointing at someone else's card.
            const taken = cards.filter((card) => {
              const holder = holders.get(card.idZdc);
              return holder !== undefined && holder !== card.csn;
            });
            for (const card of taken) {
              errors.push({ line: card.line, field: 'NUM_CARTE', code: 'card_number_taken',
                message: `card number ${card.idZdc} is already linked to chip ${holders.get(card.idZdc)}` });
            }
            const takenLines = new Set(taken.map((card) => card.line));
            cards = cards.filter((card) => !takenLines.has(card.line));
            for (const card of cards) {
              const row = known.get(card.csn);
              if (!row) counts.created += 1;
              else if (same(card, row)) {
                counts.unchanged += 1;
                unchangedLines.add(card.line);
              } else counts.updated += 1;
            }
          }
          if (dryRun) throw new Rollback();
          const refused = report().rejected;
          importId = await repo.insertCardImport(trx, { institutionId: ref.id, fileName, partial, report: { ...report(), committed: !refused }, createdBy: context.actor });
          if (!refused) {
            const changed = cards.filter((card) => !unchangedLines.has(card.line));
            for (let start = 0; start < changed.length; start += CHUNK) await repo.upsertCards(trx, ref.id, importId, changed.slice(start, start + CHUNK));
            committed = true;
          }
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      return { ...report(), importId };
    },

    /** The imports the caller's institutions hold, newest first (`institution` narrows to one). */
    async history(caller: CrousFilesCaller & AccessScope, filter: { institution?: string; limit?: number }): Promise<{ items: CardImportView[]; cardCount: number | null }> {
      let institutionId: number | undefined;
      if (filter.institution !== undefined) {
        const found = (await institution.list(db)).find((ref) => ref.code === filter.institution);
        if (!found || (caller.institutionIds !== null && !caller.institutionIds.includes(found.id))) throw institutionNotFound();
        institutionId = found.id;
      }
      const rows = await repo.listCardImports(db, { institutionIds: caller.institutionIds, personTypes: null },
        { ...(institutionId !== undefined ? { institutionId } : {}), limit: filter.limit ?? 20 });
      return {
        items: rows.map((row) => ({
          id: row.id, institution: row.institution, fileName: row.fileName, partial: row.partial, report: row.report as unknown as CardFileReport,
          createdBy: row.createdBy, createdAt: row.createdAt.toISOString(),
        })),
        cardCount: institutionId === undefined ? null : await repo.countCards(db, institutionId),
      };
    },

    /** The pre-encoded card of a chip at an institution the caller reaches; 404 `pre_encoded_card_not_found`. */
    async lookup(caller: CrousFilesCaller, code: string | undefined, csn: string): Promise<PreEncodedCard> {
      const ref = await institution.targetFor(db, caller, code);
      const card = await preEncodedCardFor(db, ref.id, csn);
      if (!card) throw notFound('pre_encoded_card_not_found', 'No CROUS card file names this chip');
      return card;
    },

    preEncodedCardFor,
  };
}

/**
 * The CROUS card the CROUS encoded on this chip for this institution, when its card file named
 * it; undefined otherwise (or when `csn` is not a chip serial number). `csn` is hex in any case,
 * with or without separators. The CROUS connector calls it when a card with that chip is
 * enabled, inside its own transaction (`executor`).
 */
export async function preEncodedCardFor(executor: Executor, institutionId: number, csn: string): Promise<PreEncodedCard | undefined> {
  const parsed = parseCsn(csn, 'hex');
  if (!parsed.ok) return undefined;
  const row = await repo.findCard(executor, institutionId, parsed.hex);
  if (!row) return undefined;
  return {
    csn: row.csn, idZdc: row.idZdc, rid: row.rid, idTransmitter: row.idTransmitter, idMapping: row.idMapping,
    pixSs: row.pixSs, pixNn: row.pixNn, appl: row.appl, creationDay: row.creationDay, zdcCreationDate: new Date(`${row.creationDay}T00:00:00Z`),
  };
}

export type CrousCardImportService = ReturnType<typeof createCrousCardImportService>;
