import { type Kysely, sql } from 'kysely';

// Idempotency keys (the Idempotency-Key request header): one row per (tenant, key) with the
// fingerprint of the request that first used the key and, once it finished, its answer. A row with
// an `owner` is a request still running (its claim, held until `locked_until`); a row with a
// response is replayed to retries until `expires_at`. Expired rows are swept by the service as new
// keys arrive, through the (tenant_id, expires_at) index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE idempotency_keys (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      key text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash bytea NOT NULL,
      body_hash bytea,
      method text NOT NULL,
      path text NOT NULL,
      actor text NOT NULL,
      owner uuid,
      locked_until timestamptz,
      response_status smallint CHECK (response_status BETWEEN 100 AND 599),
      response_headers jsonb,
      response_body bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, key),
      CHECK ((owner IS NULL) = (response_status IS NOT NULL)),
      CHECK ((owner IS NULL) = (locked_until IS NULL)),
      CHECK ((response_status IS NULL) = (response_headers IS NULL) AND (response_status IS NULL) = (response_body IS NULL))
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (tenant_id, expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_keys;`.execute(db);
}
