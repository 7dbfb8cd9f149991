import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// The institution administration (/api/v1/institutions): an unscoped admin builds a federation
// `fed` with members `alpha` and `beta`, and a separate `solo`; admins granted on one of them act
// within their grants only, and everything outside answers 404 as if it did not exist.
let t: TestApp;
let root: TestClient;

interface Institution {
  code: string;
  name: string;
  kind: string;
  parent: string | null;
  parentName: string | null;
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  disabled: boolean;
  disabledAt: string | null;
  hasLogo: boolean;
  settings: Record<string, unknown>;
  personTypes: Array<{ code: string; selfRequest: boolean }>;
}

before(async () => {
  t = await startTestApp();
  root = await t.loginAs('admin');
  for (const body of [
    { code: 'fed', name: 'Fédération Démo', kind: 'federation', settings: { sharedCard: true } },
    { code: 'alpha', name: 'Université Alpha', parent: 'fed', pic: '111111111', uai: '0021593w', schacHomeOrganization: 'Alpha.Example.FR' },
    { code: 'beta', name: 'École Beta', parent: 'fed', pic: '222222222' },
    { code: 'solo', name: 'Solo', pic: '333333333' },
  ]) {
    const created = await root.post('/api/v1/institutions', body);
    assert.equal(created.status, 201, created.text);
  }
});
after(async () => { await t.close(); });

test('an unscoped admin creates institutions and federations; codes are unique; a new institution gets the default person types', async () => {
  const alpha = await root.get<Institution>('/api/v1/institutions/alpha');
  assert.equal(alpha.status, 200);
  assert.equal(alpha.body.kind, 'institution');
  assert.equal(alpha.body.parent, 'fed');
  assert.equal(alpha.body.parentName, 'Fédération Démo');
  assert.equal(alpha.body.uai, '0021593W', 'the UAI is stored uppercase');
  assert.equal(alpha.body.schacHomeOrganization, 'alpha.example.fr');
  assert.deepEqual(alpha.body.personTypes.map((type) => type.code), ['student', 'staff', 'guest', 'external']);
  assert.equal(alpha.body.settings.sharedCard, false);
  const fed = await root.get<Institution>('/api/v1/institutions/fed');
  assert.equal(fed.body.kind, 'federation');
  assert.equal(fed.body.pic, null);
  assert.equal(fed.body.settings.sharedCard, true);
  assert.deepEqual(fed.body.personTypes, [], 'a federation enrols nobody: no person types');

  const taken = await root.post('/api/v1/institutions', { code: 'alpha', name: 'Again' });
  assert.equal(taken.status, 409);
  assert.equal(taken.body.code, 'institution_code_taken');
  assert.equal(taken.body.field, '/code');

  const listed = await root.get<{ items: Institution[] }>('/api/v1/institutions');
  assert.deepEqual(listed.body.items.map((item) => item.code).sort(), ['alpha', 'beta', 'fed', 'main', 'solo']);
  assert.equal(listed.body.items[0]?.kind, 'federation', 'federations come first');
});

