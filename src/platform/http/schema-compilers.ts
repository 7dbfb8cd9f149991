import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

/** What Fastify hands a compiler: one schema of one route (a request part or a response status). */
interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type Serialize = (data: unknown) => string;
type Compiler<F> = (route: RouteSchema) => F;
/** Fastify calls a factory once per plugin context, with the schemas added there (addSchema) and the server options. */
type CompilerFactory<F> = (externalSchemas: Record<string, unknown>, options?: unknown) => Compiler<F>;
type FastifyCompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

export interface LazySchemaCompilers {
  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  compilersFactory: FastifyCompilersFactory;
  /**
   * Compiles now every schema still waiting for its first use and returns how many there were.
   * Throws on the first schema that does not compile, naming its route: what Fastify would have
   * done at boot (tests call it so that a broken schema still fails before production).
   */
  compilePending(): number;
}

/**
 * Validator and serializer compilers for Fastify that compile a route's schema when the first
 * request needs it, not while the app boots. Fastify's own compilers (Ajv, fast-json-stringify)
 * build code for every request part and every response status of every route at startup: about
 * 400 compilations, the largest part of `buildApp` + `ready` and a quarter of a restart. Here each
 * one is deferred and shared by the routes that use the same schema object (the Problem answer of
 * every route is compiled once per plugin context, not once per route and status).
 *
 * The generated code is the one Fastify's defaults generate, with the same options. One
 * difference: with a custom validator compiler Fastify no longer lower-cases the property names of
 * `headers` schemas, so such schemas must name headers in lower case (as Node delivers them).
 */
export function createLazySchemaCompilers(): LazySchemaCompilers {
  const pending = new Set<() => void>();

  /**
   * Wraps a default compiler factory. Per distinct (added schemas, options), as Fastify's Ajv pool
   * keys them, one default compiler is made on first need and its results are kept per schema object.
   */
  function deferred<F>(defaults: CompilerFactory<F>, wrap: (compiled: () => F, route: RouteSchema) => F): CompilerFactory<F> {
    const contexts = new Map<string, { compile: Compiler<F> | undefined; bySchema: WeakMap<object, F> }>();
    return (externalSchemas, options) => {
      const key = JSON.stringify([externalSchemas, options]);
      let context = contexts.get(key);
      if (!context) {
        context = { compile: undefined, bySchema: new WeakMap() };
        contexts.set(key, context);
      }
      const shared = context;
      return (route) => {
        let compiled: F | undefined;
        const compileNow = (): F => {
          if (compiled) return compiled;
          const schema = route.schema;
          const reusable = typeof schema === 'object' && schema !== null ? shared.bySchema.get(schema) : undefined;
          if (reusable) {
            compiled = reusable;
          } else {
            shared.compile ??= defaults(externalSchemas, options);
            compiled = shared.compile(route);
            if (typeof schema === 'object' && schema !== null) shared.bySchema.set(schema, compiled);
          }
          pending.delete(compileOrExplain);
          return compiled;
        };
        const compileOrExplain = () => {
          try {
            compileNow();
          } catch (error) {
            const part = route.httpPart ?? `response ${route.httpStatus ?? ''}`;
            throw new Error(`${route.method} ${route.url} ${part}: schema does not compile: ${(error as Error).message}`, { cause: error });
          }
        };
        pending.add(compileOrExplain);
        return wrap(compileNow, route);
      };
    };
  }

  const ajvCompiler = AjvCompiler() as unknown as CompilerFactory<Validate>;
  const boundedAjvCompiler: CompilerFactory<Validate> = (externalSchemas, options) => {
    const compile = ajvCompiler(externalSchemas, options);
    return (route) => compile({ ...route, schema: withIntegerBounds(route.schema) });
  };
  const buildValidator = deferred<Validate>(boundedAjvCompiler, (compiled, route) => {
    const rootType = declaredRootType(route.schema);
    // Fastify reads the errors of a failed validation from the function it called.
    const validate: Validate = (data) => {
      const real = compiled();
      const valid = real(data);
      validate.errors = real.errors;
      if (valid && rootType !== undefined && !hasJsonType(data, rootType)) {
        validate.errors = [{ instancePath: '', schemaPath: '#/type', keyword: 'type', params: { type: rootType }, message: `must be ${rootType}` }];
        return false;
      }
      return valid;
    };
    return validate;
  });
  const buildSerializer = deferred<Serialize>(SerializerSelector() as unknown as CompilerFactory<Serialize>,
    (compiled) => (data) => compiled()(data));

  return {
    compilersFactory: {
      buildValidator: buildValidator as unknown as FastifyCompilersFactory['buildValidator'],
      buildSerializer: buildSerializer as unknown as FastifyCompilersFactory['buildSerializer'],
    },
    compilePending() {
      const waiting = [...pending];
      for (const compile of waiting) compile();
      return waiting.length;
    },
  };
}

/** The range of a PostgreSQL `integer`: what any integer of a request may be compared with or stored in. */
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * A copy of a request schema in which every integer without tighter bounds is bounded to the
 * int32 range. JSON and query strings can carry `1e308`, which is an integer to JavaScript and
 * to Ajv, but fails the query that uses it (`bigint out of range`); bounded here, it is an
 * ordinary 400 with its field, for every route at once. The OpenAPI document keeps the schemas
 * as written.
 */
export function withIntegerBounds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withIntegerBounds);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(schema)) {
    const value = (schema as Record<string | symbol, unknown>)[key];
    if (typeof key === 'string' && SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, withIntegerBounds(child)]));
    } else {
      copy[key] = typeof key === 'string' && DATA_KEYWORDS.has(key) ? value : withIntegerBounds(value);
    }
  }
  const type = copy.type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    const { minimum, maximum } = copy as { minimum?: unknown; maximum?: unknown };
    copy.minimum = typeof minimum === 'number' ? Math.max(minimum, INT32_MIN) : INT32_MIN;
    copy.maximum = typeof maximum === 'number' ? Math.min(maximum, INT32_MAX) : INT32_MAX;
  }
  return copy;
}

/** Keywords whose value is data, not a schema. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);
/** Keywords whose value maps names to schemas (a property may be called `default`). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

/** The single JSON type a schema declares for its root value, if it declares one. */
function declaredRootType(schema: unknown): string | undefined {
  const type = typeof schema === 'object' && schema !== null ? (schema as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}

/**
 * Whether `data` is of JSON type `type`. Ajv's type coercion (`coerceTypes: 'array'`) cannot
 * replace the root value it was handed: a body `1` validates against an array schema as `[1]`,
 * yet the handler receives `1`. So a root value must have the declared type as it is.
 */
function hasJsonType(data: unknown, type: string): boolean {
  switch (type) {
    case 'array': return Array.isArray(data);
    case 'object': return typeof data === 'object' && data !== null && !Array.isArray(data);
    case 'string': return typeof data === 'string';
    case 'number': return typeof data === 'number';
    case 'integer': return Number.isInteger(data);
    case 'boolean': return typeof data === 'boolean';
    case 'null': return data === null;
    default: return true;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** {@link LazySchemaCompilers.compilePending} of the app built by `buildApp`. */
    compilePendingSchemas(): number;
  }
}
