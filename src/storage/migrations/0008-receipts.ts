import { type Kysely, sql } from 'kysely';

// Receiving. An advance notice (ASN) lists the units a supplier announced; a receipt is one
// receiving session (a batch sent at once, or a station scanning into it until it is finished),
// optionally against a notice. receipt_units holds each unit a receipt took in, with its outcome:
// `received` (the receipt registered it in stock) or `already_in_stock` (it was here already).
// Its primary key makes a unit appear once per receipt; notice_id is copied from the receipt so
// that a notice's progress (expected against scanned) is an index join.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE receiving_notices (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      reference text COLLATE "C" NOT NULL CHECK (length(reference) BETWEEN 1 AND 64),
      supplier text CHECK (length(supplier) BETWEEN 1 AND 200),
      expected_at timestamptz,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      closed_at timestamptz,
      closed_by text,
      -- counts when it was closed: {expected, matched, missing, unexpected, lines: [{sku, ...}]}
      discrepancy jsonb,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, reference),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
      CHECK ((status = 'closed') = (discrepancy IS NOT NULL))
    );
    CREATE INDEX receiving_notices_status ON receiving_notices (tenant_id, status, id);

    CREATE TABLE receiving_notice_serials (
      tenant_id uuid NOT NULL,
      notice_id bigint NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
      PRIMARY KEY (tenant_id, notice_id, product_id, serial),
      FOREIGN KEY (tenant_id, notice_id) REFERENCES receiving_notices (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
    );

    CREATE TABLE receipts (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id uuid NOT NULL,
      reference text COLLATE "C" CHECK (length(reference) BETWEEN 1 AND 64),
      notice_id bigint,
      status text NOT NULL CHECK (status IN ('open', 'closed')),
      station text,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      closed_at timestamptz,
      closed_by text,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, notice_id) REFERENCES receiving_notices (tenant_id, id),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL))
    );
    CREATE INDEX receipts_created ON receipts (tenant_id, created_at, id);
    CREATE INDEX receipts_notice ON receipts (tenant_id, notice_id, created_at) WHERE notice_id IS NOT NULL;

    CREATE TABLE receipt_units (
      tenant_id uuid NOT NULL,
      receipt_id uuid NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      notice_id bigint,
      outcome text NOT NULL CHECK (outcome IN ('received', 'already_in_stock')),
      scanned boolean NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, receipt_id, product_id, serial),
      FOREIGN KEY (tenant_id, receipt_id) REFERENCES receipts (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id, serial) REFERENCES serial_units (tenant_id, product_id, serial)
    );
    CREATE INDEX receipt_units_order ON receipt_units (tenant_id, receipt_id, seq);
    CREATE INDEX receipt_units_notice ON receipt_units (tenant_id, notice_id, product_id, serial) WHERE notice_id IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE receipt_units;
    DROP TABLE receipts;
    DROP TABLE receiving_notice_serials;
    DROP TABLE receiving_notices;
  `.execute(db);
}
