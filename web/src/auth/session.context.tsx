import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setCsrfToken, setInstitutionFocus } from '../api/api-client.ts';
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

/** An institution the account covers, as the session lists it (parent: the federation's code). */
export interface SessionInstitution {
  code: string;
  name: string;
  kind: 'institution' | 'federation';
  parent: string | null;
}

/** Who is logged in. */
export interface SessionPrincipal {
  id: string;
  displayName: string;
  role: Role;
  personTypes: string[] | null;
  personId: string | null;
  /** Every institution the account covers (its grants, federations expanded to their members). */
  institutions: SessionInstitution[];
  /** The institution the console is switched to (null: all those the account covers). */
  currentInstitution: string | null;
}

interface SessionAnswer {
  authenticated: boolean;
  principal: SessionPrincipal | null;
  csrfToken: string | null;
}

interface LoginAnswer {
  csrfToken: string;
}

export interface SessionState {
  /** `undefined` while the first probe runs, `null` when nobody is logged in. */
  principal: SessionPrincipal | null | undefined;
  login(email: string, password: string): Promise<SessionPrincipal>;
  logout(): Promise<void>;
  /**
   * Switches the console to one institution (its code) or to all (null): remembered for the
   * account by the server, and sent with every following call.
   */
  chooseInstitution(code: string | null): Promise<void>;
  /** Reads the session again: after an admin changed the institutions, the switcher lists them as they are now. */
  refresh(): Promise<void>;
}

/** The principal of a session answer; points the API client at the institution it is switched to. */
function principalOf(answer: SessionPrincipal | null): SessionPrincipal | null {
  setInstitutionFocus(answer?.currentInstitution ?? null);
  return answer;
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
        setPrincipal(principalOf(answer.principal));
      })
      .catch(() => {
        if (alive) setPrincipal(null);
      });
    const unsubscribe = onUnauthorized(() => {
      setCsrfToken(null);
      setInstitutionFocus(null);
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
    // The session answer lists the institutions the account covers and the one it was switched to.
    const session = await api<SessionAnswer>('/auth/session', { quiet401: true });
    const next = principalOf(session.principal);
    if (!next) throw new Error('no session after login');
    if (next.personId) await applySavedLanguage().catch(() => undefined);
    setPrincipal(next);
    return next;
  }, []);

  const logout = useCallback(async () => {
    let next: string | null = null;
    try {
      next = (await api<{ next: string | null }>('/auth/logout', { method: 'POST', quiet401: true })).next;
    } finally {
      setCsrfToken(null);
      setInstitutionFocus(null);
      setPrincipal(null);
      invalidateInstitution();
      navigator.serviceWorker?.controller?.postMessage({ type: 'logout' });
    }
    // A single sign-on session: the identity provider's logout ends it there too (and may come back to /login).
    if (next) window.location.assign(next);
  }, []);

  const chooseInstitution = useCallback(async (code: string | null) => {
    await api<unknown>('/auth/session/institution', { method: 'PUT', body: { institution: code } });
    setInstitutionFocus(code);
    invalidateInstitution();
    setPrincipal((previous) => (previous ? { ...previous, currentInstitution: code } : previous));
  }, []);

  const refresh = useCallback(async () => {
    const answer = await api<SessionAnswer>('/auth/session');
    setPrincipal(principalOf(answer.principal));
  }, []);

  const value = useMemo(() => ({ principal, login, logout, chooseInstitution, refresh }), [principal, login, logout, chooseInstitution, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the current page; only inside {@link SessionProvider}. */
export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
