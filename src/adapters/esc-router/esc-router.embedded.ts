import { randomBytes } from 'node:crypto';
import { startEscRouterSimulator, type EscRouterSimulator } from './esc-router.simulator.ts';

/**
 * The ESC Router simulator run inside the `serve` process for demos (ESC_ROUTER_SIMULATOR), so
 * that the ESC sync can be watched without a real router. It listens on 127.0.0.1 only, on a
 * free port, and keeps its data in memory: it forgets everything when the process stops.
 */
export interface EmbeddedEscRouter {
  /** Base URL to give the sync (`http://127.0.0.1:<port>/esc-rest`). */
  url: string;
  /** A fresh random key standing for the deployment's ESC_ROUTER_API_KEY (bound to no institution). */
  apiKey: string;
  simulator: EscRouterSimulator;
  /**
   * The key the sync uses for the institution of this PIC, bound to that PIC as the router's
   * onboarding does: the institution's own key when it has one (a key the demo seed or an admin
   * set), else a random key issued once per PIC. So every institution syncs with a key of its own
   * and the simulator keeps their records apart (a key cannot read or change another PIC's
   * records). Cheap and idempotent: called before every delivery, it follows a change of PIC or key.
   */
  keyFor(pic: string, ownKey?: string): string;
  close(): Promise<void>;
}

/** Kept in memory per request; enough to look at what was sent lately, bounded for a server running for weeks. */
const REQUEST_LOG_LIMIT = 500;

/** Starts the embedded router; keys are bound to PICs as the sync asks for them ({@link EmbeddedEscRouter.keyFor}). */
export async function startEmbeddedEscRouter(): Promise<EmbeddedEscRouter> {
  const apiKey = randomBytes(24).toString('base64url');
  const simulator = await startEscRouterSimulator({ host: '127.0.0.1', port: 0, apiKeys: {}, requestLogLimit: REQUEST_LOG_LIMIT });
  const issued = new Map<string, string>();
  const bound = new Map<string, string>();
  return {
    url: simulator.url,
    apiKey,
    simulator,
    keyFor(pic, ownKey) {
      let key = ownKey ?? issued.get(pic);
      if (key === undefined) {
        key = randomBytes(24).toString('base64url');
        issued.set(pic, key);
      }
      if (bound.get(key) !== pic) {
        simulator.registerApiKey(key, { pic });
        bound.set(key, pic);
      }
      return key;
    },
    close: () => simulator.close(),
  };
}
