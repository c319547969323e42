import { sql } from 'kysely';
import type { UnitDisposition, UnitHold, UnitStatus } from '../core/model.ts';
import type {
  PlannedReturnItem,
  ReturnCondition,
  ReturnItemDisposition,
  ReturnProduct,
  ReturnUnit,
  ReturnVerdict,
  ReviewDecision,
  UnitChange,
} from '../core/returns.ts';
import type { Db } from './database.ts';

export type ReturnContext = {
  tenantId: string;
  returnId: number;
  orderId: number;
  rmaNumber: string | null;
  at: Date;
  actor: string;
  station: string | null;
};

/**
 * The one read a verdict needs: every unit (of any SKU) carrying one of `serials`, with the order
 * it last went to and that order's customer, and whether a capture in `orderId` holds it or ever
 * held it. One index lookup per serial, and two per unit into the order's captures. The units are
 * locked (in key order, so two returns never lock them in opposite orders) for the transaction.
 */
export async function findReturnUnits(db: Db, tenantId: string, orderId: number, serials: string[]): Promise<ReturnUnit[]> {
  if (serials.length === 0) return [];
  const rows = await sql<{
    product_id: number;
    sku: string;
    serial: string;
    status: UnitStatus;
    hold: UnitHold;
    disposition: UnitDisposition | null;
    order_id: number | null;
    order_number: string | null;
    customer_email: string | null;
    customer_external_id: string | null;
    active_here: boolean;
    captured_here: boolean;
  }>`
    SELECT u.product_id, p.sku, u.serial, u.status, u.hold, u.disposition, u.order_id,
           o.order_number, o.customer_email, o.customer_external_id,
           EXISTS (SELECT 1 FROM order_serials s
                   WHERE s.tenant_id = u.tenant_id AND s.order_id = ${orderId}::bigint AND s.serial = u.serial
                     AND s.product_id = u.product_id AND s.unit_active) AS active_here,
           EXISTS (SELECT 1 FROM order_serials s
                   WHERE s.tenant_id = u.tenant_id AND s.order_id = ${orderId}::bigint AND s.serial = u.serial
                     AND s.product_id = u.product_id AND s.replaced_by IS NULL) AS captured_here
    FROM serial_units u
    JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
    LEFT JOIN orders o ON o.tenant_id = u.tenant_id AND o.id = u.order_id
    WHERE u.tenant_id = ${tenantId}::uuid AND u.serial = any(${serials}::text[])
    ORDER BY u.product_id, u.serial
    FOR UPDATE OF u
  `.execute(db);
  return rows.rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    serial: r.serial,
    status: r.status,
    hold: r.hold,
    disposition: r.disposition,
    orderId: r.order_id,
    orderNumber: r.order_number,
    orderCustomer: r.order_id === null ? null : { email: r.customer_email, externalId: r.customer_external_id },
    activeInThisOrder: r.active_here,
    capturedInThisOrder: r.captured_here,
  }));
}

/**
 * What a return reads once its order is locked, in one round trip: the order's lines (the product of
 * each), the tenant's FNC1 substitute (for GS1 scans), and which of `eventTypes` an enabled webhook
 * endpoint of the tenant wants.
 */
export async function findReturnContext(
  db: Db,
  tenantId: string,
  orderId: number,
  eventTypes: string[],
): Promise<{ lines: ReturnProduct[]; fnc1Substitute: string | null; wantedEvents: Set<string> }> {
  const result = await sql<{
    lines: Array<{ id: number; sku: string; gtin: string | null; needs_serial_number: boolean }>;
    fnc1: string | null;
    wanted: string[];
  }>`
    SELECT
      coalesce((
        SELECT json_agg(json_build_object('id', p.id, 'sku', p.sku, 'gtin', p.gtin, 'needs_serial_number', p.needs_serial_number)
                        ORDER BY l.line_no)
        FROM order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
        WHERE l.tenant_id = ${tenantId}::uuid AND l.order_id = ${orderId}::bigint
      ), '[]'::json) AS lines,
      (SELECT gs1_fnc1_substitute FROM settings WHERE tenant_id = ${tenantId}::uuid) AS fnc1,
      coalesce((
        SELECT array_agg(DISTINCT t) FROM webhook_endpoints w, unnest(w.events) t
        WHERE w.tenant_id = ${tenantId}::uuid AND w.enabled AND t = any(${eventTypes}::text[])
      ), '{}'::text[]) AS wanted
  `.execute(db);
  const row = result.rows[0];
  return {
    lines: row.lines.map((r) => ({ productId: r.id, sku: r.sku, gtin: r.gtin, needsSerialNumber: r.needs_serial_number })),
    fnc1Substitute: row.fnc1,
    wantedEvents: new Set(row.wanted),
  };
}

