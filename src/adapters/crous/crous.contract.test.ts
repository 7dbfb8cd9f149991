import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect, createServer, type AddressInfo } from 'node:net';
import type { CrousRightHolder } from '../../modules/crous/domain/crous-account.ts';
import { CROUS_DATA_FIELDS, CROUS_FIXED_PROPERTIES } from '../../modules/crous/domain/crous-data-fields.ts';
import { CrousApiError, createCrousClient } from './crous.client.ts';
import type { CrousCallEvent, CrousClient, CrousClientOptions, CrousSmartCard } from './crous.client.ts';
import { startEmbeddedCrous } from './crous.embedded.ts';
import { startCrousSimulator } from './crous.simulator.ts';
import type { CrousSimulator, CrousSimulatorLogEntry } from './crous.simulator.ts';
import type { CrousEnvironment } from './crous.types.ts';

/**
 * The same suite runs against the client and the simulator for both authentication modes on both
 * platforms. The simulator is strict (exact fields, exact date formats, headers): a request it
 * accepts is one the API CROUS describes; the log checks the rest (headers, token handling).
 */

const RNE_A = '0751717J';
const RNE_B = '0132398A';
const SECRET_A = 'secret-a-Zq8w7e6r5t4y3u2i1o';
const SECRET_B = 'secret-b-Pl0okm9ijn8uhb7ygv';
const LEGACY_SECRET = 'legacy-secret-Mnb5vcx4zlk3jh';
const DAY = 86_400_000;

interface AuthCase {
  name: string;
  mode: 'oauth2' | 'legacy';
  environment: CrousEnvironment;
}

const CASES: AuthCase[] = [
  { name: 'OAuth2, production', mode: 'oauth2', environment: 'production' },
  { name: 'OAuth2, pre-production', mode: 'oauth2', environment: 'preproduction' },
  { name: 'legacy token, production', mode: 'legacy', environment: 'production' },
  { name: 'legacy token, pre-production', mode: 'legacy', environment: 'preproduction' },
];

function account(overrides: Partial<CrousRightHolder> = {}): CrousRightHolder {
  return {
    identifier: 'camille.martin@univ-a.example',
    firstName: 'Camille',
    lastName: 'Martin',
    email: 'camille.martin@univ-a.example',
    dueDate: new Date(Date.now() + 300 * DAY),
    idCompanyRate: 10,
    idRate: 1,
    simpleBirthDate: '2003-04-05',
    ine: '123456789AB',
    rneOrgCode: RNE_A,
    ...overrides,
  };
}