test('create: code, PIC, UAI, country and SCHAC checks answer 422 with the field; unknown parent 404; unknown field 400', async () => {
  const cases: Array<[Record<string, unknown>, number, string, string]> = [
    [{ code: '-bad', name: 'X' }, 422, 'invalid_institution_code', '/code'],
    [{ code: 'has space', name: 'X' }, 422, 'invalid_institution_code', '/code'],
    [{ code: 'a'.repeat(33), name: 'X' }, 422, 'invalid_institution_code', '/code'],
    [{ code: 'x1', name: 'X', pic: '12345' }, 422, 'invalid_pic', '/pic'],
    [{ code: 'x1', name: 'X', pic: '12345678A' }, 422, 'invalid_pic', '/pic'],
    [{ code: 'x1', name: 'X', uai: '0021593A' }, 422, 'invalid_uai', '/uai'],
    [{ code: 'x1', name: 'X', country: 'ZZ' }, 422, 'invalid_country', '/country'],
    [{ code: 'x1', name: 'X', schacHomeOrganization: 'nodot' }, 422, 'invalid_schac_home_organization', '/schacHomeOrganization'],
    [{ code: 'x1', name: '   ' }, 422, 'invalid_name', '/name'],
    [{ code: 'x1', name: 'X', parent: 'nowhere' }, 404, 'institution_not_found', ''],
    [{ code: 'x1', name: 'X', motto: 'x' }, 400, 'validation_failed', '/motto'],
    [{ code: 'x1', name: 'X', kind: 'school' }, 400, 'validation_failed', '/kind'],
    [{ code: 'x1', name: 'X', settings: { requestRules: {} } }, 400, 'validation_failed', '/settings/requestRules'],
  ];
  for (const [body, status, code, field] of cases) {
    const answer = await root.post('/api/v1/institutions', body);
    assert.equal(answer.status, status, `${JSON.stringify(body)}: ${answer.text}`);
    assert.equal(answer.body.code, code, JSON.stringify(body));
    if (field) assert.equal(answer.body.field, field, JSON.stringify(body));
  }
  assert.equal((await root.get('/api/v1/institutions/x1')).status, 404, 'nothing was created');
  const upper = await root.post<Institution>('/api/v1/institutions', { code: 'Upper-Case', name: 'Upper' });
  assert.equal(upper.status, 201);
  assert.equal(upper.body.code, 'upper-case', 'a code is stored lowercase');
});

test('update: fields not sent keep their value, null clears; the kind is fixed; a cycle is refused', async () => {
  await root.post('/api/v1/institutions', { code: 'gamma', name: 'Gamma', parent: 'fed', pic: '444444444', uai: '0021593W' });
  const renamed = await root.put<Institution>('/api/v1/institutions/gamma', { name: 'Gamma renamed', uai: null, settings: { cardValidityMonths: 24 } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.body.name, 'Gamma renamed');
  assert.equal(renamed.body.pic, '444444444', 'not sent: kept');
  assert.equal(renamed.body.uai, null, 'null clears');
  assert.equal(renamed.body.parent, 'fed');
  assert.equal(renamed.body.settings.cardValidityMonths, 24);
  const again = await root.put<Institution>('/api/v1/institutions/gamma', { settings: { enableOnDelivery: true } });
  assert.equal(again.body.settings.cardValidityMonths, 24, 'settings not sent keep their value');
  assert.equal(again.body.settings.enableOnDelivery, true);

  const kind = await root.put('/api/v1/institutions/gamma', { kind: 'federation' });
  assert.equal(kind.status, 422);
  assert.equal(kind.body.code, 'institution_kind_fixed');

  // fed > gamma > delta: moving fed below delta (or below itself) would make a loop.
  await root.post('/api/v1/institutions', { code: 'delta', name: 'Delta', parent: 'gamma' });
  for (const parent of ['delta', 'gamma', 'fed']) {
    const cycle = await root.put('/api/v1/institutions/fed', { parent });
    assert.equal(cycle.status, 422, parent);
    assert.equal(cycle.body.code, 'institution_cycle');
    assert.equal(cycle.body.field, '/parent');
  }
  assert.equal((await root.get<Institution>('/api/v1/institutions/fed')).body.parent, null);
  const moved = await root.put<Institution>('/api/v1/institutions/delta', { parent: 'solo' });
  assert.equal(moved.body.parent, 'solo');
  const top = await root.put<Institution>('/api/v1/institutions/delta', { parent: null, pic: '666666666' });
  assert.equal(top.status, 200, top.text);
  assert.equal(top.body.parent, null, 'an unscoped admin may make it top level');
  const noPic = await root.put<Institution>('/api/v1/institutions/delta', { pic: null, schacHomeOrganization: null });
  assert.equal(noPic.status, 200, noPic.text);
  assert.equal(noPic.body.pic, null, 'null clears the PIC (not an empty string refused as a bad PIC)');
});

test('an admin granted on alpha sees and changes alpha only: beta, fed and solo are 404; no top-level creation', async () => {
  const alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  const listed = await alphaAdmin.get<{ items: Institution[] }>('/api/v1/institutions');
  assert.deepEqual(listed.body.items.map((item) => item.code), ['alpha']);
  assert.equal(listed.body.items[0]?.parent, 'fed', 'the parent is named, though out of reach');
  for (const [method, url, body] of [
    ['GET', '/api/v1/institutions/beta', undefined],
    ['PUT', '/api/v1/institutions/beta', { name: 'Mine' }],
    ['POST', '/api/v1/institutions/beta/disable', undefined],
    ['GET', '/api/v1/institutions/fed', undefined],
    ['PUT', '/api/v1/institutions/solo', { name: 'Mine' }],
    ['DELETE', '/api/v1/institutions/solo/logo', undefined],
    ['GET', '/api/v1/institutions/beta/person-types', undefined],
    ['PUT', '/api/v1/institutions/beta/person-types/student', { labelFr: 'É', labelEn: 'S' }],
    ['DELETE', '/api/v1/institutions/beta/person-types/guest', undefined],
  ] as const) {
    const answer = await alphaAdmin.request(method, url, body === undefined ? {} : { body });
    assert.equal(answer.status, 404, `${method} ${url}: ${answer.text}`);
    assert.equal(answer.body.code, 'institution_not_found', `${method} ${url}`);
  }
  assert.equal((await root.get<Institution>('/api/v1/institutions/beta')).body.name, 'École Beta', 'beta untouched');

  const changed = await alphaAdmin.put<Institution>('/api/v1/institutions/alpha', { name: 'Université Alpha (Caen)' });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.name, 'Université Alpha (Caen)');

  const topLevel = await alphaAdmin.post('/api/v1/institutions', { code: 'rogue', name: 'Rogue' });
  assert.equal(topLevel.status, 422);
  assert.equal(topLevel.body.code, 'parent_required');
  const underFed = await alphaAdmin.post('/api/v1/institutions', { code: 'rogue', name: 'Rogue', parent: 'fed' });
  assert.equal(underFed.status, 404, 'fed is out of reach');
  const leaving = await alphaAdmin.put('/api/v1/institutions/alpha', { parent: null });
  assert.equal(leaving.status, 422, 'leaving the federation would put it at the top level');
  assert.equal((await root.get('/api/v1/institutions/rogue')).status, 404);
});

