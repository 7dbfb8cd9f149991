import { hash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { notFound, ProblemError } from '../../platform/http/problem.ts';
import { createRateLimitStore, rateLimitHook } from '../../platform/http/rate-limit-store.ts';
import { errorResponses, IdParams } from '../../platform/http/schemas.ts';
import { chooseLocale, type PageLocale } from './domain/verification-status.ts';
import { renderVerificationPage, type PageContent } from './domain/verification-page.ts';

/** Verification answers may be cached this long: a revoked card is never shown valid for longer. */
const PUBLIC_CACHE = 'public, max-age=60';
/** A page showing the holder (with their consent) stays out of shared caches. */
const PRIVATE_CACHE = 'private, max-age=60';
const PAGE_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/** The headers of a page answer, built once per language (not per request). */
const PAGE_HEADERS: Record<PageLocale, Record<string, string>> = {
  fr: { ...PAGE_SECURITY_HEADERS, vary: 'Accept-Language', 'content-language': 'fr', 'cache-control': PUBLIC_CACHE },
  en: { ...PAGE_SECURITY_HEADERS, vary: 'Accept-Language', 'content-language': 'en', 'cache-control': PUBLIC_CACHE },
};

const VerificationSchema = Type.Object({
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('EXPIRED')]),
  escn: Type.String(),
  issuer: Type.Object({ name: Type.String(), pic: Type.String() }, { description: 'The institution that issued the card' }),
  federation: Type.Union([Type.Object({ name: Type.String() }), Type.Null()], {
    description: 'The federation whose member institutions share this card (one card for all); null for a card of one institution',
  }),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  cardType: Type.String(),
});

const EscnParams = Type.Object({ escn: Type.String({ maxLength: 100 }) }, { additionalProperties: false });

