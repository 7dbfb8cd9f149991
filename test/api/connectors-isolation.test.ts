/**
 * One connector's outage never slows another's (issue 11): the CROUS answers nothing for a while
 * (its calls hang until their timeout) while the ESC Router keeps syncing the same person's card
 * at the speed it always does; once the CROUS is back, its entries drain and nothing is lost.
 * Each connector has its own engine, passes and breaker; they share only the outbox tables.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCrousSimulator, type CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import type { CrousSyncService } from '../../src/modules/crous/crous-sync.service.ts';
import { createPerson, enabledCard, institutionCode } from './cards.fixtures.ts';
import { firstInstitution, setEscConsent, startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

const UAI = '0751234J';
const SECRET = 'oauth-secret-of-the-university-1234';

let w: EscWorld;
let crousSim: CrousSimulator;
let crous: CrousSyncService;

before(async () => {
  crousSim = await startCrousSimulator({
    host: '127.0.0.1', port: 0, environment: 'preproduction',
    credentials: [{ mode: 'oauth2', id: 'univ-client', secret: SECRET, rne: UAI }],
  });
  w = await startEscWorld({ env: { CONNECTOR_SECRETS_KEY: 'k'.repeat(40) } });
  const code = await institutionCode(w.t, (await firstInstitution(w.t)).id);
  const saved = await w.admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
    enabled: true,
    settings: { mode: 'api', environment: 'preproduction', baseUrl: crousSim.url, rneOrgCode: UAI, auth: { mode: 'oauth2', accessUrl: crousSim.url, clientId: 'univ-client' } },
    secrets: { secret: { value: SECRET } },
  });
  assert.equal(saved.status, 200, saved.text);
  // A CROUS call that hangs gives up after 5 s; retries come back at once (the test drives the passes).
  crous = w.t.runtime.services.crousSync.withOptions({ timeoutMs: 5000, backoff: { baseMs: 1, maxMs: 5 }, random: () => 0, breakerThreshold: 3 });
});
after(async () => {
  crous?.close();
  await w?.close();
  await crousSim?.close();
});

test('the CROUS hanging does not hold the ESC Router back; back, the CROUS gets everything once', async () => {
  const ine = `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}AB`;
  const person = await createPerson(w.t, { ine, birthDate: '2004-05-06', rightsEnd: '2099-08-31' });
  await setEscConsent(w.t, person.id, true);
  await w.t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
  crousSim.setFaults({ delayMs: 60_000 });

  const card = await enabledCard(w, person.id);
  const crousPass = crous.deliverPending();
  let crousSettled = false;
  crousPass.then(() => { crousSettled = true; }, () => { crousSettled = true; });
  const started = performance.now();
  const escReport = await w.escSync.deliverPending();
  const escMs = performance.now() - started;
  // Told by order, not by a clock (a loaded machine slows both): the ESC pass ended while the CROUS pass still waited.
  const escFirst = !crousSettled;
  assert.equal(escReport.done, 1, JSON.stringify(escReport));
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE', 'the router has the card');
  // The ESC pass ran while the CROUS pass was stuck in a call it waits 5 s for.
  assert.ok(escFirst, `the ESC pass (${Math.round(escMs)} ms) ended only after the hanging CROUS call gave up`);
  const crousReport = await crousPass;
  assert.equal(crousReport.done, 0, JSON.stringify(crousReport));
  assert.ok(crousReport.retry >= 1, JSON.stringify(crousReport));
  assert.equal(crousSim.accounts.size, 0);

  crousSim.setFaults({});
  for (let pass = 0; pass < 20 && (await crous.counts()).pending > 0; pass += 1) await crous.deliverPending();
  assert.equal((await crous.counts()).pending, 0, 'drained once the CROUS is back');
  const account = crousSim.accounts.get(ine.toUpperCase());
  assert.ok(account, 'the account was created');
  assert.equal(account.cards.size, 1, 'and the card added once');
});
