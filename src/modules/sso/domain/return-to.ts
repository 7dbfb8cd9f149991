/**
 * Where a browser may be sent back after single sign-on: a path of this site only. Anything that
 * could leave the origin (absolute URLs, `//host`, backslashes browsers read as slashes, control
 * characters) is refused, so that a login link can never become an open redirect. Pure.
 */

const MAX_LENGTH = 2000;
const BASE = 'https://campuscard.invalid';

/** The same-origin path (with query and fragment) `raw` names, or null when it is not one. */
export function safeReturnTo(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  // Control characters and spaces (browsers strip tabs and newlines, which turns "/\t/evil" into "//evil").
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw)) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (parsed.origin !== BASE) return null;
  // The single sign-on routes themselves would loop.
  if (parsed.pathname.startsWith('/auth/sso/')) return null;
  // Normalisation can make a protocol-relative URL of a harmless-looking path ("/.//evil" → "//evil").
  const kept = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return kept.startsWith('//') ? null : kept;
}
