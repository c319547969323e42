import { openDatabase, type DbHandle } from '../storage/database.ts';
import { startEmbeddedPostgres } from '../storage/embedded-postgres.ts';
import { migrateToLatest } from '../storage/migrate.ts';

export type RuntimeOptions = { dataDir?: string };

export type Runtime = DbHandle & {
  /** Where the database is, for messages (never includes the password). */
  where: string;
  /** For workers that open connections of their own (the webhook queue). */
  connectionString: string;
  shutdown(): Promise<void>;
};

export function dataDirOf(options: RuntimeOptions): string {
  return options.dataDir ?? process.env.UNITRACE_DATA_DIR ?? './.unitrace';
}

/**
 * Opens the database every command works on: DATABASE_URL when set, else the embedded PostgreSQL in
 * the data folder (started here, or the one a running server already started), migrated to the
 * latest schema.
 */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const url = process.env.DATABASE_URL;
  let stopPostgres = async () => {};
  let connectionString: string;
  let where: string;
  if (url) {
    connectionString = url;
    where = 'DATABASE_URL';
  } else {
    const dataDir = dataDirOf(options);
    const postgres = await startEmbeddedPostgres(dataDir);
    connectionString = postgres.connectionString;
    stopPostgres = () => postgres.stop();
    where = `embedded PostgreSQL in ${dataDir}${postgres.owned ? '' : ' (already running)'}`;
  }
  const handle = openDatabase(connectionString);
  try {
    await migrateToLatest(handle.db, handle.pool);
  } catch (error) {
    await handle.close();
    await stopPostgres();
    throw error;
  }
  return {
    ...handle,
    where,
    connectionString,
    async shutdown() {
      await handle.close();
      await stopPostgres();
    },
  };
}
