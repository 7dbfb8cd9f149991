import { api, apiUrl } from './api-client.ts';
import type { BodyOf, Institution, VerifyAnswer } from './api-types.ts';

/** What admins save; settings not sent keep their value. */
export type InstitutionInput = BodyOf<'/api/v1/institution', 'put'>;

/** Institution settings and public verification endpoints. */
export const institutionApi = {
  get(signal?: AbortSignal): Promise<Institution> {
    return api<Institution>('/institution', signal ? { signal } : {});
  },
  /**
   * The public view of one institution by code (branding and its person types' request rules),
   * which anybody may read: what a cardholder enrolled at several institutions needs to request
   * a card at the one they chose.
   */
  branding(code: string, signal?: AbortSignal): Promise<Institution> {
    return api<Institution>('/institution', { institution: code, ...(signal ? { signal } : {}) });
  },
  /** Saves the institution (admins); settings not sent keep their value. */
  save(body: InstitutionInput): Promise<Institution> {
    return api<Institution>('/institution', { method: 'PUT', body });
  },
  /** Uploads the logo (PNG, JPEG or SVG, 512 KB at most). */
  uploadLogo(file: File): Promise<void> {
    const form = new FormData();
    form.append('file', file, file.name);
    return api<void>('/institution/logo', { method: 'PUT', body: form });
  },
  logoUrl(): string {
    return apiUrl('/institution/logo');
  },
  /** Public status of a card by ESCN (no login). */
  verify(escn: string, signal?: AbortSignal): Promise<VerifyAnswer> {
    return api<VerifyAnswer>(`/verify/${encodeURIComponent(escn)}`, { quiet401: true, fresh: true, ...(signal ? { signal } : {}) });
  },
};
