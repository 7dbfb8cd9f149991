import { randomBytes } from 'node:crypto';
import { startCrousSimulator } from './crous.simulator.ts';
import type { CrousSimulator } from './crous.simulator.ts';

/**
 * The CROUS simulator run inside the `serve` process for demos, as the ESC Router one is, so that
 * the CROUS connector can be watched without the real API. It listens on 127.0.0.1 only, on a
 * free port, plays the pre-production platform and keeps everything in memory.
 */
export interface EmbeddedCrous {
  /** Give it to the client as both `baseUrl` and the OAuth2 `accessUrl`. */
  url: string;
  environment: 'preproduction';
  simulator: CrousSimulator;
  /**
   * OAuth2 credentials for the institution of this UAI, issued once per UAI and bound to it (the
   * simulator keeps each institution's priority apart). Cheap and idempotent.
   */
  credentialsFor(rne: string): { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/** Kept in memory per request; enough to look at what was sent lately, bounded for a server running for weeks. */
const REQUEST_LOG_LIMIT = 500;

/** Starts the embedded CROUS; credentials are issued per institution as the connector asks for them. */
export async function startEmbeddedCrous(): Promise<EmbeddedCrous> {
  const simulator = await startCrousSimulator({ host: '127.0.0.1', port: 0, environment: 'preproduction', requestLogLimit: REQUEST_LOG_LIMIT });
  const issued = new Map<string, { clientId: string; clientSecret: string }>();
  return {
    url: simulator.url,
    environment: 'preproduction',
    simulator,
    credentialsFor(rne) {
      let credentials = issued.get(rne);
      if (credentials === undefined) {
        credentials = { clientId: `campuscard-${rne.toLowerCase()}`, clientSecret: randomBytes(24).toString('base64url') };
        simulator.registerCredential({ mode: 'oauth2', id: credentials.clientId, secret: credentials.clientSecret, rne });
        issued.set(rne, credentials);
      }
      return credentials;
    },
    close: () => simulator.close(),
  };
}
