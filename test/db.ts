import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type DbHandle, openDatabase } from '../src/storage/database.ts';

export type TestDatabase = DbHandle & { url: string };

/** A database of this test file's own, cloned from the migrated template (fast: a file copy). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = inject('templateDatabaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: templateUrl.replace(/\/unitrace_template$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE unitrace_template`);
  await admin.end();
  const url = templateUrl.replace(/\/unitrace_template$/, `/${name}`);
  const handle = openDatabase(url);
  return { ...handle, url };
}
