import type { Generated } from 'kysely';

/** An uploaded export waiting for (or being read by) its migration job; deleted when the run ends. */
export interface CardMigrationUploadsTable {
  jobRunId: string;
  fileName: string | null;
  content: Buffer;
  createdAt: Generated<Date>;
}

/** A batch of a migration run that committed: a restarted run skips it. */
export interface CardMigrationBatchesTable {
  jobRunId: string;
  seq: number;
  cards: number;
  doneAt: Generated<Date>;
}

/** Which source card a migrated card came from, so that the same export never creates a card twice. */
export interface MigratedCardsTable {
  institutionId: number;
  sourceId: string;
  cardId: string;
  jobRunId: string | null;
  migratedAt: Generated<Date>;
}

export interface CardMigrationTables {
  cardMigrationUploads: CardMigrationUploadsTable;
  cardMigrationBatches: CardMigrationBatchesTable;
  migratedCards: MigratedCardsTable;
}
