import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './database.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-users.ts';
import * as m0003 from './migrations/0003-serial-counters.ts';
import * as m0004 from './migrations/0004-fnc1-substitute.ts';
import * as m0005 from './migrations/0005-idempotency.ts';
import * as m0007 from './migrations/0007-unit-lifecycle.ts';
import * as m0010 from './migrations/0010-recalls.ts';

// Migrations are listed here rather than read from a folder, so they run the same from source,
// from a bundle and in tests.
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-users': m0002,
  '0003-serial-counters': m0003,
  '0004-fnc1-substitute': m0004,
  '0005-idempotency': m0005,
  '0007-unit-lifecycle': m0007,
  '0010-recalls': m0010,
};

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'unitrace_migrations', migrationLockTableName: 'unitrace_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
