import { type Kysely, sql } from 'kysely';

// The registry judges every capture. A unit's single status becomes what it is: where the unit is
// (status: in_stock, packed, shipped, returned, scrapped), whether it is held (hold: none,
// recalled, quarantined) and, for returns, what is to become of it (disposition).
//
// A capture holds its unit while `unit_active` (packed or shipped, not returned, not cancelled);
// `unique_scope` records the tenant's duplicate scope when it was made. Two partial unique indexes
// then make it impossible, even for packers racing, that one unit is held by two captures at once
// (scope sku: one (SKU, serial); scope tenant: one serial across every SKU). Captures made under
// scope `order` keep the seed rule only (one serial per order unless duplicates are allowed).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE serial_units DROP CONSTRAINT serial_units_status_check;
    UPDATE serial_units SET status = 'in_stock' WHERE status = 'recalled';
    ALTER TABLE serial_units
      ADD CONSTRAINT serial_units_status_check CHECK (status IN ('in_stock', 'packed', 'shipped', 'returned', 'scrapped')),
      ADD COLUMN hold text NOT NULL DEFAULT 'none' CHECK (hold IN ('none', 'recalled', 'quarantined')),
      ADD COLUMN disposition text CHECK (disposition IN ('pending', 'restocked', 'scrapped', 'review')),
      ADD CONSTRAINT serial_units_packed_has_order CHECK (status NOT IN ('packed', 'shipped') OR order_id IS NOT NULL);

    ALTER TABLE settings
      ADD COLUMN duplicate_scope text NOT NULL DEFAULT 'sku' CHECK (duplicate_scope IN ('order', 'sku', 'tenant')),
      ADD COLUMN require_received_serials boolean NOT NULL DEFAULT false,
      ADD COLUMN order_number_format text CHECK (length(order_number_format) BETWEEN 1 AND 200);

    ALTER TABLE order_serials
      ADD COLUMN unit_active boolean NOT NULL DEFAULT true,
      ADD COLUMN unique_scope text NOT NULL DEFAULT 'order' CHECK (unique_scope IN ('order', 'sku', 'tenant'));
    UPDATE order_serials s SET unit_active = false
      FROM orders o WHERE o.tenant_id = s.tenant_id AND o.id = s.order_id AND o.status = 'cancelled';
    ALTER TABLE order_serials ALTER COLUMN unique_scope DROP DEFAULT;

    -- How many serials each line has, kept with the line (a scan into a 100,000-unit order must
    -- not count them), and never more than its units: the database's own check of that rule.
    ALTER TABLE order_lines ADD COLUMN captured int NOT NULL DEFAULT 0;
    UPDATE order_lines l SET captured = c.n
      FROM (SELECT tenant_id, order_id, line_no, count(*)::int AS n FROM order_serials GROUP BY 1, 2, 3) c
      WHERE c.tenant_id = l.tenant_id AND c.order_id = l.order_id AND c.line_no = l.line_no;
    ALTER TABLE order_lines ADD CONSTRAINT order_lines_captured_within_quantity CHECK (captured BETWEEN 0 AND quantity);

    CREATE UNIQUE INDEX order_serials_active_unit ON order_serials (tenant_id, product_id, serial)
      WHERE unit_active AND unique_scope <> 'order';
    CREATE UNIQUE INDEX order_serials_active_serial ON order_serials (tenant_id, serial)
      WHERE unit_active AND unique_scope = 'tenant';
    CREATE INDEX serial_units_hold ON serial_units (tenant_id, product_id, hold) WHERE hold <> 'none';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0007-unit-lifecycle cannot be reverted: it splits unit status into status, hold and disposition');
}
