import { randomBytes } from 'node:crypto';
import { startEscRouterSimulator, type EscRouterSimulator } from './esc-router.simulator.ts';

/**
 * The ESC Router simulator run inside the `serve` process for demos (ESC_ROUTER_SIMULATOR), so
 * that the ESC sync can be watched without a real router. It listens on 127.0.0.1 only, on a
 * free port, behind a fresh random API key, and keeps its data in memory: it forgets everything
 * when the process stops.
 */
export interface EmbeddedEscRouter {
  /** Base URL to give the sync (`http://127.0.0.1:<port>/esc-rest`). */
  url: string;
  apiKey: string;
  simulator: EscRouterSimulator;
  /**
   * Binds the API key to the institution's PIC, as the router's onboarding does: the simulator
   * refuses a key it does not know (401) and cards of another PIC (403). Cheap and idempotent,
   * so it can be called before every delivery and follows a change of PIC.
   */
  register(pic: string): void;
  close(): Promise<void>;
}

/** Kept in memory per request; enough to look at what was sent lately, bounded for a server running for weeks. */
const REQUEST_LOG_LIMIT = 500;

/** Starts the embedded router; nothing is registered until {@link EmbeddedEscRouter.register}. */
export async function startEmbeddedEscRouter(): Promise<EmbeddedEscRouter> {
  const apiKey = randomBytes(24).toString('base64url');
  const simulator = await startEscRouterSimulator({ host: '127.0.0.1', port: 0, apiKeys: {}, requestLogLimit: REQUEST_LOG_LIMIT });
  let registered: string | undefined;
  return {
    url: simulator.url,
    apiKey,
    simulator,
    register(pic) {
      if (pic === registered) return;
      simulator.registerApiKey(apiKey, { pic });
      registered = pic;
    },
    close: () => simulator.close(),
  };
}
