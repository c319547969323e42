import { openDatabase, type DbHandle } from '../storage/database.ts';
import { startEmbeddedPostgres } from '../storage/embedded-postgres.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { currentRole, isPrivilegedRole } from '../storage/roles.ts';

export type RuntimeOptions = {
  dataDir?: string;
  /** A long-running server: restart the embedded PostgreSQL if it dies, and say so through onEvent. */
  keepAlive?: boolean;
  onEvent?: (message: string) => void;
};

export type Runtime = DbHandle & {
  /** Where the database is, for messages (never includes the password). */
  where: string;
  /** Set when the app's role could undo the database's guarantees (a superuser, or the tables' owner). */
  warning: string | null;
  /** The runtime role's address, for workers that open connections of their own (the webhook queue). */
  connectionString: string;
  shutdown(): Promise<void>;
};

export function dataDirOf(options: RuntimeOptions): string {
  return options.dataDir ?? process.env.UNITRACE_DATA_DIR ?? './.unitrace';
}

/**
 * Opens the database every command works on, migrated to the latest schema: DATABASE_URL when set
 * (migrated as DATABASE_MIGRATION_URL when that is set too), else the embedded PostgreSQL in the data
 * folder (started here, or the one a running server already started). The app's connections use the
 * runtime role; migrations use the owner and then grant the runtime role its rights.
 */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const url = process.env.DATABASE_URL;
  let stopPostgres = async () => {};
  let runtimeUrl: string;
  let ownerUrl: string;
  let where: string;
  if (url) {
    runtimeUrl = url;
    ownerUrl = process.env.DATABASE_MIGRATION_URL || url;
    where = ownerUrl === url ? 'DATABASE_URL' : 'DATABASE_URL, migrated as DATABASE_MIGRATION_URL';
  } else {
    const dataDir = dataDirOf(options);
    const postgres = await startEmbeddedPostgres(dataDir, { keepAlive: options.keepAlive, onEvent: options.onEvent });
    runtimeUrl = postgres.runtimeConnectionString;
    ownerUrl = postgres.connectionString;
    stopPostgres = () => postgres.stop();
    where = `embedded PostgreSQL in ${dataDir}${postgres.owned ? '' : ' (already running)'}`;
  }
  // Every pooled connection reports a lost database: say so once per 10 s, not once per connection.
  let quietUntil = 0;
  const handle = openDatabase(runtimeUrl, {
    onConnectionError: (error) => {
      if (Date.now() < quietUntil) return;
      quietUntil = Date.now() + 10_000;
      options.onEvent?.(`database connection lost: ${error.message}`);
    },
  });
  try {
    let warning: string | null = null;
    if (ownerUrl === runtimeUrl) {
      await migrateOrExplain(handle);
      if (await isPrivilegedRole(handle.db)) {
        warning = `the app connects as a role that owns the tables or is a superuser, so it could undo the append-only history; set DATABASE_URL to a runtime role and DATABASE_MIGRATION_URL to the owner (see README.md)`;
      }
    } else {
      const role = await currentRole(handle.db);
      const owner = openDatabase(ownerUrl, { max: 2 });
      try {
        await migrateToLatest(owner, { runtimeRole: role });
      } finally {
        await owner.close();
      }
    }
    return {
      ...handle,
      where,
      warning,
      connectionString: runtimeUrl,
      async shutdown() {
        await handle.close();
        await stopPostgres();
      },
    };
  } catch (error) {
    await handle.close();
    await stopPostgres();
    throw error;
  }
}

/** Migrates over the app's own connection (DATABASE_URL alone), saying what to do when it may not. */
async function migrateOrExplain(handle: DbHandle): Promise<void> {
  try {
    await migrateToLatest(handle);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new Error(
        `DATABASE_URL's role may not change the schema, and migrations are pending: set DATABASE_MIGRATION_URL to the owner role (${(error as Error).message})`,
      );
    }
    throw error;
  }
}
