import { type Kysely, sql } from 'kysely';

// Recalls. A recall names a SKU's units chosen by serials, serial ranges, lot and ship dates; saving
// it stores one recall_units row per unit it matched (with the unit's status and hold at that
// moment) and holds each unit (serial_units.hold = 'recalled'). Clearing a unit from a recall
// records who cleared it and why, and gives the unit its hold back unless another recall still
// holds it. A closed recall is kept as it is: nothing is deleted.
//
// Serial ranges compare serials by their numeric part (docs/recalls.md): the run of ASCII digits at
// the end of a serial, as a number, under the same text before it. serial_range_key(serial) is that
// rule as a sortable text: prefix, U+0001, the number's digit count as one character ('0' + count),
// then its digits without leading zeros. In byte order ("C" collation) the keys of one prefix sort
// together and in numeric order, so `range_key BETWEEN key(from) AND key(to)` is one btree range.
// Serials that do not end in a digit have no key (NULL) and are never in a range. The key is a
// stored generated column of serial_units, computed once when a unit is written (about 2 µs): an
// expression index alone would leave every scan that reads many units computing it again per row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION serial_range_key(serial text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE WHEN strpos('0123456789', right(serial, 1)) > 0 THEN
        rtrim(serial, '0123456789') || chr(1)
          || chr(48 + length(ltrim(substr(serial, length(rtrim(serial, '0123456789')) + 1), '0')))
          || ltrim(substr(serial, length(rtrim(serial, '0123456789')) + 1), '0')
      END;

    ALTER TABLE serial_units ADD COLUMN range_key text COLLATE "C" GENERATED ALWAYS AS (serial_range_key(serial)) STORED;
    -- Partial indexes: only queries that name range_key (or lot) can use them. A full index on
    -- (tenant_id, product_id, ...) or (tenant_id, order_id) looks to the planner, before the table has
    -- statistics, as good as the primary key for finding a unit by (tenant_id, product_id, serial),
    -- and it then scans every unit of the SKU (or of the order) per lookup: shipping or cancelling a
    -- 10,000-unit order went quadratic. (Carrying status, order and hold in the range index, for
    -- index-only previews, was measured: no faster than the table scan, so it does not.)
    CREATE INDEX serial_units_range_key ON serial_units (tenant_id, product_id, range_key) WHERE range_key IS NOT NULL;
    CREATE INDEX serial_units_lot ON serial_units (tenant_id, product_id, lot) WHERE lot IS NOT NULL;

    CREATE TABLE recalls (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id bigint GENERATED ALWAYS AS IDENTITY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
      product_id bigint NOT NULL,
      -- the selection as it was given: serials, ranges, lot, shippedFrom, shippedTo
      criteria jsonb NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      unit_count int NOT NULL CHECK (unit_count >= 0),
      -- units matched per status when the recall was saved
      counts jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      closed_at timestamptz,
      closed_by text,
      close_note text CHECK (length(close_note) <= 2000),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
      CHECK ((closed_at IS NULL) = (closed_by IS NULL))
    );
    CREATE INDEX recalls_status ON recalls (tenant_id, status, id);

    CREATE TABLE recall_units (
      tenant_id uuid NOT NULL,
      recall_id bigint NOT NULL,
      product_id bigint NOT NULL,
      serial text COLLATE "C" NOT NULL,
      status_at_recall text NOT NULL CHECK (status_at_recall IN ('in_stock', 'packed', 'shipped', 'returned', 'scrapped')),
      order_id_at_recall bigint,
      hold_before text NOT NULL CHECK (hold_before IN ('none', 'recalled', 'quarantined')),
      cleared_at timestamptz,
      cleared_by text,
      clear_reason text CHECK (length(clear_reason) <= 2000),
      PRIMARY KEY (tenant_id, recall_id, product_id, serial),
      FOREIGN KEY (tenant_id, recall_id) REFERENCES recalls (tenant_id, id),
      FOREIGN KEY (tenant_id, product_id, serial) REFERENCES serial_units (tenant_id, product_id, serial),
      CHECK ((cleared_at IS NULL) = (cleared_by IS NULL))
    );
    -- Which recalls hold a unit (clearing a unit keeps it held while another recall holds it).
    CREATE INDEX recall_units_unit ON recall_units (tenant_id, product_id, serial, recall_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE recall_units;
    DROP TABLE recalls;
    DROP INDEX serial_units_lot;
    ALTER TABLE serial_units DROP COLUMN range_key;
    DROP FUNCTION serial_range_key(text);
  `.execute(db);
}
