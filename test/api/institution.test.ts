import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

let t: TestApp;
let admin: TestClient;

const SETUP = {
  name: 'Université Exemple', pic: '999999999', uai: '0021593w', schacHomeOrganization: 'Univ.Example.FR', country: 'FR', esiScope: 'national',
  colors: { primary: '#112233', secondary: '#445566' },
};

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
});
after(async () => { await t.close(); });

test('a new deployment has a placeholder institution; an admin sets it up; settings keep unspecified values', async () => {
  const placeholder = await t.anonymous.get<{ code: string; name: string; pic: string | null; kind: string; parent: string | null }>('/api/v1/institution');
  assert.equal(placeholder.status, 200);
  assert.equal(placeholder.body.code, 'main');
  assert.equal(placeholder.body.kind, 'institution');
  assert.equal(placeholder.body.pic, null, 'no PIC until the admin sets it');
  assert.equal(placeholder.body.parent, null);

  const saved = await admin.put<Record<string, unknown>>('/api/v1/institution', { ...SETUP, settings: { cardValidityMonths: 24 } });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.uai, '0021593W');
  assert.equal(saved.body.pic, '999999999');
  assert.equal(saved.body.code, 'main', 'the code stays');
  assert.equal(saved.body.schacHomeOrganization, 'univ.example.fr');
  assert.equal((saved.body.settings as { cardValidityMonths: number }).cardValidityMonths, 24);
  assert.equal((saved.body.settings as { autoEnableAfterEncode: boolean }).autoEnableAfterEncode, false);
  assert.equal('requestRules' in (saved.body.settings as object), false, 'request rules are held by person types now');

  const again = await admin.put<{ settings: Record<string, unknown> }>('/api/v1/institution', { ...SETUP, settings: { enableOnDelivery: true } });
  assert.equal(again.body.settings.cardValidityMonths, 24, 'unspecified settings keep their value');
  assert.equal(again.body.settings.enableOnDelivery, true);
});

test('the public view is a subset; office roles see identifiers and settings', async () => {
  await admin.put('/api/v1/institution', SETUP);
  const anonymous = await t.anonymous.get('/api/v1/institution');
  assert.equal(anonymous.status, 200);
  const PUBLIC_KEYS = ['code', 'colors', 'hasLogo', 'kind', 'name', 'parent', 'parentName', 'personTypes', 'pic'];
  assert.deepEqual(Object.keys(anonymous.body).sort(), PUBLIC_KEYS);
  const student = (anonymous.body.personTypes as Array<Record<string, unknown>>).find((type) => type.code === 'student');
  assert.deepEqual(student, { code: 'student', labelFr: 'Étudiant', labelEn: 'Student', cardKinds: ['physical', 'virtual'], selfRequest: true, deliveryAddress: false },
    'everybody sees the request rules of each person type');
  const cardholder = await t.loginAs('cardholder', { personId: '00000000-0000-4000-8000-000000000001' });
  assert.deepEqual(Object.keys((await cardholder.get('/api/v1/institution')).body).sort(), PUBLIC_KEYS);
  const viewer = await t.loginAs('viewer');
  const full = await viewer.get('/api/v1/institution');
  assert.ok('settings' in full.body && 'schacHomeOrganization' in full.body && 'esiScope' in full.body);
});

