import { child, parseXml, XmlRejectedError, type XmlElement } from './cas-xml.parser.ts';

/**
 * A CAS 3.0 client of our own (no maintained Node client exists): where to send the browser
 * (`/login`, `/logout`), service ticket validation over the back channel (`/p3/serviceValidate`),
 * and the single-logout message a CAS server POSTs to services.
 * Protocol: https://apereo.github.io/cas/7.0.x/protocol/CAS-Protocol-Specification.html
 */

/** Failure codes of the CAS 3.0 specification (section 2.5.3), as the server sends them. */
export const CAS_FAILURE_CODES = [
  'INVALID_REQUEST', 'INVALID_TICKET_SPEC', 'UNAUTHORIZED_SERVICE_PROXY', 'INVALID_PROXY_CALLBACK',
  'INVALID_TICKET', 'INVALID_SERVICE', 'INTERNAL_ERROR',
] as const;
export type CasFailureCode = (typeof CAS_FAILURE_CODES)[number];

/**
 * Why a validation did not give a user:
 * - `rejected`: the CAS server answered and refused the ticket (`code` is its failure code, or
 *   `INVALID_TICKET_SPEC` when the ticket could not be a service ticket and was not sent at all);
 * - `unreachable`: no answer (connection refused, DNS, timeout) or an HTTP 5xx without a CAS answer;
 * - `bad_response`: an answer that is not a CAS serviceResponse (not XML, a DTD, a redirect, an
 *   HTML page, neither success nor failure, a success without a user, too big).
 */
export class CasError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unreachable' | 'bad_response',
    readonly code: CasFailureCode | 'UNREACHABLE' | 'BAD_RESPONSE',
    message: string,
  ) {
    super(message);
    this.name = 'CasError';
  }
}

/** A validated service ticket: the user the CAS server names, and every attribute it released. */
export interface CasValidation {
  user: string;
  /** Attribute name (as sent, without namespace prefix) → values, in order; multi-valued attributes keep every value. */
  attributes: Record<string, string[]>;
}

/** What a single-logout message names. */
export interface CasLogoutRequest {
  /** The service ticket the session was opened with (`SessionIndex`). */
  sessionIndex: string;
  /** The message id, when given (for logs). */
  id: string | undefined;
}

/** Options of {@link createCasClient}. */
export interface CasClientOptions {
  /** Base URL of the server as browsers reach it, without trailing slash (`https://cas.univ.fr/cas`). */
  casUrl: string;
  /** Base URL for back-channel calls, when the server reaches CAS elsewhere than browsers do; default `casUrl`. */
  backChannelUrl?: string;
  /** How long a validation may take, in milliseconds; default 5000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CasClient {
  /** Where to send the browser to log in; CAS comes back to `service` with `ticket`. */
  loginUrl(service: string, options?: { renew?: boolean }): string;
  /**
   * Validates a service ticket for exactly the service URL it was issued for. Resolves with the
   * user and attributes, or rejects with a {@link CasError}; never anything else.
   */
  validate(service: string, ticket: string): Promise<CasValidation>;
  /** Where to send the browser to end the CAS session, coming back to `service` when the server allows it. */
  logoutUrl(service?: string): string;
}

/** Service tickets: `ST-` then printable ASCII, 256 characters at most (specification 3.1.1, 3.7). */
const SERVICE_TICKET = /^ST-[\x21-\x7e]{1,253}$/;
/** A CAS answer is a few kilobytes; more is not a CAS answer. */
const MAX_ANSWER_BYTES = 256 * 1024;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Whether `value` can be a service ticket (checked before anything is sent to the server). */
export function isServiceTicket(value: string): boolean {
  return SERVICE_TICKET.test(value);
}