/** Products named by SKU or by GTIN (for items whose product is not on the order). */
export async function findReturnProducts(db: Db, tenantId: string, skus: string[], gtins: string[]): Promise<ReturnProduct[]> {
  if (skus.length === 0 && gtins.length === 0) return [];
  const rows = await sql<{ id: number; sku: string; gtin: string | null; needs_serial_number: boolean }>`
    SELECT id, sku, gtin, needs_serial_number FROM products
    WHERE tenant_id = ${tenantId}::uuid AND (sku = any(${skus}::text[]) OR gtin = any(${gtins}::text[]))
    ORDER BY id
  `.execute(db);
  return rows.rows.map((r) => ({ productId: r.id, sku: r.sku, gtin: r.gtin, needsSerialNumber: r.needs_serial_number }));
}

export async function insertReturn(
  db: Db,
  row: { tenantId: string; orderId: number; rmaNumber: string | null; station: string | null; at: Date; actor: string },
): Promise<number> {
  const inserted = await db
    .insertInto('returns')
    .values({
      tenant_id: row.tenantId,
      order_id: row.orderId,
      rma_number: row.rmaNumber,
      station: row.station,
      created_at: row.at,
      created_by: row.actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** The return's order and how many items it has (to number the next ones). */
export async function findReturnHead(
  db: Db,
  tenantId: string,
  returnId: number,
): Promise<{ id: number; orderId: number; orderNumber: string; rmaNumber: string | null; station: string | null } | undefined> {
  const row = await sql<{ id: number; order_id: number; order_number: string; rma_number: string | null; station: string | null }>`
    SELECT r.id, r.order_id, o.order_number, r.rma_number, r.station
    FROM returns r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
    WHERE r.tenant_id = ${tenantId}::uuid AND r.id = ${returnId}::bigint
  `.execute(db);
  const r = row.rows[0];
  return r && { id: r.id, orderId: r.order_id, orderNumber: r.order_number, rmaNumber: r.rma_number, station: r.station };
}

export async function nextItemIndex(db: Db, tenantId: string, returnId: number): Promise<number> {
  const row = await sql<{ next: number }>`
    SELECT COALESCE(max(item_index) + 1, 0)::int AS next FROM return_items
    WHERE tenant_id = ${tenantId}::uuid AND return_id = ${returnId}::bigint
  `.execute(db);
  return row.rows[0].next;
}

/**
 * Writes judged items in one set-based statement whatever their number: the items; the units
 * (a match comes back: status returned, disposition pending, and the order's captures of it no
 * longer hold it; a mismatch is held: disposition review, hold quarantined unless it holds a
 * recall already); and one history event per item whose unit exists.
 */
export async function recordReturnItems(
  db: Db,
  ctx: ReturnContext,
  firstIndex: number,
  items: PlannedReturnItem[],
  units: UnitChange[],
): Promise<void> {
  if (items.length === 0) return;
  const col = <T>(pick: (item: PlannedReturnItem) => T) => items.map(pick);
  const indexes = items.map((_, i) => firstIndex + i);
  const productIds = col((i) => i.productId);
  const serials = col((i) => i.serial);
  const verdicts = col((i) => i.verdict);
  const otherOrders = col((i) => i.otherOrderId);
  const existed = col((i) => i.unitExists);
  const conditions = col((i) => i.condition);
  const reasons = col((i) => i.reason);
  const scanned = col((i) => i.scanned);
  const lots = col((i) => i.lot);
  const expiries = col((i) => i.expiry);
  const dispositions = col((i) => i.disposition);
  const before = col((i) => i.unitDispositionBefore);

  await sql`
    WITH t AS (
      SELECT * FROM unnest(${indexes}::int[], ${productIds}::bigint[], ${serials}::text[], ${verdicts}::text[],
                           ${otherOrders}::bigint[], ${existed}::boolean[], ${conditions}::text[], ${reasons}::text[],
                           ${scanned}::boolean[], ${lots}::text[], ${expiries}::date[], ${dispositions}::text[], ${before}::text[])
             WITH ORDINALITY AS t(item_index, product_id, serial, verdict, other_order_id, existed, condition, reason, scanned,
                                  lot, expiry, disposition, before, n)
    ),
    c AS (
      SELECT * FROM unnest(${units.map((u) => u.productId)}::bigint[], ${units.map((u) => u.serial)}::text[],
                           ${units.map((u) => u.returned)}::boolean[], ${units.map((u) => u.quarantine)}::boolean[])
             AS c(product_id, serial, returned, quarantine)
    ),
    items AS (
      INSERT INTO return_items
        (tenant_id, return_id, item_index, order_id, product_id, serial, verdict, other_order_id, unit_existed,
         condition, reason, scanned, lot, expiry, disposition, unit_disposition_before)
      SELECT ${ctx.tenantId}::uuid, ${ctx.returnId}::bigint, t.item_index, ${ctx.orderId}::bigint, t.product_id, t.serial,
             t.verdict, t.other_order_id, t.existed, t.condition, t.reason, t.scanned, t.lot, t.expiry, t.disposition,
             -- A unit already in review: what it had before the first review that still waits.
             CASE WHEN t.before = 'review' THEN (
               SELECT r.unit_disposition_before FROM return_items r
               WHERE r.tenant_id = ${ctx.tenantId}::uuid AND r.product_id = t.product_id AND r.serial = t.serial
                 AND r.disposition = 'review'
               ORDER BY r.return_id, r.item_index LIMIT 1)
             ELSE t.before END
      FROM t
      RETURNING 1
    ),
    moved AS (
      UPDATE serial_units u
      SET status = CASE WHEN c.returned THEN 'returned' ELSE u.status END,
          disposition = CASE WHEN c.quarantine THEN 'review' WHEN c.returned THEN 'pending' ELSE u.disposition END,
          hold = CASE WHEN c.quarantine AND u.hold = 'none' THEN 'quarantined' ELSE u.hold END,
          updated_at = ${ctx.at}::timestamptz
      FROM c
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = c.product_id AND u.serial = c.serial
      RETURNING 1
    ),
    released AS (
      UPDATE order_serials s SET unit_active = false
      FROM c
      WHERE c.returned AND s.tenant_id = ${ctx.tenantId}::uuid AND s.order_id = ${ctx.orderId}::bigint
        AND s.product_id = c.product_id AND s.serial = c.serial AND s.unit_active
      RETURNING 1
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, t.product_id, t.serial, CASE WHEN t.verdict = 'match' THEN 'returned' ELSE 'return_held' END,
           ${ctx.orderId}::bigint, ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object(
             'returnId', ${ctx.returnId}::bigint, 'item', t.item_index, 'rma', ${ctx.rmaNumber}::text, 'verdict', t.verdict,
             'condition', t.condition, 'reason', t.reason, 'scanned', t.scanned, 'lot', t.lot, 'expiry', t.expiry))
    FROM t
    WHERE t.existed
    ORDER BY t.n
  `.execute(db);
}

export type ReturnItemRow = {
  index: number;
  productId: number;
  sku: string;
  serial: string;
  verdict: ReturnVerdict;
  otherOrderNumber: string | null;
  unitExisted: boolean;
  condition: ReturnCondition | null;
  reason: string | null;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
  disposition: ReturnItemDisposition;
  unitDispositionBefore: UnitDisposition | null;
  review: { decision: ReviewDecision; note: string | null; at: Date; by: string } | null;
  disposal: { note: string | null; at: Date; by: string } | null;
};

export type ReturnRow = {
  id: number;
  orderId: number;
  orderNumber: string;
  rmaNumber: string | null;
  station: string | null;
  createdAt: Date;
  createdBy: string;
};

type RawItem = {
  item_index: number;
  product_id: number;
  sku: string;
  serial: string;
  verdict: ReturnVerdict;
  other_order_number: string | null;
  unit_existed: boolean;
  condition: ReturnCondition | null;
  reason: string | null;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
  disposition: ReturnItemDisposition;
  unit_disposition_before: UnitDisposition | null;
  review_decision: ReviewDecision | null;
  review_note: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  disposal_note: string | null;
  disposed_at: Date | null;
  disposed_by: string | null;
};

function toItem(r: RawItem): ReturnItemRow {
  return {
    index: r.item_index,
    productId: r.product_id,
    sku: r.sku,
    serial: r.serial,
    verdict: r.verdict,
    otherOrderNumber: r.other_order_number,
    unitExisted: r.unit_existed,
    condition: r.condition,
    reason: r.reason,
    scanned: r.scanned,
    lot: r.lot,
    expiry: r.expiry,
    disposition: r.disposition,
    unitDispositionBefore: r.unit_disposition_before,
    review: r.review_decision ? { decision: r.review_decision, note: r.review_note, at: r.reviewed_at!, by: r.reviewed_by! } : null,
    disposal: r.disposed_at ? { note: r.disposal_note, at: r.disposed_at, by: r.disposed_by! } : null,
  };
}

const itemSelect = sql`
  i.item_index, i.product_id, p.sku, i.serial, i.verdict, oo.order_number AS other_order_number, i.unit_existed,
  i.condition, i.reason, i.scanned, i.lot, i.expiry, i.disposition, i.unit_disposition_before,
  i.review_decision, i.review_note, i.reviewed_at, i.reviewed_by, i.disposal_note, i.disposed_at, i.disposed_by, i.order_id
  FROM return_items i
  JOIN products p ON p.tenant_id = i.tenant_id AND p.id = i.product_id
  LEFT JOIN orders oo ON oo.tenant_id = i.tenant_id AND oo.id = i.other_order_id`;

export async function findReturn(db: Db, tenantId: string, returnId: number): Promise<(ReturnRow & { items: ReturnItemRow[] }) | undefined> {
  // The return and its items in one statement: a row per item, the return's columns on each.
  const rows = await sql<
    { return_id: number; return_order_id: number; return_order_number: string; rma_number: string | null; station: string | null; created_at: Date; created_by: string } & (
      | RawItem
      | { [K in keyof RawItem]: null }
    )
  >`
    SELECT r.id AS return_id, r.order_id AS return_order_id, o.order_number AS return_order_number, r.rma_number, r.station,
           r.created_at, r.created_by, it.*
    FROM returns r
    JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
    LEFT JOIN LATERAL (
      SELECT ${itemSelect}
      WHERE i.tenant_id = r.tenant_id AND i.return_id = r.id
    ) it ON true
    WHERE r.tenant_id = ${tenantId}::uuid AND r.id = ${returnId}::bigint
    ORDER BY it.item_index
  `.execute(db);
  const head = rows.rows[0];
  if (!head) return undefined;
  return {
    id: head.return_id,
    orderId: head.return_order_id,
    orderNumber: head.return_order_number,
    rmaNumber: head.rma_number,
    station: head.station,
    createdAt: head.created_at,
    createdBy: head.created_by,
    items: rows.rows.flatMap((row) => (row.item_index === null ? [] : [toItem(row as RawItem)])),
  };
}

export type ReturnSummaryRow = ReturnRow & { items: number; matched: number; inReview: number; pending: number };

export async function listReturns(
  db: Db,
  tenantId: string,
  filter: { orderNumber?: string; rmaNumber?: string; disposition?: ReturnItemDisposition; beforeId?: number; limit: number },
): Promise<ReturnSummaryRow[]> {
  const rows = await sql<{
    id: number;
    order_id: number;
    order_number: string;
    rma_number: string | null;
    station: string | null;
    created_at: Date;
    created_by: string;
    items: number;
    matched: number;
    in_review: number;
    pending: number;
  }>`
    SELECT r.id, r.order_id, o.order_number, r.rma_number, r.station, r.created_at, r.created_by,
           c.items, c.matched, c.in_review, c.pending
    FROM returns r
    JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS items,
             count(*) FILTER (WHERE i.verdict = 'match')::int AS matched,
             count(*) FILTER (WHERE i.disposition = 'review')::int AS in_review,
             count(*) FILTER (WHERE i.disposition = 'pending')::int AS pending
      FROM return_items i WHERE i.tenant_id = r.tenant_id AND i.return_id = r.id
    ) c
    WHERE r.tenant_id = ${tenantId}::uuid
      AND (${filter.orderNumber ?? null}::text IS NULL OR o.order_number = ${filter.orderNumber ?? null}::text)
      AND (${filter.rmaNumber ?? null}::text IS NULL OR r.rma_number = ${filter.rmaNumber ?? null}::text)
      AND (${filter.disposition ?? null}::text IS NULL OR EXISTS (
            SELECT 1 FROM return_items d
            WHERE d.tenant_id = r.tenant_id AND d.return_id = r.id AND d.disposition = ${filter.disposition ?? null}::text))
      AND (${filter.beforeId ?? null}::bigint IS NULL OR r.id < ${filter.beforeId ?? null}::bigint)
    ORDER BY r.id DESC
    LIMIT ${filter.limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.order_number,
    rmaNumber: r.rma_number,
    station: r.station,
    createdAt: r.created_at,
    createdBy: r.created_by,
    items: r.items,
    matched: r.matched,
    inReview: r.in_review,
    pending: r.pending,
  }));
}

export type LockedItem = ReturnItemRow & { orderId: number; unit: { status: UnitStatus; hold: UnitHold; orderId: number | null; orderStatus: string | null; orderNumber: string | null } | null };

/** One item of a return and its unit, both locked for the transaction (item first, then unit). */
export async function lockReturnItem(db: Db, tenantId: string, returnId: number, index: number): Promise<LockedItem | undefined> {
  const items = await sql<RawItem & { order_id: number }>`
    SELECT ${itemSelect}
    WHERE i.tenant_id = ${tenantId}::uuid AND i.return_id = ${returnId}::bigint AND i.item_index = ${index}::int
    FOR UPDATE OF i
  `.execute(db);
  const raw = items.rows[0];
  if (!raw) return undefined;
  const item = toItem(raw);
  const units = await sql<{ status: UnitStatus; hold: UnitHold; order_id: number | null; order_status: string | null; order_number: string | null }>`
    SELECT u.status, u.hold, u.order_id, o.status AS order_status, o.order_number
    FROM serial_units u LEFT JOIN orders o ON o.tenant_id = u.tenant_id AND o.id = u.order_id
    WHERE u.tenant_id = ${tenantId}::uuid AND u.product_id = ${item.productId}::bigint AND u.serial = ${item.serial}
    FOR UPDATE OF u
  `.execute(db);
  const u = units.rows[0];
  return {
    ...item,
    orderId: raw.order_id,
    unit: u ? { status: u.status, hold: u.hold, orderId: u.order_id, orderStatus: u.order_status, orderNumber: u.order_number } : null,
  };
}

export type ItemContext = { tenantId: string; returnId: number; index: number; orderId: number; at: Date; actor: string; station: string | null };

/** Restocks (in stock) or scraps a returned unit, with its event; the item records who and when. */
export async function disposeReturnItem(
  db: Db,
  ctx: ItemContext,
  item: { productId: number; serial: string },
  action: 'restock' | 'scrap',
  note: string | null,
): Promise<void> {
  const status = action === 'restock' ? 'in_stock' : 'scrapped';
  const disposition = action === 'restock' ? 'restocked' : 'scrapped';
  await sql`
    UPDATE return_items SET disposition = ${disposition}, disposal_note = ${note}, disposed_at = ${ctx.at}::timestamptz, disposed_by = ${ctx.actor}
    WHERE tenant_id = ${ctx.tenantId}::uuid AND return_id = ${ctx.returnId}::bigint AND item_index = ${ctx.index}::int
  `.execute(db);
  await sql`
    WITH moved AS (
      UPDATE serial_units u SET status = ${status}, disposition = ${disposition}, updated_at = ${ctx.at}::timestamptz
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = ${item.productId}::bigint AND u.serial = ${item.serial}
      RETURNING u.product_id, u.serial
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, product_id, serial, ${disposition}, ${ctx.orderId}::bigint, ${ctx.at}::timestamptz, ${ctx.actor},
           ${ctx.station}, jsonb_strip_nulls(jsonb_build_object('returnId', ${ctx.returnId}::bigint, 'item', ${ctx.index}::int, 'note', ${note}::text))
    FROM moved
  `.execute(db);
}

/**
 * Records an admin's review decision. Accept takes the unit in as returned (disposition pending),
 * registering it when the serial was unknown, and frees it from any capture that held it; reject
 * leaves the unit where it was and gives back the disposition it had. Either way the quarantine is
 * lifted once no other item of the same unit waits for review. One history event.
 */
export async function reviewReturnItem(
  db: Db,
  ctx: ItemContext,
  item: { productId: number; serial: string; unitDispositionBefore: UnitDisposition | null },
  decision: ReviewDecision,
  note: string,
): Promise<void> {
  const accept = decision === 'accept';
  await sql`
    UPDATE return_items
    SET disposition = ${accept ? 'pending' : 'rejected'}, review_decision = ${decision}, review_note = ${note},
        reviewed_at = ${ctx.at}::timestamptz, reviewed_by = ${ctx.actor}
    WHERE tenant_id = ${ctx.tenantId}::uuid AND return_id = ${ctx.returnId}::bigint AND item_index = ${ctx.index}::int
  `.execute(db);
  await sql`
    WITH others AS (
      SELECT EXISTS (
        SELECT 1 FROM return_items r
        WHERE r.tenant_id = ${ctx.tenantId}::uuid AND r.product_id = ${item.productId}::bigint AND r.serial = ${item.serial}
          AND r.disposition = 'review'
      ) AS waiting
    ),
    previous AS (
      SELECT u.status, u.order_id FROM serial_units u
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = ${item.productId}::bigint AND u.serial = ${item.serial}
    ),
    registered AS (
      INSERT INTO serial_units (tenant_id, product_id, serial, status, disposition, first_seen_at, updated_at)
      SELECT ${ctx.tenantId}::uuid, ${item.productId}::bigint, ${item.serial}, 'returned', 'pending', ${ctx.at}::timestamptz, ${ctx.at}::timestamptz
      WHERE ${accept} AND NOT EXISTS (SELECT 1 FROM previous)
      RETURNING product_id, serial
    ),
    changed AS (
      UPDATE serial_units u
      SET status = CASE WHEN ${accept} THEN 'returned' ELSE u.status END,
          disposition = CASE
            WHEN (SELECT waiting FROM others) THEN u.disposition
            WHEN ${accept} THEN 'pending'
            WHEN u.disposition = 'review' THEN ${item.unitDispositionBefore}::text
            ELSE u.disposition END,
          hold = CASE WHEN u.hold = 'quarantined' AND NOT (SELECT waiting FROM others) THEN 'none' ELSE u.hold END,
          updated_at = ${ctx.at}::timestamptz
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = ${item.productId}::bigint AND u.serial = ${item.serial}
      RETURNING u.product_id, u.serial
    ),
    freed AS (
      UPDATE order_serials s SET unit_active = false
      WHERE ${accept} AND s.tenant_id = ${ctx.tenantId}::uuid AND s.product_id = ${item.productId}::bigint
        AND s.serial = ${item.serial} AND s.unit_active
      RETURNING 1
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, ${item.productId}::bigint, ${item.serial}, ${accept ? 'return_accepted' : 'return_rejected'},
           ${ctx.orderId}::bigint, ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object(
             'returnId', ${ctx.returnId}::bigint, 'item', ${ctx.index}::int, 'note', ${note}::text,
             'previousStatus', (SELECT status FROM previous), 'previousOrderId', (SELECT order_id FROM previous),
             'capturesReleased', NULLIF((SELECT count(*) FROM freed)::int, 0)))
    WHERE EXISTS (SELECT 1 FROM changed) OR EXISTS (SELECT 1 FROM registered)
  `.execute(db);
}
