import { type Kysely, sql } from 'kysely';

// People who sign in to the web app. An email is unique within a tenant; the same person may have
// accounts in several tenants (a 3PL's staff working for several clients).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'packer', 'viewer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, email)
    );
    CREATE INDEX users_email ON users (email);

    CREATE TABLE sessions (
      tenant_id uuid NOT NULL,
      token_hash bytea NOT NULL,
      user_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, token_hash),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sessions; DROP TABLE users;`.execute(db);
}
