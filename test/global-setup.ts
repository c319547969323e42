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
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'unitrace-test-'));
  const postgres = await startEmbeddedPostgres(dir);
  const templateUrl = postgres.connectionString.replace(/\/unitrace$/, '/unitrace_template');

  const admin = new pg.Client({ connectionString: postgres.connectionString });
  await admin.connect();
  await admin.query('CREATE DATABASE unitrace_template');
  await admin.end();

  const handle = openDatabase(templateUrl, { max: 1 });
  await migrateToLatest(handle.db);
  await handle.close();

  project.provide('templateDatabaseUrl', templateUrl);

  return async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