function smartCard(overrides: Partial<CrousSmartCard> = {}): CrousSmartCard {
  return {
    idTransmitter: 0x1a2b,
    idMapping: 7,
    idZdc: 99990001,
    zdcCreationDate: new Date('2025-09-01T08:00:00.000Z'),
    pixSs: '0A',
    pixNn: '1B',
    appl: '0001',
    uid: '04a1b2c3d4e5f6',
    rid: 'R99990001',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<CrousApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CrousApiError, `expected CrousApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function template(entry: CrousSimulatorLogEntry): string {
  return `${entry.method} ${entry.path
    .replace(/\/rightholders\/[^/]+\/smartcard\/\d+$/, '/rightholders/{id}/smartcard/{idZdc}')
    .replace(/\/rightholders\/[^/]+\/smartcard$/, '/rightholders/{id}/smartcard')
    .replace(/\/closed-rightholders\/[^/]+$/, '/closed-rightholders/{id}')
    .replace(/\/rightholders\/[^/]+$/, '/rightholders/{id}')
    .replace(/\/crous\/[^/]+\/organization\/[^/]+$/, '/crous/{crousNumber}/organization/{rne}')}`;
}

const API_CALLS = [
  'GET /beforeizly/v1/rightholders/{id}',
  'POST /beforeizly/v1/rightholders',
  'PUT /beforeizly/v1/rightholders/{id}',
  'PATCH /beforeizly/v1/rightholders/{id}',
  'DELETE /beforeizly/v1/closed-rightholders/{id}',
  'GET /beforeizly/v1/rightholders/{id}/smartcard/{idZdc}',
  'POST /beforeizly/v1/rightholders/{id}/smartcard',
  'PATCH /beforeizly/v1/rightholders/{id}/smartcard/{idZdc}',
  'GET /beforeizly/v1/crous/{crousNumber}/organization/{rne}',
];

for (const authCase of CASES) {
  describe(`CROUS client ↔ simulator contract (${authCase.name})`, () => {
    let sim: CrousSimulator;
    let clientA: CrousClient;
    let clientB: CrousClient;
    const events: CrousCallEvent[] = [];
    const clients: CrousClient[] = [];

    const optionsFor = (rne: 'A' | 'B', extra: Partial<CrousClientOptions> = {}): CrousClientOptions => {
      const id = `client-${rne}`;
      const secret = rne === 'A' ? (authCase.mode === 'legacy' ? LEGACY_SECRET : SECRET_A) : SECRET_B;
      return {
        baseUrl: sim.url,
        environment: authCase.environment,
        auth: authCase.mode === 'oauth2'
          ? { mode: 'oauth2', accessUrl: `${sim.url}/`, clientId: id, clientSecret: secret }
          : { mode: 'legacy', appId: id, appSecret: secret },
        userAgent: 'campuscard-test',
        timeoutMs: 2000,
        ...extra,
      };
    };
    const client = (rne: 'A' | 'B', extra: Partial<CrousClientOptions> = {}): CrousClient => {
      const created = createCrousClient(optionsFor(rne, extra));
      clients.push(created);
      return created;
    };

    before(async () => {
      sim = await startCrousSimulator({
        environment: authCase.environment,
        credentials: [
          { mode: authCase.mode, id: 'client-A', secret: authCase.mode === 'legacy' ? LEGACY_SECRET : SECRET_A, rne: RNE_A },
          { mode: authCase.mode, id: 'client-B', secret: SECRET_B, rne: RNE_B },
        ],
      });
      clientA = client('A', { onCall: (e) => events.push(e) });
      clientB = client('B');
    });
    beforeEach(() => {
      sim.reset();
      events.length = 0;
      for (const each of clients) each.forgetToken();
    });
    after(async () => {
      for (const each of clients) each.close();
      await sim.close();
    });

    it('drives every call of the table; requests are exactly what the API wants', async () => {
      sim.setTariffRules('12', RNE_A, [
        { statusCode: 'etd', indexMin: null, indexMax: null, idCompanyRate: 10, idRate: 1 },
        { statusCode: 'prs', indexMin: 0, indexMax: 400, idCompanyRate: 25, idRate: 12 },
      ]);
      assert.deepEqual(await clientA.tariffRules(12, RNE_A), [
        { statusCode: 'etd', indexMin: null, indexMax: null, idCompanyRate: 10, idRate: 1 },
        { statusCode: 'prs', indexMin: 0, indexMax: 400, idCompanyRate: 25, idRate: 12 },
      ]);
      const absent = await clientA.getRightHolder('camille.martin@univ-a.example');
      assert.equal(absent, undefined);

      // 2030-07-31 23:59:59.000 in Paris is 21:59:59 UTC: the quirk writes Paris time with a Z.
      const due = new Date('2030-07-31T21:59:59.000Z');
      await clientA.createRightHolder(account({ dueDate: due }));
      const stored = sim.accounts.get('camille.martin@univ-a.example');
      assert.equal(stored?.wire.dueDate, '2030-07-31T23:59:59.000Z');
      const read = await clientA.getRightHolder('camille.martin@univ-a.example');
      assert.deepEqual(read, { ...account({ dueDate: due }), accountStatus: 'NON_CONFIRME', blockingStatus: 'NON_BLOQUE' });

      await clientA.updateRightHolder('camille.martin@univ-a.example', account({ dueDate: due, lastName: 'Martin-Durand' }));
      assert.equal(sim.accounts.get('camille.martin@univ-a.example')?.wire.lastName, 'Martin-Durand');
      await clientA.changeIdentifier({ currentIdentifier: 'camille.martin@univ-a.example', email: 'camille.martin@univ-a.example', newIdentifier: '123456789AB' });
      assert.equal(await clientA.getRightHolder('camille.martin@univ-a.example'), undefined);
      assert.equal((await clientA.getRightHolder('123456789AB'))?.lastName, 'Martin-Durand');

      await clientA.addSmartCard('123456789AB', smartCard());
      const card = await clientA.getSmartCard('123456789AB', 99990001);
      assert.deepEqual(card, {
        ...smartCard({ uid: '04A1B2C3D4E5F6' }),
        cancelDate: null,
        revalidationDate: null,
        reason: null,
      });
      assert.equal(sim.accounts.get('123456789AB')?.cards.get(99990001)?.zdcCreationDate, '2025-09-01T08:00:00.000Z');
      assert.equal(await clientA.getSmartCard('123456789AB', 99990002), undefined);

      const lostAt = new Date('2025-12-01T09:30:00.000Z');
      await clientA.cancelSmartCard('123456789AB', 99990001, { uid: '04a1b2c3d4e5f6', reason: 'DP', at: lostAt });
      const cancelled = await clientA.getSmartCard('123456789AB', 99990001);
      assert.equal(cancelled?.reason, 'DP');
      assert.deepEqual(cancelled?.cancelDate, lostAt);
      assert.equal(sim.accounts.get('123456789AB')?.cards.get(99990001)?.cancelDate, '2025-12-01T10:30:00.000Z');
      await clientA.revalidateSmartCard('123456789AB', 99990001, { uid: '04A1B2C3D4E5F6' });
      const revalidated = await clientA.getSmartCard('123456789AB', 99990001);
      assert.equal(revalidated?.cancelDate, null);
      assert.ok(revalidated?.revalidationDate !== null && Math.abs((revalidated?.revalidationDate?.getTime() ?? 0) - Date.now()) < 60_000);

      sim.setAccountState('123456789AB', { accountStatus: 'CLOTURE' });
      await clientA.reopenClosedRightHolder('123456789AB');
      assert.equal((await clientA.getRightHolder('123456789AB'))?.accountStatus, 'ACTIF');

      const api = sim.requestLog.filter((e) => e.path.startsWith('/beforeizly/'));
      assert.deepEqual([...new Set(api.map(template))].sort(), [...API_CALLS].sort(), 'every call of the table was made');
      for (const entry of api) {
        assert.equal(entry.authorization, 'bearer', template(entry));
        assert.equal(entry.accept, 'application/json');
        assert.equal(entry.contentType, 'application/json');
        assert.equal(entry.userAgent, 'campuscard-test');
        assert.equal(entry.rne, RNE_A);
        assert.ok(entry.status !== undefined && (entry.status < 300 || entry.status === 404), `${template(entry)} → ${entry.status}`);
        if (template(entry).startsWith('PATCH /beforeizly/v1/rightholders/{id}/smartcard')) assert.equal(entry.uidHeader, '04A1B2C3D4E5F6');
      }
      const tokenCalls = sim.requestLog.filter((e) => !e.path.startsWith('/beforeizly/'));
      assert.equal(tokenCalls.length, 1, 'one authentication, the token is cached');
      const [tokenCall] = tokenCalls;
      if (authCase.mode === 'oauth2') {
        assert.equal(tokenCall?.path, authCase.environment === 'production' ? '/api/oauth/token' : '/api-pp/oauth/token');
        assert.deepEqual(tokenCall?.query, { grant_type: 'client_credentials' });
        assert.equal(tokenCall?.authorization, 'basic');
      } else {
        assert.equal(tokenCall?.path, '/v1/token');
        assert.equal(tokenCall?.authorization, 'legacy', 'credentials without the word Basic');
        assert.equal(tokenCall?.requestBody, `grant_type=client_credentials&env=${authCase.environment === 'production' ? 'PRD' : 'PPD'}`);
      }
      assert.equal(new Set(sim.requestLog.map((e) => e.connection)).size, 1, 'one kept-alive connection for the whole sequence');
      // Every property sent is declared in the cardholder's data summary (CROUS_DATA_FIELDS) or fixed.
      const declared = new Set([...Object.values(CROUS_DATA_FIELDS).flat(), ...CROUS_FIXED_PROPERTIES]);
      for (const entry of api.filter((e) => e.requestBody !== undefined)) {
        const prefix = template(entry).includes('smartcard') ? 'smartCard' : 'rightHolder';
        for (const key of Object.keys(entry.requestBody as object)) {
          const property = key === 'currentIdentifier' || key === 'newIdentifier' ? 'rightHolder.identifier' : `${prefix}.${key}`;
          assert.ok(declared.has(property), `${template(entry)} sends ${property}, not declared in CROUS_DATA_FIELDS`);
        }
      }
      assert.ok(events.length === sim.requestLog.length && events.every((e) => e.durationMs >= 0));
      assert.doesNotMatch(JSON.stringify(sim.requestLog), /"access_token":"(?!\(issued\))/, 'no token value in the log');
    });

    it('406: another institution has priority; extending the due date takes it over; adding a card still works', async () => {
      const due = new Date(Date.now() + 300 * DAY);
      await clientA.createRightHolder(account({ dueDate: due }));
      const refused = await rejection(clientB.updateRightHolder(account().identifier, account({ rneOrgCode: RNE_B, dueDate: due })));
      assert.deepEqual([refused.kind, refused.status, refused.failure], ['failed', 406, 'http']);
      assert.match(refused.crousMessage ?? '', /rne prioritaire/);
      assert.match(refused.meaning?.fr ?? '', /prioritaire/);
      assert.match(refused.meaning?.en ?? '', /priority/);
      await clientB.addSmartCard(account().identifier, smartCard());
      await clientB.updateRightHolder(account().identifier, account({ rneOrgCode: RNE_B, dueDate: new Date(Date.now() + 400 * DAY) }));
      assert.equal(sim.accounts.get(account().identifier)?.priorityRne, RNE_B);
      const nowA = await rejection(clientA.updateRightHolder(account().identifier, account({ dueDate: due })));
      assert.equal(nowA.status, 406);
    });

    it('423 and the 422 codes carry the CROUS code, message and meaning; nothing is applied', async () => {
      await clientA.createRightHolder(account());
      const id = account().identifier;
      const exists = await rejection(clientA.createRightHolder(account()));
      assert.deepEqual([exists.status, exists.code, exists.crousMessage], [422, '-11', 'Client existant']);

      for (const code of ['-117', '-42']) {
        sim.refuse(id, code, `Refus ${code} du CROUS`);
        const refused = await rejection(clientA.updateRightHolder(id, account({ lastName: 'X' })));
        assert.deepEqual([refused.kind, refused.status, refused.code, refused.crousMessage], ['failed', 422, code, `Refus ${code} du CROUS`]);
        assert.ok(refused.meaning !== undefined && refused.meaning.fr.length > 0 && refused.meaning.en.length > 0);
      }
      sim.refuse(id);
      assert.equal(sim.accounts.get(id)?.wire.lastName, 'Martin');

      sim.setAccountState(id, { blockingStatus: 'MIS_EN_OPPOSITION' });
      const opposition = await rejection(clientA.addSmartCard(id, smartCard()));
      assert.deepEqual([opposition.status, opposition.code], [422, '-41']);
      sim.setAccountState(id, { blockingStatus: 'COMPTE_GELE' });
      const locked = await rejection(clientA.getRightHolder(id));
      assert.deepEqual([locked.status, locked.kind], [423, 'failed']);
      assert.match(locked.meaning?.en ?? '', /locked/);
      sim.setAccountState(id, { blockingStatus: 'NON_BLOQUE', accountStatus: 'CLOTURE' });
      const closed = await rejection(clientA.createRightHolder(account()));
      assert.deepEqual([closed.status, closed.crousMessage], [423, 'Account is closed']);
      const closedCard = await rejection(clientA.addSmartCard(id, smartCard()));
      assert.equal(closedCard.status, 404);
      assert.match(closedCard.meaning?.fr ?? '', /clôturé/);
      await clientA.reopenClosedRightHolder(id);
      const notClosed = await rejection(clientA.reopenClosedRightHolder(id));
      assert.equal(notClosed.status, 404);

      await clientA.addSmartCard(id, smartCard());
      await clientA.cancelSmartCard(id, 99990001, { uid: smartCard().uid, reason: 'DV' });
      const twice = await rejection(clientA.cancelSmartCard(id, 99990001, { uid: smartCard().uid, reason: 'DV' }));
      assert.deepEqual([twice.status, twice.code], [422, '-9']);
      const stored = sim.accounts.get(id);
      assert.ok(stored);
      stored.wire = { ...stored.wire, dueDate: '2020-01-01T00:00:00.000Z' };
      const lapsed = await rejection(clientA.revalidateSmartCard(id, 99990001, { uid: smartCard().uid }));
      assert.deepEqual([lapsed.status, lapsed.code], [422, '-8']);
      assert.match(lapsed.meaning?.fr ?? '', /date de fin/);

      sim.eraseAccount(id);
      await clientA.createRightHolder(account());
      const erased = await rejection(clientA.addSmartCard(id, smartCard()));
      assert.deepEqual([erased.status, erased.code], [422, '-31']);
      assert.match(erased.meaning?.en ?? '', /GDPR/);

      const past = await rejection(clientA.createRightHolder(account({ identifier: 'late@univ-a.example', dueDate: new Date(Date.now() - DAY) })));
      assert.deepEqual([past.status, past.code], [422, '-8']);
    });

    it('re-authenticates on 401 and on 403, then retries once', async () => {
      for (const status of [401, 403] as const) {
        sim.reset();
        sim.setFaults({ expiredTokenStatus: status });
        await clientA.createRightHolder(account());
        const before = sim.tokensIssued();
        sim.expireTokens();
        assert.equal((await clientA.getRightHolder(account().identifier))?.identifier, account().identifier);
        assert.equal(sim.tokensIssued(), before + 1);
        assert.deepEqual(sim.requestLog.slice(-3).map((e) => [e.method, e.status]), [['GET', status], ['POST', 200], ['GET', 200]]);
      }
      sim.setFaults({});
    });

    it('fetches one token for concurrent calls', async () => {
      await Promise.all(Array.from({ length: 20 }, () => clientA.getRightHolder('nobody@univ-a.example')));
      assert.equal(sim.tokensIssued(), 1);
    });

    it('bad credentials fail as auth errors, without the secret anywhere', async () => {
      const wrong = createCrousClient({
        ...optionsFor('A'),
        auth: authCase.mode === 'oauth2'
          ? { mode: 'oauth2', accessUrl: sim.url, clientId: 'client-A', clientSecret: 'not-the-secret-123' }
          : { mode: 'legacy', appId: 'client-A', appSecret: 'not-the-secret-123' },
      });
      clients.push(wrong);
      const error = await rejection(wrong.getRightHolder('x'));
      assert.deepEqual([error.kind, error.failure, error.status, error.operation], ['failed', 'auth', 401, 'authenticate']);
      for (const textOf of [error.message, JSON.stringify(error), String(error.stack), JSON.stringify(events), JSON.stringify(clientA), JSON.stringify(sim.requestLog)]) {
        for (const secret of ['not-the-secret-123', SECRET_A, SECRET_B, LEGACY_SECRET, Buffer.from(`client-A:${SECRET_A}`).toString('base64')]) {
          assert.ok(!textOf.includes(secret), 'a secret leaked');
        }
      }
    });

    it('maps 500 to retryable, a slow CROUS to a timeout, a down CROUS to network errors or 503', async () => {
      sim.setFaults({ failRate: 1 });
      const failure = await rejection(clientA.getRightHolder('x'));
      assert.deepEqual([failure.kind, failure.status, failure.code], ['retryable', 500, 'SIM-INJECTED-FAILURE']);
      sim.setFaults({});
      await clientA.getRightHolder('warm-up');
      sim.setFaults({ delayMs: 1000 });
      const impatient = client('A', { timeoutMs: 100 });
      impatient.forgetToken();
      const started = performance.now();
      const timeout = await rejection(impatient.getRightHolder('x'));
      assert.deepEqual([timeout.kind, timeout.failure], ['retryable', 'timeout']);
      assert.ok(performance.now() - started < 800);
      sim.setFaults({ down: true });
      const reset = await rejection(clientA.getRightHolder('x'));
      assert.deepEqual([reset.kind, reset.failure], ['retryable', 'network']);
      sim.setFaults({ down: true, downMode: 'unavailable' });
      const unavailable = await rejection(clientA.getRightHolder('x'));
      assert.deepEqual([unavailable.kind, unavailable.status], ['retryable', 503]);
      sim.setFaults({});
      assert.equal(await clientA.getRightHolder('x'), undefined);
    });
  });
}

describe('CROUS client: token lifetime, wrong platform, refused connection', () => {
  let sim: CrousSimulator;
  before(async () => {
    sim = await startCrousSimulator({
      environment: 'production',
      tokenLifetimeSeconds: 60,
      credentials: [{ mode: 'oauth2', id: 'c', secret: SECRET_A, rne: RNE_A }],
    });
  });
  after(async () => {
    await sim.close();
  });

  it('renews an OAuth2 token shortly before it expires, without waiting for a 401', async () => {
    let shift = 0;
    const client = createCrousClient({
      baseUrl: sim.url,
      environment: 'production',
      auth: { mode: 'oauth2', accessUrl: sim.url, clientId: 'c', clientSecret: SECRET_A },
      now: () => new Date(Date.now() + shift),
    });
    await client.getRightHolder('x');
    await client.getRightHolder('x');
    assert.equal(sim.tokensIssued(), 1);
    shift = 31_000;
    await client.getRightHolder('x');
    assert.equal(sim.tokensIssued(), 2);
    assert.ok(sim.requestLog.every((e) => e.status !== 401));
    client.close();
  });

  it('gives up after one re-authentication when the new token is refused too', async () => {
    const instant = await startCrousSimulator({ tokenLifetimeSeconds: 0, credentials: [{ mode: 'oauth2', id: 'c', secret: SECRET_A, rne: RNE_A }] });
    const client = createCrousClient({ baseUrl: instant.url, environment: 'production', auth: { mode: 'oauth2', accessUrl: instant.url, clientId: 'c', clientSecret: SECRET_A } });
    const error = await rejection(client.getRightHolder('x'));
    assert.deepEqual([error.status, error.code, error.kind], [401, 'SIM-TOKEN', 'failed']);
    assert.deepEqual(instant.requestLog.map((e) => `${e.method} ${e.path} ${e.status}`), [
      'POST /api/oauth/token 200', 'GET /beforeizly/v1/rightholders/x 401', 'POST /api/oauth/token 200', 'GET /beforeizly/v1/rightholders/x 401',
    ]);
    client.close();
    await instant.close();
  });

  it('a pre-production client against the production platform fails to authenticate (token path 404)', async () => {
    const client = createCrousClient({ baseUrl: sim.url, environment: 'preproduction', auth: { mode: 'oauth2', accessUrl: sim.url, clientId: 'c', clientSecret: SECRET_A } });
    const error = await rejection(client.getRightHolder('x'));
    assert.deepEqual([error.failure, error.status], ['auth', 404]);
    client.close();
  });

  it('maps a refused connection to retryable; refuses an unknown zone or an empty secret', async () => {
    const gone = await startCrousSimulator();
    const url = gone.url;
    await gone.close();
    const client = createCrousClient({ baseUrl: url, environment: 'production', auth: { mode: 'legacy', appId: 'a', appSecret: 's' }, timeoutMs: 1000 });
    const error = await rejection(client.getRightHolder('x'));
    assert.deepEqual([error.kind, error.failure], ['retryable', 'network']);
    assert.throws(() => createCrousClient({ baseUrl: url, environment: 'production', auth: { mode: 'legacy', appId: 'a', appSecret: 's' }, timeZone: 'Mars/Olympus' }), RangeError);
    assert.throws(() => createCrousClient({ baseUrl: url, environment: 'production', auth: { mode: 'legacy', appId: 'a', appSecret: '' } }), RangeError);
  });

  it('sends a call again on a new connection when a kept-alive one was closed by the server as it sat idle', async () => {
    const upstream = await startCrousSimulator({ credentials: [{ mode: 'legacy', id: 'l', secret: SECRET_B, rne: RNE_B }] });
    // Between the client and the simulator: resets a connection at its second request, as a server
    // whose keep-alive timeout ends just as the client reuses the connection.
    let resets = 0;
    const proxy = createServer((socket) => {
      const target = connect(Number(new URL(upstream.url).port), '127.0.0.1');
      let requests = 0;
      socket.on('data', (chunk: Buffer) => {
        if (/^(GET|POST|PUT|DELETE|PATCH) /.test(chunk.toString('latin1')) && ++requests === 2) {
          resets += 1;
          target.destroy();
          socket.resetAndDestroy();
          return;
        }
        target.write(chunk);
      });
      target.pipe(socket);
      socket.on('error', () => target.destroy());
      target.on('error', () => socket.destroy());
    });
    await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
    const { port } = proxy.address() as AddressInfo;
    const client = createCrousClient({ baseUrl: `http://127.0.0.1:${port}`, environment: 'production', auth: { mode: 'legacy', appId: 'l', appSecret: SECRET_B } });
    try {
      assert.equal(await client.getRightHolder('x'), await client.getRightHolder('x'));
      // The token request opens the first connection; each call's request then meets a reset one.
      assert.equal(resets, 2);
      assert.deepEqual(upstream.requestLog.map((entry) => `${entry.method} ${entry.path} ${entry.status}`),
        ['POST /v1/token 200', 'GET /beforeizly/v1/rightholders/x 404', 'GET /beforeizly/v1/rightholders/x 404'], 'each call reached the simulator once');
    } finally {
      client.close();
      await new Promise((closed) => proxy.close(closed));
      await upstream.close();
    }
  });

  it('dueDate round trip through the simulator for any instant and zone (property)', async () => {
    const reunion = await startCrousSimulator({ timeZone: 'Indian/Reunion', credentials: [{ mode: 'legacy', id: 'l', secret: SECRET_B, rne: RNE_B }] });
    const client = createCrousClient({ baseUrl: reunion.url, environment: 'production', auth: { mode: 'legacy', appId: 'l', appSecret: SECRET_B }, timeZone: 'Indian/Reunion' });
    await fc.assert(fc.asyncProperty(fc.integer({ min: 2, max: 3000 }), fc.integer({ min: 0, max: 86_399_999 }), async (days, ms) => {
      reunion.reset();
      const due = new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + ms);
      await client.createRightHolder(account({ dueDate: due }));
      assert.deepEqual((await client.getRightHolder(account().identifier))?.dueDate, due);
    }), { numRuns: 25 });
    client.close();
    await reunion.close();
  });
});

