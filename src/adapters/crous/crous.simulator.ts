import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { CrousAccountStatus, CrousBlockingStatus, CrousTariffRule } from '../../modules/crous/domain/crous-account.ts';
import { CROUS_ACCOUNT_STATUSES, CROUS_BLOCKING_STATUSES, STUDENT_COMPANY_RATE } from '../../modules/crous/domain/crous-account.ts';
import { DEFAULT_CROUS_TIME_ZONE, parseCrousDateTime } from '../../modules/crous/domain/crous-dates.ts';
import type { CrousEnvironment, CrousErrorBody, RightHolderWire, SmartCardReadWire, SmartCardWire, TariffRuleWire } from './crous.types.ts';
import { CROUS_API_PREFIX, CROUS_LEGACY_ENV, CROUS_TOKEN_PATHS } from './crous.types.ts';
import { cancellableDelays, isRecord, readLimitedBody, seededRandom } from '../http-kit.ts';

/**
 * An in-memory API CROUS speaking real HTTP, for tests, benchmarks and (later) the demo.
 *
 * One server plays both hosts: the token endpoints (`/api/oauth/token` in production,
 * `/api-pp/oauth/token` in pre-production; the other answers 404) and the API under
 * `/beforeizly/v1`, plus the legacy `POST /v1/token`. Credentials are bound to an institution
 * (its UAI); a token carries it.
 *
 * What it enforces, from shared/domain/crous-izly.md and the public client's handling:
 * - dates written exactly `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (wall-clock of the CROUS's zone);
 *   `zdcCreationDate` with an offset; the `uid` header on card PATCHes equal to the card's CSN;
 *   unknown fields, missing fields and wrong types are 400 (SIM-VALIDATION): the strictness is
 *   the contract;
 * - 404 for an unknown account or card (and when adding a card to a closed account); 423 for a
 *   frozen account (COMPTE_GELE) and for POST on a closed one ("Account is closed", reopened by
 *   DELETE /closed-rightholders/{id}); 422 −11 POST of an existing account, −41 writes to an
 *   account in opposition, −9 cancelling a cancelled card, −8 revalidating once the due date has
 *   passed (and a due date in the past on POST/PUT), −31 adding a card the CROUS knew on an
 *   account deleted for GDPR, −117 / −42 when scripted with {@link CrousSimulator.refuse};
 * - 406 on PUT by an institution other than the one with priority, unless the PUT extends the
 *   due date (a new enrolment: the caller then gets priority); adding a card works for any;
 * - where the real API's answer is unknown the simulator picks the strict reading with its own
 *   codes: SIM-VALIDATION, SIM-NOT-FOUND, SIM-TOKEN (401 token missing, unknown or expired),
 *   SIM-STUDENT-CATEGORY (400, a student's category changed), SIM-DUE-DATE-SHORTENED (400, a
 *   student's due date shortened), SIM-CARD-EXISTS (422), SIM-UID (400), SIM-PRIORITY (406),
 *   SIM-CLOSED (423), SIM-LOCKED (423), SIM-INJECTED-FAILURE (500), SIM-UNAVAILABLE (503).
 *
 * Faults: `down` (connections reset, or 503 with `downMode: 'unavailable'`), `delayMs`,
 * `failRate` (seeded), `expiredTokenStatus` (answer 401 or 403 to an expired token) and
 * {@link CrousSimulator.expireTokens} (every issued token stops working, as at expiry).
 */

/** Credentials the simulator accepts, each bound to an institution's UAI. */
export interface SimulatedCredential {
  mode: 'oauth2' | 'legacy';
  id: string;
  secret: string;
  rne: string;
}

/** Options of {@link startCrousSimulator}. */
export interface CrousSimulatorOptions {
  port?: number;
  host?: string;
  /** Which platform it plays (token path, legacy env); default production. */
  environment?: CrousEnvironment;
  credentials?: SimulatedCredential[];
  /** Lifetime of issued OAuth2 tokens; default 3600 s. */
  tokenLifetimeSeconds?: number;
  /** Zone of the quirky dates; default Europe/Paris. */
  timeZone?: string;
  now?: () => Date;
  /** Keep only the latest requests in the log (a long-running embedded simulator); default all. */
  requestLogLimit?: number;
}

