import type { Json, Timestamp } from '../../platform/db/platform.tables.ts';
import type { CrousTariffRule } from './domain/crous-account.ts';

/** The CROUS's tariff rules for one institution, as last fetched (migration 0038). */
export interface CrousTariffRulesTable {
  institutionId: number;
  /** The CROUS number and UAI the rules were asked for (settings may change later). */
  crousNumber: string | null;
  rne: string | null;
  /** The CROUS's answer in its order (the first matching rule wins); null until a fetch succeeds. */
  rules: Json<CrousTariffRule[]> | null;
  fetchedAt: Timestamp | null;
  lastAttemptAt: Timestamp;
  /** Why the last attempt failed (the previous rules are kept); null after a success. */
  lastError: string | null;
}

export interface CrousTariffTables {
  crousTariffRules: CrousTariffRulesTable;
}
