import type { SessionPrincipal } from './session.context.tsx';

/** Where a person lands after login: the office console for staff, their cards for cardholders. */
export function homeOf(principal: SessionPrincipal): string {
  return principal.role === 'cardholder' ? '/me' : '/office';
}

/**
 * Where a person lands after login when they were on their way to `from`: there, except that a
 * cardholder is never sent into the office console (a page there is one the previous user of
 * the browser was on when they logged out, and would only say "access refused").
 */
export function landingOf(principal: SessionPrincipal, from: string | undefined): string {
  if (from === undefined || (principal.role === 'cardholder' && /^\/office(?:[/?#]|$)/.test(from))) return homeOf(principal);
  return from;
}
