import { type Kysely, sql } from 'kysely';

// Webhooks. `webhook_endpoints` are the HTTPS URLs a tenant registered, with the events each wants
// and the secret its deliveries are signed with (kept, since signing needs it; a rotation keeps the
// previous one valid until `previous_secret_expires_at`). `webhook_events` is the outbox: one row per
// event, written in the transaction of the change it reports, and only when some enabled endpoint
// of the tenant subscribes to its type. `webhook_deliveries` is one row per (event, endpoint), the
// record of its delivery: status, attempts, last answer, next attempt. The queue's own jobs
// (graphile-worker, schema graphile_worker) are inserted in the same statement as the deliveries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
      events text[] NOT NULL CHECK (
        cardinality(events) > 0
        AND events <@ ARRAY['serial.captured', 'order.shipped', 'serial.returned', 'return.mismatch', 'serial.recalled', 'receipt.discrepancy']
      ),
      description text CHECK (length(description) <= 500),
      enabled boolean NOT NULL DEFAULT true,
      secret text NOT NULL,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
    );
    CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (tenant_id) WHERE enabled;

    CREATE TABLE webhook_events (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('serial.captured', 'order.shipped', 'serial.returned', 'return.mismatch', 'serial.recalled', 'receipt.discrepancy')),
      data jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX webhook_events_occurred ON webhook_events (tenant_id, occurred_at);

    CREATE TABLE webhook_deliveries (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      endpoint_id uuid NOT NULL,
      event_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      last_status_code smallint,
      last_error text,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, endpoint_id, event_id),
      FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id),
      CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
      CHECK (status = 'pending' OR next_attempt_at IS NULL)
    );
    CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);
    CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE webhook_deliveries; DROP TABLE webhook_events; DROP TABLE webhook_endpoints;`.execute(db);
}
