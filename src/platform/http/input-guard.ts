import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, type ProblemError } from './problem.ts';

/**
 * NUL (U+0000) and UTF-16 surrogates without their pair. PostgreSQL refuses both in text (and
 * a lone surrogate has no UTF-8 form at all), so letting one through turns into a 500 deep in a
 * query; no legitimate input holds either.
 */
const FORBIDDEN_CHARACTERS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a NUL or a lone surrogate. */
export function hasInvalidCharacters(text: string): boolean {
  return FORBIDDEN_CHARACTERS.test(text);
}

/** A JSON pointer segment (RFC 6901 escaping). */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer of the first string (value or object key) of `value` holding a NUL or a lone
 * surrogate, or undefined when there is none. A key at fault is reported as its object's path, so
 * that the answer never quotes the offending text. Iterative: a hostile body nested thousands of
 * levels deep cannot exhaust the call stack.
 */
export function findInvalidCharacters(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (hasInvalidCharacters(current)) return path || '/';
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) stack.push([current[index], `${path}/${index}`]);
    } else if (typeof current === 'object' && current !== null && !Buffer.isBuffer(current) && !ArrayBuffer.isView(current)) {
      const entries = Object.entries(current);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index] as [string, unknown];
        if (hasInvalidCharacters(key)) return path || '/';
        stack.push([child, `${path}/${pointerSegment(key)}`]);
      }
    }
  }
  return undefined;
}

function invalidCharacters(field: string): ProblemError {
  return badRequest('invalid_characters', `${field}: text may not contain NUL characters or unpaired surrogates`, { field });
}

/**
 * The first query parameter whose raw percent-encoding does not decode as UTF-8 (`%FF`, or
 * `%ED%A0%80`, the would-be encoding of a lone surrogate). The query string parser leaves such a
 * value as its raw text instead of refusing it; here it is refused, so that what a handler sees is
 * always what the client meant.
 */
function undecodableQueryParameter(url: string): string | undefined {
  const start = url.indexOf('?');
  if (start === -1) return undefined;
  for (const pair of url.slice(start + 1).split('&')) {
    const equals = pair.indexOf('=');
    const rawKey = equals === -1 ? pair : pair.slice(0, equals);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      return '/';
    }
    try {
      if (equals !== -1) decodeURIComponent(pair.slice(equals + 1).replace(/\+/g, ' '));
    } catch {
      return hasInvalidCharacters(key) ? '/' : `/${pointerSegment(key)}`;
    }
  }
  return undefined;
}

/** `invalid_characters` for the first request part (query, path parameters, body) at fault, if any. */
function parsedInputProblem(request: FastifyRequest): ProblemError | undefined {
  const undecodable = undecodableQueryParameter(request.url);
  if (undecodable !== undefined) return invalidCharacters(`querystring:${undecodable}`);
  const inQuery = findInvalidCharacters(request.query);
  if (inQuery !== undefined) return invalidCharacters(`querystring:${inQuery}`);
  const inParams = findInvalidCharacters(request.params);
  if (inParams !== undefined) return invalidCharacters(`params:${inParams}`);
  const inBody = findInvalidCharacters(request.body);
  return inBody === undefined ? undefined : invalidCharacters(inBody);
}

/**
 * Refuses, once and for every route, text that no part of the system can store: NUL and lone
 * surrogates, with 400 `invalid_characters` and the field as a JSON pointer prefixed like
 * validation errors (`querystring:/q`, `params:/escn`, `/items/3/name` for the body).
 *
 * Headers are checked on request (before credentials are looked up with them); query, path
 * parameters and the parsed body just before schema validation, that is after the access rule,
 * so an anonymous caller learns nothing more from this than from a validation error. Raw bodies
 * (files) are not text: their own parsers judge them.
 */
export function installInputGuard(app: FastifyInstance): void {
  // Callback hooks: no promise per request on the hot path (public verification).
  app.addHook('onRequest', (request, _reply, done) => {
    const name = Object.keys(request.headers).find((header) => {
      const value = request.headers[header];
      return (Array.isArray(value) ? value : [value]).some((one) => typeof one === 'string' && hasInvalidCharacters(one));
    });
    if (name !== undefined) done(invalidCharacters(`headers:/${pointerSegment(name)}`));
    else done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const problem = parsedInputProblem(request);
    if (problem) done(problem);
    else done();
  });
}
