import { api } from './api-client.ts';
import type { InstitutionSettings } from './api-types.ts';

/** A person type as an institution defines it (src/modules/institution/institution.routes.ts). */
export interface PersonTypeResource {
  code: string;
  labelFr: string;
  labelEn: string;
  /** Card kinds this type may hold. */
  cardKinds: Array<'physical' | 'virtual'>;
  /** Whether people of this type may request a card themselves. */
  selfRequest: boolean;
  /** Whether their request asks for a delivery address. */
  deliveryAddress: boolean;
  /** Months a new card is valid for (null: the institution's setting). */
  validityMonths: number | null;
  /** Directory affiliations (eduPersonAffiliation) that make a person of this type. */
  affiliations: string[];
  position?: number;
  disabled?: boolean;
}

/** What an admin writes of a person type; the code is in the path. */
export type PersonTypeInput = Omit<PersonTypeResource, 'code' | 'disabled'>;

/** Card office settings of an institution; a federation also says whether its members share one card. */
export type InstitutionSettingsResource = Partial<InstitutionSettings> & { sharedCard?: boolean };

/** An institution or a federation, as the institutions routes give it. */
export interface InstitutionResource {
  code: string;
  name: string;
  kind: 'institution' | 'federation';
  /** The federation's code, or null. */
  parent: string | null;
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: { primary: string; secondary: string };
  settings: InstitutionSettingsResource;
  hasLogo?: boolean;
  disabled?: boolean;
  disabledAt?: string | null;
  personTypes?: PersonTypeResource[];
  updatedAt?: string;
}

/** What an admin writes of an institution (create or replace). */
export interface InstitutionResourceInput {
  code?: string;
  name: string;
  kind: 'institution' | 'federation';
  parent: string | null;
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: { primary: string; secondary: string };
  settings: InstitutionSettingsResource;
}

/** Whether an institution has an ESC Router API key of its own (its last four characters, never the key), and which key its sync uses. */
export interface EscApiKeyStatus {
  configured: boolean;
  last4: string | null;
  source: 'institution' | 'deployment' | null;
}

const path = (code: string) => `/institutions/${encodeURIComponent(code)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Institutions, their person types and ESC Router keys (admins write; office roles read). */
export const institutionsApi = {
  list(signal?: AbortSignal): Promise<InstitutionResource[]> {
    return api<{ items: InstitutionResource[] }>('/institutions', withSignal(signal)).then((answer) => answer.items);
  },
  get(code: string, signal?: AbortSignal): Promise<InstitutionResource> {
    return api<InstitutionResource>(path(code), withSignal(signal));
  },
  /** The person types an institution defines, in display order (disabled ones included). */
  personTypes(code: string, signal?: AbortSignal): Promise<PersonTypeResource[]> {
    return api<{ items: PersonTypeResource[] }>(`${path(code)}/person-types`, withSignal(signal)).then((answer) => answer.items);
  },
  create(body: InstitutionResourceInput): Promise<InstitutionResource> {
    return api<InstitutionResource>('/institutions', { method: 'POST', body });
  },
  save(code: string, body: InstitutionResourceInput): Promise<InstitutionResource> {
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
