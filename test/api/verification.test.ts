import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import {
  configureInstitution, createPerson, enabledCard, encode, holderClient, jpeg, move, officeClients, requestCard, type CardsWorld,
} from './cards.fixtures.ts';
import { setEscConsent } from './esc-sync.fixtures.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';

/**
 * Public verification (API and page), the card's QR code, and the ESC sync switched off (this app
 * has no ESC_ROUTER_URL). The rate limit is low here so that the 429 test stays quick.
 */
const LIMIT = 40;
let w: CardsWorld;
let active: CardView;
let holderPhotoPerson: string;
let holder: TestClient;

before(async () => {
  // Behind a proxy, as in production: the client address comes from X-Forwarded-For.
  const t = await startTestApp({ env: { VERIFY_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'true' } });
  await configureInstitution(t);
  w = await officeClients(t);
  const person = await createPerson(t, { ine: '123456789AB' });
  holderPhotoPerson = person.id;
  const card = await requestCard(w, person.id);
  holder = await holderClient(t, person.id);
  const photo = await holder.request('PUT', `/api/v1/cards/${card.id}/photo`, { payload: await jpeg(), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(photo.status, 200, photo.text);
  await encode(w, card.id);
  active = await move(w.manager, card.id, 'ENABLED');
});
after(async () => {
  await w.t.close();
});

let address = 0;
/** A distinct client address per test, so that the rate limit of one test does not spill into another. */
function from(ip = `198.51.100.${++address}`) {
  return { 'x-forwarded-for': ip };
}

async function verify(path: string, headers: Record<string, string> = {}) {
  return w.t.anonymous.request<Record<string, unknown>>('GET', path, { headers: { ...from(), ...headers } });
}

test('an ENABLED card is ACTIVE: status, number, issuer, expiry and type, nothing personal', async () => {
  const response = await verify(`/api/v1/verify/${active.escn}`);
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body, {
    status: 'ACTIVE', escn: active.escn, issuer: { name: 'Université Exemple', pic: '999999999' }, federation: null,
    expiresAt: active.expiresAt, cardType: 'SMART_NO_CDZ',
  });
  assert.equal(response.headers['cache-control'], 'public, max-age=60');
  assert.match(String(response.headers.etag), /^"[\w-]+"$/);
  const cached = await verify(`/api/v1/verify/${active.escn}`, { 'if-none-match': String(response.headers.etag) });
  assert.equal(cached.status, 304);
  assert.equal(cached.text, '');
  const upper = await verify(`/api/v1/verify/${String(active.escn).toUpperCase()}`);
  assert.equal(upper.status, 200, 'numbers compare case-insensitively');
});

test('suspended is INACTIVE, rights ended is EXPIRED, past expiry is EXPIRED; never cached longer than a minute', async () => {
  const person = await createPerson(w.t, { ine: '223456789AB' });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'THEFT' });
  const suspended = await verify(`/api/v1/verify/${card.escn}`);
  assert.equal(suspended.body.status, 'INACTIVE');
  assert.equal(suspended.headers['cache-control'], 'public, max-age=60');

  await w.t.runtime.database.db.updateTable('cards').set({ state: 'CADUC' }).where('id', '=', card.id).execute();
  assert.equal((await verify(`/api/v1/verify/${card.escn}`)).body.status, 'EXPIRED');
  await w.t.runtime.database.db.updateTable('cards').set({ state: 'ENABLED', expiresAt: '2020-01-31' }).where('id', '=', card.id).execute();
  assert.equal((await verify(`/api/v1/verify/${card.escn}`)).body.status, 'EXPIRED');

  const notYet = await requestCard(w, (await createPerson(w.t)).id);
  assert.equal((await verify(`/api/v1/verify/${notYet.escn}`)).body.status, 'INACTIVE', 'a card not handed over yet');
});

