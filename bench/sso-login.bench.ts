import { randomUUID } from 'node:crypto';
import { startTestApp } from '../test/helpers/test-app.ts';
import { CookieJar, signInAtProvider } from '../test/helpers/oidc-browser.ts';
import { createOidcClient } from '../src/adapters/oidc/oidc.client.ts';
import { startOidcProvider } from '../src/adapters/oidc/oidc.provider.ts';
import { SSO_BROWSER_COOKIE } from '../src/modules/sso/sso-browser.binding.ts';
import type { BenchRow } from './bench-report.ts';

/**
 * The campuscard part of an OpenID Connect login round trip, against the real oidc-provider on
 * this machine: `GET /auth/sso/<id>/login` (pending login stored, redirect built) plus the
 * callback (state taken, code exchanged with PKCE, ID token checked, userinfo, person matched,
 * session created). The person's time at the provider's form is not counted (the provider keeps
 * its session: it answers at once). Baseline in the same run: the same code exchange and
 * userinfo done by the OIDC client alone, with no campuscard around it (what no RP can avoid).
 */

const PUBLIC_URL = 'http://campuscard.bench';
const METHOD = 'oidc-bench';
const CLIENT = { clientId: 'campuscard', clientSecret: 'bench-client-secret-of-some-length' };
const REDIRECT = `${PUBLIC_URL}/auth/sso/${METHOD}/callback`;
const EPPN = 'bench.student@univ.example.fr';
const USER = { username: 'bench', password: 'bench password', claims: { eduperson_principal_name: EPPN, given_name: 'Bench', family_name: 'Student', email: EPPN } };
const WARMUP = 20;
const ROUNDS = 200;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Runs the rounds; answers the table rows (median and p95, each against the client-only baseline). */
export async function runSsoLoginBench(): Promise<BenchRow[]> {
  const provider = await startOidcProvider({ users: [USER], clients: [{ ...CLIENT, redirectUris: [REDIRECT] }] });
  const t = await startTestApp({
    env: { PUBLIC_URL, SSO_METHODS: JSON.stringify([{ id: METHOD, protocol: 'oidc', issuer: provider.issuer, ...CLIENT }]), SSO_ALLOW_INSECURE_IDP: 'true' },
  });
  try {
    await t.runtime.services.sso.seedDefaults([{ id: METHOD, enabled: true, trustedFields: ['firstName'] }], { actor: 'bench' });
    await t.runtime.services.people.create({ eppn: EPPN, lastName: 'Student', firstName: 'Bench', personType: 'student', email: EPPN }, { actor: 'bench' });
    const jar = new CookieJar();
    const campuscard: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const started = performance.now();
      const start = await t.anonymous.get(`/auth/sso/${METHOD}/login`);
      const redirected = performance.now();
      const back = await signInAtProvider(String(start.headers.location), USER, jar);
      const returned = performance.now();
      // The browser-binding cookie /login set comes back with the callback, as a browser sends it.
      const binding = [start.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_COOKIE}=`))?.split(';')[0] ?? '';
      const answer = await t.anonymous.request('GET', `${back.pathname}${back.search}`, { headers: { cookie: binding } });
      const done = performance.now();
      if (start.status !== 303 || answer.status !== 303) throw new Error(`login failed: ${start.status} ${answer.status} ${answer.text.slice(0, 200)}`);
      if (round >= WARMUP) campuscard.push((redirected - started) + (done - returned));
    }
    const client = createOidcClient({ issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT, allowInsecureIssuer: true });
    const alone: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const state = randomUUID();
      const secrets = client.newLoginSecrets();
      const back = await signInAtProvider(await client.authorizationUrl(state, secrets), USER, jar);
      const started = performance.now();
      await client.completeLogin(back, { state, ...secrets });
      if (round >= WARMUP) alone.push(performance.now() - started);
    }
    campuscard.sort((a, b) => a - b);
    alone.sort((a, b) => a - b);
    const rows: BenchRow[] = [];
    for (const [label, q, goal] of [['median', 0.5, 50], ['p95', 0.95, 150]] as const) {
      const value = quantile(campuscard, q);
      const baseline = quantile(alone, q);
      rows.push({
        metric: `campuscard part of an OIDC login, ${label}`, value, unit: 'ms',
        baseline: { name: 'code exchange + userinfo by the client alone', value: baseline },
        ratio: baseline / value, goal: `< ${goal} ms`, pass: value < goal,
      });
    }
    return rows;
  } finally {
    await t.close();
    await provider.close();
  }
}
