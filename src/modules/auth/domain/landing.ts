/**
 * Where a person lands after logging in, shared by the server (single sign-on) and the web app
 * (local login): pure, no imports, so the web bundle can take it as it is.
 */

/** The home of a role: the office console for staff, their own cards for cardholders. */
export function homePath(role: string): '/me' | '/office' {
  return role === 'cardholder' ? '/me' : '/office';
}

/**
 * The page a person lands on when they were on their way to `asked` (a path of this site, already
 * checked): there, except that a cardholder is never sent into the office console (a page there is
 * one the previous user of the browser was on when they logged out, and would only say "access
 * refused"); their home when nothing was asked.
 */
export function landingPath(role: string, asked: string | null | undefined): string {
  if (asked === null || asked === undefined) return homePath(role);
  return role === 'cardholder' && /^\/office(?:[/?#]|$)/.test(asked) ? homePath(role) : asked;
}