test('the page of an INACTIVE card says why: not yet in service, suspended (the API keeps INACTIVE)', async () => {
  const notYet = await requestCard(w, (await createPerson(w.t)).id);
  const page = await verify(`/v/${notYet.escn}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2>Carte pas encore en service<\/h2>/);
  assert.doesNotMatch(page.text, /suspendue/);
  assert.match((await verify(`/v/${notYet.escn}?lang=en`)).text, /<h2>Card not yet in service<\/h2>/);

  const person = await createPerson(w.t);
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  assert.match((await verify(`/v/${card.escn}`)).text, /<h2>Carte suspendue<\/h2>/);
});

test('unknown number 404 card_not_found; malformed 400 invalid_escn', async () => {
  const unknown = await verify('/api/v1/verify/3e506370-826a-103d-bf76-001999999999');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'card_not_found');
  assert.match(String(unknown.headers['content-type']), /problem\+json/);
  for (const bad of ['nope', '3e506370-826a-103d-bf76-00199999999x', '3e506370-826a-303d-bf76-001999999999']) {
    const response = await verify(`/api/v1/verify/${bad}`);
    assert.equal(response.status, 400, bad);
    assert.equal(response.body.code, 'invalid_escn');
  }
});

test('the scanned QR text: ESC verifier prefixes, ours, and a bare number', async () => {
  const escn = String(active.escn);
  for (const qr of [`https://s.esc-r.eu/${escn}`, `http://esc.gg/${escn}`, `http://pp.esc.gg/${escn}`, `${w.t.config.qrPrefix}${escn}`,
    escn, ` ${escn.toUpperCase()} `]) {
    const response = await verify(`/api/v1/verify?qr=${encodeURIComponent(qr)}`);
    assert.equal(response.status, 200, `${qr}: ${response.text}`);
    assert.equal(response.body.escn, escn);
  }
  const elsewhere = await verify(`/api/v1/verify?qr=${encodeURIComponent(`https://evil.example/${escn}`)}`);
  assert.equal(elsewhere.status, 400);
  assert.equal(elsewhere.body.code, 'invalid_escn');
  assert.equal((await verify('/api/v1/verify')).status, 400);
});

