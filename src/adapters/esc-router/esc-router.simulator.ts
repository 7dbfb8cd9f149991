import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { isAcademicLevel } from '../../modules/esc/domain/academic-level.ts';
import { createEscnGenerator, isValidPic, validateEscn } from '../../modules/esc/domain/escn.ts';
import type { EscnGenerator } from '../../modules/esc/domain/escn.ts';
import { esiEquals, esiKey, parseEsi } from '../../modules/esc/domain/esi.ts';
import type {
  ApiErrorMessage,
  CardLiteView,
  CardStatusView,
  CardView,
  EscAcademicLevel,
  EscCardPublicStatus,
  EscCardStatusType,
  EscCardType,
  OrganisationLiteView,
  PagedResources,
  PersonLiteView,
  PersonOrganisationView,
  PersonView,
} from './esc-router.types.ts';
import { ESC_CARD_TYPES, ESC_ROUTER_ERROR_CODES } from './esc-router.types.ts';
import { cancellableDelays, isRecord, readLimitedBody, seededRandom } from '../http-kit.ts';

/**
 * An in-memory ESC Router v2 speaking real HTTP, for tests and local development.
 *
 * It follows the published OpenAPI: same paths under `/esc-rest/api/v2`, same bodies, only the
 * status codes the document lists for each operation, the router's known error codes
 * (ER-0001, ER-0002, ER-0019, SE-0000). Where the router's behaviour is not documented the
 * simulator picks the strict reading and uses its own `SIM-…` error codes:
 *   SIM-VALIDATION (400, a field is missing or malformed), SIM-PERSON-NOT-FOUND (404 on person
 *   routes; 400 on POST/PUT /cards, where 404 is not documented), SIM-INJECTED-FAILURE (500),
 *   SIM-UNAVAILABLE (503), SIM-NO-ROUTE (404/405 outside the API).
 * Deleting a person also deletes the caller's cards of that person.
 *
 * Institutions: any number of API keys, each bound to one institution (its PIC), as the router's
 * onboarding does. A key reads and changes only what its institution created: a person its
 * institution did not register is 404 (SIM-PERSON-NOT-FOUND), a card another institution issued
 * is 403 (SE-0000) on GET, PUT and DELETE, bodies naming another PIC are 403. A person registered
 * by several institutions (same ESI) is one record with one link per institution: each caller sees
 * and changes only its own link (level, e-mail; the full name is the person's, the last sent
 * wins), and deleting removes only the caller's link and
 * cards; the record goes when no link is left. Card numbers are unique across institutions.
 *
 * Faults: `down` destroys every incoming connection without an answer (the client sees a
 * connection reset), or with `downMode: 'unavailable'` answers 503; `delayMs` holds each
 * answer; `failRate` answers 500 to that share of requests, drawn from a seeded generator.
 *
 * Network: `latencyMs` plays a router that far away (a round trip added to every answer, and one
 * more to a new connection's first request, its TCP handshake), for benchmarks and for tests of
 * ordering under concurrency; unlike faults it survives `reset`. Every log entry carries when the
 * request arrived and when it was answered, so a test can tell whether two calls overlapped.
 */

/** An institution known to the simulator, reached through its API key. */
export interface SimulatedOrganisation {
  /** 9-digit PIC. */
  pic: string;
  name?: string;
}

/** Options of {@link startEscRouterSimulator}. */
export interface EscRouterSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** API key → institution. */
  apiKeys: Record<string, SimulatedOrganisation>;
  /** Clock used for the EXPIRED status and minted numbers. */
  now?: () => Date;
  /** Keep only the latest requests in {@link EscRouterSimulator.requestLog} (a long-running embedded simulator); default: all. */
  requestLogLimit?: number;
  /** Network round trip in milliseconds (see the module's note); default 0. */
  latencyMs?: number;
}

/** A person as stored by the simulator. */
export interface SimulatedPerson {
  identifier: string;
  fullName: string;
  /** PIC → the institution's data about the person. */
  organisations: Map<string, { academicLevel?: EscAcademicLevel; email?: string; phone?: string; fax?: string }>;
}