/** A strong validator of a body; the one-shot digest is the cheapest in Node (profiled on this route). */
function etagOf(body: string): string {
  return `"${hash('sha1', body, 'base64url')}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Sends `body` with an ETag, answering 304 when the client already has it. */
function sendTagged(request: FastifyRequest, reply: FastifyReply, body: string, type: string): FastifyReply {
  const etag = etagOf(body);
  void reply.header('etag', etag);
  if (matches(request.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply.type(type).send(body);
}

/**
 * Public verification, no login: the JSON API (`/api/v1/verify/...`) and the page a phone opens
 * from the card's QR code (`/v/:escn`, or `/v?qr=` with the scanned text). Registered at the root (the page lives outside /api/v1).
 * All of them share one budget per client address, counted in the database so that it holds
 * across nodes and restarts: probing numbers through the page or the API, or through another
 * node, costs the same. A refused API call is a problem+json 429, a refused page an HTML page in
 * the visitor's language; both carry `Retry-After`.
 */
export async function verificationRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { verification } = deps.services;
  const store = createRateLimitStore(deps.database.db);
  app.addHook('onClose', async () => store.close());
  const limit = { name: 'verification', max: deps.config.verifyRateLimitPerMinute, windowMs: 60_000 };
  const apiLimiter = rateLimitHook(store, limit, (_request, _reply, retryAfter) => {
    throw new ProblemError(429, 'rate_limited', `Too many verifications from this address; try again in ${retryAfter} s`);
  });
  const pageLimiter = rateLimitHook(store, limit, (request, reply, retryAfter) => {
    const query = request.query as { lang?: unknown };
    const locale = chooseLocale(typeof query.lang === 'string' ? query.lang : undefined, request.headers['accept-language']);
    return reply.status(429)
      .headers({ ...PAGE_SECURITY_HEADERS, vary: 'Accept-Language', 'content-language': locale, 'cache-control': 'no-store' })
      .type('text/html; charset=utf-8')
      .send(renderVerificationPage({ kind: 'limited', retryAfterSeconds: retryAfter }, locale, request.url.split('?')[0] ?? '/v/'));
  });

  async function answer(request: FastifyRequest, reply: FastifyReply, escn: () => string): Promise<FastifyReply> {
    // Errors (400 malformed, 404 unknown) are as cacheable as answers: they depend on the number only.
    void reply.header('cache-control', PUBLIC_CACHE);
    const result = await verification.verify(escn());
    return sendTagged(request, reply, JSON.stringify(result), 'application/json; charset=utf-8');
  }

  app.get('/api/v1/verify/:escn', {
    config: { access: { public: true } },
    onRequest: apiLimiter,
    schema: {
      tags: ['verification'],
      summary: 'Public status of a card by its ESCN (no login; rate-limited per address)',
      params: EscnParams,
      response: { 200: VerificationSchema, ...errorResponses(400, 404, 429) },
    },
  }, async (request, reply) => answer(request, reply, () => verification.parseEscn(request.params.escn)));

  app.get('/api/v1/verify', {
    config: { access: { public: true } },
    onRequest: apiLimiter,
    schema: {
      tags: ['verification'],
      summary: 'Public status of a card from the text of its QR code (ESC verifier URLs, ours, or a bare ESCN)',
      querystring: Type.Object({ qr: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: VerificationSchema, ...errorResponses(400, 404, 429) },
    },
  }, async (request, reply) => answer(request, reply, () => verification.parseScanned(request.query.qr)));

  /**
   * Renders the page, in `lang` or the visitor's language, for the number `parse` extracts (a malformed one is a 400 page, an unknown
   * one a 404 page). The language switch points at the canonical `/v/<escn>`.
   */
  async function page(request: FastifyRequest, reply: FastifyReply, lang: string | undefined, parse: () => string): Promise<FastifyReply> {
    const locale = chooseLocale(lang, request.headers['accept-language']);
    void reply.headers(PAGE_HEADERS[locale]);
    let content: PageContent;
    let escn: string | undefined;
    try {
      escn = parse();
    } catch {
      escn = undefined;
    }
    if (escn === undefined) {
      content = { kind: 'invalid' };
      void reply.status(400);
    } else {
      const found = await verification.page(escn);
      if (!found) {
        content = { kind: 'unknown', escn };
        void reply.status(404);
      } else {
        const { result, holder } = found;
        content = {
          kind: 'card', status: result.status, inactiveReason: found.inactiveReason, escn: result.escn, issuer: result.issuer, federation: result.federation,
          expiresAt: result.expiresAt, cardType: result.cardType,
          ...(holder ? {
            holder: { name: holder.name, photoDataUri: holder.photo ? `data:image/jpeg;base64,${holder.photo.jpeg.toString('base64')}` : null },
          } : {}),
        };
        if (holder) void reply.header('cache-control', PRIVATE_CACHE);
      }
    }
    const path = escn === undefined ? '/v/' : `/v/${escn}`;
    return sendTagged(request, reply, renderVerificationPage(content, locale, path), 'text/html; charset=utf-8');
  }

  app.get('/v/:escn', {
    config: { access: { public: true } },
    onRequest: pageLimiter,
    schema: {
      hide: true,
      params: EscnParams,
      querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 10 })) }),
    },
  }, async (request, reply) => page(request, reply, request.query.lang, () => verification.parseEscn(request.params.escn)));

  // The page from the whole text of a scanned QR code (an ESC verifier URL, ours, or a bare
  // ESCN), for a scanner that opens a URL template with the text it read.
  app.get('/v', {
    config: { access: { public: true } },
    onRequest: pageLimiter,
    schema: {
      hide: true,
      querystring: Type.Object({ qr: Type.String({ maxLength: 500 }), lang: Type.Optional(Type.String({ maxLength: 10 })) }),
    },
  }, async (request, reply) => page(request, reply, request.query.lang, () => verification.parseScanned(request.query.qr)));
}

/** The QR code printed on a card: for its holder and the card office (printing, virtual cards). */
export async function cardQrRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { verification, cards } = deps.services;

  async function escnOf(cardId: string, request: FastifyRequest): Promise<string> {
    const card = await cards.get(cardId, principalOf(request));
    if (!card.escn) throw notFound('escn_not_assigned', 'This card has no European Student Card Number yet');
    return card.escn;
  }

  app.get('/cards/:id/qr.svg', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['cards', 'verification'],
      summary: 'The card\'s QR code (verifier URL + ESCN, error correction M) as SVG',
      params: IdParams,
      response: { 200: Type.String({ description: 'image/svg+xml' }), ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const svg = await verification.qrSvg(await escnOf(request.params.id, request));
    return reply.type('image/svg+xml').header('cache-control', 'private, max-age=3600').send(svg);
  });

  app.get('/cards/:id/qr.png', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['cards', 'verification'],
      summary: 'The card\'s QR code as PNG (size in pixels, default 512)',
      params: IdParams,
      querystring: Type.Object({ size: Type.Integer({ minimum: 64, maximum: 2048, default: 512 }) }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'image/png' }), ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const png = await verification.qrPng(await escnOf(request.params.id, request), request.query.size);
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
  });
}
