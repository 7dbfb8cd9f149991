/**
 * Card office statistics: cards per state and holder person type now and at the end of each past
 * day, requests per day, the work queues, and the ESC Router sync counts, in one answer for the
 * dashboard.
 *
 * Days are calendar days in {@link STATS_TIME_ZONE}: the institution settings hold no time zone,
 * and campuscard serves French card offices. Past days come from the daily snapshot
 * (`card_state_daily`, written by the snapshot job); a past day without a snapshot is rewound from
 * the current counts through `card_moves` (so a new install shows its history at once) and the job
 * is queued to store it; today is always counted live.
 *
 * Every count uses the card's CURRENT holder person type (`cards.holder_person_type`): the history
 * does not keep the type a holder had on a past day, so when a person changes type, their cards
 * move to the new type on every day of the chart.
 *
 * Figures cover the caller's scope: the institutions they are granted (narrowed to the one they
 * focus on, if any) and their person types. Snapshots are stored per issuing institution, so the
 * past days of one institution, or of a federation's members, are sums of stored rows.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction } from '../../platform/db/database.ts';
import { badRequest, forbidden } from '../../platform/http/problem.ts';
import type { Principal, Role } from '../auth/domain/roles.ts';
import type { AccessScope } from '../../platform/db/scope-filter.ts';
import { OFFICE_READ_ROLES, OFFICE_WRITE_ROLES } from '../auth/domain/roles.ts';
import type { CountsByType, TypeStateCount, WorkQueues } from './domain/card-stats.ts';
import { addDays } from './domain/calendar-day.ts';
import { MAX_STATS_DAYS, countsByType, localDay, rewindCounts, windowDays, workQueues } from './domain/card-stats.ts';
import * as repo from './card-stats.repository.ts';

/** The time zone statistics days are counted in (see the file comment). */
export const STATS_TIME_ZONE = 'Europe/Paris';

export const DEFAULT_STATS_DAYS = 30;

/** Who may read the statistics: the office roles that may already list (and so count) cards. */
export const STATS_READ_ROLES: readonly Role[] = OFFICE_READ_ROLES;

/** Who also gets the ESC Router sync counts: those who may open the ESC sync status. */
const ESC_READ_ROLES: readonly Role[] = OFFICE_WRITE_ROLES;

export const CARD_STATS_QUEUES = {
  /** Stores the missing daily snapshots (nightly, and when a reader found some missing). */
  snapshot: 'card-stats-snapshot',
} as const;

/** 00:10 UTC: the previous day is over in Europe/Paris (01:10 or 02:10 there). */
export const CARD_STATS_SNAPSHOT_CRON = '10 0 * * *';

/** The ESC Router sync counts, as the esc context reports them. */
export interface EscSyncCounts {
  enabled: boolean;
  pending: number;
  retrying: number;
  failed: number;
  done: number;
}

export interface CardStatsDeps {
  db: Kysely<Database>;
  /** The esc context's sync counts, within the caller's scope where the esc context counts by institution. */
  escSyncCounts: (scope: AccessScope) => Promise<EscSyncCounts>;
  /** Queues the snapshot job (a reader found past days without a snapshot). */
  enqueueSnapshot: () => Promise<unknown>;
  now?: () => Date;
}

export interface CardStatsView {
  timeZone: string;
  /** Today in the time zone: the last day of the window, counted live. */
  today: string;
  /** The first day of the window. */
  from: string;
  days: number;
  /** The holder person types that appear in the answer, sorted. */
  personTypes: string[];
  /** Cards per person type and state now. */
  current: CountsByType;
  queues: WorkQueues;
  /** Every day of the window, oldest first: requests made that day (by `requested_at`). */
  requestsPerDay: Array<{ day: string; total: number; byType: Record<string, number> }>;
  /** Every day of the window, oldest first: cards per person type and state at the end of the day (today: now). */
  history: Array<{ day: string; byType: CountsByType }>;
  /** Null for callers who may not see the ESC sync (viewers, stations, deliverers). */
  escSync: EscSyncCounts | null;
}

type DatedCount = TypeStateCount & { day: string };

function byDay(rows: readonly DatedCount[]): Map<string, TypeStateCount[]> {
  const days = new Map<string, TypeStateCount[]>();
  for (const row of rows) {
    const list = days.get(row.day) ?? [];
    list.push({ personType: row.personType, state: row.state, count: row.count });
    days.set(row.day, list);
  }
  return days;
}

