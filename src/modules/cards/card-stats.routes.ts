import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponses, IsoDate, Nullable } from '../../platform/http/schemas.ts';
import { MAX_STATS_DAYS } from './domain/card-stats.ts';
import { DEFAULT_STATS_DAYS, STATS_READ_ROLES } from './card-stats.service.ts';

const Count = Type.Integer({ minimum: 0 });
const ByState = Type.Record(Type.String(), Count, { description: 'Card state → count (states with no card are left out)' });
const ByTypeAndState = Type.Record(Type.String(), ByState, { description: 'Holder person type → card state → count' });

const CardStatsSchema = Type.Object({
  timeZone: Type.String({ description: 'The time zone days are counted in (Europe/Paris: the institution settings have none)' }),
  today: IsoDate,
  from: IsoDate,
  days: Type.Integer(),
  personTypes: Type.Array(Type.String(), { description: 'The holder person types appearing below, sorted' }),
  current: ByTypeAndState,
  queues: Type.Object({
    waitingRequests: Type.Integer({ description: 'NEW and RENEWED' }),
    toPrint: Type.Integer({ description: 'REQUEST_CHECKED' }),
    inPrint: Type.Integer({ description: 'IN_PRINT' }),
    toEncode: Type.Integer({ description: 'PRINTED and IN_ENCODE' }),
    toDeliver: Type.Integer({ description: 'ENCODED and not handed over (no deliveredAt)' }),
  }),
  requestsPerDay: Type.Array(Type.Object({
    day: IsoDate,
    total: Count,
    byType: Type.Record(Type.String(), Count),
  }), { description: 'Every day of the window, oldest first, by the request date' }),
  history: Type.Array(Type.Object({ day: IsoDate, byType: ByTypeAndState }), {
    description: 'Every day of the window, oldest first: cards per current holder person type and state at the end of the day (today: now)',
  }),
  escSync: Nullable(Type.Object({
    enabled: Type.Boolean(),
    pending: Count,
    retrying: Count,
    failed: Count,
    done: Count,
  }, { description: 'ESC Router sync entries (admins and managers only; null for the other roles)' })),
});

/**
 * Card office statistics for the dashboard: office read roles (admin, manager, viewer, station,
 * deliverer), each within their institutions (narrowed to the `Campuscard-Institution` focus) and
 * person types; the ESC sync counts only for admins and managers.
 */
export async function cardStatsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cardStats } = deps.services;

  app.get('/stats/cards', {
    config: { access: { roles: STATS_READ_ROLES } },
    schema: {
      tags: ['cards'],
      summary: 'Card statistics: counts by state and person type now and per day, requests per day, work queues, ESC sync failures',
      description: 'Every figure covers the cards of the institutions the caller reaches (the focused one with the Campuscard-Institution header) and the person types they cover.',
      querystring: Type.Object({
        days: Type.Integer({ minimum: 1, maximum: MAX_STATS_DAYS, default: DEFAULT_STATS_DAYS, description: 'Length of the window, today included' }),
      }, { additionalProperties: false }),
      response: { 200: CardStatsSchema, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => cardStats.cardStats({ days: request.query.days }, principalOf(request)));
}