test('the page: French by default, English by Accept-Language or ?lang=en, nothing personal by default', async () => {
  const fr = await verify(`/v/${active.escn}`);
  assert.equal(fr.status, 200);
  assert.match(String(fr.headers['content-type']), /^text\/html/);
  assert.match(fr.text, /<html lang="fr">/);
  assert.match(fr.text, /Carte valide/);
  assert.match(fr.text, /Université Exemple/);
  assert.match(fr.text, /999999999/);
  assert.match(fr.text, /name="viewport"/);
  assert.equal(fr.headers['cache-control'], 'public, max-age=60');
  assert.equal(fr.headers.vary, 'Accept-Language');
  assert.match(String(fr.headers['content-security-policy']), /default-src 'none'/);
  assert.ok(fr.headers.etag);
  assert.doesNotMatch(fr.text, new RegExp(String(active.holder.lastName)), 'no name');
  assert.doesNotMatch(fr.text, /<img/, 'no photo');

  // A browser in a language the page does not have lists English after it: the page stays French.
  const german = await verify(`/v/${active.escn}`, { 'accept-language': 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7' });
  assert.match(german.text, /<html lang="fr">/);
  assert.equal(german.headers['content-language'], 'fr');
  const en = await verify(`/v/${active.escn}`, { 'accept-language': 'de-DE;q=0.5, en-GB;q=0.8, fr;q=0.3' });
  assert.match(en.text, /<html lang="en">/);
  assert.match(en.text, /Valid card/);
  assert.equal(en.headers['content-language'], 'en');
  const forced = await verify(`/v/${active.escn}?lang=en`, { 'accept-language': 'fr' });
  assert.match(forced.text, /Valid card/);

  const unknown = await verify('/v/3e506370-826a-103d-bf76-001999999999');
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /Carte inconnue/);
  const invalid = await verify(`/v/${encodeURIComponent('<script>alert(1)</script>')}`);
  assert.equal(invalid.status, 400);
  assert.match(invalid.text, /Numéro invalide/);
  assert.doesNotMatch(invalid.text, /<script>/);
});

test('the page from the scanned text: /v?qr= takes an ESC verifier URL, ours or a bare ESCN', async () => {
  const escn = String(active.escn);
  for (const qr of [`https://s.esc-r.eu/${escn}`, `${w.t.config.qrPrefix}${escn}`, escn.toUpperCase()]) {
    const response = await verify(`/v?qr=${encodeURIComponent(qr)}`);
    assert.equal(response.status, 200, qr);
    assert.match(response.text, /Carte valide/);
    // The language switch points at the canonical page of the number.
    assert.match(response.text, new RegExp(`href="/v/${escn}\\?lang=en"`));
    assert.equal(response.text, (await verify(`/v/${escn}`)).text, 'the same page as /v/<escn>');
  }
  assert.match(String((await verify(`/v?qr=${escn}`)).headers['content-security-policy']), /default-src 'none'/);
  const unknown = await verify(`/v?qr=${encodeURIComponent('https://s.esc-r.eu/3e506370-826a-103d-bf76-001999999999')}`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /Carte inconnue/);
  const elsewhere = await verify(`/v?qr=${encodeURIComponent(`https://evil.example/${escn}`)}&lang=en`);
  assert.equal(elsewhere.status, 400);
  assert.match(elsewhere.text, /Invalid number/);
  assert.equal((await verify('/v')).status, 400);
});

test('the page shows name and photo only with the holder\'s consent AND the institution\'s setting', async () => {
  const page = () => verify(`/v/${active.escn}`);
  await setEscConsent(w.t, holderPhotoPerson, true, 'photo_publication');
  w.t.runtime.services.verification.forgetIssuer();
  assert.doesNotMatch((await page()).text, /<img/, 'consent alone is not enough');

  await configureInstitution(w.t, { showHolderOnVerification: true });
  w.t.runtime.services.verification.forgetIssuer();
  const shown = await page();
  assert.match(shown.text, new RegExp(String(active.holder.lastName)));
  assert.match(shown.text, /<img src="data:image\/jpeg;base64,/);
  assert.equal(shown.headers['cache-control'], 'private, max-age=60', 'personal data stays out of shared caches');
  const api = await verify(`/api/v1/verify/${active.escn}`);
  assert.equal(api.body.holder, undefined, 'the API never carries personal data');

  await setEscConsent(w.t, holderPhotoPerson, false, 'photo_publication');
  assert.doesNotMatch((await page()).text, /<img/, 'withdrawn consent hides them again');
  await configureInstitution(w.t, { showHolderOnVerification: false });
  w.t.runtime.services.verification.forgetIssuer();
});

test('rate limited per client address, one budget for API and page: 429 problem with Retry-After', async () => {
  const headers = from('203.0.113.77');
  let last = { status: 0, headers: {} as Record<string, unknown>, body: {} as Record<string, unknown> };
  for (let i = 0; i < LIMIT; i += 1) {
    const path = i % 2 === 0 ? `/api/v1/verify/${active.escn}` : `/v/${active.escn}`;
    last = await w.t.anonymous.request('GET', path, { headers });
    assert.notEqual(last.status, 429, `request ${i + 1}`);
  }
  const limited = await w.t.anonymous.request<Record<string, unknown>>('GET', `/api/v1/verify/${active.escn}`, { headers });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.code, 'rate_limited');
  assert.ok(limited.headers['retry-after']);
  assert.equal((await w.t.anonymous.request('GET', `/v/${active.escn}`, { headers })).status, 429);
  const other = await verify(`/api/v1/verify/${active.escn}`);
  assert.equal(other.status, 200, 'another address is not affected');
});

test('QR code of a card: SVG and PNG (error correction M) for its holder and the office only', async () => {
  const svg = await holder.get(`/api/v1/cards/${active.id}/qr.svg`);
  assert.equal(svg.status, 200, svg.text);
  assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
  assert.match(svg.text, /^<svg[\s\S]*<\/svg>\s*$/);
  const png = await w.viewer.request('GET', `/api/v1/cards/${active.id}/qr.png?size=256`);
  assert.equal(png.status, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  const QRCode = (await import('qrcode')).default;
  const expected = QRCode.create(`${w.t.config.qrPrefix}${active.escn}`, { errorCorrectionLevel: 'M' });
  assert.equal(expected.errorCorrectionLevel.bit, 0, 'level M');
  const stranger = await holderClient(w.t, (await createPerson(w.t)).id);
  assert.equal((await stranger.get(`/api/v1/cards/${active.id}/qr.svg`)).status, 404);
  assert.equal((await w.t.anonymous.get(`/api/v1/cards/${active.id}/qr.png`)).status, 401);
  const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
  assert.equal((await staffManager.get(`/api/v1/cards/${active.id}/qr.svg`)).status, 404);
  const esc = await holder.get<{ escn: string; qrContent: string; sync: { enabled: boolean; state: string } }>(`/api/v1/cards/${active.id}/esc`);
  assert.equal(esc.body.qrContent, `${w.t.config.qrPrefix}${active.escn}`);
  assert.deepEqual(esc.body.sync, { enabled: false, state: 'disabled', reason: null, routerStatus: null, confirmedAt: null, lastError: null });
});

test('without ESC_ROUTER_URL the sync is off: nothing is written, the API says so, actions answer 409', async () => {
  const status = await w.admin.get<{ enabled: boolean; counts: { pending: number; done: number } }>('/api/v1/esc/sync/status');
  assert.equal(status.status, 200);
  assert.equal(status.body.enabled, false);
  assert.equal(status.body.counts.pending + status.body.counts.done, 0, 'no entry was written for the cards enabled above');
  const person = await createPerson(w.t, { ine: '323456789AB' });
  await setEscConsent(w.t, person.id, true);
  await enabledCard(w, person.id);
  assert.equal((await w.t.runtime.services.escSync.status()).counts.pending, 0);
  assert.equal((await w.admin.post('/api/v1/esc/sync/reconcile')).status, 409);
  assert.equal((await w.admin.post('/api/v1/esc/sync/replay-failed')).body.code, 'esc_sync_disabled');
  const personSync = await w.admin.get<{ state: string; enabled: boolean }>(`/api/v1/persons/${person.id}/esc-sync`);
  assert.deepEqual([personSync.body.enabled, personSync.body.state], [false, 'disabled']);
});
