import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { ensureLoginRole } from '../src/storage/roles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The owner's address of the migrated template database; test files clone it. */
    templateDatabaseUrl: string;
    /** The runtime role's address of the template: the app's code in tests connects as this role. */
    runtimeTemplateUrl: string;
  }
}

const withDatabase = (url: string, database: string) => url.replace(/\/[^/]+$/, `/${database}`);

/**
 * Starts one embedded PostgreSQL for the whole run, in a fresh temporary folder, migrates a template
 * database as the owner, grants the runtime role its rights, and hands both addresses to the test
 * files. Each file clones the template into a database of its own (test/db.ts) and runs the app as
 * the runtime role, so the suite shows the app works with least privilege.
 *
 * UNITRACE_TEST_DATABASE_URL=postgres://user:pw@host:port/unitrace runs the same tests against
 * another PostgreSQL server instead (15 or later; the user must be allowed to create databases, and
 * to create roles for the runtime role: without CREATEROLE the app runs as that user, and the
 * least-privilege test says it skipped).
 */
export default async function setup(project: TestProject) {
  // The web app is built once here, before test files run in parallel: the browser tests and the
  // `unitrace serve` started by the CLI tests then find dist/web fresh and never build it at once.
  const builder = new URL('../scripts/build-web-if-stale.mjs', import.meta.url).href;
  await ((await import(builder)) as { buildWebIfStale: (o: { quiet: boolean }) => Promise<boolean> }).buildWebIfStale({ quiet: true });
  const external = process.env.UNITRACE_TEST_DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'unitrace-test-'));
  const postgres = external
    ? { connectionString: external, runtimeConnectionString: null, runtimeRole: null, stop: async () => {} }
    : await startEmbeddedPostgres(dir);
  const templateUrl = withDatabase(postgres.connectionString, 'unitrace_template');

  const admin = new pg.Client({ connectionString: withDatabase(postgres.connectionString, 'postgres') });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  console.log(`tests run on PostgreSQL ${version}${external ? ' (UNITRACE_TEST_DATABASE_URL)' : ' (embedded)'}`);
  await admin.query('DROP DATABASE IF EXISTS unitrace_template');
  await admin.query('CREATE DATABASE unitrace_template');

  // On another server, a runtime role of this run's own (roles are server-wide; runs may overlap).
  let runtimeRole = postgres.runtimeRole;
  let runtimeUrl = postgres.runtimeConnectionString;
  let madeRole: string | null = null;
  if (external) {
    const role = `unitrace_rt_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    try {
      await ensureLoginRole(admin, role, password);
      madeRole = runtimeRole = role;
      const u = new URL(external);
      u.username = role;
      u.password = password;
      runtimeUrl = u.toString();
    } catch (error) {
      console.log(`tests run the app as the UNITRACE_TEST_DATABASE_URL user, not a least-privilege role: ${(error as Error).message}`);
    }
  }
  await admin.end();

  const handle = openDatabase(templateUrl, { max: 1 });
  await migrateToLatest(handle, runtimeRole ? { runtimeRole } : {});
  await handle.close();

  project.provide('templateDatabaseUrl', templateUrl);
  project.provide('runtimeTemplateUrl', runtimeUrl ? withDatabase(runtimeUrl, 'unitrace_template') : templateUrl);

  return async () => {
    if (external) {
      // The embedded cluster is thrown away whole; on another server, drop what this run made.
      const cleanup = new pg.Client({ connectionString: withDatabase(external, 'postgres') });
      await cleanup.connect();
      const made = await cleanup.query(`SELECT datname FROM pg_database WHERE datname ~ '^t_[0-9a-f]{12}$' OR datname = 'unitrace_template'`);
      for (const { datname } of made.rows) await cleanup.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      if (madeRole) await cleanup.query(`DROP ROLE IF EXISTS ${cleanup.escapeIdentifier(madeRole)}`);
      await cleanup.end();
    }
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