test('a federation admin manages its members and creates new ones, which it then reaches; not solo', async () => {
  const fedAdmin = await t.loginAs('admin', { institutions: ['fed'] });
  const listed = await fedAdmin.get<{ items: Institution[] }>('/api/v1/institutions');
  const codes = listed.body.items.map((item) => item.code);
  assert.ok(codes.includes('fed') && codes.includes('alpha') && codes.includes('beta'));
  assert.ok(!codes.includes('solo') && !codes.includes('main'));

  const beta = await fedAdmin.put<Institution>('/api/v1/institutions/beta', { name: 'École Beta (Rouen)', settings: { autoEnableAfterEncode: true } });
  assert.equal(beta.status, 200, beta.text);
  assert.equal(beta.body.settings.autoEnableAfterEncode, true);
  const shared = await fedAdmin.put<Institution>('/api/v1/institutions/fed', { settings: { sharedCard: false } });
  assert.equal(shared.body.settings.sharedCard, false);

  const member = await fedAdmin.post<Institution>('/api/v1/institutions', { code: 'epsilon', name: 'Epsilon', parent: 'fed', pic: '555555555' });
  assert.equal(member.status, 201, member.text);
  assert.equal((await fedAdmin.get('/api/v1/institutions/epsilon')).status, 200, 'a new member is covered at once');
  assert.equal((await fedAdmin.get('/api/v1/institutions/solo')).status, 404);
  assert.equal((await fedAdmin.post('/api/v1/institutions', { code: 'zeta', name: 'Zeta' })).body.code, 'parent_required');
});

