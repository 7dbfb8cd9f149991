import type { Generated } from 'kysely';
import type { Json, JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';
import type { PersonSourceKind } from './domain/person-source.ts';

/** Status of a sync run; `awaiting_confirmation` is the safety stop (see directory-sync.service.ts). */
export type SourceRunStatus = 'queued' | 'running' | 'awaiting_confirmation' | 'succeeded' | 'failed' | 'cancelled';

/** A person source's definition (see migration 0026). */
export interface PersonSourcesTable {
  id: Generated<string>;
  name: string;
  institutionId: number | null;
  kind: PersonSourceKind;
  settings: JsonDefault<Record<string, unknown>>;
  mapping: JsonDefault<Record<string, unknown>>;
  schedule: string | null;
  incremental: Generated<boolean>;
  gonePolicy: Generated<string>;
  minRatio: Generated<number>;
  photosAllowed: Generated<boolean>;
  watermark: string | null;
  lastFullCount: number | null;
  nextRunAt: Timestamp | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/** What a source gave last time, per record key. */
export interface PersonSourceEntriesTable {
  sourceId: string;
  key: string;
  personId: string | null;
  institutionId: number | null;
  fingerprint: string;
  rawDigest: string | null;
  identity: string | null;
  lastSeenRun: string | null;
  goneAt: Timestamp | null;
}

/** One sync of a source. */
export interface PersonSourceRunsTable {
  id: Generated<string>;
  sourceId: string;
  mode: 'full' | 'incremental';
  dryRun: Generated<boolean>;
  status: Generated<SourceRunStatus>;
  readCount: Generated<number>;
  newCount: Generated<number>;
  changedCount: Generated<number>;
  goneCount: Generated<number>;
  unchangedCount: Generated<number>;
  errorCount: Generated<number>;
  /** Bad records whose key could not be read: while any, a full run takes nobody for gone. */
  unkeyedCount: Generated<number>;
  sample: JsonDefault<unknown[]>;
  errors: JsonDefault<unknown[]>;
  outcome: Json<Record<string, unknown>> | null;
  jobRunId: string | null;
  trigger: Generated<'manual' | 'schedule'>;
  createdBy: string;
  confirmedBy: string | null;
  createdAt: Generated<Date>;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
}

/** The tables the directory context owns. */
export interface DirectoryTables {
  personSources: PersonSourcesTable;
  personSourceEntries: PersonSourceEntriesTable;
  personSourceRuns: PersonSourceRunsTable;
}
