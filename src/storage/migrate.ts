import { Logger, runMigrations } from 'graphile-worker';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type pg from 'pg';
import type { Db } from './database.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-users.ts';
import * as m0003 from './migrations/0003-serial-counters.ts';
import * as m0004 from './migrations/0004-fnc1-substitute.ts';
import * as m0005 from './migrations/0005-idempotency.ts';
import * as m0006 from './migrations/0006-auth-throttle.ts';
import * as m0007 from './migrations/0007-unit-lifecycle.ts';
import * as m0008 from './migrations/0008-receipts.ts';
import * as m0009 from './migrations/0009-returns.ts';
import * as m0010 from './migrations/0010-recalls.ts';
import * as m0011 from './migrations/0011-audit.ts';
import * as m0012 from './migrations/0012-webhooks.ts';
import { grantRuntimeAccess, migrationTables } from './roles.ts';

// Migrations are listed here rather than read from a folder, so they run the same from source,
// from a bundle and in tests.
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-users': m0002,
  '0003-serial-counters': m0003,
  '0004-fnc1-substitute': m0004,
  '0005-idempotency': m0005,
  '0006-auth-throttle': m0006,
  '0007-unit-lifecycle': m0007,
  '0008-receipts': m0008,
  '0009-returns': m0009,
  '0010-recalls': m0010,
  '0011-audit': m0011,
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
 * schema `graphile_worker` of the same database and migrates them itself): both must exist before
 * any change runs, since a change that emits a webhook event inserts the queue's jobs in its
 * transaction. Run it as the owner; with `runtimeRole`, that role's grants (storage/roles.ts) are
 * applied afterwards, every time, so tables of new migrations are covered.
 *
 * Migrations are written on parallel branches and can land out of name order (0007 merged before
 * 0006): a database already at 0007 then runs 0006 instead of refusing to start. So each migration
 * must stand on its own, needing nothing from a migration numbered after it.
 */
export async function migrateToLatest(
  handle: { db: Db; pool: pg.Pool },
  options: { runtimeRole?: string } = {},
): Promise<string[]> {
  const { db, pool } = handle;
  const [migrationTableName, migrationLockTableName] = migrationTables;
  const migrator = new Migrator({ db, provider, migrationTableName, migrationLockTableName, allowUnorderedMigrations: true });
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
  if (options.runtimeRole) await grantRuntimeAccess(db, options.runtimeRole);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
