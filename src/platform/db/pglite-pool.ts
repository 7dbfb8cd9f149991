import type { PGlite } from '@electric-sql/pglite';

/** The part of node-postgres' result that the application reads. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number | null;
  command: string;
}

/** One exclusive connection: what a transaction (Kysely, the migrator, pg-boss) holds. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>>;
  release(): void;
}

/** The pool interface shared by node-postgres' Pool and {@link PglitePool}. */
export interface SqlPool {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>>;
  connect(): Promise<SqlClient>;
  end(): Promise<void>;
}

// PGlite's defaults differ from node-postgres': keep one behaviour for both databases.
const BYTEA = 17;
const INT8 = 20;
const DATE = 1082;
export const PGLITE_PARSERS = {
  [DATE]: (value: string) => value,
  [INT8]: (value: string) => Number(value),
  [BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
};

/**
 * A pool of one over embedded PGlite, shaped like node-postgres' Pool so that Kysely, pg-boss and
 * the migrator run unchanged on both databases.
 *
 * Why not PGlite's own node-postgres adapter: it forwards each protocol message on its own, and
 * an error in a parameterised statement (say, a unique violation) leaves the connection broken.
 * PGlite's `query` runs the whole extended-protocol exchange at once and recovers from errors.
 *
 * PGlite has a single session, so a client is exclusive: while a transaction holds it every other
 * caller waits. Using the pool again from inside a held client therefore deadlocks, which is why
 * repositories always receive the transaction explicitly.
 */
export class PglitePool implements SqlPool {
  private queue: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(private readonly pglite: PGlite) {}

  private async run<R>(text: string, values: readonly unknown[] | undefined): Promise<SqlResult<R>> {
    if (values === undefined || values.length === 0) {
      // Simple-protocol semantics: several statements may run at once (migrations, pg-boss scripts).
      if (values === undefined) {
        const results = await this.pglite.exec(text);
        const last = results.at(-1);
        return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? last?.affectedRows ?? null, command: last?.command ?? '' };
      }
    }
    const result = await this.pglite.query<R>(text, values as unknown[]);
    return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? null, command: result.command ?? '' };
  }

  /** Waits for the connection, then holds it until `release()`. */
  connect(): Promise<SqlClient> {
    if (this.ended) return Promise.reject(new Error('The embedded database is closed'));
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const acquired = this.queue.then(() => undefined);
    this.queue = acquired.then(() => released);
    return acquired.then(() => {
      let done = false;
      return {
        query: <R>(text: string, values?: readonly unknown[]) => this.run<R>(text, values),
        release: () => {
          if (done) return;
          done = true;
          release();
        },
      };
    });
  }

  /** Runs one statement (or a script, without values) on the connection when it is free. */
  async query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(text, values);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    this.ended = true;
    await this.queue;
  }
}
