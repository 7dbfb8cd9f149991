import type { Principal } from '../auth/domain/roles.ts';
import { forbidden } from '../../platform/http/problem.ts';

/** Roles that read templates, rules, assets and card faces: the office. */
export const TEMPLATE_READ_ROLES = ['admin', 'manager', 'viewer', 'station', 'deliverer'] as const;
/** Roles that edit templates, rules and assets (of their institutions). */
export const TEMPLATE_WRITE_ROLES = ['admin', 'manager'] as const;
/** Roles that make, take and confirm print batches. */
export const PRINT_ROLES = ['admin', 'manager', 'station'] as const;

/**
 * Whether `principal` may change what belongs to `institutionId` (a template, a rule, an asset):
 * a manager or admin reaching that institution; something of the whole deployment (null) only an
 * admin of the whole deployment. Reading is scoped in the queries (repository `visible`).
 */
export function mayEdit(principal: Principal, institutionId: number | null): boolean {
  if (principal.role !== 'admin' && principal.role !== 'manager') return false;
  if (institutionId === null) return principal.role === 'admin' && principal.institutionIds === null;
  return principal.institutionIds === null || principal.institutionIds.includes(institutionId);
}

/** Throws 403 `template_edit_forbidden` unless {@link mayEdit}. */
export function assertMayEdit(principal: Principal, institutionId: number | null): void {
  if (!mayEdit(principal, institutionId)) {
    throw forbidden(institutionId === null
      ? 'Only an admin of the whole deployment changes deployment-wide templates'
      : 'You may not change the templates of this institution', 'template_edit_forbidden');
  }
}
