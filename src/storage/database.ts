import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// int8 and numeric come back from pg as strings; ids and counts here fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` stays a plain 'YYYY-MM-DD' string instead of a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Kysely<Database>;

export type DbHandle = {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
};

export type OpenOptions = {
  max?: number;
  /** Told of each connection the server or the network took away (the process carries on). */
  onConnectionError?: (error: Error) => void;
  /** Keep idle connections open (a session that holds a lock, as the webhook worker's, must not be closed). */
  keepIdle?: boolean;
};

/** Distinct statements one connection keeps prepared, at most (the rest run unnamed). */
const MAX_PREPARED_PER_CONNECTION = 500;
const prepared = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * Runs every statement with parameters as a named prepared statement of its connection, so
 * PostgreSQL parses and plans it once per connection, not on every call (it then reuses a generic
 * plan when that is as good as the custom ones). A packing scan's statements cost about half as
 * much this way (docs/benchmarks.md). The name is a hash of the SQL text, so one text is one
 * statement; a connection keeps at most MAX_PREPARED_PER_CONNECTION of them, so SQL built with a
 * varying number of parameters cannot grow the server's memory without bound.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let names = prepared.get(client);
      if (!names) prepared.set(client, (names = new Set()));
      const known = names;
      return {
        query: ((text: string, values: unknown[]) => {
          if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) {
            return (client.query as (...args: unknown[]) => unknown)(text, values);
          }
          const name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`;
          if (!known.has(name)) {
            if (known.size >= MAX_PREPARED_PER_CONNECTION) return client.query(text, values);
            known.add(name);
          }
          return client.query({ name, text, values });
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * A pool that outlives its database. pg emits 'error' on a client whose connection dies, idle in the
 * pool or checked out (mid-transaction, between two statements); an 'error' event nobody listens to
 * ends the process. So every client gets a listener the moment it connects: the query that was
 * running, or the next one, fails instead (an error http/ answers with 503 DATABASE_UNAVAILABLE), the
 * pool drops the dead client when it is released, and later requests connect afresh once the
 * database is back. A connection that cannot be made within 5 s fails rather than waiting forever.
 */
export function openDatabase(connectionString: string, options: OpenOptions = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(options.keepIdle ? { idleTimeoutMillis: 0 } : {}),
  });
  const onError = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    // A FATAL error ends the session, but pg counts the client usable until the socket's end is
    // read, and a query that failed outside a transaction hands it straight back to the pool: the
    // next request would get a dead connection. Ending it now makes the pool drop it on release.
    client.connection.on('errorMessage', (message: { severity?: string }) => {
      if (message.severity === 'FATAL' || message.severity === 'PANIC') client.end().catch(() => {});
    });
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}
