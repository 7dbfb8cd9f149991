import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Request logs carry the route pattern, never the raw URL (query strings
 * carry search terms and names), and credentials are redacted wherever they might appear.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({
    level,
    base: { service: 'campuscard' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
        'password', '*.password', 'token', '*.token', 'apiKey', '*.apiKey'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method?: string; routeOptions?: { url?: string }; id?: string }) {
        return { method: request.method, route: request.routeOptions?.url ?? 'unmatched', id: request.id };
      },
      res(reply: { statusCode?: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  }, destination as never);
}
