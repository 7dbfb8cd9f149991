import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { validateEscn } from '../../modules/esc/domain/escn.ts';
import { EscRouterError, createEscRouterClient } from './esc-router.client.ts';
import type { EscRouterCallEvent, EscRouterClient } from './esc-router.client.ts';
import { startEscRouterSimulator } from './esc-router.simulator.ts';
import type { EscRouterSimulator, SimulatorLogEntry } from './esc-router.simulator.ts';
import type { CardUpdateView, PersonUpdateView } from './esc-router.types.ts';

// The published v2 document, copied into the repository with its source (reference/README.md).
const specPath = fileURLToPath(new URL('./reference/esc-router-v2.openapi.json', import.meta.url));
const SPEC_ID = 'https://campuscard.invalid/esc-router-v2.openapi.json';

interface OpenApiOperation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const spec = JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDocument;

/**
 * Two validators over the same document: `open` is the schema as published; `closed` adds
 * `additionalProperties: false` to every component so a misspelt or invented field in what
 * the client sends or the simulator answers is caught too.
 */
function buildAjv(document: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormatsModule.default(ajv);
  // OpenAPI's own words: annotations to JSON Schema, declared so strict mode accepts them.
  ajv.addVocabulary(['example', 'openapi', 'info', 'servers', 'paths', 'components']);
  ajv.addSchema({ ...document, $id: SPEC_ID });
  return ajv;
}

function closeSchemas(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document);
  for (const schema of Object.values(copy.components.schemas)) {
    if (schema.properties !== undefined) schema.additionalProperties = false;
  }
  return copy;
}

const validators = { open: buildAjv(spec), closed: buildAjv(closeSchemas(spec)) };

