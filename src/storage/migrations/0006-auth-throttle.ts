import { type Kysely, sql } from 'kysely';

// Counters of failed sign-ins and failed API-key authentications, kept here so that every API node
// sees the same counts. Each row is a fixed window: it opens at the first failure (window_start)
// and counts failures until it closes; an expired row is reset by the next failure or deleted by
// the periodic clean-up (hence the window_start indexes).
//
// Sign-in is by email across tenants, and a client address belongs to no tenant: those two tables
// are keyed by email and by address. API keys name their tenant, so the per-tenant counter is
// keyed (and, on a sharded database, distributed) by tenant_id like every tenant table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sign_in_failures (
      -- as typed at sign-in, trimmed and lower-cased (lower-casing may lengthen it a little)
      email text NOT NULL CHECK (length(email) <= 1024),
      -- the client address key (core/auth-limits.ts addressKey), or '*' for all addresses together
      address text NOT NULL CHECK (length(address) BETWEEN 1 AND 64),
      window_start timestamptz NOT NULL,
      failures integer NOT NULL CHECK (failures >= 0),
      PRIMARY KEY (email, address)
    );
    CREATE INDEX sign_in_failures_window_start ON sign_in_failures (window_start);

    CREATE TABLE address_failures (
      address text NOT NULL CHECK (length(address) BETWEEN 1 AND 64),
      kind text NOT NULL CHECK (kind IN ('sign-in', 'api-key')),
      window_start timestamptz NOT NULL,
      failures integer NOT NULL CHECK (failures >= 0),
      PRIMARY KEY (address, kind)
    );
    CREATE INDEX address_failures_window_start ON address_failures (window_start);

    CREATE TABLE api_key_failures (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      window_start timestamptz NOT NULL,
      failures integer NOT NULL CHECK (failures >= 0),
      PRIMARY KEY (tenant_id)
    );
    CREATE INDEX api_key_failures_window_start ON api_key_failures (window_start);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE api_key_failures; DROP TABLE address_failures; DROP TABLE sign_in_failures;`.execute(db);
}