describe('CROUS simulator, driven directly', () => {
  it('refuses what the API would: formats, unknown fields, missing uid, bad tokens, legacy credentials with "Basic"', async () => {
    const sim = await startCrousSimulator({ credentials: [{ mode: 'legacy', id: 'l', secret: SECRET_B, rne: RNE_B }] });
    const legacy = Buffer.from(`l:${SECRET_B}`).toString('base64');
    const tokenAnswer = await fetch(`${sim.url}/v1/token`, {
      method: 'POST',
      headers: { authorization: legacy, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&env=PRD',
    });
    assert.equal(tokenAnswer.status, 200);
    const bearer = tokenAnswer.headers.get('authorization') ?? '';
    assert.match(bearer, /^Bearer \S+$/);
    const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<[number, string | undefined]> => {
      const response = await fetch(`${sim.url}/beforeizly/v1${path}`, {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: bearer, ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = text === '' ? undefined : (JSON.parse(text) as { errors?: Array<{ code: string }> });
      return [response.status, parsed?.errors?.[0]?.code];
    };
    const wire = {
      identifier: 'a@u.example', firstName: 'A', lastName: 'B', email: 'a@u.example', dueDate: '2099-01-01T00:00:00.000Z',
      idCompanyRate: 78, idRate: 99, simpleBirthDate: '', ine: null, rneOrgCode: RNE_B,
    };
    const cases: Array<[string, string, unknown, Record<string, string>, number, string | undefined]> = [
      ['POST', '/rightholders', { ...wire, dueDate: '2099-01-01T00:00:00.000+01:00' }, {}, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', { ...wire, dueDate: '2099-01-01T00:00:00Z' }, {}, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', { ...wire, nickname: 'x' }, {}, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', { ...wire, idRate: '99' }, {}, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', wire, { authorization: 'Bearer nope' }, 401, 'SIM-TOKEN'],
      ['POST', '/rightholders', wire, { accept: 'text/html' }, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', wire, { 'user-agent': ' ' }, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders', wire, {}, 201, undefined],
      ['PUT', '/rightholders/other@u.example', wire, {}, 400, 'SIM-VALIDATION'],
      ['PUT', '/rightholders/a@u.example', { ...wire, idCompanyRate: 10 }, {}, 200, undefined],
      ['PUT', '/rightholders/a@u.example', { ...wire, idCompanyRate: 78 }, {}, 400, 'SIM-STUDENT-CATEGORY'],
      ['PUT', '/rightholders/a@u.example', { ...wire, idCompanyRate: 10, dueDate: '2098-01-01T00:00:00.000Z' }, {}, 400, 'SIM-DUE-DATE-SHORTENED'],
      ['POST', '/rightholders/a@u.example/smartcard', { idTransmitter: 1, idMapping: 1, idZdc: 5, zdcCreationDate: '2025-01-01T00:00:00.000Z', pixSs: '', pixNn: '', appl: '', uid: '04a1b2c3', rid: '' }, {}, 400, 'SIM-VALIDATION'],
      ['POST', '/rightholders/a@u.example/smartcard', { idTransmitter: 1, idMapping: 1, idZdc: 5, zdcCreationDate: '2025-01-01T00:00:00.000+01', pixSs: '', pixNn: '', appl: '', uid: '04A1B2C3', rid: '' }, {}, 201, undefined],
      ['POST', '/rightholders/a@u.example/smartcard', { idTransmitter: 1, idMapping: 1, idZdc: 5, zdcCreationDate: '2025-01-01T00:00:00.000Z', pixSs: '', pixNn: '', appl: '', uid: '04A1B2C4', rid: '' }, {}, 422, 'SIM-CARD-EXISTS'],
      ['PATCH', '/rightholders/a@u.example/smartcard/5', { cancelDate: '2025-01-01T00:00:00.000Z', revalidationDate: '', reason: 'DP' }, {}, 400, 'SIM-UID'],
      ['PATCH', '/rightholders/a@u.example/smartcard/5', { cancelDate: '2025-01-01T00:00:00.000Z', revalidationDate: '', reason: 'XX' }, { uid: '04A1B2C3' }, 400, 'SIM-VALIDATION'],
      ['PATCH', '/rightholders/a@u.example/smartcard/5', { cancelDate: '2025-01-01T00:00:00.000Z', revalidationDate: '2025-01-01T00:00:00.000Z', reason: 'DP' }, { uid: '04A1B2C3' }, 400, 'SIM-VALIDATION'],
      ['PATCH', '/rightholders/a@u.example/smartcard/5', { cancelDate: '2025-01-01T00:00:00.000Z', revalidationDate: '', reason: 'HS' }, { uid: '04A1B2C3' }, 200, undefined],
      ['GET', '/crous/12/organization/0000000X', undefined, {}, 404, 'SIM-NOT-FOUND'],
      ['GET', '/nowhere', undefined, {}, 404, 'SIM-NOT-FOUND'],
    ];
    for (const [method, path, body, headers, status, code] of cases) {
      assert.deepEqual(await call(method, path, body, headers), [status, code], `${method} ${path} ${JSON.stringify(body)}`);
    }
    const basic = await fetch(`${sim.url}/v1/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${legacy}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&env=PRD',
    });
    assert.equal(basic.status, 401, 'the legacy endpoint wants the credentials without "Basic"');
    const wrongEnv = await fetch(`${sim.url}/v1/token`, { method: 'POST', headers: { authorization: legacy }, body: 'grant_type=client_credentials&env=PPD' });
    assert.equal(wrongEnv.status, 400);
    await sim.close();
  });

  it('the embedded simulator plays pre-production and issues per-institution credentials', async () => {
    const embedded = await startEmbeddedCrous();
    const credentials = embedded.credentialsFor(RNE_A);
    assert.deepEqual(embedded.credentialsFor(RNE_A), credentials);
    const client = createCrousClient({ baseUrl: embedded.url, environment: embedded.environment, auth: { mode: 'oauth2', accessUrl: embedded.url, ...credentials } });
    await client.createRightHolder(account());
    assert.equal(embedded.simulator.accounts.get(account().identifier)?.priorityRne, RNE_A);
    assert.equal(embedded.simulator.requestLog[0]?.path, '/api-pp/oauth/token');
    client.close();
    await embedded.close();
  });
});
