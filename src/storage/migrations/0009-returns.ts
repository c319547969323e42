import { type Kysely, sql } from 'kysely';

// Returns with verdicts. A return names a shipped order; each returned unit is one return item
// with the verdict it got (core/returns.ts). A match takes the unit back (serial_units status
// returned, disposition pending, its capture no longer holds it); a mismatch is held for review.
//
// The unit of an item is (product_id, serial) without a foreign key to serial_units: an unknown
// serial has no unit. The partial unique index is the guarantee that one capture of a unit comes
// back once: two returns of the same unit from the same order cannot both be a match.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE returns (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      order_id bigint NOT NULL,
      rma_number text COLLATE "C" CHECK (length(rma_number) BETWEEN 1 AND 64),
      station text CHECK (length(station) BETWEEN 1 AND 100),
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
    );
    CREATE INDEX returns_order ON returns (tenant_id, order_id, id);
    CREATE INDEX returns_rma ON returns (tenant_id, rma_number) WHERE rma_number IS NOT NULL;

    CREATE TABLE return_items (
      tenant_id uuid NOT NULL,
      return_id bigint NOT NULL,
      item_index int NOT NULL CHECK (item_index >= 0),
      order_id bigint NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
      verdict text NOT NULL CHECK (verdict IN ('match', 'already_returned', 'shipped_to_other_customer',
        'shipped_in_other_order', 'not_on_order', 'unknown_serial', 'wrong_serial')),
      other_order_id bigint,
      unit_existed boolean NOT NULL,
      condition text CHECK (condition IN ('new', 'opened', 'damaged')),
      reason text CHECK (length(reason) BETWEEN 1 AND 500),
      scanned boolean NOT NULL,
      lot text,
      expiry date,
      disposition text NOT NULL CHECK (disposition IN ('pending', 'review', 'restocked', 'scrapped', 'rejected')),
      unit_disposition_before text,
      review_decision text CHECK (review_decision IN ('accept', 'reject')),
      review_note text CHECK (length(review_note) BETWEEN 1 AND 1000),
      reviewed_at timestamptz,
      reviewed_by text,
      disposal_note text CHECK (length(disposal_note) BETWEEN 1 AND 1000),
      disposed_at timestamptz,
      disposed_by text,
      PRIMARY KEY (tenant_id, return_id, item_index),
      FOREIGN KEY (tenant_id, return_id) REFERENCES returns (tenant_id, id),
      FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
      FOREIGN KEY (tenant_id, other_order_id) REFERENCES orders (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
      -- Only a mismatch waits for review or is rejected; a match never was reviewed.
      CHECK (verdict <> 'match' OR (disposition IN ('pending', 'restocked', 'scrapped') AND review_decision IS NULL)),
      -- Another order is named only for the same customer's order.
      CHECK ((other_order_id IS NOT NULL) = (verdict = 'shipped_in_other_order')),
      -- A review decision is recorded whole, and exactly when the item left review.
      CHECK ((review_decision IS NULL) = (reviewed_at IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL)),
      CHECK (verdict = 'match' OR (disposition = 'review') = (review_decision IS NULL)),
      CHECK (disposition <> 'rejected' OR review_decision = 'reject'),
      -- Restocked or scrapped exactly when a disposal is recorded.
      CHECK ((disposition IN ('restocked', 'scrapped')) = (disposed_at IS NOT NULL) AND (disposed_at IS NULL) = (disposed_by IS NULL))
    );
    CREATE UNIQUE INDEX return_items_one_match ON return_items (tenant_id, order_id, product_id, serial) WHERE verdict = 'match';
    CREATE INDEX return_items_unit ON return_items (tenant_id, product_id, serial);
    CREATE INDEX return_items_review ON return_items (tenant_id, return_id) WHERE disposition = 'review';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE return_items; DROP TABLE returns;`.execute(db);
}
