import { type Kysely, sql } from 'kysely';

// The per-SKU counter behind sequential serial generation. next_value is the counter value the next
// generated serial gets; a generation call moves it forward by its count in one UPSERT, so two calls
// never get the same values (the row lock holds the second until the first commits).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE serial_counters (
      tenant_id uuid NOT NULL,
      product_id bigint NOT NULL,
      next_value bigint NOT NULL CHECK (next_value >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, product_id),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE serial_counters;`.execute(db);
}