function pointer(...parts: string[]): string {
  return `${SPEC_ID}#/${parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;
}

function validatorAt(ref: string): Array<[string, ValidateFunction]> {
  return Object.entries(validators).map(([mode, ajv]) => {
    const validate = ajv.getSchema(ref);
    assert.ok(validate, `no schema at ${ref}`);
    return [mode, validate];
  });
}

// Literal paths first, so /cards/generate-escn is not taken for /cards/{escn}.
const templates = Object.keys(spec.paths)
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    params: (template.match(/\{/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params);

/**
 * Every violation of the v2 document in a slice of the simulator's log: undocumented route or
 * status, request body or JSON answer not matching its schema. Entries produced by injected
 * faults are only checked for what the client could see.
 */
function contractViolations(entries: readonly SimulatorLogEntry[], options: { checkRequests: boolean }): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry.fault === 'down') continue;
    const where = `${entry.method} ${entry.path} → ${entry.status}`;
    const route = templates.find((t) => t.pattern.test(entry.path));
    const method = entry.method.toLowerCase();
    const operation = route === undefined ? undefined : spec.paths[route.template]?.[method];
    if (route === undefined || operation === undefined) {
      problems.push(`${where}: operation not in the v2 document`);
      continue;
    }
    if (options.checkRequests && entry.requestBody !== undefined) {
      if (operation.requestBody?.content['application/json'] === undefined) {
        problems.push(`${where}: sent a body the operation does not take`);
      } else {
        const ref = pointer('paths', route.template, method, 'requestBody', 'content', 'application/json', 'schema');
        for (const [mode, validate] of validatorAt(ref)) {
          if (!validate(entry.requestBody)) problems.push(`${where}: request (${mode}) ${JSON.stringify(validate.errors)}`);
        }
      }
    }
    const status = String(entry.status);
    const response = operation.responses[status];
    if (response === undefined) {
      problems.push(`${where}: status not documented for this operation`);
      continue;
    }
    if (entry.responseBody === undefined) continue;
    const content = response.content ?? {};
    if (entry.responseContentType !== 'application/json') {
      // The document types the SVG / base64 QR answers as `object`; only the media type is checkable.
      if (content[entry.responseContentType ?? ''] === undefined) {
        problems.push(`${where}: media type ${entry.responseContentType} not documented`);
      }
      continue;
    }
    const mediaType = content['application/json'] !== undefined ? 'application/json' : Object.keys(content)[0];
    if (mediaType === undefined) {
      problems.push(`${where}: answered a body where none is documented`);
      continue;
    }
    const ref = pointer('paths', route.template, method, 'responses', status, 'content', mediaType, 'schema');
    for (const [mode, validate] of validatorAt(ref)) {
      if (!validate(entry.responseBody)) problems.push(`${where}: response (${mode}) ${JSON.stringify(validate.errors)}`);
    }
  }
  return problems;
}

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-fedcba9876543210';
const PIC_A = '999000001';
const PIC_B = '999000002';
const ESI = 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB';

function person(overrides: Partial<PersonUpdateView> = {}): PersonUpdateView {
  return {
    identifier: ESI,
    identifierCode: 'ESI',
    fullName: 'Camille Martin',
    personOrganisationUpdateViews: [{ organisationIdentifier: PIC_A, academicLevel: 'MASTER', email: 'camille@univ-a.example' }],
    ...overrides,
  };
}

function card(cardNumber: string, overrides: Partial<CardUpdateView> = {}): CardUpdateView & { cardNumber: string } {
  return {
    cardNumber,
    cardStatusType: 'ACTIVE',
    cardType: 'SMART_PASSIVE',
    expiresAt: '2099-08-31',
    issuedAt: '2024-09-01',
    issuerIdentifier: PIC_A,
    personIdentifier: ESI,
    displayName: 'Camille Martin',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<EscRouterError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EscRouterError, `expected EscRouterError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('ESC router client ↔ simulator contract (v2 OpenAPI)', () => {
  let sim: EscRouterSimulator;
  let clientA: EscRouterClient;
  let clientB: EscRouterClient;
  const events: EscRouterCallEvent[] = [];

  before(async () => {
    sim = await startEscRouterSimulator({
      port: 0,
      apiKeys: { [KEY_A]: { pic: PIC_A, name: 'Université A' }, [KEY_B]: { pic: PIC_B } },
      now: () => new Date('2025-03-01T10:00:00Z'),
    });
    clientA = createEscRouterClient({ baseUrl: sim.url, apiKey: KEY_A, timeoutMs: 2000, onCall: (e) => events.push(e) });
    clientB = createEscRouterClient({ baseUrl: `${sim.url}/`, apiKey: KEY_B, timeoutMs: 2000 });
  });
  beforeEach(() => {
    sim.reset();
    events.length = 0;
  });
  after(async () => {
    await sim.close();
  });

  it('the harness itself rejects schema violations', () => {
    const ref = pointer('components', 'schemas', 'PersonUpdateView');
    const [[, open], [, closed]] = validatorAt(ref) as [[string, ValidateFunction], [string, ValidateFunction]];
    assert.ok(open(person()) && closed(person()));
    assert.ok(!open({ identifier: ESI, fullName: 7, personOrganisationUpdateViews: [] }));
    assert.ok(!open({ identifier: ESI, fullName: 'x' }));
    assert.ok(open({ ...person(), nickname: 'x' }) && !closed({ ...person(), nickname: 'x' }));
    const forged: SimulatorLogEntry = {
      method: 'POST',
      path: '/api/v2/cards',
      query: {},
      bearer: true,
      pic: PIC_A,
      accept: undefined,
      requestContentType: 'application/json',
      requestBody: { cardType: 'X' },
      status: 418,
      responseContentType: undefined,
      responseBody: undefined,
      fault: undefined,
      receivedAt: 0,
      answeredAt: undefined,
    };
    const problems = contractViolations([forged, { ...forged, path: '/api/v1/cards' }], { checkRequests: true });
    assert.equal(problems.length, 4, problems.join('\n'));
  });

  it('drives every operation; every request and answer matches the document', async () => {
    const minted = await clientA.cards.generateEscn({ prefix: 7, pic: PIC_A, count: 3 });
    assert.equal(minted.length, 3);
    assert.equal(new Set(minted).size, 3);
    for (const escn of minted) {
      const decoded = validateEscn(escn);
      assert.ok(decoded.valid && decoded.pic === PIC_A && decoded.prefix === '007');
    }
    const [escn1 = '', escn2 = '', escn3 = ''] = minted;

    const created = await clientA.upsertPerson(person());
    assert.equal(created.action, 'created');
    assert.equal(created.value.fullName, 'Camille Martin');
    const updated = await clientA.upsertPerson(person({ fullName: 'Camille Martin-Durand' }));
    assert.equal(updated.action, 'updated');
    assert.equal(updated.value.fullName, 'Camille Martin-Durand');
    assert.deepEqual(
      sim.requestLog.slice(-2).map((e) => `${e.method} ${e.status}`),
      ['POST 409', 'PUT 200'],
    );
    assert.equal(sim.requestLog.at(-2)?.responseBody && (sim.requestLog.at(-2)?.responseBody as { code: string }).code, 'ER-0019');

    const fetched = await clientA.persons.get(ESI.toLowerCase());
    assert.equal(fetched?.fullName, 'Camille Martin-Durand');
    assert.equal(fetched?.organisations?.[0]?.academicLevel?.key, 'MASTER');
    assert.equal(await clientA.persons.get('urn:schac:personalUniqueCode:int:esi:fr:00000000000A'), undefined);
    const personPage = await clientA.persons.list({ page: 0, size: 5, search: 'camille' });
    assert.equal(personPage.page?.totalElements, 1);
    assert.equal((await clientB.persons.list()).page?.totalElements, 0);

    const cardCreated = await clientA.upsertCard(card(escn1));
    assert.equal(cardCreated.action, 'created');
    assert.equal(cardCreated.value.cardStatusType?.key, 'ACTIVE');
    const cardUpdated = await clientA.upsertCard(card(escn1.toUpperCase(), { cardStatusType: 'INACTIVE' }));
    assert.equal(cardUpdated.action, 'updated');
    assert.equal(cardUpdated.value.cardStatusType?.key, 'INACTIVE');
    assert.equal((sim.requestLog.at(-2)?.responseBody as { code: string }).code, 'ER-0002');

    assert.equal((await clientA.cards.status(escn1))?.status, 'INACTIVE');
    await clientA.cards.update(escn1, card(escn1));
    const status = await clientA.cards.status(escn1);
    assert.deepEqual(status, {
      cardNumber: escn1,
      status: 'ACTIVE',
      expiresAt: '2099-08-31',
      issuedAt: '2024-09-01',
      issuerIdentifier: PIC_A,
      issuerName: 'Université A',
      displayName: 'Camille Martin',
    });
    await clientA.cards.create(card(escn2, { expiresAt: '2025-02-28' }));
    assert.equal((await clientA.cards.status(escn2))?.status, 'EXPIRED');
    const autoNumbered = await clientA.cards.create({ ...card(''), cardNumber: undefined });
    assert.ok(validateEscn(autoNumbered.cardNumber).valid);
    assert.equal(await clientA.cards.status(escn3), undefined);

    assert.equal((await clientA.cards.get(escn1))?.person?.identifier, ESI);
    assert.equal((await clientA.cards.list({ sort: 'expiresAt', direction: 'DESC' })).content?.length, 3);
    const svg = await clientA.cards.qr(escn1);
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    const base64 = await clientA.cards.qr(escn1, { format: 'base64', size: 'M', colours: 'inverted', orientation: 'vertical' });
    assert.ok(Buffer.from(base64, 'base64').subarray(1, 4).toString('ascii') === 'PNG');

    assert.deepEqual(await clientA.deleteCard(escn1), { action: 'deleted' });
    assert.deepEqual(await clientA.deleteCard(escn1), { action: 'absent' });
    assert.equal(await clientA.cards.get(escn1), undefined);
    assert.deepEqual(await clientA.deletePerson(ESI), { action: 'deleted' });
    assert.deepEqual(await clientA.deletePerson(ESI), { action: 'absent' });
    assert.equal(sim.state.persons.size, 0);
    assert.equal(sim.state.cards.size, 0, 'deleting the person removed its remaining cards');

    const publicPaths = /\/(status|qr)$|generate-escn$/;
    for (const entry of sim.requestLog) {
      assert.equal(entry.bearer, !publicPaths.test(entry.path), `${entry.method} ${entry.path} bearer`);
    }
    const operations = new Set(
      sim.requestLog.map((e) => `${e.method} ${templates.find((t) => t.pattern.test(e.path))?.template}`),
    );
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual([...operations].sort(), documented.sort(), 'every v2 operation was exercised');
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: true }), []);
    const personAnswer = sim.requestLog.find((e) => e.method === 'GET' && e.status === 200 && e.path.startsWith('/api/v2/persons/'));
    assert.ok(personAnswer);
    const tampered = { ...personAnswer, responseBody: { ...(personAnswer.responseBody as object), fullName: 5 } };
    assert.equal(contractViolations([tampered], { checkRequests: true }).length, 2, 'a wrong answer would be caught');
    assert.ok(events.length > 0 && events.every((e) => e.durationMs >= 0));
  });

  it('maps a 400 to failed, keeping the router code, message and status', async () => {
    await clientA.upsertPerson(person());
    const error = await rejection(clientA.upsertCard(card(await mint(), { expiresAt: '2024-02-30' })));
    assert.equal(error.kind, 'failed');
    assert.equal(error.failure, 'http');
    assert.equal(error.status, 400);
    assert.equal(error.code, 'SIM-VALIDATION');
    assert.match(error.routerMessage ?? '', /expiresAt/);
    assert.match(error.message, /createCard: HTTP 400 SIM-VALIDATION: expiresAt/);
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: true }), []);
  });

  it('maps access denied and bad keys to failed (403/401 SE-0000)', async () => {
    await clientA.upsertPerson(person());
    const foreign = await rejection(clientA.upsertCard(card(await mint(), { issuerIdentifier: PIC_B })));
    assert.deepEqual([foreign.kind, foreign.status, foreign.code], ['failed', 403, 'SE-0000']);
    const badKey = createEscRouterClient({ baseUrl: sim.url, apiKey: 'not-a-key' });
    const unauthorized = await rejection(badKey.persons.list());
    assert.deepEqual([unauthorized.kind, unauthorized.status, unauthorized.code], ['failed', 401, 'SE-0000']);
    assert.equal(await clientB.persons.get(ESI), undefined, 'another institution does not see the person');
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: true }), []);
  });

  it('refuses a card whose person is unknown, and a second institution re-registering the card', async () => {
    const escn = await mint();
    const missing = await rejection(clientA.upsertCard(card(escn)));
    assert.deepEqual([missing.kind, missing.status, missing.code], ['failed', 400, 'SIM-PERSON-NOT-FOUND']);
    await clientA.upsertPerson(person());
    await clientA.upsertCard(card(escn));
    await clientB.upsertPerson(person({ personOrganisationUpdateViews: [{ organisationIdentifier: PIC_B }] }));
    const stolen = await rejection(clientB.upsertCard(card(escn, { issuerIdentifier: PIC_B })));
    assert.deepEqual([stolen.kind, stolen.status, stolen.code], ['failed', 403, 'SE-0000']);
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: true }), []);
  });

  it('maps a 500 to retryable (failRate 1)', async () => {
    sim.setFaults({ failRate: 1 });
    const error = await rejection(clientA.upsertPerson(person()));
    assert.deepEqual([error.kind, error.failure, error.status, error.code], ['retryable', 'http', 500, 'SIM-INJECTED-FAILURE']);
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: true }), []);
  });

  it('maps a slow router to a retryable timeout', async () => {
    sim.setFaults({ delayMs: 1000 });
    const impatient = createEscRouterClient({ baseUrl: sim.url, apiKey: KEY_A, timeoutMs: 100 });
    const started = performance.now();
    const error = await rejection(impatient.upsertPerson(person()));
    assert.deepEqual([error.kind, error.failure, error.status], ['retryable', 'timeout', undefined]);
    assert.ok(performance.now() - started < 800, 'gave up before the router answered');
    const patient = await clientA.persons.list();
    assert.equal(patient.page?.totalElements, 1, 'the timed-out create was applied all the same');
  });

  it('maps a down router to retryable: reset connections, or 503', async () => {
    sim.setFaults({ down: true });
    const reset = await rejection(clientA.cards.status('3e506370-826a-103d-bf76-001000000001'));
    assert.deepEqual([reset.kind, reset.failure, reset.status], ['retryable', 'network', undefined]);
    sim.setFaults({ down: true, downMode: 'unavailable' });
    const unavailable = await rejection(clientA.deleteCard('3e506370-826a-103d-bf76-001000000001'));
    assert.deepEqual([unavailable.kind, unavailable.status, unavailable.code], ['retryable', 503, 'SIM-UNAVAILABLE']);
    assert.ok(sim.requestLog.every((e) => e.fault === 'down'));
    sim.setFaults({});
    assert.deepEqual(await clientA.deleteCard('3e506370-826a-103d-bf76-001000000001'), { action: 'absent' });
  });

  it('maps a refused connection to retryable', async () => {
    const other = await startEscRouterSimulator({ apiKeys: {} });
    const url = other.url;
    await other.close();
    const client = createEscRouterClient({ baseUrl: url, apiKey: KEY_A, timeoutMs: 1000 });
    const error = await rejection(client.persons.get(ESI));
    assert.deepEqual([error.kind, error.failure], ['retryable', 'network']);
  });

  it('fails the seeded share of requests, reproducibly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.double({ min: 0.2, max: 0.8, noNaN: true }), async (seed, failRate) => {
        const outcomes = async (): Promise<string> => {
          sim.setFaults({ failRate, seed });
          let result = '';
          for (let i = 0; i < 20; i += 1) {
            result += await clientA.cards.status('3e506370-826a-103d-bf76-001000000001').then(
              () => '.',
              (error: unknown) => (error instanceof EscRouterError && error.kind === 'retryable' && error.status === 500 ? 'x' : '?'),
            );
          }
          return result;
        };
        const first = await outcomes();
        assert.equal(await outcomes(), first);
        assert.doesNotMatch(first, /\?/);
      }),
      { numRuns: 8 },
    );
    sim.setFaults({ failRate: 0.5, seed: 42 });
    let failures = 0;
    for (let i = 0; i < 200; i += 1) {
      await clientA.cards.status('3e506370-826a-103d-bf76-001000000001').catch(() => {
        failures += 1;
      });
    }
    assert.ok(failures > 60 && failures < 140, `failures ${failures}`);
    assert.throws(() => sim.setFaults({ failRate: 1.5 }), RangeError);
    sim.setFaults({});
  });

  it('never exposes the API key in errors, events or the client object', async () => {
    sim.setFaults({ failRate: 1 });
    const error = await rejection(clientA.persons.create(person()));
    sim.setFaults({});
    const timeout = await rejection(
      createEscRouterClient({ baseUrl: 'http://127.0.0.1:9', apiKey: KEY_A, timeoutMs: 200 }).persons.list(),
    );
    for (const text of [
      error.message,
      JSON.stringify(error),
      String(error.stack),
      timeout.message,
      JSON.stringify(timeout),
      JSON.stringify(events),
      JSON.stringify(clientA),
      JSON.stringify(sim.requestLog),
    ]) {
      assert.ok(!text.includes(KEY_A), text);
    }
  });

  async function mint(): Promise<string> {
    const [escn = ''] = await clientA.cards.generateEscn({ prefix: 1, pic: PIC_A });
    return escn;
  }
});