/** A card as stored by the simulator. */
export interface SimulatedCard {
  cardNumber: string;
  cardStatusType: EscCardStatusType;
  cardType: EscCardType;
  expiresAt: string;
  issuedAt: string;
  issuerIdentifier: string;
  personIdentifier: string;
  displayName?: string;
  processorIdentifier?: string;
}

/** Faults to inject; every field is optional and `setFaults` replaces the whole set. */
export interface SimulatorFaults {
  down?: boolean;
  /** How `down` shows: `reset` (default) destroys the connection, `unavailable` answers 503. */
  downMode?: 'reset' | 'unavailable';
  delayMs?: number;
  /** Share of requests (0..1) answered with 500. */
  failRate?: number;
  /** Seed of the failRate draw, for reproducible runs. */
  seed?: number;
}

/** One request as the simulator saw it, with its answer. */
export interface SimulatorLogEntry {
  method: string;
  /** Path without the `/esc-rest` base, e.g. `/api/v2/persons`. */
  path: string;
  query: Record<string, string>;
  /** True when an `Authorization: Bearer …` header was present (the key itself is not kept). */
  bearer: boolean;
  /** PIC of the institution the key belongs to, when it was a known key. */
  pic: string | undefined;
  accept: string | undefined;
  requestContentType: string | undefined;
  /** Parsed JSON body, or the raw text when it was not JSON, or undefined when empty. */
  requestBody: unknown;
  /** Undefined when the connection was destroyed (`down`). */
  status: number | undefined;
  responseContentType: string | undefined;
  /** JSON value sent, or text for SVG / base64 answers. */
  responseBody: unknown;
  fault: 'down' | 'failure' | undefined;
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** `performance.now()` when its answer was sent; undefined while pending or when the connection was destroyed. */
  answeredAt: number | undefined;
}

/** A running simulator. */
export interface EscRouterSimulator {
  /** Base URL to give the client (`http://host:port/esc-rest`). */
  url: string;
  port: number;
  /** Live state; tests may read and seed it. Keys are lowercased ESIs and ESCNs. */
  state: { persons: Map<string, SimulatedPerson>; cards: Map<string, SimulatedCard> };
  requestLog: SimulatorLogEntry[];
  setFaults(faults: SimulatorFaults): void;
  /** Changes the network round trip (`latencyMs`) for the requests that arrive from now on. */
  setLatency(ms: number): void;
  /** TCP connections accepted since the start: with keep-alive, about the client's concurrency, not its number of calls. */
  readonly connectionsOpened: number;
  /** Binds an API key to an institution, replacing its previous binding (what the router's onboarding does). */
  registerApiKey(key: string, organisation: SimulatedOrganisation): void;
  /** Empties state and request log, removes faults. */
  reset(): void;
  close(): Promise<void>;
}

const BASE_PATH = '/esc-rest';
const API_PREFIX = '/api/v2';
const QR_VERIFIER_PREFIX = 'https://s.esc-r.eu/';
const MAX_BODY_BYTES = 1024 * 1024;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const validation = (message: string): SimError => new SimError(400, 'SIM-VALIDATION', message);
const accessDenied = (message: string): SimError => new SimError(403, ESC_ROUTER_ERROR_CODES.accessDenied, message);
const cardNotFound = (): SimError => new SimError(404, ESC_ROUTER_ERROR_CODES.cardNotFound, 'Card not found');

interface Answer {
  status: number;
  body?: unknown;
  contentType?: string;
}

interface RequestContext {
  method: string;
  segments: string[];
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  callerPic: () => string;
}

function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === value;
}