test('PUT /institution: admin only, schema and identifier checks', async () => {
  assert.equal((await t.anonymous.put('/api/v1/institution', SETUP)).status, 401);
  assert.equal((await (await t.loginAs('manager')).put('/api/v1/institution', SETUP)).status, 403);
  assert.equal((await (await t.loginAs('cardholder', { personId: '00000000-0000-4000-8000-000000000002' })).put('/api/v1/institution', SETUP)).status, 403);
  const unknown = await admin.put('/api/v1/institution', { ...SETUP, motto: 'x' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.field, '/motto');
  const badSetting = await admin.put('/api/v1/institution', { ...SETUP, settings: { cardValidityMonths: 0 } });
  assert.equal(badSetting.status, 400);
  const badUai = await admin.put('/api/v1/institution', { ...SETUP, uai: '0021593A' });
  assert.equal(badUai.status, 422);
  assert.equal(badUai.body.code, 'invalid_uai');
  const badPic = await admin.put('/api/v1/institution', { ...SETUP, pic: '12345' });
  assert.equal(badPic.status, 422);
  assert.equal(badPic.body.field, '/pic');
});

test('logo: raw PNG, JPEG and SVG bodies or multipart; content sniffed; public download as PNG or JPEG', async () => {
  await admin.put('/api/v1/institution', SETUP);
  assert.equal((await t.anonymous.get('/api/v1/institution/logo')).status, 404);
  const png = await sharp({ create: { width: 64, height: 32, channels: 4, background: '#ff000080' } }).png().toBuffer();

  const uploaded = await admin.request('PUT', '/api/v1/institution/logo', { payload: png, headers: { 'content-type': 'image/png' } });
  assert.equal(uploaded.status, 204, uploaded.text);
  const logo = await t.anonymous.get('/api/v1/institution/logo');
  assert.equal(logo.status, 200);
  assert.equal(logo.headers['content-type'], 'image/png');
  assert.equal(logo.headers['x-content-type-options'], 'nosniff');
  assert.equal((await t.anonymous.get<{ hasLogo: boolean }>('/api/v1/institution')).body.hasLogo, true);

  const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
  const mislabelled = await admin.request('PUT', '/api/v1/institution/logo', { payload: svg, headers: { 'content-type': 'image/png' } });
  assert.equal(mislabelled.status, 204, 'the content decides, not the label');
  const svgLogo = await t.app.inject({ url: '/api/v1/institution/logo' });
  assert.equal(svgLogo.headers['content-type'], 'image/png', 'an SVG is stored and served as the PNG it was drawn into');
  assert.equal(svgLogo.headers['x-content-type-options'], 'nosniff');
  assert.deepEqual((await sharp(svgLogo.rawPayload).metadata()).format, 'png');

  const boundary = 'logoBoundary123';
  const jpeg = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#00ff00' } }).jpeg().toBuffer();
  const multipart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const viaForm = await admin.request('PUT', '/api/v1/institution/logo', { payload: multipart, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(viaForm.status, 204, viaForm.text);
  assert.equal((await t.anonymous.get('/api/v1/institution/logo')).headers['content-type'], 'image/jpeg');
});

test('logo: refused when not an image, unreadable, too large, or not from an admin (scripted SVG: institution-logo.test.ts)', async () => {
  await admin.put('/api/v1/institution', SETUP);
  const put = (client: TestClient, payload: string | Buffer, type: string) =>
    client.request('PUT', '/api/v1/institution/logo', { payload, headers: { 'content-type': type } });
  const html = await put(admin, '<html><body>hi</body></html>', 'image/svg+xml');
  assert.equal(html.status, 415);
  assert.equal(html.body.code, 'logo_unsupported_type');
  const truncated = await put(admin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), 'image/png');
  assert.equal(truncated.status, 422);
  assert.equal(truncated.body.code, 'logo_corrupt');
  const huge = await put(admin, Buffer.alloc(600 * 1024, 1), 'image/png');
  assert.equal(huge.status, 413);
  assert.equal((await put(admin, 'GIF89a', 'image/gif')).status, 415);
  assert.equal((await put(await t.loginAs('manager'), '<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml')).status, 403);
  assert.equal((await put(t.anonymous, '<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml')).status, 401);
});

test('the deprecated settings.requestRules set the request rules of the named person types', async () => {
  const saved = await admin.put('/api/v1/institution', { ...SETUP, settings: { requestRules: { guest: { selfRequest: true, deliveryAddress: true } } } });
  assert.equal(saved.status, 200, saved.text);
  const types = await admin.get<{ items: Array<{ code: string; selfRequest: boolean; deliveryAddress: boolean }> }>('/api/v1/institutions/main/person-types');
  assert.deepEqual(types.body.items.find((type) => type.code === 'guest'), { ...types.body.items.find((type) => type.code === 'guest'), selfRequest: true, deliveryAddress: true });
  const unknown = await admin.put('/api/v1/institution', { ...SETUP, name: 'Renamed', settings: { requestRules: { alien: { selfRequest: true, deliveryAddress: false } } } });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.code, 'unknown_person_type');
  assert.equal(unknown.body.field, '/settings/requestRules/alien');
  assert.equal((await t.anonymous.get('/api/v1/institution')).body.name, SETUP.name, 'nothing was written');
  await admin.put('/api/v1/institution', { ...SETUP, settings: { requestRules: { guest: { selfRequest: false, deliveryAddress: false } } } });
});

// Last: from here on the deployment has two institutions.
test('with two institutions, today\'s routes act on the focused or only institution in reach, else 422 institution_required', async () => {
  assert.equal((await admin.post('/api/v1/institutions', { code: 'second', name: 'Second École', pic: '888888888' })).status, 201);
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } }).png().toBuffer();

  const ambiguous = await admin.put('/api/v1/institution', SETUP);
  assert.equal(ambiguous.status, 422);
  assert.equal(ambiguous.body.code, 'institution_required');
  const ambiguousLogo = await admin.request('PUT', '/api/v1/institution/logo', { payload: png, headers: { 'content-type': 'image/png' } });
  assert.equal(ambiguousLogo.status, 422);
  assert.equal(ambiguousLogo.body.code, 'institution_required');

  const focus = { 'campuscard-institution': 'second' };
  const focused = await admin.request<{ code: string; name: string }>('PUT', '/api/v1/institution', { body: { ...SETUP, name: 'Second, renamed', pic: '888888888' }, headers: focus });
  assert.equal(focused.status, 200, focused.text);
  assert.equal(focused.body.code, 'second');
  assert.equal((await admin.request('PUT', '/api/v1/institution/logo', { payload: png, headers: { 'content-type': 'image/png', ...focus } })).status, 204);
  assert.equal((await admin.request<{ name: string }>('GET', '/api/v1/institution', { headers: focus })).body.name, 'Second, renamed');
  assert.equal((await admin.request('GET', '/api/v1/institution/logo', { headers: focus })).headers['content-type'], 'image/png');

  // A visitor (and an unfocused reader) gets the first top-level institution, untouched.
  const visitor = await t.anonymous.get<{ code: string; name: string }>('/api/v1/institution');
  assert.equal(visitor.body.code, 'main');
  assert.equal(visitor.body.name, SETUP.name);
  assert.equal((await admin.get<{ code: string }>('/api/v1/institution')).body.code, 'main');

  // An admin granted on one institution needs no focus: it is the only one in reach.
  const secondAdmin = await t.loginAs('admin', { institutions: ['second'] });
  assert.equal((await secondAdmin.get<{ code: string }>('/api/v1/institution')).body.code, 'second');
  const own = await secondAdmin.put<{ code: string; name: string }>('/api/v1/institution', { ...SETUP, name: 'Second École', pic: '888888888' });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.code, 'second');
  assert.equal((await t.anonymous.get<{ name: string }>('/api/v1/institution')).body.name, SETUP.name, 'main untouched');

  // Office roles get the settings of an institution they reach only; else the public view.
  const secondManager = await t.loginAs('manager', { institutions: ['second'] });
  const managerView = await secondManager.get('/api/v1/institution');
  assert.equal(managerView.body.code, 'second');
  assert.ok('settings' in managerView.body);
  const nowhere = await t.loginAs('viewer', { institutions: [] });
  const nowhereView = await nowhere.get('/api/v1/institution');
  assert.equal(nowhereView.status, 200, nowhereView.text);
  assert.equal(nowhereView.body.code, 'main');
  assert.equal('settings' in nowhereView.body, false, 'no settings of an institution out of reach');

  // Visitors and cardholders may name the institution whose branding and request rules they want.
  const named = await t.anonymous.request<{ code: string; personTypes: unknown[] }>('GET', '/api/v1/institution', { headers: focus });
  assert.equal(named.body.code, 'second');
  assert.equal(named.body.personTypes.length, 4);
  assert.equal((await t.anonymous.request('GET', '/api/v1/institution/logo', { headers: focus })).headers['content-type'], 'image/png');
  const holder = await t.loginAs('cardholder', { personId: '00000000-0000-4000-8000-000000000003' });
  const holderView = await holder.request<{ code: string }>('GET', '/api/v1/institution', { headers: focus });
  assert.equal(holderView.body.code, 'second');
  assert.equal('settings' in holderView.body, false);
  const unknown = await t.anonymous.request('GET', '/api/v1/institution', { headers: { 'campuscard-institution': 'nowhere' } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'institution_not_found');
});
