import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption of the institutions' ESC Router API keys at rest (`institutions.esc_api_key_encrypted`).
 *
 * AES-256-GCM with a key derived (HKDF-SHA256) from the deployment's secret
 * (ESC_KEY_ENCRYPTION_KEY), a fresh 96-bit nonce per encryption, and the institution id as
 * additional authenticated data: a ciphertext copied onto another institution's row does not
 * decrypt, so one institution can never be made to send with another's key. Stored form:
 * `v1.<nonce>.<tag>.<ciphertext>` (base64url). A database dump without the secret reveals no key.
 */
export interface EscApiKeyCipher {
  encrypt(institutionId: number, apiKey: string): string;
  /** The key, or undefined when the value was not made with this secret for this institution. */
  decrypt(institutionId: number, stored: string): string | undefined;
}

const VERSION = 'v1';
const NONCE_BYTES = 12;

function aad(institutionId: number): Buffer {
  return Buffer.from(`campuscard:institution:${institutionId}:esc-api-key`);
}

/** A cipher bound to the deployment's secret (at least 32 characters, checked by the config). */
export function createEscApiKeyCipher(secret: string): EscApiKeyCipher {
  const key = Buffer.from(hkdfSync('sha256', secret, 'campuscard', 'esc-router-api-key/v1', 32));
  return {
    encrypt(institutionId, apiKey) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
      cipher.setAAD(aad(institutionId));
      const ciphertext = Buffer.concat([cipher.update(apiKey, 'utf8'), cipher.final()]);
      return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    decrypt(institutionId, stored) {
      const [version, nonce, tag, ciphertext, ...rest] = stored.split('.');
      if (version !== VERSION || nonce === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(aad(institutionId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Wrong secret, wrong institution or a tampered value: all the same to the caller.
        return undefined;
      }
    },
  };
}

/** What may be shown of a key: that one is set and its last four characters. */
export function keyHint(apiKey: string): string {
  return apiKey.slice(-4);
}