/** Creates a client for one CAS server. */
export function createCasClient(options: CasClientOptions): CasClient {
  const base = trimSlash(options.casUrl);
  const backChannel = trimSlash(options.backChannelUrl ?? options.casUrl);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const fetcher = options.fetch ?? fetch;
  return {
    loginUrl(service, login = {}) {
      const query = new URLSearchParams({ service });
      if (login.renew) query.set('renew', 'true');
      return `${base}/login?${query}`;
    },
    logoutUrl(service) {
      return service === undefined ? `${base}/logout` : `${base}/logout?${new URLSearchParams({ service })}`;
    },
    async validate(service, ticket) {
      if (!isServiceTicket(ticket)) throw new CasError('rejected', 'INVALID_TICKET_SPEC', 'the ticket is not a CAS service ticket');
      const url = `${backChannel}/p3/serviceValidate?${new URLSearchParams({ service, ticket })}`;
      let response: Response;
      try {
        response = await fetcher(url, {
          headers: { accept: 'application/xml, text/xml;q=0.9' },
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        throw new CasError('unreachable', 'UNREACHABLE', timedOut ? `no answer within ${timeoutMs} ms` : 'the server cannot be reached');
      }
      let body: string;
      try {
        body = await readBounded(response);
      } catch (error) {
        if (error instanceof CasError) throw error;
        throw new CasError('unreachable', 'UNREACHABLE', 'the answer was cut off');
      }
      let parsed: CasValidation;
      try {
        parsed = parseServiceResponse(body);
      } catch (error) {
        // A server in trouble often answers an HTML error page: an outage, not a protocol breach.
        if (error instanceof CasError && error.kind === 'bad_response' && response.status >= 500) {
          throw new CasError('unreachable', 'UNREACHABLE', `the server answered HTTP ${response.status}`);
        }
        if (error instanceof CasError && error.kind === 'bad_response' && response.status !== 200) {
          throw new CasError('bad_response', 'BAD_RESPONSE', `HTTP ${response.status}: ${error.message}`);
        }
        throw error;
      }
      return parsed;
    },
  };
}

async function readBounded(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new CasError('bad_response', 'BAD_RESPONSE', 'the answer is too large for a CAS answer');
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new CasError('bad_response', 'BAD_RESPONSE', 'the answer is too large for a CAS answer');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads a `/p3/serviceValidate` answer. Attributes come as child elements of `attributes`
 * (CAS 3.0, repeated for several values) or, from older servers, as
 * `<cas:attribute name="…" value="…"/>`; both are read. Throws a {@link CasError}: `rejected`
 * for an `authenticationFailure` (unknown codes read as INVALID_TICKET), `bad_response` for the rest.
 */
export function parseServiceResponse(xml: string): CasValidation {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlRejectedError) throw new CasError('bad_response', 'BAD_RESPONSE', `the answer is not a CAS answer: ${error.message}`);
    throw error;
  }
  if (root.name !== 'serviceResponse') throw new CasError('bad_response', 'BAD_RESPONSE', `the answer is not a CAS serviceResponse (root <${root.name}>)`);
  const failure = child(root, 'authenticationFailure');
  if (failure) {
    const given = failure.attributes.code?.trim().toUpperCase() ?? '';
    const code = (CAS_FAILURE_CODES as readonly string[]).includes(given) ? given as CasFailureCode : 'INVALID_TICKET';
    // The message is the server's; bounded, and never shown as markup.
    throw new CasError('rejected', code, failure.text.slice(0, 500) || code);
  }
  const success = child(root, 'authenticationSuccess');
  if (!success) throw new CasError('bad_response', 'BAD_RESPONSE', 'the answer is neither a success nor a failure');
  const user = child(success, 'user')?.text ?? '';
  if (user === '') throw new CasError('bad_response', 'BAD_RESPONSE', 'the success names no user');
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const add = (name: string, value: string) => {
    if (name === '' || value === '') return;
    (attributes[name] ??= []).push(value);
  };
  const container = child(success, 'attributes');
  for (const attribute of container?.children ?? []) {
    if (attribute.name === 'attribute' && attribute.attributes.name !== undefined) {
      add(attribute.attributes.name, attribute.attributes.value ?? attribute.text);
    } else {
      add(attribute.name, attribute.text);
    }
  }
  return { user, attributes: { ...attributes } };
}

/**
 * Reads the SAML `LogoutRequest` a CAS server POSTs (form field `logoutRequest`) to end the
 * sessions opened with a service ticket. Undefined when it is not such a message.
 */
export function parseLogoutRequest(xml: string): CasLogoutRequest | undefined {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlRejectedError) return undefined;
    throw error;
  }
  if (root.name !== 'LogoutRequest') return undefined;
  const sessionIndex = child(root, 'SessionIndex')?.text ?? '';
  if (!isServiceTicket(sessionIndex)) return undefined;
  return { sessionIndex, id: root.attributes.ID };
}
