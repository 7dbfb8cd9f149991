import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../http/access.ts';
import { errorResponses, Nullable } from '../http/schemas.ts';
import { EVENT_NAMES, EVENT_SCHEMA_VERSION, GRANTED_PARTS, type GrantedPart } from './event-catalogue.ts';
import { MAX_EVENTS_PAGE } from './events.service.ts';

const EventSchema = Type.Object({
  id: Type.String({ description: 'Unique id of the event' }),
  cursor: Type.String({ description: 'Opaque position of the event in the log: pass it as `after` to read what follows' }),
  type: Type.Union(EVENT_NAMES.map((name) => Type.Literal(name))),
  timestamp: Type.String({ format: 'date-time', description: 'When the change was made' }),
  institution: Type.String({ description: 'Code of the institution the event is about (the card\'s, or the enrolment\'s)' }),
  personType: Type.String({ description: 'The person\'s type at that institution' }),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: `The event's data as schemas/events/${EVENT_SCHEMA_VERSION}/<type>.json describes it: ids and states, plus the granted parts asked for with \`include\``,
  }),
}, { $id: 'Event' });

const INCLUDE_PATTERN = `^(${GRANTED_PARTS.join('|')})(,(${GRANTED_PARTS.join('|')}))*$`;

/**
 * The pull API of the event log, for systems that cannot receive webhooks: office readers (admin,
 * manager, viewer; users or API tokens) read the events of their institutions and person types,
 * filtered in the query, oldest first.
 */
export async function eventsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { events } = deps.services;
  app.addSchema(EventSchema);

  app.get('/events', {
    config: { access: { roles: ['admin', 'manager', 'viewer'] } },
    schema: {
      tags: ['events'],
      summary: 'Events after a cursor (card moves, person changes, consents), oldest first, within the caller\'s institutions and person types; '
        + 'kept EVENT_RETENTION_DAYS days. Poll with after = nextCursor: no event is skipped or repeated, even while changes commit concurrently',
      querystring: Type.Object({
        after: Type.Optional(Type.String({ maxLength: 64, description: 'The cursor of the last event read (nextCursor); absent: from the oldest event kept' })),
        limit: Type.Integer({ minimum: 1, maximum: MAX_EVENTS_PAGE, default: 100 }),
        include: Type.Optional(Type.String({
          pattern: INCLUDE_PATTERN,
          description: `Granted parts to add to each event's data, comma-separated: ${GRANTED_PARTS.join(', ')} (holder: names and eppn; csn: the chip number). Absent: ids and states only`,
        })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Ref('Event')),
          nextCursor: Nullable(Type.String({ description: 'Pass it as `after` next time (the last item\'s cursor, else the `after` given); null: no event yet' })),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const { after, limit, include } = request.query;
    const parts = include ? [...new Set(include.split(','))] as GrantedPart[] : [];
    return events.pull({ scope: principalOf(request), ...(after !== undefined ? { after } : {}), limit, include: parts });
  });
}