/** A card as stored. */
export interface SimulatedSmartCard extends SmartCardWire {
  cancelDate: string;
  revalidationDate: string;
  reason: string;
}

/** An account as stored. */
export interface SimulatedAccount {
  wire: RightHolderWire;
  accountStatus: CrousAccountStatus;
  blockingStatus: CrousBlockingStatus;
  /** The institution whose UAI has priority (the last to create or extend it). */
  priorityRne: string;
  cards: Map<number, SimulatedSmartCard>;
}

/** Faults to inject; `setFaults` replaces the whole set. */
export interface CrousSimulatorFaults {
  down?: boolean;
  downMode?: 'reset' | 'unavailable';
  delayMs?: number;
  failRate?: number;
  seed?: number;
  /** Status answered to a known but expired token: 401 (default) or 403. */
  expiredTokenStatus?: 401 | 403;
}

/** One request as seen, with its answer; holds no secret (only which kind of credentials came). */
export interface CrousSimulatorLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** `basic`, `legacy` (credentials without "Basic"), `bearer`, or `none`. */
  authorization: 'basic' | 'legacy' | 'bearer' | 'none';
  rne: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  userAgent: string | undefined;
  uidHeader: string | undefined;
  requestBody: unknown;
  status: number | undefined;
  responseBody: unknown;
  fault: 'down' | 'failure' | undefined;
  /** Which TCP connection carried the request (numbered in order of arrival): shows keep-alive at work. */
  connection: number;
}

/** A running simulator. */
export interface CrousSimulator {
  /** Base URL for both `baseUrl` and the OAuth2 `accessUrl` of the client. */
  url: string;
  port: number;
  environment: CrousEnvironment;
  /** Live state: accounts by identifier; tests may read and seed it. */
  accounts: Map<string, SimulatedAccount>;
  requestLog: CrousSimulatorLogEntry[];
  setFaults(faults: CrousSimulatorFaults): void;
  registerCredential(credential: SimulatedCredential): void;
  /** Publishes an institution's tariff rules under its CROUS number. */
  setTariffRules(crousNumber: string, rne: string, rules: CrousTariffRule[]): void;
  /** Sets what the CROUS itself decides: account and blocking status. */
  setAccountState(identifier: string, state: { accountStatus?: CrousAccountStatus; blockingStatus?: CrousBlockingStatus; idRate?: number }): void;
  /** Deletes an account as a GDPR erasure would; its cards' numbers are remembered (−31). */
  eraseAccount(identifier: string): void;
  /** Next writes to this account answer 422 with `code` (e.g. "-117") until `refuse(identifier)`. */
  refuse(identifier: string, code?: string, message?: string): void;
  /** Every issued token stops working now (as when they expire). */
  expireTokens(): void;
  /** Tokens issued so far (authentications), for tests of token caching. */
  tokensIssued(): number;
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024;
const QUIRK_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const OFFSET_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}(:?\d{2})?)$/;
const BIRTH_PATTERN = /^(\d{4}-\d{2}-\d{2})?$/;
const UID_PATTERN = /^(?:[0-9A-F]{2}){4,10}$/;
const RIGHT_HOLDER_FIELDS = ['identifier', 'firstName', 'lastName', 'email', 'dueDate', 'idCompanyRate', 'idRate', 'simpleBirthDate', 'ine', 'rneOrgCode'];
const CARD_FIELDS = ['idTransmitter', 'idMapping', 'idZdc', 'zdcCreationDate', 'pixSs', 'pixNn', 'appl', 'uid', 'rid'];
const PATCH_CARD_FIELDS = ['cancelDate', 'revalidationDate', 'reason'];
const PATCH_ID_FIELDS = ['currentIdentifier', 'email', 'newIdentifier'];

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

const validation = (message: string, field: string | null = null): SimError => new SimError(400, 'SIM-VALIDATION', message, field);

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface IssuedToken {
  rne: string;
  expiresAt: number;
}

function exactFields(body: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (!isRecord(body)) throw validation(`${where} must be a JSON object`);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw validation(`${where}: unknown field ${key}`, key);
  }
  for (const key of allowed) {
    if (!(key in body)) throw validation(`${where}: ${key} is required`, key);
  }
  return body;
}

