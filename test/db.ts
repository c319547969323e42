import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Db, type DbHandle, openDatabase } from '../src/storage/database.ts';

export type TestDatabase = DbHandle & {
  /** The runtime role's address of this database (what `db` uses). */
  url: string;
  /** The owner's address and handle, for what only the owner may do (DDL in a test, say). */
  ownerUrl: string;
  owner: Db;
};

/**
 * A database of this test file's own, cloned from the migrated template (fast: a file copy). `db`
 * connects as the runtime role, as the app does; `owner` as the tables' owner.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject('templateDatabaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: templateUrl.replace(/\/unitrace_template$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE unitrace_template`);
  await admin.end();
  const url = inject('runtimeTemplateUrl').replace(/\/unitrace_template$/, `/${name}`);
  const ownerUrl = templateUrl.replace(/\/unitrace_template$/, `/${name}`);
  const handle = openDatabase(url);
  const owner = openDatabase(ownerUrl, { max: 2 });
  return {
    ...handle,
    url,
    ownerUrl,
    owner: owner.db,
    async close() {
      await handle.close();
      await owner.close();
    },
  };
}
