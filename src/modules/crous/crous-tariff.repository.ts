import type { Executor } from '../../platform/db/database.ts';
import type { CrousTariffRule } from './domain/crous-account.ts';

/** The stored rules of an institution. */
export interface CrousTariffRow {
  institutionId: number;
  crousNumber: string | null;
  rne: string | null;
  rules: CrousTariffRule[] | null;
  fetchedAt: Date | null;
  lastAttemptAt: Date;
  lastError: string | null;
}

/** The institution's stored rules and last attempt, if any attempt was made. */
export async function findTariffRules(db: Executor, institutionId: number): Promise<CrousTariffRow | undefined> {
  return db.selectFrom('crousTariffRules').selectAll().where('institutionId', '=', institutionId).executeTakeFirst();
}

/** Stores fetched rules (a success): replaces the previous ones and clears the error. */
export async function storeTariffRules(db: Executor, institutionId: number,
  fetched: { crousNumber: string; rne: string; rules: CrousTariffRule[]; at: Date }): Promise<void> {
  const values = {
    crousNumber: fetched.crousNumber, rne: fetched.rne, rules: JSON.stringify(fetched.rules), fetchedAt: fetched.at, lastAttemptAt: fetched.at, lastError: null,
  };
  await db.insertInto('crousTariffRules').values({ institutionId, ...values })
    .onConflict((conflict) => conflict.column('institutionId').doUpdateSet(values)).execute();
}

/** Records a failed attempt; the rules fetched before stay. */
export async function recordTariffFailure(db: Executor, institutionId: number, at: Date, error: string): Promise<void> {
  await db.insertInto('crousTariffRules').values({ institutionId, lastAttemptAt: at, lastError: error })
    .onConflict((conflict) => conflict.column('institutionId').doUpdateSet({ lastAttemptAt: at, lastError: error })).execute();
}
