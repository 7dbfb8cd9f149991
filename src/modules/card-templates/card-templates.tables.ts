import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/platform.tables.ts';
import type { CardTemplateLayout } from './domain/card-template.ts';

/** A card template (migration 0045): its current version is the one new prints use. */
export interface CardTemplatesTable {
  id: Generated<string>;
  /** null: a template of the whole deployment. */
  institutionId: number | null;
  name: string;
  currentVersion: Generated<number>;
  archivedAt: Timestamp | null;
  createdBy: string;
  createdAt: Generated<Date>;
  updatedBy: string;
  updatedAt: Generated<Date>;
}

/** One immutable version of a template's layout (UPDATE is refused by a trigger). */
export interface CardTemplateVersionsTable {
  id: Generated<string>;
  templateId: string;
  version: number;
  layout: Json<CardTemplateLayout>;
  createdBy: string;
  createdAt: Generated<Date>;
}

/** An image a layout names by id (logo, background), checked on upload. */
export interface CardTemplateAssetsTable {
  id: Generated<string>;
  institutionId: number | null;
  name: string;
  mediaType: 'image/png' | 'image/jpeg';
  content: Uint8Array;
  width: number;
  height: number;
  createdBy: string;
  createdAt: Generated<Date>;
}

/** A rule choosing a template; null criteria match anything, the most specific rule wins. */
export interface CardTemplateRulesTable {
  id: Generated<string>;
  institutionId: number | null;
  personType: string | null;
  cardKind: 'physical' | 'virtual' | null;
  templateId: string;
  createdBy: string;
  createdAt: Generated<Date>;
}

export type PrintBatchStatus = 'preparing' | 'ready' | 'taken' | 'printed' | 'failed';

/** A batch print file of an institution's office. */
export interface PrintBatchesTable {
  id: Generated<string>;
  institutionId: number;
  jobRunId: string | null;
  status: Generated<PrintBatchStatus>;
  cardCount: number;
  duplex: Generated<boolean>;
  pages: number | null;
  bytes: string | number | null;
  createdBy: string;
  createdAt: Generated<Date>;
  takenBy: string | null;
  takenAt: Timestamp | null;
  printedBy: string | null;
  printedAt: Timestamp | null;
  /** The lock key its cards were locked to when it was taken; passed on to whoever confirms it (migration 0054). */
  lockOwner: string | null;
  /** Cards of the queue left out because they had no photo (migration 0055). */
  leftOutWithoutPhoto: Generated<number>;
}

/** The cards of a batch in file order, each with the template version it is printed with. */
export interface PrintBatchCardsTable {
  batchId: string;
  seq: number;
  cardId: string;
  templateVersionId: string;
}

/** The PDF of a batch, a part at a time. */
export interface PrintBatchPartsTable {
  batchId: string;
  seq: number;
  content: Uint8Array;
}

/** Which template version a card was printed with (latest row wins). */
export interface CardPrintsTable {
  cardId: string;
  templateVersionId: string;
  batchId: string | null;
  printedAt: Generated<Date>;
}

export interface CardTemplatesTables {
  cardTemplates: CardTemplatesTable;
  cardTemplateVersions: CardTemplateVersionsTable;
  cardTemplateAssets: CardTemplateAssetsTable;
  cardTemplateRules: CardTemplateRulesTable;
  printBatches: PrintBatchesTable;
  printBatchCards: PrintBatchCardsTable;
  printBatchParts: PrintBatchPartsTable;
  cardPrints: CardPrintsTable;
}
