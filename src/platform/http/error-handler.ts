import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorForLog } from '../observability/logger.ts';
import { PROBLEM_CONTENT_TYPE, ProblemError, type ProblemItem } from './problem.ts';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldOf(issue: AjvIssue, context: string | undefined): string {
  const extra = (issue.params?.missingProperty ?? issue.params?.additionalProperty) as string | undefined;
  const path = `${issue.instancePath ?? ''}${extra ? `/${extra}` : ''}` || '/';
  return context && context !== 'body' ? `${context}:${path}` : path;
}

/**
 * Formats whose failure has a problem code of its own, shared with the services that checked
 * them by hand before (`invalid_date`): clients switch on one code whichever layer refused.
 */
const FORMAT_CODES: Record<string, string> = {
  date: 'invalid_date',
  'date-time': 'invalid_date',
};

function codeOf(issue: AjvIssue): string {
  if (issue.keyword === 'additionalProperties') return 'unknown_field';
  if (issue.keyword === 'required') return 'required';
  const format = issue.params?.format;
  if (issue.keyword === 'format' && typeof format === 'string' && FORMAT_CODES[format]) return FORMAT_CODES[format];
  return `invalid_${issue.keyword ?? 'value'}`;
}

function validationProblem(error: FastifyError): ProblemError {
  const issues = (error.validation ?? []) as AjvIssue[];
  const context = error.validationContext;
  const items: ProblemItem[] = issues.map((issue) => ({
    code: codeOf(issue),
    field: fieldOf(issue, context),
    message: issue.keyword === 'additionalProperties' ? 'unknown field' : (issue.message ?? 'invalid value'),
  }));
  const first = items[0];
  // A value that is no real date is a date problem, whatever else the schema says about it.
  const code = items.some((item) => item.code === 'invalid_date') ? 'invalid_date' : 'validation_failed';
  const lead = items.find((item) => item.code === code) ?? first;
  return new ProblemError(400, code,
    lead ? `${lead.field}: ${lead.message}` : 'The request is invalid',
    { ...(lead?.field ? { field: lead.field } : {}), errors: items });
}

const FASTIFY_CODES: Record<string, [number, string, string, string?]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed_json', 'The body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'empty_body', 'The body is empty but JSON was announced'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'The body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'This content type is not accepted here'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'Content-Length does not match the body'],
  FST_REQ_FILE_TOO_LARGE: [413, 'file_too_large', 'The uploaded file is larger than the server accepts'],
  FST_PARTS_LIMIT: [413, 'too_many_parts', 'Too many parts in the multipart body'],
  FST_FILES_LIMIT: [413, 'too_many_files', 'Too many files in the multipart body'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'multipart_expected', 'A multipart/form-data body is expected'],
  FST_ERR_BAD_URL: [400, 'invalid_characters', 'The URL path is not valid percent-encoded UTF-8', 'params:/'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', 'A path parameter is longer than the server accepts', 'params:/'],
};

/**
 * An error met while a handler reads the parts of a multipart request: raised by the parser
 * (busboy, under @fastify/multipart: no boundary, a malformed part header, recognised by the
 * parser's own stack frames rather than by wording), or a part stream that ended before its
 * boundary (the body was cut short). These are plain Errors without a status; all mean that the
 * client sent a malformed or incomplete multipart body.
 */
function isMultipartReadError(error: Error & { statusCode?: number; code?: unknown }, request: FastifyRequest): boolean {
  // isMultipart comes with @fastify/multipart, which an app may not have registered.
  const multipart = (request as { isMultipart?: () => boolean }).isMultipart?.call(request) ?? false;
  if (error.statusCode !== undefined || !multipart) return false;
  if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  return typeof error.stack === 'string'
    && error.stack.split('\n').some((line) => /^\s+at .*[\\/]@fastify[\\/]busboy[\\/]/.test(line));
}

/** Turns any error into an `application/problem+json` answer; 5xx details never reach the client. */
export function toProblem(error: FastifyError | ProblemError | Error): ProblemError {
  if (error instanceof ProblemError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationProblem(fastifyError);
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new ProblemError(known[0], known[1], known[2], known[3] ? { field: known[3] } : {});
  if (error instanceof SyntaxError && (fastifyError.statusCode ?? 0) === 400) {
    return new ProblemError(400, 'malformed_json', 'The body is not valid JSON');
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return new ProblemError(429, 'rate_limited', 'Too many requests; try again later');
  if (status >= 400 && status < 500) {
    return new ProblemError(status, (fastifyError.code ?? 'bad_request').toLowerCase(), error.message);
  }
  return new ProblemError(500, 'internal_error', 'An unexpected error occurred; it has been logged');
}

/**
 * Answers an error as problem+json. An unexpected error is logged with its class, code (SQLSTATE,
 * Fastify code) and route and its stack frames, never its message: messages quote data (`date/time
 * field value out of range: "…"`), and logs must not hold user input.
 */
function answerProblem(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = isMultipartReadError(error, request)
    ? new ProblemError(400, 'malformed_multipart', 'The multipart/form-data body is malformed or incomplete')
    : toProblem(error);
  if (problem.status >= 500) {
    request.log.error({ err: errorForLog(error), route: request.routeOptions.url ?? 'unmatched' }, 'request failed');
  }
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem());
}

/**
 * For Fastify's `frameworkErrors` option: errors met while routing (a path that is not valid
 * percent-encoded UTF-8, an over-long path parameter), which Fastify otherwise answers with a
 * JSON body of its own, outside the error handler.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void answerProblem(error, request, reply);
}

/** Installs problem+json error and not-found handlers. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => answerProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const problem = new ProblemError(404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem());
  });
}
