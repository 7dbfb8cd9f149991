import { api } from './api-client.ts';
import type { BodyOf, ResponseOf } from './api-types.ts';

/** An institution's card identifier definitions with their next values (src/modules/card-identifiers). */
export type CardIdentifierDefinitions = ResponseOf<'/api/v1/institutions/{code}/card-identifiers', 'get'>;
/** What an admin or manager saves; `next` moves a sequence. */
export type CardIdentifierDefinitionsInput = BodyOf<'/api/v1/institutions/{code}/card-identifiers', 'put'>;

const path = (code: string) => `/institutions/${encodeURIComponent(code)}/card-identifiers`;

/** The access-control and secondary ids an institution's new cards get. */
export const cardIdentifiersApi = {
  get(code: string, signal?: AbortSignal): Promise<CardIdentifierDefinitions> {
    return api<CardIdentifierDefinitions>(path(code), signal ? { signal } : {});
  },
  save(code: string, body: CardIdentifierDefinitionsInput): Promise<CardIdentifierDefinitions> {
    return api<CardIdentifierDefinitions>(path(code), { method: 'PUT', body });
  },
};
