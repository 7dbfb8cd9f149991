import { api, apiUrl } from './api-client.ts';
import type { BodyOf, ConsentKind, ConsentText, ItemOf, Person, PersonPage, QueryOf, ResponseOf } from './api-types.ts';

/** The caller's own record (with every enrolment of theirs) and consents. */
type Me = ResponseOf<'/api/v1/me', 'get'>;
type PersonConsents = ResponseOf<'/api/v1/persons/{id}/consents', 'get'>;
type PersonsQuery = QueryOf<'/api/v1/persons', 'get'>;
type Preferences = BodyOf<'/api/v1/me/preferences', 'put'>;

/** Each kind of consent and the person's last decision on it (null: never asked). */
export type ConsentsView = Me['consents'];
export type ConsentEvent = ItemOf<PersonConsents['events']>;
/** A consent decision: the kind, the version and language of the text the person read. */
export type ConsentDecision = { kind: ConsentKind } & BodyOf<'/api/v1/persons/{id}/consents/{kind}', 'put'>;

/** Search filters; the server defaults the limit. */
export type PersonSearch = Partial<Pick<PersonsQuery, 'q' | 'limit' | 'cursor'>> & { personType?: Readonly<PersonsQuery['personType']> };


/** People, consents and data export endpoints (src/modules/people/people.routes.ts). */
export const peopleApi = {
  /** The caller's own person record and consents. */
  me(signal?: AbortSignal): Promise<Me> {
    return api<Me>('/me', signal ? { signal } : {});
  },
  get(id: string, signal?: AbortSignal): Promise<Person> {
    return api<Person>(`/persons/${encodeURIComponent(id)}`, signal ? { signal } : {});
  },
  /** Changes some fields of a person (office); null clears an optional field. */
  update(id: string, patch: BodyOf<'/api/v1/persons/{id}', 'patch'>): Promise<Person> {
    return api<Person>(`/persons/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
  },
  /** Sets the caller's own preferences: the language of their mails. */
  setPreferences(preferences: Preferences): Promise<ResponseOf<'/api/v1/me/preferences', 'put'>> {
    return api<ResponseOf<'/api/v1/me/preferences', 'put'>>('/me/preferences', { method: 'PUT', body: preferences });
  },
  /** People whose names, eppn, e-mail, student number or INE contain every word of `q`. */
  search(search: PersonSearch, signal?: AbortSignal): Promise<PersonPage> {
    return api<PersonPage>('/persons', {
      query: { q: search.q, personType: search.personType, limit: search.limit ?? 20, cursor: search.cursor, sort: 'last_name' },
      ...(signal ? { signal } : {}),
    });
  },
  consents(personId: string, signal?: AbortSignal): Promise<PersonConsents> {
    return api<PersonConsents>(`/persons/${encodeURIComponent(personId)}/consents`, signal ? { signal } : {});
  },
  /** Records a decision with the version and language of the text the person read. */
  setConsent(personId: string, decision: ConsentDecision): Promise<ResponseOf<'/api/v1/persons/{id}/consents/{kind}', 'put'>> {
    const { kind, ...body } = decision;
    return api<ResponseOf<'/api/v1/persons/{id}/consents/{kind}', 'put'>>(`/persons/${encodeURIComponent(personId)}/consents/${kind}`, { method: 'PUT', body });
  },
  /** The current consent texts in a language. */
  consentTexts(locale: QueryOf<'/api/v1/consent-texts', 'get'>['locale'], signal?: AbortSignal): Promise<ConsentText[]> {
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
