import { pino, type Logger } from 'pino';

/** What the logs keep of an error: never its message, which may quote user input. */
export interface LoggedError {
  /** The error's class (`DatabaseError`, `TypeError`) or, failing that, its name. */
  type: string;
  /** A machine code when the error has one: PostgreSQL SQLSTATE, Fastify or Node code. */
  code?: string;
  /** The stack frames only (`    at …` lines): where it happened, without the message line(s). */
  stack?: string;
  /** The cause, logged the same way. */
  cause?: LoggedError;
}

const FRAME = /^\s+at /;
/** Causes chained deeper than this are not followed (a cycle would never end). */
const MAX_CAUSE_DEPTH = 3;

/**
 * The loggable part of an error (an Error, or a plain `{ type, code, stack, message }` record as
 * some call sites build): its class, its code and its stack frames. The message is dropped, and
 * so are the first lines of the stack, which repeat it: a database error's message quotes the
 * value it refused (`date/time field value out of range: "2026-99-99 …"`), a parse error quotes
 * the input. Logs must let an operator find the failing code and route, not hold user data.
 */
export function errorForLog(error: unknown, depth = 0): LoggedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const record = error as { name?: unknown; type?: unknown; code?: unknown; stack?: unknown; cause?: unknown };
  const className = error instanceof Error && error.constructor.name !== 'Object' ? error.constructor.name : undefined;
  const type = className ?? (typeof record.type === 'string' ? record.type : typeof record.name === 'string' ? record.name : 'Error');
  const logged: LoggedError = { type };
  if (typeof record.code === 'string' && /^[\w.-]{1,64}$/.test(record.code)) logged.code = record.code;
  if (typeof record.stack === 'string') {
    const frames = record.stack.split('\n').filter((line) => FRAME.test(line));
    if (frames.length > 0) logged.stack = frames.join('\n');
  }
  if (record.cause !== undefined && depth < MAX_CAUSE_DEPTH) logged.cause = errorForLog(record.cause, depth + 1);
  return logged;
}

/**
 * Structured JSON logs. Request logs carry the route pattern, never the raw URL (query strings
 * carry search terms and names), credentials are redacted wherever they might appear, and errors
 * logged under `err` keep their class, code and stack frames but not their message.
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
      err: (error: unknown) => errorForLog(error),
    },
  }, destination as never);
}
