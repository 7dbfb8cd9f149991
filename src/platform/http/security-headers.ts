import type { FastifyInstance } from 'fastify';

/**
 * CSP of an HTML answer that did not bring its own (an error page, a plugin's page): it may show
 * nothing but its own markup and inline styles, and may never be framed.
 */
export const FALLBACK_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** One year: the usual HSTS lifetime, long enough to survive between a user's visits. */
const HSTS = 'max-age=31536000';

/** Options of {@link installSecurityHeaders}. */
export interface SecurityHeaderOptions {
  /** The address users reach: HSTS is only promised when it is https. */
  publicUrl: string;
}

/**
 * Sets the headers every answer carries, in one place rather than per route:
 * - `X-Content-Type-Options: nosniff` on every response, so no browser ever guesses a type (an
 *   uploaded file served as text, a JSON error rendered as HTML);
 * - `Strict-Transport-Security` when the public address is https. Without `includeSubDomains`:
 *   campuscard usually runs on one host of a university domain it does not own;
 * - on every HTML answer a Content-Security-Policy that forbids framing (clickjacking). Pages
 *   that set their own CSP keep it, with `frame-ancestors 'none'` added when it lacks one; the
 *   others get {@link FALLBACK_HTML_CSP}. `X-Frame-Options` says the same to older browsers.
 *
 * Runs as the first onSend hook, so a plugin that sets its own CSP later (the API docs) wins;
 * that plugin's policy must then deny framing itself (see `apiDocsCsp`).
 */
export function installSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const hsts = new URL(options.publicUrl).protocol === 'https:';
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (hsts) void reply.header('strict-transport-security', HSTS);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.toLowerCase().startsWith('text/html')) {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp !== 'string' || csp === '') void reply.header('content-security-policy', FALLBACK_HTML_CSP);
      else if (!/(^|;)\s*frame-ancestors\s/i.test(csp)) void reply.header('content-security-policy', `${csp}; frame-ancestors 'none'`);
      void reply.header('x-frame-options', 'DENY');
    }
    return payload;
  });
}

/**
 * The API documentation's CSP, from the one @fastify/swagger-ui computes (hashes of its inline
 * script and style): never framed, and no `upgrade-insecure-requests` on plain http, where it
 * would send the page's own requests to an https port that does not exist (a laptop, a LAN demo);
 * no image from the public validator, which the docs do not call; fonts from the host only; and
 * inline styles (never inline scripts), which Swagger UI adds while it renders.
 */
export function apiDocsCsp(pluginCsp: string, publicUrl: string): string {
  const https = new URL(publicUrl).protocol === 'https:';
  return pluginCsp
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && (https || directive !== 'upgrade-insecure-requests'))
    .map((directive) => {
      const name = directive.split(' ')[0];
      if (name === 'frame-ancestors') return "frame-ancestors 'none'";
      // Swagger UI inserts <style> elements at run time, which no hash computed in advance covers.
      if (name === 'style-src') return "style-src 'self' 'unsafe-inline'";
      if (name === 'font-src') return "font-src 'self' data:";
      return directive.replace(' validator.swagger.io', '');
    })
    .join('; ');
}
