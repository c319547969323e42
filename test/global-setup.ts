import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the migrated template database; test files clone it. */
    templateDatabaseUrl: string;
  }
}

/**
 * Starts one embedded PostgreSQL for the whole run, in a fresh temporary folder, migrates a template
 * database, and hands its address to the test files. Each file clones the template into a database
 * of its own (test/db.ts), so files run in parallel without seeing each other's rows.
 *
 * UNITRACE_TEST_DATABASE_URL=postgres://user:pw@host:port/unitrace runs the same tests against
 * another PostgreSQL server instead (15 or later; the user must be allowed to create databases).
 */
export default async function setup(project: TestProject) {
  // The web app is built once here, before test files run in parallel: the browser tests and the
  // `unitrace serve` started by the CLI tests then find dist/web fresh and never build it at once.
  const builder = new URL('../scripts/build-web-if-stale.mjs', import.meta.url).href;
  await ((await import(builder)) as { buildWebIfStale: (o: { quiet: boolean }) => Promise<boolean> }).buildWebIfStale({ quiet: true });
  const external = process.env.UNITRACE_TEST_DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'unitrace-test-'));
  const postgres = external
    ? { connectionString: external, stop: async () => {} }
    : await startEmbeddedPostgres(dir);
  const templateUrl = postgres.connectionString.replace(/\/[^/]+$/, '/unitrace_template');

  const admin = new pg.Client({ connectionString: postgres.connectionString.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  console.log(`tests run on PostgreSQL ${version}${external ? ' (UNITRACE_TEST_DATABASE_URL)' : ' (embedded)'}`);
  await admin.query('DROP DATABASE IF EXISTS unitrace_template');
  await admin.query('CREATE DATABASE unitrace_template');
  await admin.end();

  const handle = openDatabase(templateUrl, { max: 1 });
  await migrateToLatest(handle.db, handle.pool);
  await handle.close();

  project.provide('templateDatabaseUrl', templateUrl);

  return async () => {
    if (external) {
      // The embedded cluster is thrown away whole; on another server, drop what this run made.
      const cleanup = new pg.Client({ connectionString: external.replace(/\/[^/]+$/, '/postgres') });
      await cleanup.connect();
      const made = await cleanup.query(`SELECT datname FROM pg_database WHERE datname ~ '^t_[0-9a-f]{12}$' OR datname = 'unitrace_template'`);
      for (const { datname } of made.rows) await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await cleanup.end();
    }
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
