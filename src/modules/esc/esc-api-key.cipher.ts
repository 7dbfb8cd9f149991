import { createSecretCipher } from '../../platform/crypto/secret-cipher.ts';

/**
 * Encryption of the institutions' ESC Router API keys at rest (`institutions.esc_api_key_encrypted`),
 * with the shared secret cipher (src/platform/crypto/secret-cipher.ts): AES-256-GCM, key derived
 * from ESC_KEY_ENCRYPTION_KEY, the institution id as additional authenticated data, so a
 * ciphertext copied onto another institution's row does not decrypt and one institution can never
 * be made to send with another's key. Same purpose and context as before the cipher was shared:
 * stored keys stay readable.
 */
export interface EscApiKeyCipher {
  encrypt(institutionId: number, apiKey: string): string;
  /** The key, or undefined when the value was not made with this secret for this institution. */
  decrypt(institutionId: number, stored: string): string | undefined;
}

const context = (institutionId: number) => `campuscard:institution:${institutionId}:esc-api-key`;

/** A cipher bound to the deployment's secret (at least 32 characters, checked by the config). */
export function createEscApiKeyCipher(secret: string): EscApiKeyCipher {
  const cipher = createSecretCipher(secret, 'esc-router-api-key/v1');
  return {
    encrypt: (institutionId, apiKey) => cipher.encrypt(context(institutionId), apiKey),
    decrypt: (institutionId, stored) => cipher.decrypt(context(institutionId), stored),
  };
}

/** What may be shown of a key: that one is set and its last four characters. */
export function keyHint(apiKey: string): string {
  return apiKey.slice(-4);
}