test('office roles read within their scope; writes are for admins (403 for other roles, 401 anonymous)', async () => {
  const manager = await t.loginAs('manager', { institutions: ['beta'] });
  assert.deepEqual((await manager.get<{ items: Institution[] }>('/api/v1/institutions')).body.items.map((item) => item.code), ['beta']);
  assert.equal((await manager.get('/api/v1/institutions/beta')).status, 200);
  assert.equal((await manager.get('/api/v1/institutions/alpha')).status, 404);
  assert.equal((await manager.put('/api/v1/institutions/beta', { name: 'x' })).status, 403);
  assert.equal((await manager.post('/api/v1/institutions', { code: 'x2', name: 'x' })).status, 403);
  const viewer = await t.tokenClient('viewer');
  assert.ok((await viewer.get<{ items: Institution[] }>('/api/v1/institutions')).body.items.length >= 5);
  const cardholder = await t.loginAs('cardholder', { personId: '00000000-0000-4000-8000-000000000009' });
  assert.equal((await cardholder.get('/api/v1/institutions')).status, 403);
  assert.equal((await t.anonymous.get('/api/v1/institutions')).status, 401);
  assert.equal((await t.anonymous.post('/api/v1/institutions', { code: 'x3', name: 'x' })).status, 401);
});

test('disable and enable keep the data; a disabled institution is listed as such', async () => {
  await root.put('/api/v1/institutions/solo', { settings: { cardValidityMonths: 36 } });
  const disabled = await root.post<Institution>('/api/v1/institutions/solo/disable');
  assert.equal(disabled.status, 200);
  assert.equal(disabled.body.disabled, true);
  assert.ok(disabled.body.disabledAt);
  const twice = await root.post<Institution>('/api/v1/institutions/solo/disable');
  assert.equal(twice.body.disabledAt, disabled.body.disabledAt, 'disabling again keeps the first date');
  const listed = await root.get<{ items: Institution[] }>('/api/v1/institutions');
  assert.equal(listed.body.items.find((item) => item.code === 'solo')?.disabled, true);
  const enabled = await root.post<Institution>('/api/v1/institutions/solo/enable');
  assert.equal(enabled.body.disabled, false);
  assert.equal(enabled.body.disabledAt, null);
  assert.equal(enabled.body.settings.cardValidityMonths, 36, 'settings survived');
  assert.equal(enabled.body.personTypes.length, 4, 'person types survived');
});

test('each institution has its own logo: public download, admin upload and removal within the grants', async () => {
  const png = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } }).png().toBuffer();
  const betaAdmin = await t.loginAs('admin', { institutions: ['beta'] });
  const put = (client: TestClient, code: string) =>
    client.request('PUT', `/api/v1/institutions/${code}/logo`, { payload: png, headers: { 'content-type': 'image/png' } });
  assert.equal((await t.anonymous.get('/api/v1/institutions/beta/logo')).status, 404);
  assert.equal((await put(betaAdmin, 'beta')).status, 204);
  const logo = await t.anonymous.get('/api/v1/institutions/beta/logo');
  assert.equal(logo.status, 200);
  assert.equal(logo.headers['content-type'], 'image/png');
  assert.equal((await root.get<Institution>('/api/v1/institutions/beta')).body.hasLogo, true);
  assert.equal((await root.get<Institution>('/api/v1/institutions/alpha')).body.hasLogo, false, 'only beta has one');
  const other = await put(betaAdmin, 'alpha');
  assert.equal(other.status, 404);
  assert.equal(other.body.code, 'institution_not_found');
  const corrupt = await betaAdmin.request('PUT', '/api/v1/institutions/beta/logo', { payload: Buffer.from('not an image'), headers: { 'content-type': 'image/png' } });
  assert.ok([415, 422].includes(corrupt.status), corrupt.text);
  assert.equal((await betaAdmin.delete('/api/v1/institutions/beta/logo')).status, 204);
  assert.equal((await t.anonymous.get('/api/v1/institutions/beta/logo')).body.code, 'logo_not_found');
  assert.equal((await t.anonymous.get('/api/v1/institutions/nowhere/logo')).body.code, 'institution_not_found');
});

test('every write is in the audit log under the admin who made it', async () => {
  const { rows } = await t.runtime.database.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'institutions' AND actor LIKE 'account:%'");
  assert.ok((rows[0]?.n ?? 0) > 5, `audited institution writes: ${rows[0]?.n}`);
});
