import { api } from './api-client.ts';
import type { ResponseOf } from './api-types.ts';

/** A started encoding session: its secret (shown once), the card, what to write, the DESFire layout (src/modules/encoding). */
export type EncodingSession = ResponseOf<'/api/v1/encoding/sessions', 'post'>;

/** Encoding stations: one-time sessions and the chip layout. */
export const encodingApi = {
  /** Starts a one-time session for a card being printed or encoded. */
  start(cardId: string): Promise<EncodingSession> {
    return api<EncodingSession>('/encoding/sessions', { method: 'POST', body: { cardId } });
  },
};