/** The card statistics service (see the file comment). */
export function createCardStatsService(deps: CardStatsDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    /**
     * The dashboard's statistics over the last `days` days (1 to 366, today included), within
     * the principal's institutions and person types (a manager of one institution, or limited to
     * some types, sees only theirs, in every figure; the ESC counts are the esc context's).
     */
    async cardStats(query: { days?: number | undefined }, principal: Principal): Promise<CardStatsView> {
      if (!STATS_READ_ROLES.includes(principal.role)) throw forbidden('Statistics are for the card office');
      const length = query.days ?? DEFAULT_STATS_DAYS;
      if (!Number.isInteger(length) || length < 1 || length > MAX_STATS_DAYS) {
        throw badRequest('invalid_days', `days must be an integer from 1 to ${MAX_STATS_DAYS}`, { field: 'querystring:/days' });
      }
      const scope: AccessScope = principal;
      const today = localDay(now(), STATS_TIME_ZONE);
      const days = windowDays(today, length);
      const from = days[0] ?? today;
      const tomorrow = addDays(today, 1);

      const snapshotted = await repo.findSnapshotDays(db, from, today);
      const missing = days.filter((day) => day !== today && !snapshotted.has(day));
      const [live, stored, requests, undelivered, escSync] = await Promise.all([
        missing.length > 0
          ? repo.readRewindInputs(db, addDays(missing[0] ?? today, 1), STATS_TIME_ZONE, scope)
          : repo.countByTypeAndState(db, scope).then((current) => ({ current, deltas: [] })),
        snapshotted.size > 0 ? repo.findSnapshots(db, from, today, scope) : Promise.resolve([]),
        repo.countRequestsPerDay(db, { from, to: tomorrow, timeZone: STATS_TIME_ZONE }, scope),
        repo.countUndelivered(db, scope),
        ESC_READ_ROLES.includes(principal.role) ? deps.escSyncCounts(scope) : Promise.resolve(null),
      ]);
      if (missing.length > 0) await deps.enqueueSnapshot();

      const pastDays = new Map([...byDay(stored), ...rewindCounts(live.current, live.deltas, missing)]);
      const history = days.map((day) => ({
        day,
        byType: countsByType(day === today ? live.current : pastDays.get(day) ?? []),
      }));
      const requested = new Map<string, Record<string, number>>();
      for (const row of requests) requested.set(row.day, { ...requested.get(row.day), [row.personType]: row.count });
      const requestsPerDay = days.map((day) => {
        const counts = requested.get(day) ?? {};
        return { day, total: Object.values(counts).reduce((sum, count) => sum + count, 0), byType: counts };
      });
      const personTypes = new Set([
        ...history.flatMap((point) => Object.keys(point.byType)),
        ...requests.map((row) => row.personType),
      ]);
      return {
        timeZone: STATS_TIME_ZONE,
        today,
        from,
        days: length,
        personTypes: [...personTypes].sort(),
        current: countsByType(live.current),
        queues: workQueues(live.current, undelivered),
        requestsPerDay,
        history,
        escSync,
      };
    },

    /**
     * The snapshot job: stores every day of the last {@link MAX_STATS_DAYS} days before today
     * that has no snapshot yet (all of them on a new install: backfilled from the moves), for
     * every institution and person type. Idempotent: under a transaction-scoped advisory lock, days already
     * stored are skipped and rows are upserted, so retries and several nodes change nothing more.
     * Returns the days it stored.
     */
    async snapshot(): Promise<{ days: string[] }> {
      const today = localDay(now(), STATS_TIME_ZONE);
      const past = windowDays(addDays(today, -1), MAX_STATS_DAYS);
      const first = past[0] ?? today;
      return inTransaction(db, { actor: 'system' }, async (trx) => {
        await repo.lockSnapshots(trx);
        const stored = await repo.findSnapshotDays(trx, first, today);
        const missing = past.filter((day) => !stored.has(day));
        if (missing.length === 0) return { days: [] };
        const rows: Array<TypeStateCount & { day: string; institutionId: number }> = [];
        // One institution at a time: each rewinds its own cards, through its own index range.
        for (const institutionId of await repo.findInstitutionIds(trx)) {
          const scope: AccessScope = { institutionIds: [institutionId], personTypes: null };
          const { current, deltas } = await repo.readRewindInputs(trx, addDays(missing[0] ?? first, 1), STATS_TIME_ZONE, scope);
          const rewound = rewindCounts(current, deltas, missing);
          rows.push(...[...rewound].flatMap(([day, counts]) => counts.map((count) => ({ ...count, day, institutionId }))));
        }
        await repo.saveSnapshots(trx, missing, rows, now());
        return { days: missing };
      });
    },
  };
}

export type CardStatsService = ReturnType<typeof createCardStatsService>;