function text(body: Record<string, unknown>, field: string, options: { empty?: boolean } = {}): string {
  const value = body[field];
  if (typeof value !== 'string') throw validation(`${field} must be a string`, field);
  if (!options.empty && value.trim() === '') throw validation(`${field} must not be empty`, field);
  return value;
}

function integer(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw validation(`${field} must be an integer`, field);
  return value;
}

/** Starts the simulator and resolves once it listens. */
export async function startCrousSimulator(options: CrousSimulatorOptions = {}): Promise<CrousSimulator> {
  const host = options.host ?? '127.0.0.1';
  const environment = options.environment ?? 'production';
  const timeZone = options.timeZone ?? DEFAULT_CROUS_TIME_ZONE;
  const now = options.now ?? (() => new Date());
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 3600) * 1000;
  const requestLogLimit = options.requestLogLimit ?? Number.POSITIVE_INFINITY;
  const credentials = new Map<string, SimulatedCredential>();
  const registerCredential = (credential: SimulatedCredential): void => {
    credentials.set(`${credential.mode}:${credential.id}`, credential);
  };
  for (const credential of options.credentials ?? []) registerCredential(credential);

  const accounts = new Map<string, SimulatedAccount>();
  const erasedCards = new Set<number>();
  const refusals = new Map<string, { code: string; message: string }>();
  const tariffs = new Map<string, TariffRuleWire[]>();
  const tokens = new Map<string, IssuedToken>();
  const requestLog: CrousSimulatorLogEntry[] = [];
  const { delay, cancelAll: cancelDelays } = cancellableDelays();
  const connections = new WeakMap<object, number>();
  let connectionCount = 0;
  let issued = 0;
  let faults: CrousSimulatorFaults = {};
  let draw = seededRandom(Date.now());

  function issueToken(rne: string, lifetime: number): string {
    const token = randomBytes(18).toString('base64url');
    tokens.set(token, { rne, expiresAt: now().getTime() + lifetime });
    issued += 1;
    return token;
  }

  function credentialFrom(encoded: string, mode: SimulatedCredential['mode']): SimulatedCredential | undefined {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const found = credentials.get(`${mode}:${decoded.slice(0, colon)}`);
    return found !== undefined && found.secret === decoded.slice(colon + 1) ? found : undefined;
  }

  function quirkDate(body: Record<string, unknown>, field: string): Date {
    const value = text(body, field);
    const parsed = QUIRK_PATTERN.test(value) ? parseCrousDateTime(value, timeZone) : undefined;
    if (parsed === undefined) throw validation(`${field} must be yyyy-MM-dd'T'HH:mm:ss.SSS'Z', got ${JSON.stringify(value)}`, field);
    return parsed;
  }

  function readRightHolder(body: unknown): RightHolderWire {
    const record = exactFields(body, RIGHT_HOLDER_FIELDS, 'RightHolder');
    quirkDate(record, 'dueDate');
    const birth = text(record, 'simpleBirthDate', { empty: true });
    if (!BIRTH_PATTERN.test(birth)) throw validation('simpleBirthDate must be YYYY-MM-DD or empty', 'simpleBirthDate');
    const ine = record.ine;
    if (ine !== null && typeof ine !== 'string') throw validation('ine must be a string or null', 'ine');
    const email = text(record, 'email');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw validation('email is not an e-mail address', 'email');
    return {
      identifier: text(record, 'identifier'),
      firstName: text(record, 'firstName'),
      lastName: text(record, 'lastName'),
      email,
      dueDate: text(record, 'dueDate'),
      idCompanyRate: integer(record, 'idCompanyRate'),
      idRate: integer(record, 'idRate'),
      simpleBirthDate: birth,
      ine,
      rneOrgCode: text(record, 'rneOrgCode'),
    };
  }

  function accountView(account: SimulatedAccount): RightHolderWire {
    return { ...account.wire, accountStatus: account.accountStatus, blockingStatus: account.blockingStatus };
  }

  function cardView(card: SimulatedSmartCard): SmartCardReadWire {
    return { ...card };
  }

  function find(identifier: string): SimulatedAccount {
    const account = accounts.get(identifier);
    if (account === undefined) throw new SimError(404, 'SIM-NOT-FOUND', 'Client inconnu');
    return account;
  }

  const isClosed = (account: SimulatedAccount): boolean => account.accountStatus === 'CLOTURE' || account.accountStatus === 'CLOTURE_EN_COURS';

  function refuseLocked(account: SimulatedAccount): void {
    if (account.blockingStatus === 'COMPTE_GELE') throw new SimError(423, 'SIM-LOCKED', 'Account is locked');
  }

  function refuseWrites(identifier: string, account: SimulatedAccount): void {
    refuseLocked(account);
    if (account.blockingStatus === 'MIS_EN_OPPOSITION') throw new SimError(422, '-41', 'Client en opposition');
    const refusal = refusals.get(identifier);
    if (refusal !== undefined) throw new SimError(422, refusal.code, refusal.message);
  }

  function refusePastDueDate(wire: RightHolderWire): void {
    const due = parseCrousDateTime(wire.dueDate, timeZone);
    if (due === undefined || due.getTime() <= now().getTime()) throw new SimError(422, '-8', 'Date de fin de validité dépassée', 'dueDate');
  }

  function readCard(body: unknown): SmartCardWire {
    const record = exactFields(body, CARD_FIELDS, 'SmartCard');
    const created = text(record, 'zdcCreationDate');
    if (!OFFSET_PATTERN.test(created) || parseCrousDateTime(created, timeZone) === undefined) {
      throw validation("zdcCreationDate must be yyyy-MM-dd'T'HH:mm:ss.SSSX", 'zdcCreationDate');
    }
    const uid = text(record, 'uid');
    if (!UID_PATTERN.test(uid)) throw validation('uid must be the CSN in upper-case hex', 'uid');
    return {
      idTransmitter: integer(record, 'idTransmitter'),
      idMapping: integer(record, 'idMapping'),
      idZdc: integer(record, 'idZdc'),
      zdcCreationDate: created,
      pixSs: text(record, 'pixSs', { empty: true }),
      pixNn: text(record, 'pixNn', { empty: true }),
      appl: text(record, 'appl', { empty: true }),
      uid,
      rid: text(record, 'rid', { empty: true }),
    };
  }

  function route(method: string, segments: string[], body: unknown, headers: IncomingMessage['headers'], callerRne: string): Answer {
    const [resource, id, sub, idZdcText, ...rest] = segments;
    if (rest.length > 0) throw new SimError(404, 'SIM-NOT-FOUND', 'No such endpoint');

    if (resource === 'rightholders' && id === undefined && method === 'POST') {
      const wire = readRightHolder(body);
      const existing = accounts.get(wire.identifier);
      if (existing !== undefined) {
        refuseLocked(existing);
        if (isClosed(existing)) throw new SimError(423, 'SIM-CLOSED', 'Account is closed');
        throw new SimError(422, '-11', 'Client existant');
      }
      const refusal = refusals.get(wire.identifier);
      if (refusal !== undefined) throw new SimError(422, refusal.code, refusal.message);
      refusePastDueDate(wire);
      const account: SimulatedAccount = { wire, accountStatus: 'NON_CONFIRME', blockingStatus: 'NON_BLOQUE', priorityRne: callerRne, cards: new Map() };
      accounts.set(wire.identifier, account);
      return { status: 201, body: accountView(account) };
    }

    if (resource === 'rightholders' && id !== undefined && sub === undefined) {
      if (method === 'GET') {
        const account = find(id);
        refuseLocked(account);
        return { status: 200, body: accountView(account) };
      }
      if (method === 'PUT') {
        const wire = readRightHolder(body);
        if (wire.identifier !== id) throw validation('identifier does not match the path', 'identifier');
        const account = find(id);
        refuseWrites(id, account);
        if (isClosed(account)) throw new SimError(423, 'SIM-CLOSED', 'Account is closed');
        refusePastDueDate(wire);
        const newDue = parseCrousDateTime(wire.dueDate, timeZone)?.getTime() ?? 0;
        const oldDue = parseCrousDateTime(account.wire.dueDate, timeZone)?.getTime() ?? 0;
        if (account.priorityRne !== callerRne) {
          if (newDue <= oldDue) throw new SimError(406, 'SIM-PRIORITY', 'Le compte a un rne prioritaire qui est différent du rne proposé');
          account.priorityRne = callerRne;
        }
        if (account.wire.idCompanyRate === STUDENT_COMPANY_RATE) {
          if (wire.idCompanyRate !== STUDENT_COMPANY_RATE) throw new SimError(400, 'SIM-STUDENT-CATEGORY', 'a student stays a student', 'idCompanyRate');
          if (newDue < oldDue) throw new SimError(400, 'SIM-DUE-DATE-SHORTENED', 'a student due date is only extended', 'dueDate');
        }
        account.wire = wire;
        return { status: 200, body: accountView(account) };
      }
      if (method === 'PATCH') {
        const record = exactFields(body, PATCH_ID_FIELDS, 'PatchIdentifier');
        const currentIdentifier = text(record, 'currentIdentifier');
        const newIdentifier = text(record, 'newIdentifier');
        const email = text(record, 'email', { empty: true });
        if (currentIdentifier !== id) throw validation('currentIdentifier does not match the path', 'currentIdentifier');
        const account = find(id);
        refuseWrites(id, account);
        if (email.toLowerCase() !== account.wire.email.toLowerCase()) throw validation('email does not match the account', 'email');
        if (newIdentifier !== id && accounts.has(newIdentifier)) throw new SimError(422, '-11', 'Client existant');
        accounts.delete(id);
        account.wire = { ...account.wire, identifier: newIdentifier };
        accounts.set(newIdentifier, account);
        return { status: 200, body: accountView(account) };
      }
    }

    if (resource === 'closed-rightholders' && id !== undefined && sub === undefined && method === 'DELETE') {
      const account = accounts.get(id);
      if (account === undefined || !isClosed(account)) throw new SimError(404, 'SIM-NOT-FOUND', 'No closed account under this identifier');
      account.accountStatus = 'ACTIF';
      return { status: 200, body: accountView(account) };
    }

    if (resource === 'rightholders' && id !== undefined && sub === 'smartcard') {
      if (idZdcText === undefined && method === 'POST') {
        const card = readCard(body);
        if (erasedCards.has(card.idZdc)) throw new SimError(422, '-31', 'Carte connue, client supprimé (RGPD)');
        const account = accounts.get(id);
        if (account === undefined || isClosed(account)) throw new SimError(404, 'SIM-NOT-FOUND', 'Client inconnu ou clôturé');
        refuseWrites(id, account);
        for (const other of accounts.values()) {
          if (other.cards.has(card.idZdc)) throw new SimError(422, 'SIM-CARD-EXISTS', 'Carte déjà connue');
        }
        const stored: SimulatedSmartCard = { ...card, cancelDate: '', revalidationDate: '', reason: '' };
        account.cards.set(card.idZdc, stored);
        return { status: 201, body: cardView(stored) };
      }
      if (idZdcText !== undefined) {
        if (!/^\d+$/.test(idZdcText)) throw validation('idZdc must be an integer');
        const account = find(id);
        const card = account.cards.get(Number(idZdcText));
        if (card === undefined) throw new SimError(404, 'SIM-NOT-FOUND', 'Carte inconnue');
        if (method === 'GET') {
          refuseLocked(account);
          return { status: 200, body: cardView(card) };
        }
        if (method === 'PATCH') {
          const uid = headers.uid;
          if (typeof uid !== 'string' || uid !== card.uid) throw new SimError(400, 'SIM-UID', 'the uid header must be the card CSN in upper-case hex', 'uid');
          const record = exactFields(body, PATCH_CARD_FIELDS, 'SmartCard patch');
          const reason = text(record, 'reason', { empty: true });
          const cancelling = reason !== '';
          if (cancelling) {
            if (!['DP', 'DV', 'CD', 'HS'].includes(reason)) throw validation('reason must be DP, DV, CD or HS', 'reason');
            quirkDate(record, 'cancelDate');
            if (text(record, 'revalidationDate', { empty: true }) !== '') throw validation('revalidationDate must be empty when cancelling', 'revalidationDate');
          } else {
            quirkDate(record, 'revalidationDate');
            if (text(record, 'cancelDate', { empty: true }) !== '') throw validation('cancelDate must be empty when revalidating', 'cancelDate');
          }
          refuseWrites(id, account);
          if (cancelling) {
            if (card.cancelDate !== '') throw new SimError(422, '-9', 'Carte déjà invalidée');
            card.cancelDate = text(record, 'cancelDate');
            card.reason = reason;
            card.revalidationDate = '';
          } else {
            const due = parseCrousDateTime(account.wire.dueDate, timeZone);
            if (due === undefined || due.getTime() <= now().getTime()) throw new SimError(422, '-8', 'Date de fin de validité dépassée');
            card.revalidationDate = text(record, 'revalidationDate');
            card.cancelDate = '';
            card.reason = '';
          }
          return { status: 200, body: cardView(card) };
        }
      }
    }

    if (resource === 'crous' && id !== undefined && sub === 'organization' && idZdcText !== undefined && method === 'GET') {
      const rules = tariffs.get(`${id}:${idZdcText}`);
      if (rules === undefined) throw new SimError(404, 'SIM-NOT-FOUND', 'Organisation inconnue');
      return { status: 200, body: rules };
    }

    throw new SimError(404, 'SIM-NOT-FOUND', 'No such endpoint');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const authorization = req.headers.authorization ?? '';
    const kind: CrousSimulatorLogEntry['authorization'] = authorization === ''
      ? 'none'
      : /^basic\s/i.test(authorization) ? 'basic' : /^bearer\s/i.test(authorization) ? 'bearer' : 'legacy';
    const entry: CrousSimulatorLogEntry = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: kind,
      rne: undefined,
      accept: req.headers.accept,
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      uidHeader: typeof req.headers.uid === 'string' ? req.headers.uid : undefined,
      requestBody: undefined,
      status: undefined,
      responseBody: undefined,
      fault: undefined,
      connection: connections.get(req.socket) ?? 0,
    };
    requestLog.push(entry);
    if (requestLog.length > requestLogLimit) requestLog.shift();

    const send = (answer: Answer): void => {
      entry.status = answer.status;
      entry.responseBody = answer.body;
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body === undefined) {
        res.writeHead(answer.status, headers).end();
        return;
      }
      headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
    };
    const sendError = (error: SimError): void => {
      const body: CrousErrorBody = { errors: [{ code: error.code, message: error.message, field: error.field }] };
      send({ status: error.status, body });
    };

    if (faults.down) {
      entry.fault = 'down';
      if (faults.downMode === 'unavailable') sendError(new SimError(503, 'SIM-UNAVAILABLE', 'Service unavailable'));
      else req.socket.destroy();
      return;
    }

    try {
      const raw = await readLimitedBody(req, MAX_BODY_BYTES, () => validation('request body too large'));
      if (faults.delayMs !== undefined && faults.delayMs > 0) await delay(faults.delayMs);
      if (faults.failRate !== undefined && faults.failRate > 0 && draw() < faults.failRate) {
        entry.fault = 'failure';
        sendError(new SimError(500, 'SIM-INJECTED-FAILURE', 'Injected failure'));
        return;
      }
      const path = url.pathname;

      if (method === 'POST' && (path === CROUS_TOKEN_PATHS.production || path === CROUS_TOKEN_PATHS.preproduction)) {
        entry.requestBody = raw === '' ? undefined : raw;
        if (path !== CROUS_TOKEN_PATHS[environment]) throw new SimError(404, 'SIM-NOT-FOUND', 'No token endpoint here for this platform');
        if (url.searchParams.get('grant_type') !== 'client_credentials') {
          send({ status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type=client_credentials is required' } });
          return;
        }
        const credential = kind === 'basic' ? credentialFrom(authorization.replace(/^basic\s+/i, ''), 'oauth2') : undefined;
        if (credential === undefined) {
          send({ status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } });
          return;
        }
        entry.rne = credential.rne;
        const token = issueToken(credential.rne, lifetimeMs);
        send({ status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: Math.floor(lifetimeMs / 1000) } });
        // Tokens are credentials: the log keeps that one was issued, not its value.
        entry.responseBody = { access_token: '(issued)', token_type: 'Bearer', expires_in: Math.floor(lifetimeMs / 1000) };
        return;
      }

      if (method === 'POST' && path === '/v1/token') {
        entry.requestBody = raw;
        const form = new URLSearchParams(raw);
        if (form.get('grant_type') !== 'client_credentials' || form.get('env') !== CROUS_LEGACY_ENV[environment]) {
          throw validation(`form must be grant_type=client_credentials&env=${CROUS_LEGACY_ENV[environment]}`);
        }
        const credential = kind === 'legacy' ? credentialFrom(authorization.trim(), 'legacy') : undefined;
        if (credential === undefined) throw new SimError(401, 'SIM-TOKEN', 'Bad application credentials');
        entry.rne = credential.rne;
        // The legacy token has no announced lifetime: it works until expireTokens().
        const token = issueToken(credential.rne, Number.POSITIVE_INFINITY);
        send({ status: 200, headers: { authorization: `Bearer ${token}` } });
        return;
      }

      if (!path.startsWith(`${CROUS_API_PREFIX}/`)) throw new SimError(404, 'SIM-NOT-FOUND', 'No such endpoint');
      if (raw.length > 0) {
        try {
          entry.requestBody = JSON.parse(raw);
        } catch {
          entry.requestBody = raw;
          throw validation('request body is not valid JSON');
        }
      }
      const bearer = /^bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
      const token = bearer === undefined ? undefined : tokens.get(bearer);
      if (token === undefined) throw new SimError(401, 'SIM-TOKEN', 'Missing or unknown token');
      if (token.expiresAt <= now().getTime()) throw new SimError(faults.expiredTokenStatus ?? 401, 'SIM-TOKEN', 'Token expired');
      entry.rne = token.rne;
      if (req.headers.accept !== 'application/json') throw validation('Accept must be application/json');
      if ((req.headers['user-agent'] ?? '').trim() === '') throw validation('a User-Agent is required');
      if (entry.requestBody !== undefined && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw validation('Content-Type must be application/json');
      }
      let segments: string[];
      try {
        segments = path.slice(CROUS_API_PREFIX.length + 1).split('/').map((s) => decodeURIComponent(s));
      } catch {
        throw validation('malformed path');
      }
      send(route(method, segments, entry.requestBody, req.headers, token.rne));
    } catch (error) {
      sendError(error instanceof SimError ? error : new SimError(500, 'SIM-INTERNAL', error instanceof Error ? error.message : 'internal error'));
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    connectionCount += 1;
    connections.set(socket, connectionCount);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    environment,
    accounts,
    requestLog,
    setFaults(next) {
      if (next.failRate !== undefined && (next.failRate < 0 || next.failRate > 1)) throw new RangeError('failRate must be between 0 and 1');
      faults = { ...next };
      draw = seededRandom(next.seed ?? Date.now());
    },
    registerCredential,
    setTariffRules(crousNumber, rne, rules) {
      tariffs.set(`${crousNumber}:${rne}`, rules.map((rule) => ({ ...rule })));
    },
    setAccountState(identifier, state) {
      const account = accounts.get(identifier);
      if (account === undefined) throw new RangeError(`no account ${identifier}`);
      if (state.accountStatus !== undefined && !CROUS_ACCOUNT_STATUSES.includes(state.accountStatus)) throw new RangeError('unknown account status');
      if (state.blockingStatus !== undefined && !CROUS_BLOCKING_STATUSES.includes(state.blockingStatus)) throw new RangeError('unknown blocking status');
      if (state.accountStatus !== undefined) account.accountStatus = state.accountStatus;
      if (state.blockingStatus !== undefined) account.blockingStatus = state.blockingStatus;
      if (state.idRate !== undefined) account.wire = { ...account.wire, idRate: state.idRate };
    },
    eraseAccount(identifier) {
      const account = accounts.get(identifier);
      if (account === undefined) return;
      for (const idZdc of account.cards.keys()) erasedCards.add(idZdc);
      accounts.delete(identifier);
    },
    refuse(identifier, code, message) {
      if (code === undefined) refusals.delete(identifier);
      else refusals.set(identifier, { code, message: message ?? `Refus ${code}` });
    },
    expireTokens() {
      const past = now().getTime() - 1;
      for (const token of tokens.values()) token.expiresAt = past;
    },
    tokensIssued: () => issued,
    reset() {
      accounts.clear();
      erasedCards.clear();
      refusals.clear();
      tokens.clear();
      requestLog.length = 0;
      issued = 0;
      faults = {};
    },
    async close() {
      cancelDelays();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

