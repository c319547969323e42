import { type Kysely, sql } from 'kysely';

// Every table carries tenant_id, and it leads every primary, unique and foreign key, so a tenant's
// rows can live together on one shard. Text that people search by prefix (SKUs, order numbers,
// serials) uses the "C" collation: byte order, case-sensitive, and btree-indexable for LIKE 'x%'.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenants (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE api_keys (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      key_hash bytea NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'packer', 'viewer')),
      label text,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, key_hash)
    );

    CREATE TABLE settings (
      tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
      allow_duplicate_serials_in_order boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE products (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      sku text COLLATE "C" NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      gtin text CHECK (gtin ~ '^[0-9]{14}$'),
      needs_serial_number boolean NOT NULL DEFAULT false,
      serial_format text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, sku)
    );
    CREATE INDEX products_gtin ON products (tenant_id, gtin) WHERE gtin IS NOT NULL;

    CREATE TABLE orders (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      order_number text COLLATE "C" NOT NULL CHECK (length(order_number) BETWEEN 1 AND 64),
      type text NOT NULL CHECK (type IN ('B2C', 'B2B')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'cancelled')),
      customer_name text NOT NULL,
      customer_email text,
      customer_company text,
      customer_external_id text,
      carrier text,
      tracking_number text,
      shipped_at timestamptz,
      shipped_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_number),
      CHECK ((status = 'shipped') = (shipped_at IS NOT NULL))
    );
    CREATE INDEX orders_status ON orders (tenant_id, status, id);
    CREATE INDEX orders_shipped_at ON orders (tenant_id, shipped_at, id) WHERE shipped_at IS NOT NULL;

    CREATE TABLE order_lines (
      tenant_id uuid NOT NULL,
      order_id bigint NOT NULL,
      line_no int NOT NULL,
      product_id bigint NOT NULL,
      quantity int NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (tenant_id, order_id, line_no),
      UNIQUE (tenant_id, order_id, product_id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
    );

    -- One row per unit captured at packing. unique_in_order is set from the tenant's setting at
    -- capture time; the partial unique index then makes a duplicate serial in one order impossible
    -- even when two packers race.
    CREATE TABLE order_serials (
      tenant_id uuid NOT NULL,
      order_id bigint NOT NULL,
      id bigint GENERATED ALWAYS AS IDENTITY,
      line_no int NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
      scanned boolean NOT NULL,
      unique_in_order boolean NOT NULL,
      lot text,
      expiry date,
      captured_at timestamptz NOT NULL,
      captured_by text NOT NULL,
      station text,
      PRIMARY KEY (tenant_id, order_id, id),
      FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_lines (tenant_id, order_id, line_no)
    );
    CREATE UNIQUE INDEX order_serials_unique_in_order ON order_serials (tenant_id, order_id, serial)
      WHERE unique_in_order;
    CREATE INDEX order_serials_serial ON order_serials (tenant_id, order_id, serial);

    -- The serial registry: one row per (product, serial), its current state.
    CREATE TABLE serial_units (
      tenant_id uuid NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
      status text NOT NULL CHECK (status IN ('in_stock', 'packed', 'shipped', 'returned', 'recalled')),
      order_id bigint,
      lot text,
      expiry date,
      first_seen_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, product_id, serial),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );
    CREATE INDEX serial_units_serial ON serial_units (tenant_id, serial);

    -- Append-only history of every unit. Corrections are new events that point at what they correct.
    CREATE TABLE serial_events (
      tenant_id uuid NOT NULL,
      id bigint GENERATED ALWAYS AS IDENTITY,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL,
      type text NOT NULL,
      order_id bigint,
      occurred_at timestamptz NOT NULL,
      actor text NOT NULL,
      station text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      corrects_event_id bigint,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id, serial) REFERENCES serial_units (tenant_id, product_id, serial),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
      FOREIGN KEY (tenant_id, corrects_event_id) REFERENCES serial_events (tenant_id, id)
    );
    CREATE INDEX serial_events_unit ON serial_events (tenant_id, product_id, serial, id);
    CREATE INDEX serial_events_time ON serial_events (tenant_id, occurred_at, id);

    CREATE FUNCTION serial_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'serial_events is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END;
    $$;
    CREATE TRIGGER serial_events_no_update BEFORE UPDATE OR DELETE ON serial_events
      FOR EACH ROW EXECUTE FUNCTION serial_events_append_only();
    CREATE TRIGGER serial_events_no_truncate BEFORE TRUNCATE ON serial_events
      FOR EACH STATEMENT EXECUTE FUNCTION serial_events_append_only();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0001-initial cannot be reverted: history is append-only');
}
