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

/** `keepIdle` keeps idle connections open (a session that holds a lock must not be closed). */
export function openDatabase(connectionString: string, options: { max?: number; keepIdle?: boolean } = {}): DbHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, ...(options.keepIdle ? { idleTimeoutMillis: 0 } : {}) });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}
