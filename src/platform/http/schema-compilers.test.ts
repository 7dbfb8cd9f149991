import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { createLazySchemaCompilers, type LazySchemaCompilers } from './schema-compilers.ts';
import { startTestApp, type TestApp } from '../../../test/helpers/test-app.ts';

const AJV = { customOptions: { removeAdditional: false, coerceTypes: 'array' as const, useDefaults: true, allErrors: true } };
const Shared = Type.Object({ id: Type.Integer(), name: Type.String() });
const Body = Type.Object({ name: Type.String({ minLength: 2 }), count: Type.Integer({ minimum: 1 }), tag: Type.String({ default: 'none' }) },
  { additionalProperties: false });

/** The same small app on Fastify's own compilers (lazy undefined) or on the lazy ones. */
async function sampleApp(lazy: LazySchemaCompilers | undefined): Promise<FastifyInstance> {
  const app = Fastify({ ajv: AJV, ...(lazy ? { schemaController: { compilersFactory: lazy.compilersFactory } } : {}) });
  app.post('/items', { schema: { body: Body, response: { 200: Shared } } },
    async (request) => ({ id: 1, name: JSON.stringify(request.body), secret: 'never serialized' }));
  app.get('/items/:id', { schema: { params: Type.Object({ id: Type.Integer() }), response: { 200: Shared } } },
    async (request) => ({ id: (request.params as { id: number }).id, name: 'same schema object', secret: 'x' }));
  await app.ready();
  return app;
}

describe('lazy schema compilers', () => {
  it('compile nothing at boot, then answer exactly as Fastify\'s own compilers do', async () => {
    const lazy = createLazySchemaCompilers();
    const [eager, deferred] = [await sampleApp(undefined), await sampleApp(lazy)];
    try {
      // POST body and 200, GET params and 200, and the same two for the HEAD route Fastify adds
      assert.equal(lazy.compilePending(), 6);
      assert.equal(lazy.compilePending(), 0);
      const requests = [
        { method: 'POST' as const, url: '/items', payload: { name: 'ok', count: '3' } },
        { method: 'POST' as const, url: '/items', payload: { name: 'x', count: 0, extra: true } },
        { method: 'POST' as const, url: '/items', payload: { count: 'many' } },
        { method: 'GET' as const, url: '/items/12' },
        { method: 'GET' as const, url: '/items/twelve' },
      ];
      for (const request of requests) {
        const [expected, actual] = [await eager.inject(request), await deferred.inject(request)];
        assert.equal(actual.statusCode, expected.statusCode, `${request.method} ${request.url}`);
        assert.equal(actual.body, expected.body, `${request.method} ${request.url}`);
      }
      const created = await deferred.inject(requests[0] as never);
      assert.deepEqual(created.json(), { id: 1, name: '{"name":"ok","count":3,"tag":"none"}' }, 'coerced, defaulted, filtered');
      assert.match((await deferred.inject(requests[1] as never)).json().message, /must NOT have fewer than 2 characters/);
    } finally {
      await eager.close();
      await deferred.close();
    }
  });

  it('compile a schema on its first use only, and count what is still waiting', async () => {
    const lazy = createLazySchemaCompilers();
    const app = await sampleApp(lazy);
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/items/5' })).statusCode, 200);
      assert.equal(lazy.compilePending(), 4, 'the POST route and the HEAD twin of the GET route still wait');
    } finally {
      await app.close();
    }
  });

  it('let a broken schema pass the boot but name its route when compiled', async () => {
    const lazy = createLazySchemaCompilers();
    const app = Fastify({ ajv: AJV, logger: false, schemaController: { compilersFactory: lazy.compilersFactory } });
    app.post('/broken', { schema: { body: { type: 'no-such-type' } } }, async () => ({}));
    try {
      await app.ready();
      assert.throws(() => lazy.compilePending(), /POST \/broken body: schema does not compile: schema is invalid/);
      assert.equal((await app.inject({ method: 'POST', url: '/broken', payload: {} })).statusCode, 500);
    } finally {
      await app.close();
    }
  });
});

describe('campuscard app schemas', { timeout: 120_000 }, () => {
  let test: TestApp;
  before(async () => { test = await startTestApp(); });
  after(async () => { await test.close(); });

  it('all compile: what Fastify checked at boot before compilation was deferred', () => {
    const compiled = test.app.compilePendingSchemas();
    assert.ok(compiled > 100, `only ${compiled} route schemas`);
    assert.equal(test.app.compilePendingSchemas(), 0);
  });
});
