/**
 * RFC 9457 problem details. Every 4xx/5xx answer of the API is one of these, with a stable
 * machine-readable `code` that clients may switch on, and, where it applies, the field or the
 * input line at fault.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  /** JSON pointer-ish path of the offending field (`/email`, `/items/3/state`). */
  field?: string;
  /** 1-based line of an uploaded file at fault. */
  line?: number;
  /** Several problems at once (validation of a whole body or file). */
  errors?: ProblemItem[];
  [extension: string]: unknown;
}

export interface ProblemItem {
  code: string;
  message: string;
  field?: string;
  line?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that carries its own HTTP answer. Services throw it; the error handler presents it. */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly errors: ProblemItem[] | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: { field?: string; line?: number; errors?: ProblemItem[]; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.line = options.line;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }

  /** The body sent to the client. */
  toProblem(): ProblemDetails {
    const problem: ProblemDetails = {
      type: `https://campuscard.dev/problems/${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      code: this.code,
      detail: this.message,
      ...this.extensions,
    };
    if (this.field !== undefined) problem.field = this.field;
    if (this.line !== undefined) problem.line = this.line;
    if (this.errors !== undefined) problem.errors = this.errors;
    return problem;
  }
}

type ProblemOptions = ConstructorParameters<typeof ProblemError>[3];

/** 400: the request is malformed. */
export const badRequest = (code: string, detail: string, options?: ProblemOptions) =>
  new ProblemError(400, code, detail, options);
/** 401: no or invalid credentials. */
export const unauthorized = (detail = 'Authentication required', code = 'unauthenticated') =>
  new ProblemError(401, code, detail);
/** 403: authenticated but not allowed. */
export const forbidden = (detail = 'You are not allowed to do this', code = 'forbidden') =>
  new ProblemError(403, code, detail);
/** 404: nothing there (also used to hide the existence of data one may not see). */
export const notFound = (code: string, detail: string) => new ProblemError(404, code, detail);
/** 409: the state changed under you, or the move is not allowed from the current state. */
export const conflict = (code: string, detail: string, options?: ProblemOptions) =>
  new ProblemError(409, code, detail, options);
/** 422: well-formed but semantically wrong input. */
export const unprocessable = (code: string, detail: string, options?: ProblemOptions) =>
  new ProblemError(422, code, detail, options);

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
