import { api, apiUrl } from './api-client.ts';
import type { Consent, ConsentKind, ConsentText, Page, Person } from './api-types.ts';

export type ConsentsView = Record<ConsentKind, Consent | null>;

export interface ConsentEvent {
  id: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: string;
  actor: string;
  at: string;
}

export interface PersonSearch {
  q?: string;
  personType?: readonly string[];
  limit?: number;
  cursor?: string;
}

/** People, consents and data export endpoints (src/modules/people/people.routes.ts). */
export const peopleApi = {
  /** The caller's own person record and consents. */
  me(signal?: AbortSignal): Promise<{ person: Person; consents: ConsentsView }> {
    return api<{ person: Person; consents: ConsentsView }>('/me', signal ? { signal } : {});
  },
  get(id: string, signal?: AbortSignal): Promise<Person> {
    return api<Person>(`/persons/${encodeURIComponent(id)}`, signal ? { signal } : {});
  },
  /** Changes some fields of a person (office); null clears an optional field. */
  update(id: string, patch: Partial<Pick<Person, 'locale'>>): Promise<Person> {
    return api<Person>(`/persons/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
  },
  /** Sets the caller's own preferences: the language of their mails. */
  setPreferences(preferences: { locale: 'fr' | 'en' | null }): Promise<{ locale: 'fr' | 'en' | null }> {
    return api<{ locale: 'fr' | 'en' | null }>('/me/preferences', { method: 'PUT', body: preferences });
  },
  /** People whose names, eppn, e-mail, student number or INE contain every word of `q`. */
  search(search: PersonSearch, signal?: AbortSignal): Promise<Page<Person>> {
    return api<Page<Person>>('/persons', {
      query: { q: search.q, personType: search.personType, limit: search.limit ?? 20, cursor: search.cursor, sort: 'last_name' },
      ...(signal ? { signal } : {}),
    });
  },
  consents(personId: string, signal?: AbortSignal): Promise<{ consents: ConsentsView; events: ConsentEvent[] }> {
    return api<{ consents: ConsentsView; events: ConsentEvent[] }>(`/persons/${encodeURIComponent(personId)}/consents`, signal ? { signal } : {});
  },
  /** Records a decision with the version and language of the text the person read. */
  setConsent(personId: string, decision: { kind: ConsentKind; granted: boolean; textVersion: string; locale: 'fr' | 'en'; channel?: 'office' | 'paper' }): Promise<Consent> {
    const { kind, ...body } = decision;
    return api<Consent>(`/persons/${encodeURIComponent(personId)}/consents/${kind}`, { method: 'PUT', body });
  },
  /** The current consent texts in a language. */
  consentTexts(locale: 'fr' | 'en', signal?: AbortSignal): Promise<ConsentText[]> {
    return api<{ items: ConsentText[] }>('/consent-texts', { query: { locale }, ...(signal ? { signal } : {}) }).then((answer) => answer.items);
  },
  /** Everything held about the caller, as JSON (GDPR access). */
  exportMine(): Promise<unknown> {
    return api<unknown>('/me/export');
  },
  /** Download URL of the caller's data export (the server names the file). */
  exportMineUrl(): string {
    return apiUrl('/me/export');
  },
};
