import { Kysely, PostgresDialect } from 'kysely';
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}