function optionalString(body: Record<string, unknown>, field: string, where: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${where}${field} must be a string`);
  return value;
}

function requiredString(body: Record<string, unknown>, field: string, where = ''): string {
  const value = optionalString(body, field, where);
  if (value === undefined || value.trim().length === 0) throw validation(`${where}${field} is required`);
  return value;
}

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('latencyMs must be a finite number of milliseconds, at least 0');
  return ms;
}

function requiredEsi(value: string, field: string): string {
  const parsed = parseEsi(value);
  if (!parsed.valid) throw validation(`${field} is not a valid European Student Identifier: ${parsed.reason}`);
  return value;
}

/**
 * Starts the simulator and resolves once it listens. Each API key maps to one institution
 * (its PIC): that institution may only create persons linked to its own PIC and cards it
 * issues, and sees only those.
 */
export async function startEscRouterSimulator(options: EscRouterSimulatorOptions): Promise<EscRouterSimulator> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const keys = new Map<string, SimulatedOrganisation>();
  const organisationIds = new Map<string, number>();
  const organisationNames = new Map<string, string>();
  function registerApiKey(key: string, organisation: SimulatedOrganisation): void {
    if (!isValidPic(organisation.pic)) throw new RangeError(`simulator API key for ${JSON.stringify(organisation.pic)}: PIC must be 9 digits`);
    keys.set(key, organisation);
    if (!organisationIds.has(organisation.pic)) organisationIds.set(organisation.pic, organisationIds.size + 1);
    if (organisation.name !== undefined) organisationNames.set(organisation.pic, organisation.name);
  }
  for (const [key, organisation] of Object.entries(options.apiKeys)) registerApiKey(key, organisation);
  const requestLogLimit = options.requestLogLimit ?? Number.POSITIVE_INFINITY;

  const persons = new Map<string, SimulatedPerson>();
  const cards = new Map<string, SimulatedCard>();
  const requestLog: SimulatorLogEntry[] = [];
  const generators = new Map<string, EscnGenerator>();
  const { delay, cancelAll: cancelDelays } = cancellableDelays();
  let faults: SimulatorFaults = {};
  let draw = seededRandom(Date.now());
  let latencyMs = checkedLatency(options.latencyMs ?? 0);
  let connectionsOpened = 0;
  // Sockets that already carried a request: only a new connection's first request pays the handshake.
  const handshaken = new WeakSet<object>();

  function generatorFor(prefix: number, pic: string): EscnGenerator {
    const key = `${prefix}:${pic}`;
    let generator = generators.get(key);
    if (generator === undefined) {
      generator = createEscnGenerator({ prefix, pic, now: () => now().getTime() });
      generators.set(key, generator);
    }
    return generator;
  }

  function organisationView(pic: string): OrganisationLiteView {
    const name = organisationNames.get(pic) ?? `Organisation ${pic}`;
    return {
      id: organisationIds.get(pic) ?? 0,
      identifier: pic,
      identifierCode: { key: 'PIC', label: 'PIC' },
      name,
      fullLabel: `${pic} - ${name}`,
    };
  }

  /**
   * The caller's link to the person only: another institution's level and e-mail are that
   * institution's data, which the router does not show to others (strict reading).
   */
  function personOrganisations(person: SimulatedPerson, callerPic: string): PersonOrganisationView[] {
    return [...person.organisations].filter(([pic]) => pic === callerPic).map(([pic, link]) => ({
      organisation: organisationView(pic),
      ...(link.academicLevel === undefined ? {} : { academicLevel: { key: link.academicLevel, label: link.academicLevel } }),
      ...(link.email === undefined ? {} : { contactPoint: { email: link.email } }),
    }));
  }

  function personView(person: SimulatedPerson, callerPic: string): PersonView {
    const organisations = personOrganisations(person, callerPic);
    return {
      identifier: person.identifier,
      identifierCode: { key: 'ESI', label: 'European Student Identifier' },
      fullName: person.fullName,
      organisationCount: organisations.length,
      organisations,
    };
  }

  function personLiteView(person: SimulatedPerson, callerPic: string): PersonLiteView {
    return { identifier: person.identifier, fullName: person.fullName, organisations: personOrganisations(person, callerPic) };
  }

  function effectiveStatus(card: SimulatedCard): EscCardPublicStatus {
    const today = now().toISOString().slice(0, 10);
    return card.expiresAt < today ? 'EXPIRED' : card.cardStatusType;
  }

  function cardLiteView(card: SimulatedCard, callerPic: string): CardLiteView {
    const person = persons.get(esiKey(card.personIdentifier));
    return {
      cardNumber: card.cardNumber,
      ...(card.displayName === undefined ? {} : { displayName: card.displayName }),
      expiresAt: card.expiresAt,
      issuedAt: card.issuedAt,
      hasOwnerAuthorization: card.issuerIdentifier === callerPic,
      issuer: organisationView(card.issuerIdentifier),
      ...(person === undefined ? {} : { person: personLiteView(person, callerPic) }),
      ...(card.processorIdentifier === undefined
        ? {}
        : { processor: { identifier: card.processorIdentifier, identifierCode: { key: 'VAT', label: 'VAT' } } }),
    };
  }

  function cardView(card: SimulatedCard, callerPic: string): CardView {
    const status = effectiveStatus(card);
    return {
      ...cardLiteView(card, callerPic),
      cardStatusType: { key: status, label: status },
      cardType: { key: card.cardType, label: card.cardType },
    };
  }

  function readPersonBody(body: unknown, callerPic: string): Omit<SimulatedPerson, 'organisations'> & {
    link: { academicLevel?: EscAcademicLevel; email?: string; phone?: string; fax?: string };
  } {
    if (!isRecord(body)) throw validation('Request body must be a JSON object');
    const identifier = requiredEsi(requiredString(body, 'identifier'), 'identifier');
    const fullName = requiredString(body, 'fullName');
    if (fullName.length > 255) throw validation('fullName must be at most 255 characters');
    const identifierCode = optionalString(body, 'identifierCode', '');
    if (identifierCode !== undefined && identifierCode !== 'ESI') throw validation("identifierCode must be 'ESI'");
    const views = body.personOrganisationUpdateViews;
    if (!Array.isArray(views) || views.length === 0) {
      throw validation('personOrganisationUpdateViews must be a non-empty array');
    }
    const links = views.map((view, index) => {
      const where = `personOrganisationUpdateViews[${index}].`;
      if (!isRecord(view)) throw validation(`${where.slice(0, -1)} must be an object`);
      const pic = requiredString(view, 'organisationIdentifier', where);
      if (!isValidPic(pic)) throw validation(`${where}organisationIdentifier must be a 9-digit PIC`);
      const academicLevel = optionalString(view, 'academicLevel', where);
      if (academicLevel !== undefined && !isAcademicLevel(academicLevel)) {
        throw validation(`${where}academicLevel must be BACHELOR, MASTER or DOCTORATE`);
      }
      const email = optionalString(view, 'email', where);
      if (email !== undefined && !EMAIL_PATTERN.test(email)) throw validation(`${where}email is not a valid address`);
      const phone = optionalString(view, 'phone', where);
      const fax = optionalString(view, 'fax', where);
      return {
        pic,
        link: {
          ...(academicLevel === undefined ? {} : { academicLevel }),
          ...(email === undefined ? {} : { email }),
          ...(phone === undefined ? {} : { phone }),
          ...(fax === undefined ? {} : { fax }),
        },
      };
    });
    if (new Set(links.map((l) => l.pic)).size !== links.length) {
      throw validation('personOrganisationUpdateViews must not name an organisation twice');
    }
    const foreign = links.find((l) => l.pic !== callerPic);
    if (foreign !== undefined) throw accessDenied(`Organisation ${foreign.pic} is not yours`);
    const [own] = links;
    return { identifier, fullName, link: own?.link ?? {} };
  }

  function readCardBody(body: unknown, callerPic: string): Omit<SimulatedCard, 'cardNumber'> & { cardNumber?: string } {
    if (!isRecord(body)) throw validation('Request body must be a JSON object');
    const cardNumberRaw = optionalString(body, 'cardNumber', '');
    let cardNumber: string | undefined;
    if (cardNumberRaw !== undefined && cardNumberRaw !== '') {
      const escn = validateEscn(cardNumberRaw);
      if (!escn.valid) throw validation(`cardNumber: ${escn.reason}`);
      cardNumber = escn.escn;
    }
    const cardStatusType = requiredString(body, 'cardStatusType');
    if (cardStatusType !== 'ACTIVE' && cardStatusType !== 'INACTIVE') {
      throw validation('cardStatusType must be ACTIVE or INACTIVE');
    }
    const cardType = requiredString(body, 'cardType');
    const knownType = ESC_CARD_TYPES.find((t) => t === cardType);
    if (knownType === undefined) throw validation(`cardType must be one of ${ESC_CARD_TYPES.join(', ')}`);
    const expiresAt = requiredString(body, 'expiresAt');
    const issuedAt = requiredString(body, 'issuedAt');
    if (!isCalendarDate(expiresAt)) throw validation('expiresAt must be a date yyyy-MM-dd');
    if (!isCalendarDate(issuedAt)) throw validation('issuedAt must be a date yyyy-MM-dd');
    if (expiresAt < issuedAt) throw validation('expiresAt must not be before issuedAt');
    const issuerIdentifier = requiredString(body, 'issuerIdentifier');
    if (!isValidPic(issuerIdentifier)) throw validation('issuerIdentifier must be a 9-digit PIC');
    if (issuerIdentifier !== callerPic) throw accessDenied(`Organisation ${issuerIdentifier} is not yours`);
    const personIdentifier = requiredEsi(requiredString(body, 'personIdentifier'), 'personIdentifier');
    const person = persons.get(esiKey(personIdentifier));
    if (person === undefined || !person.organisations.has(callerPic)) {
      throw new SimError(400, 'SIM-PERSON-NOT-FOUND', 'personIdentifier: no such person in your organisation');
    }
    const displayName = optionalString(body, 'displayName', '');
    const processorIdentifier = optionalString(body, 'processorIdentifier', '');
    return {
      ...(cardNumber === undefined ? {} : { cardNumber }),
      cardStatusType,
      cardType: knownType,
      expiresAt,
      issuedAt,
      issuerIdentifier,
      personIdentifier: person.identifier,
      ...(displayName === undefined ? {} : { displayName }),
      ...(processorIdentifier === undefined ? {} : { processorIdentifier }),
    };
  }

  function ownPerson(esi: string, callerPic: string): SimulatedPerson {
    const person = persons.get(esiKey(esi));
    if (person === undefined || !person.organisations.has(callerPic)) {
      throw new SimError(404, 'SIM-PERSON-NOT-FOUND', 'Person not found');
    }
    return person;
  }

  function ownCard(escnText: string, callerPic: string, invalidStatus: 400 | 404): SimulatedCard {
    const escn = validateEscn(escnText);
    if (!escn.valid) {
      if (invalidStatus === 404) throw cardNotFound();
      throw validation(`escn: ${escn.reason}`);
    }
    const card = cards.get(escn.escn);
    if (card === undefined) throw cardNotFound();
    if (card.issuerIdentifier !== callerPic) throw accessDenied('This card is not issued by your organisation');
    return card;
  }

  function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw)) throw validation(`${name} must be an integer`);
    const value = Number(raw);
    if (value < min || value > max) throw validation(`${name} must be between ${min} and ${max}`);
    return value;
  }

  function page<T>(items: T[], query: URLSearchParams, path: string, sortKeys: Record<string, (item: T) => string>): PagedResources<T> {
    const pageNumber = intParam(query, 'page', 0, 0, 1_000_000);
    const size = intParam(query, 'size', 10, 1, 1000);
    const direction = (query.get('direction') ?? 'ASC').toUpperCase();
    if (direction !== 'ASC' && direction !== 'DESC') throw validation('direction must be ASC or DESC');
    const sort = query.get('sort');
    const sortKey = sort === null || sort === '' ? Object.values(sortKeys)[0] : sortKeys[sort.split(',')[0] ?? ''];
    if (sortKey === undefined) throw validation(`sort must be one of ${Object.keys(sortKeys).join(', ')}`);
    const sorted = [...items].sort((a, b) => sortKey(a).localeCompare(sortKey(b)) * (direction === 'ASC' ? 1 : -1));
    const content = sorted.slice(pageNumber * size, (pageNumber + 1) * size);
    return {
      content,
      empty: content.length === 0,
      links: [{ rel: 'self', href: `${BASE_PATH}${API_PREFIX}${path}?page=${pageNumber}&size=${size}` }],
      page: { number: pageNumber, size, totalElements: items.length, totalPages: Math.ceil(items.length / size) },
    };
  }

  function matchesSearch(query: URLSearchParams, ...values: Array<string | undefined>): boolean {
    const search = query.get('search')?.toLowerCase();
    return search === undefined || search === '' || values.some((v) => v?.toLowerCase().includes(search));
  }

  async function qrAnswer(ctx: RequestContext, escnText: string): Promise<Answer> {
    const escn = validateEscn(escnText);
    if (!escn.valid) throw validation(`escn: ${escn.reason}`);
    const orientation = ctx.query.get('orientation') ?? 'horizontal';
    const colours = ctx.query.get('colours') ?? 'normal';
    const size = ctx.query.get('size') ?? 'S';
    if (orientation !== 'horizontal' && orientation !== 'vertical') throw validation('orientation must be horizontal or vertical');
    if (colours !== 'normal' && colours !== 'inverted') throw validation('colours must be normal or inverted');
    const width = size === 'XS' ? 100 : size === 'S' ? 200 : size === 'M' ? 300 : undefined;
    if (width === undefined) throw validation('size must be XS, S or M');
    const color = colours === 'normal' ? { dark: '#000000ff', light: '#ffffffff' } : { dark: '#ffffffff', light: '#000000ff' };
    const url = `${QR_VERIFIER_PREFIX}${escn.escn}`;
    const accept = ctx.headers.accept ?? 'image/svg+xml';
    if (accept.includes('text/plain')) {
      const png = await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', width, color });
      return { status: 200, body: png.toString('base64'), contentType: 'text/plain' };
    }
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', width, color });
    return { status: 200, body: svg, contentType: 'image/svg+xml' };
  }

  function generateEscnAnswer(query: URLSearchParams): Answer {
    const prefixRaw = query.get('prefix');
    if (prefixRaw === null || !/^\d{1,3}$/.test(prefixRaw)) throw validation('prefix is required: an integer 0..999');
    const pic = query.get('pic');
    if (pic === null || !isValidPic(pic)) throw validation('pic is required: 9 digits');
    const count = intParam(query, 'numberOfESCN', 1, 1, 1000);
    const generator = generatorFor(Number(prefixRaw), pic);
    return { status: 200, body: Array.from({ length: count }, () => generator.next()) };
  }

  async function route(ctx: RequestContext): Promise<Answer> {
    const { method, segments, query } = ctx;
    const [resource, id, sub, ...rest] = segments;
    if (rest.length > 0) throw new SimError(404, 'SIM-NO-ROUTE', 'No such endpoint');

    if (resource === 'persons' && id === undefined) {
      if (method === 'POST') {
        const pic = ctx.callerPic();
        const input = readPersonBody(ctx.body, pic);
        const key = esiKey(input.identifier);
        const existing = persons.get(key);
        if (existing?.organisations.has(pic)) {
          throw new SimError(409, ESC_ROUTER_ERROR_CODES.personExistsForOrganisation, 'Person already exists for this organisation');
        }
        const person = existing ?? { identifier: input.identifier, fullName: input.fullName, organisations: new Map() };
        person.fullName = input.fullName;
        person.organisations.set(pic, input.link);
        persons.set(key, person);
        return { status: 201, body: personView(person, pic) };
      }
      if (method === 'GET') {
        const pic = ctx.callerPic();
        const mine = [...persons.values()].filter((p) => p.organisations.has(pic) && matchesSearch(query, p.identifier, p.fullName));
        return {
          status: 200,
          body: page(mine.map((p) => personLiteView(p, pic)), query, '/persons', {
            identifier: (p) => p.identifier,
            fullName: (p) => p.fullName,
          }),
        };
      }
    }

    if (resource === 'persons' && id !== undefined && sub === undefined) {
      const pic = ctx.callerPic();
      if (method === 'GET' || method === 'DELETE') {
        const person = ownPerson(id, pic);
        if (method === 'GET') return { status: 200, body: personView(person, pic) };
        person.organisations.delete(pic);
        for (const [key, card] of cards) {
          if (card.issuerIdentifier === pic && esiEquals(card.personIdentifier, person.identifier)) cards.delete(key);
        }
        if (person.organisations.size === 0) persons.delete(esiKey(person.identifier));
        return { status: 204 };
      }
      if (method === 'PUT') {
        const input = readPersonBody(ctx.body, pic);
        if (!esiEquals(input.identifier, id)) throw validation('identifier does not match the ESI in the path');
        const person = ownPerson(id, pic);
        person.fullName = input.fullName;
        person.organisations.set(pic, input.link);
        return { status: 200, body: personView(person, pic) };
      }
    }

    if (resource === 'cards' && id === 'generate-escn' && sub === undefined && method === 'GET') {
      return generateEscnAnswer(query);
    }

    if (resource === 'cards' && id === undefined) {
      if (method === 'POST') {
        const pic = ctx.callerPic();
        const input = readCardBody(ctx.body, pic);
        const cardNumber = input.cardNumber ?? generatorFor(1, pic).next();
        if (cards.has(cardNumber)) throw new SimError(409, ESC_ROUTER_ERROR_CODES.cardExists, 'Card already exists');
        const card: SimulatedCard = { ...input, cardNumber };
        cards.set(cardNumber, card);
        return { status: 201, body: cardView(card, pic) };
      }
      if (method === 'GET') {
        const pic = ctx.callerPic();
        const mine = [...cards.values()].filter(
          (c) => c.issuerIdentifier === pic && matchesSearch(query, c.cardNumber, c.personIdentifier, c.displayName),
        );
        return {
          status: 200,
          body: page(mine.map((card) => cardLiteView(card, pic)), query, '/cards', {
            cardNumber: (c) => c.cardNumber ?? '',
            expiresAt: (c) => c.expiresAt ?? '',
            issuedAt: (c) => c.issuedAt ?? '',
          }),
        };
      }
    }

    if (resource === 'cards' && id !== undefined && sub === 'status' && method === 'GET') {
      const escn = validateEscn(id);
      const card = escn.valid ? cards.get(escn.escn) : undefined;
      if (card === undefined) throw cardNotFound();
      const body: CardStatusView = {
        cardNumber: card.cardNumber,
        status: effectiveStatus(card),
        expiresAt: card.expiresAt,
        issuedAt: card.issuedAt,
        issuerIdentifier: card.issuerIdentifier,
        issuerName: organisationView(card.issuerIdentifier).name ?? '',
        ...(card.displayName === undefined ? {} : { displayName: card.displayName }),
      };
      return { status: 200, body };
    }

    if (resource === 'cards' && id !== undefined && sub === 'qr' && method === 'GET') {
      return qrAnswer(ctx, id);
    }

    if (resource === 'cards' && id !== undefined && sub === undefined) {
      const pic = ctx.callerPic();
      if (method === 'GET') return { status: 200, body: cardView(ownCard(id, pic, 400), pic) };
      if (method === 'DELETE') {
        const card = ownCard(id, pic, 404);
        cards.delete(card.cardNumber);
        return { status: 204 };
      }
      if (method === 'PUT') {
        const card = ownCard(id, pic, 400);
        const input = readCardBody(ctx.body, pic);
        if (input.cardNumber !== undefined && input.cardNumber !== card.cardNumber) {
          throw validation('cardNumber does not match the ESCN in the path');
        }
        const updated: SimulatedCard = { ...input, cardNumber: card.cardNumber };
        cards.set(card.cardNumber, updated);
        return { status: 200, body: cardView(updated, pic) };
      }
    }

    const known = resource === 'persons' || resource === 'cards';
    throw new SimError(known ? 405 : 404, 'SIM-NO-ROUTE', known ? 'Method not allowed' : 'No such endpoint');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const fullPath = url.pathname;
    const path = fullPath.startsWith(BASE_PATH) ? fullPath.slice(BASE_PATH.length) : fullPath;
    const authorization = req.headers.authorization;
    const bearerMatch = authorization === undefined ? null : /^Bearer\s+(.+)$/i.exec(authorization);
    const organisation = bearerMatch?.[1] === undefined ? undefined : keys.get(bearerMatch[1].trim());
    const entry: SimulatorLogEntry = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      bearer: bearerMatch !== null,
      pic: organisation?.pic,
      accept: req.headers.accept,
      requestContentType: req.headers['content-type'],
      requestBody: undefined,
      status: undefined,
      responseContentType: undefined,
      responseBody: undefined,
      fault: undefined,
      receivedAt: performance.now(),
      answeredAt: undefined,
    };
    requestLog.push(entry);
    if (requestLog.length > requestLogLimit) requestLog.shift();

    const send = (answer: Answer): void => {
      entry.status = answer.status;
      if (res.destroyed) return;
      entry.answeredAt = performance.now();
      if (answer.status === 204 || answer.body === undefined) {
        res.writeHead(answer.status).end();
        return;
      }
      const isText = typeof answer.body === 'string' && answer.contentType !== undefined;
      const contentType = isText ? (answer.contentType ?? 'text/plain') : 'application/json';
      entry.responseContentType = contentType;
      entry.responseBody = answer.body;
      const payload = isText ? String(answer.body) : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': `${contentType}; charset=utf-8` }).end(payload);
    };
    const sendError = (status: number, error: ApiErrorMessage): void => send({ status, body: error });

    if (faults.down) {
      entry.fault = 'down';
      if (faults.downMode === 'unavailable') {
        sendError(503, { code: 'SIM-UNAVAILABLE', message: 'Service unavailable' });
      } else {
        req.socket.destroy();
      }
      return;
    }

    try {
      const text = await readLimitedBody(req, MAX_BODY_BYTES, () => validation('Request body too large'));
      if (text.length > 0) {
        try {
          entry.requestBody = JSON.parse(text);
        } catch {
          entry.requestBody = text;
          throw validation('Request body is not valid JSON');
        }
      }
      const handshake = !handshaken.has(req.socket);
      handshaken.add(req.socket);
      const network = latencyMs * (handshake ? 2 : 1);
      if (network > 0) await delay(network);
      if (faults.delayMs !== undefined && faults.delayMs > 0) await delay(faults.delayMs);
      if (faults.failRate !== undefined && faults.failRate > 0 && draw() < faults.failRate) {
        entry.fault = 'failure';
        sendError(500, { code: 'SIM-INJECTED-FAILURE', message: 'Injected failure' });
        return;
      }
      if (!path.startsWith(`${API_PREFIX}/`)) throw new SimError(404, 'SIM-NO-ROUTE', 'No such endpoint');
      let segments: string[];
      try {
        segments = path.slice(API_PREFIX.length + 1).split('/').map((s) => decodeURIComponent(s));
      } catch {
        throw validation('Malformed path');
      }
      const answer = await route({
        method: entry.method,
        segments,
        query: url.searchParams,
        headers: req.headers,
        body: entry.requestBody,
        callerPic: () => {
          if (bearerMatch === null) throw new SimError(401, ESC_ROUTER_ERROR_CODES.accessDenied, 'Full authentication is required');
          if (organisation === undefined) throw new SimError(401, ESC_ROUTER_ERROR_CODES.accessDenied, 'Invalid API key');
          return organisation.pic;
        },
      });
      send(answer);
    } catch (error) {
      if (error instanceof SimError) {
        sendError(error.status, { code: error.code, message: error.message });
      } else {
        sendError(500, { code: 'SIM-INTERNAL', message: error instanceof Error ? error.message : 'Internal error' });
      }
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', () => {
    connectionsOpened += 1;
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
    url: `http://${urlHost}:${port}${BASE_PATH}`,
    port,
    state: { persons, cards },
    requestLog,
    setFaults(next: SimulatorFaults): void {
      if (next.failRate !== undefined && (next.failRate < 0 || next.failRate > 1)) {
        throw new RangeError('failRate must be between 0 and 1');
      }
      faults = { ...next };
      draw = seededRandom(next.seed ?? Date.now());
    },
    setLatency(ms: number): void {
      latencyMs = checkedLatency(ms);
    },
    get connectionsOpened(): number {
      return connectionsOpened;
    },
    registerApiKey,
    reset(): void {
      persons.clear();
      cards.clear();
      requestLog.length = 0;
      generators.clear();
      faults = {};
    },
    async close(): Promise<void> {
      cancelDelays();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