describe('ESC router simulator, driven directly', () => {
  let sim: EscRouterSimulator;
  before(async () => {
    sim = await startEscRouterSimulator({ apiKeys: { [KEY_A]: { pic: PIC_A } } });
  });
  after(async () => {
    await sim.close();
  });

  async function call(method: string, path: string, body: unknown, key: string | null): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${sim.url}/api/v2${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
  }

  it('validates requests with documented statuses and codes', async () => {
    sim.reset();
    const cases: Array<[string, string, unknown, string | null, number, string]> = [
      ['POST', '/persons', { identifier: ESI, personOrganisationUpdateViews: [{ organisationIdentifier: PIC_A }] }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/persons', { ...person(), identifier: 'not-an-esi' }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/persons', { ...person(), personOrganisationUpdateViews: [] }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/persons', person({ personOrganisationUpdateViews: [{ organisationIdentifier: PIC_A, email: 'nope' }] }), KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/persons', person({ personOrganisationUpdateViews: [{ organisationIdentifier: PIC_B }] }), KEY_A, 403, 'SE-0000'],
      ['POST', '/persons', person(), null, 401, 'SE-0000'],
      ['POST', '/persons', '{"broken', KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/persons', person(), KEY_A, 201, ''],
      ['POST', '/persons', person(), KEY_A, 409, 'ER-0019'],
      ['PUT', `/persons/${encodeURIComponent(ESI)}`, person({ identifier: 'urn:schac:personalUniqueCode:int:esi:fr:1' }), KEY_A, 400, 'SIM-VALIDATION'],
      ['PUT', '/persons/urn%3Aschac%3ApersonalUniqueCode%3Aint%3Aesi%3Ait%3A1', person({ identifier: 'urn:schac:personalUniqueCode:int:esi:it:1' }), KEY_A, 404, 'SIM-PERSON-NOT-FOUND'],
      ['POST', '/cards', { ...card('3e506370-826a-103d-bf76-001000000001'), cardType: 'PLASTIC' }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/cards', { ...card('3e506370-826a-103d-bf76-001000000001'), cardStatusType: 'EXPIRED' }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/cards', { ...card('3e506370-826a-103d-bf76-001000000001'), issuedAt: '2100-01-01' }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/cards', { ...card('3e506370-826a-403d-bf76-001000000001') }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/cards', { ...card('3e506370-826a-103d-bf76-001000000001'), personIdentifier: undefined }, KEY_A, 400, 'SIM-VALIDATION'],
      ['POST', '/cards', card('3e506370-826a-103d-bf76-001000000001'), KEY_A, 201, ''],
      ['POST', '/cards', card('3E506370-826A-103D-BF76-001000000001'), KEY_A, 409, 'ER-0002'],
      ['PUT', '/cards/3e506370-826a-103d-bf76-001000000001', card('3e506370-826a-103d-bf76-001000000002'), KEY_A, 400, 'SIM-VALIDATION'],
      ['PUT', '/cards/3e506370-826a-103d-bf76-001000000009', card('3e506370-826a-103d-bf76-001000000009'), KEY_A, 404, 'ER-0001'],
      ['GET', '/cards/not-an-escn', undefined, KEY_A, 400, 'SIM-VALIDATION'],
      ['DELETE', '/cards/not-an-escn', undefined, KEY_A, 404, 'ER-0001'],
      ['GET', '/cards/not-an-escn/status', undefined, null, 404, 'ER-0001'],
      ['GET', '/cards/not-an-escn/qr', undefined, null, 400, 'SIM-VALIDATION'],
      ['GET', '/cards/3e506370-826a-103d-bf76-001000000001/qr?size=XL', undefined, null, 400, 'SIM-VALIDATION'],
      ['GET', '/cards/generate-escn?prefix=1000&pic=999000001', undefined, null, 400, 'SIM-VALIDATION'],
      ['GET', '/cards/generate-escn?prefix=1', undefined, null, 400, 'SIM-VALIDATION'],
      ['GET', '/cards/generate-escn?prefix=1&pic=999000001&numberOfESCN=0', undefined, null, 400, 'SIM-VALIDATION'],
      ['GET', '/persons?size=0', undefined, KEY_A, 400, 'SIM-VALIDATION'],
      ['GET', '/cards?sort=colour', undefined, KEY_A, 400, 'SIM-VALIDATION'],
      ['DELETE', `/persons/${encodeURIComponent(ESI)}`, undefined, KEY_A, 204, ''],
      ['GET', '/cards/3e506370-826a-103d-bf76-001000000001/status', undefined, null, 404, 'ER-0001'],
    ];
    for (const [method, path, body, key, status, code] of cases) {
      const answer = await call(method, path, body, key);
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(answer.body)}`);
      if (code !== '') {
        const error = answer.body as { code?: unknown; message?: unknown };
        assert.equal(error.code, code, `${method} ${path}`);
        assert.equal(typeof error.message, 'string');
      }
    }
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: false }), []);
  });

  it('answers the public endpoints without a key', async () => {
    sim.reset();
    const answer = await call('GET', `/cards/generate-escn?prefix=12&pic=${PIC_B}&numberOfESCN=1000`, undefined, null);
    assert.equal(answer.status, 200);
    const numbers = answer.body as string[];
    assert.equal(new Set(numbers).size, 1000);
    assert.ok(numbers.every((n) => {
      const v = validateEscn(n);
      return v.valid && v.prefix === '012' && v.pic === PIC_B;
    }));
    assert.deepEqual(contractViolations(sim.requestLog, { checkRequests: false }), []);
  });
});
