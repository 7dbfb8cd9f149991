import { report } from './bench-report.ts';
import { runStartBench } from './start.bench.ts';
import { runSearchBench } from './search.bench.ts';
import { runImportBench } from './import.bench.ts';
import { runVerificationBench } from './verification.bench.ts';
import { runVerificationPageBench } from './verification-page.bench.ts';
import { runOutboxBench } from './outbox.bench.ts';
import { runCrousDrainBench } from './crous-drain.bench.ts';
import { runSsoLoginBench } from './sso-login.bench.ts';
import { runLdapSyncBench } from './ldap-sync.bench.ts';
import { runWebhookFanoutBench } from './webhook-fanout.bench.ts';
import { runCompressionBench } from './compression.bench.ts';
import { runCardExportBench } from './card-export.bench.ts';
import { runBulkMoveBench } from './bulk-move.bench.ts';
import { runEmbeddedLimitsBench } from './embedded-limits.bench.ts';
import { runRenderBench } from './render.bench.ts';

/**
 * `npm run bench [name…]`: runs the benchmarks (all by default), prints a table for each and
 * writes bench/results/<name>.json. Never part of `npm test`.
 */
const benches: Record<string, () => Promise<void>> = {
  start: async () => report('start', await runStartBench()),
  import: async () => report('import', await runImportBench()),
  verification: async () => report('verification', await runVerificationBench(), { cards: 1_000_000, database: 'postgresql' }),
  'verification-page': async () => {
    const { rows, context } = await runVerificationPageBench();
    report('verification-page', rows, context);
  },
  outbox: async () => {
    const { rows, context } = await runOutboxBench();
    report('outbox', rows, context);
  },
  'crous-drain': async () => report('crous-drain', await runCrousDrainBench(), { database: 'postgresql', crous: 'simulator over HTTP' }),
  'webhook-fanout': async () => report('webhook-fanout', await runWebhookFanoutBench(), { database: 'postgresql', receiver: 'node http server on the loopback' }),
  search: async () => report('search', await runSearchBench(), { cards: 1_000_000, database: 'postgresql' }),
  'sso-login': async () => report('sso-login', await runSsoLoginBench(), { protocol: 'oidc', provider: 'oidc-provider 8 on this machine', database: 'pglite' }),
  compression: async () => report('compression', await runCompressionBench(), { database: 'pglite', persons: 200 }),
  'card-export': async () => {
    const { rows, context } = await runCardExportBench();
    report('card-export', rows, context);
  },
  'bulk-move': async () => {
    const { rows, context } = await runBulkMoveBench();
    report('bulk-move', rows, context);
  },
  'embedded-limits': async () => {
    const { rows, context } = await runEmbeddedLimitsBench();
    report('embedded-limits', rows, context);
  },
  render: async () => {
    const { rows, context } = await runRenderBench();
    report('render', rows, context);
  },
  'ldap-sync': async () => {
    const { rows, context } = await runLdapSyncBench();
    report('ldap-sync', rows, context);
  },
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  await run();
}
