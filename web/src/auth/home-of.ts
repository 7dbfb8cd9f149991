import type { SessionPrincipal } from './session.context.tsx';

/** Where a person lands after login: the office console for staff, their cards for cardholders. */
export function homeOf(principal: SessionPrincipal): string {
  return principal.role === 'cardholder' ? '/me' : '/office';
}
