import { Logger, runMigrations } from 'graphile-worker';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type pg from 'pg';
import type { Db } from './database.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-users.ts';
import * as m0003 from './migrations/0003-serial-counters.ts';
import * as m0004 from './migrations/0004-fnc1-substitute.ts';
import * as m0005 from './migrations/0005-idempotency.ts';
import * as m0007 from './migrations/0007-unit-lifecycle.ts';
import * as m0012 from './migrations/0012-webhooks.ts';

// Migrations are listed here rather than read from a folder, so they run the same from source,
// from a bundle and in tests.
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-users': m0002,
  '0003-serial-counters': m0003,
  '0004-fnc1-substitute': m0004,
  '0005-idempotency': m0005,
  '0007-unit-lifecycle': m0007,
  '0012-webhooks': m0012,
};

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/** graphile-worker's messages while it migrates are not ours to print; its errors are thrown. */
const silent = new Logger(() => () => {});

/**
 * Brings our schema up to date, then the webhook queue's (graphile-worker keeps its tables in the
 * schema `graphile_worker` of the same database and migrates them itself). Both must exist before
 * any change runs: a change that emits a webhook event inserts the queue's jobs in its transaction.
 */
export async function migrateToLatest(db: Db, pool: pg.Pool): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'unitrace_migrations',
    migrationLockTableName: 'unitrace_migrations_lock',
    // Numbers are handed out to features built in parallel (0012 may land before 0008): a database
    // that already ran a later number still takes an earlier one that arrives after it.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  // graphile-worker wants a pool whose clients have error listeners (else it warns on stderr).
  const onConnect = (client: pg.PoolClient) => client.on('error', () => {});
  pool.on('connect', onConnect);
  try {
    await runMigrations({ pgPool: pool, logger: silent });
  } finally {
    pool.removeListener('connect', onConnect);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
