import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from './database.ts';

/**
 * Two roles. The owner runs migrations and owns every table; the runtime role is what the app
 * connects as: not a superuser, owner of nothing (so it cannot ALTER, DROP or TRUNCATE a table, or
 * disable or drop a trigger), with SELECT, INSERT, UPDATE and DELETE on the tables and use of their
 * sequences, and on the append-only tables only SELECT and INSERT.
 */

/** History tables: the runtime role may read and append, never change or remove. */
export const appendOnlyTables = ['serial_events'] as const;

/** kysely's Migrator bookkeeping: the runtime role may read it (to see the schema is current) only. */
export const migrationTables = ['unitrace_migrations', 'unitrace_migrations_lock'] as const;

/**
 * Grants the runtime role what the app needs on every table and sequence there is now, and
 * through default privileges on those the owner creates later; runs after every migration, so a
 * table a new migration adds is covered without being named here. Idempotent.
 */
export async function grantRuntimeAccess(db: Db, role: string): Promise<void> {
  const r = sql.id(role);
  const list = (names: readonly string[]) => sql.join(names.map((n) => sql.id(n)));
  await sql`
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};
    REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${r};
    REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r};
    REVOKE UPDATE, DELETE ON ${list(appendOnlyTables)} FROM ${r};
    REVOKE INSERT, UPDATE, DELETE ON ${list(migrationTables)} FROM ${r};
  `.execute(db);
  // The webhook queue (graphile-worker's own schema): the app adds jobs in its transactions and the
  // worker takes and finishes them, as the runtime role. Nothing of our history lives there.
  await sql`
    GRANT USAGE ON SCHEMA graphile_worker TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${r};
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${r};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${r};
  `.execute(db);
  // graphile-worker turns row-level security on for its private tables, so that only their owner
  // reaches them; the runtime role gets a policy of its own on each (it is the queue's client).
  const secured = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity`.execute(db);
  for (const { name } of secured.rows) {
    const table = sql.table(`graphile_worker.${name}`);
    await sql`DROP POLICY IF EXISTS unitrace_runtime ON ${table}`.execute(db);
    await sql`CREATE POLICY unitrace_runtime ON ${table} TO ${r} USING (true) WITH CHECK (true)`.execute(db);
  }
}

/** The role this connection acts as. */
export async function currentRole(db: Db): Promise<string> {
  const { rows } = await sql<{ role: string }>`SELECT current_user AS role`.execute(db);
  return rows[0].role;
}

/** Whether this connection could undo the database's guarantees: a superuser, or the tables' owner. */
export async function isPrivilegedRole(db: Db): Promise<boolean> {
  const { rows } = await sql<{ privileged: boolean }>`
    SELECT r.rolsuper OR EXISTS (
      SELECT 1 FROM pg_class c WHERE c.relname = 'serial_events' AND c.relkind = 'r'
        AND pg_has_role(current_user, c.relowner, 'USAGE')
    ) AS privileged
    FROM pg_roles r WHERE r.rolname = current_user
  `.execute(db);
  return rows[0]?.privileged ?? false;
}

/**
 * Creates a login role with no special attributes, or sets its password (and takes such
 * attributes away) when it exists. Needs a superuser or a role with CREATEROLE.
 */
export async function ensureLoginRole(client: pg.Client, name: string, password: string): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  const verb = found.rowCount === 0 ? 'CREATE' : 'ALTER';
  await client.query(
    `${verb} ROLE ${client.escapeIdentifier(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(password)}`,
  );
}
