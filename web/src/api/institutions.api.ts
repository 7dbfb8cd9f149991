import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** An institution or a federation in a list (src/modules/institution/institution.routes.ts). */
export type InstitutionSummary = ItemOf<ResponseOf<'/api/v1/institutions', 'get'>['items']>;
/** One institution with its identifiers, settings and person types (office roles). */
export type InstitutionResource = ResponseOf<'/api/v1/institutions/{code}', 'get'>;
/** A person type as an institution defines it: labels, card kinds, request rules, validity, affiliations. */
export type PersonTypeResource = ItemOf<InstitutionResource['personTypes']>;
/** What an admin writes of a person type; the code is in the path, fields not sent keep their value. */
export type PersonTypeInput = BodyOf<'/api/v1/institutions/{code}/person-types/{type}', 'put'>;
/** A new institution: its code and name at least. */
export type InstitutionCreateInput = BodyOf<'/api/v1/institutions', 'post'>;
/** A change of an institution; fields and settings not sent keep their value. */
export type InstitutionUpdateInput = BodyOf<'/api/v1/institutions/{code}', 'put'>;
/** Whether an institution has an ESC Router API key of its own (its last four characters, never the key), and which key its sync uses. */
export type EscApiKeyStatus = ResponseOf<'/api/v1/institutions/{code}/esc-api-key', 'get'>;

const path = (code: string) => `/institutions/${encodeURIComponent(code)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Institutions, their person types and ESC Router keys (admins write; office roles read). */
export const institutionsApi = {
  list(signal?: AbortSignal): Promise<InstitutionSummary[]> {
    return api<{ items: InstitutionSummary[] }>('/institutions', withSignal(signal)).then((answer) => answer.items);
  },
  get(code: string, signal?: AbortSignal): Promise<InstitutionResource> {
    return api<InstitutionResource>(path(code), withSignal(signal));
  },
  /** The person types an institution defines, in display order (disabled ones included). */
  personTypes(code: string, signal?: AbortSignal): Promise<PersonTypeResource[]> {
    return api<{ items: PersonTypeResource[] }>(`${path(code)}/person-types`, withSignal(signal)).then((answer) => answer.items);
  },
  create(body: InstitutionCreateInput): Promise<InstitutionResource> {
    return api<InstitutionResource>('/institutions', { method: 'POST', body });
  },
  save(code: string, body: InstitutionUpdateInput): Promise<InstitutionResource> {
    return api<InstitutionResource>(path(code), { method: 'PUT', body });
  },
  disable(code: string): Promise<InstitutionResource> {
    return api<InstitutionResource>(`${path(code)}/disable`, { method: 'POST' });
  },
  enable(code: string): Promise<InstitutionResource> {
    return api<InstitutionResource>(`${path(code)}/enable`, { method: 'POST' });
  },
  savePersonType(code: string, type: string, body: PersonTypeInput): Promise<PersonTypeResource> {
    return api<PersonTypeResource>(`${path(code)}/person-types/${encodeURIComponent(type)}`, { method: 'PUT', body });
  },
  deletePersonType(code: string, type: string): Promise<void> {
    return api<void>(`${path(code)}/person-types/${encodeURIComponent(type)}`, { method: 'DELETE' });
  },
  /** Whether the institution has its own ESC Router API key (src/modules/esc/esc-sync.routes.ts). */
  escApiKey(code: string, signal?: AbortSignal): Promise<EscApiKeyStatus> {
    return api<EscApiKeyStatus>(`${path(code)}/esc-api-key`, withSignal(signal));
  },
  /** Stores the institution's own ESC Router API key (null: the deployment's again); the key is never read back. */
  setEscApiKey(code: string, apiKey: string | null): Promise<EscApiKeyStatus> {
    return api<EscApiKeyStatus>(`${path(code)}/esc-api-key`, { method: 'PUT', body: { apiKey } });
  },
  /** Uploads the institution's logo (PNG, JPEG or SVG, 512 KB at most). */
  uploadLogo(code: string, file: File): Promise<void> {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<void>(`${path(code)}/logo`, { method: 'PUT', body: form });
  },
};
