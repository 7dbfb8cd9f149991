import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption of secrets stored in the database (an institution's ESC Router API key, a
 * connector's client secret, a webhook endpoint's signing secrets): a dump of the database
 * without the deployment's secret reveals none of them.
 *
 * AES-256-GCM with a key derived (HKDF-SHA256) from the deployment's secret and a purpose (one
 * environment secret, several unrelated keys), a fresh 96-bit nonce per encryption, and a context
 * naming the row and field the value belongs to as additional authenticated data: a ciphertext
 * copied onto another row (another institution, another endpoint) does not decrypt. Stored form:
 * `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 */
export interface SecretCipher {
  /** Encrypts `value` for `context` (e.g. `campuscard:institution:7:esc-api-key`). */
  encrypt(context: string, value: string): string;
  /** The value, or undefined when `stored` was not made with this secret and purpose for this context. */
  decrypt(context: string, stored: string): string | undefined;
}

const VERSION = 'v1';
const NONCE_BYTES = 12;

/**
 * A cipher bound to the deployment's secret (at least 32 characters, checked by the config) and
 * a purpose (`esc-router-api-key/v1`, `webhook-secret/v1`…), the HKDF info of its key.
 */
export function createSecretCipher(secret: string, purpose: string): SecretCipher {
  const key = Buffer.from(hkdfSync('sha256', secret, 'campuscard', purpose, 32));
  return {
    encrypt(context, value) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    decrypt(context, stored) {
      const [version, nonce, tag, ciphertext, ...rest] = stored.split('.');
      if (version !== VERSION || nonce === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Wrong secret, purpose or context, or a tampered value: all the same to the caller.
        return undefined;
      }
    },
  };
}

/** What may be shown of a secret: its last four characters, and nothing of a short one (under 12 characters). */
export function secretHint(value: string): string {
  return value.length < 12 ? '' : value.slice(-4);
}
