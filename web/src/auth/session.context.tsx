import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setCsrfToken } from '../api/api-client.ts';
import { peopleApi } from '../api/people.api.ts';
import { changeLanguage, currentLanguage } from '../i18n/i18n.ts';
import { invalidateInstitution } from '../shared/use-institution.hook.ts';

/**
 * After a login, shows the interface in the language the person saved (their mail language), so
 * the choice follows them to a new device. Best effort: a failure leaves the current language.
 */
async function applySavedLanguage(): Promise<void> {
  const { person } = await peopleApi.me();
  if (person.locale && person.locale !== currentLanguage()) await changeLanguage(person.locale);
}

/** Roles of accounts, as the API names them. */
export type Role = 'admin' | 'manager' | 'viewer' | 'station' | 'deliverer' | 'cardholder';

/** Who is logged in. */
export interface SessionPrincipal {
  id: string;
  displayName: string;
  role: Role;
  personTypes: string[] | null;
  personId: string | null;
}

interface SessionAnswer {
  authenticated: boolean;
  principal: SessionPrincipal | null;
  csrfToken: string | null;
}

interface LoginAnswer {
  account: { id: string; displayName: string; role: Role; personTypes: string[] | null; personId: string | null };
  csrfToken: string;
}

export interface SessionState {
  /** `undefined` while the first probe runs, `null` when nobody is logged in. */
  principal: SessionPrincipal | null | undefined;
  login(email: string, password: string): Promise<SessionPrincipal>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Roles that work in the card office console. */
export const OFFICE_ROLES: readonly Role[] = ['admin', 'manager', 'viewer', 'station', 'deliverer'];
/** Roles that may change people and cards. */
export const WRITE_ROLES: readonly Role[] = ['admin', 'manager'];

/** True when the principal works in the card office console. */
export function isOffice(principal: SessionPrincipal | null | undefined): boolean {
  return !!principal && OFFICE_ROLES.includes(principal.role);
}

/** True when the principal may act as a cardholder (has a person record). */
export function isCardholder(principal: SessionPrincipal | null | undefined): boolean {
  return !!principal && principal.personId !== null;
}

/** Provides the current session to the whole application; probes `/auth/session` once. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<SessionPrincipal | null | undefined>(undefined);

  useEffect(() => {
    let alive = true;
    api<SessionAnswer>('/auth/session')
      .then((answer) => {
        if (!alive) return;
        setCsrfToken(answer.csrfToken);
        setPrincipal(answer.principal);
      })
      .catch(() => {
        if (alive) setPrincipal(null);
      });
    const unsubscribe = onUnauthorized(() => {
      setCsrfToken(null);
      setPrincipal(null);
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const answer = await api<LoginAnswer>('/auth/login', { method: 'POST', body: { email, password }, quiet401: true });
    setCsrfToken(answer.csrfToken);
    invalidateInstitution();
    const next: SessionPrincipal = {
      id: answer.account.id,
      displayName: answer.account.displayName,
      role: answer.account.role,
      personTypes: answer.account.personTypes,
      personId: answer.account.personId,
    };
    if (next.personId) await applySavedLanguage().catch(() => undefined);
    setPrincipal(next);
    return next;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST', quiet401: true });
    } finally {
      setCsrfToken(null);
      setPrincipal(null);
      invalidateInstitution();
      navigator.serviceWorker?.controller?.postMessage({ type: 'logout' });
    }
  }, []);

  const value = useMemo(() => ({ principal, login, logout }), [principal, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the current page; only inside {@link SessionProvider}. */
export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
