import { homePath, landingPath } from '../../../src/modules/auth/domain/landing.ts';
import type { SessionPrincipal } from './session.context.tsx';

/** Where a person lands after login: the office console for staff, their cards for cardholders. */
export function homeOf(principal: SessionPrincipal): string {
  return homePath(principal.role);
}

/** Where a person lands after login when they were on their way to `from` (see `landingPath`). */
export function landingOf(principal: SessionPrincipal, from: string | undefined): string {
  return landingPath(principal.role, from);
}
