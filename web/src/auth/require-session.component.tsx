import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useSession, type Role } from './session.context.tsx';

/**
 * Shows its children only to a logged-in person (and, when `roles` is given, one of these roles,
 * or a person record for `cardholder`); sends others to the login page and back afterwards.
 */
export function RequireSession({ children, roles, needsPerson }: { children: ReactNode; roles?: readonly Role[]; needsPerson?: boolean }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const location = useLocation();
  if (principal === undefined) {
    return <Center mih="50vh"><Loader role="status" aria-label={t('common.loading')} /></Center>;
  }
  if (principal === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (roles && !roles.includes(principal.role)) return <Navigate to="/forbidden" replace />;
  if (needsPerson && !principal.personId) return <Navigate to="/forbidden" replace />;
  return <>{children}</>;
}
