import { sql } from 'kysely';
import type { DuplicateScope, UnitHold, UnitStatus } from '../core/model.ts';
import type { PackingLine, RegistryUnit } from '../core/packing.ts';
import { settingsColumns, type SettingsRow, toSettings } from './tenants.repository.ts';
import type { Db } from './database.ts';

export type CaptureRow = {
  id: number;
  lineNo: number;
  productId: number;
  serial: string;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
  capturedAt: Date;
  capturedBy: string;
  station: string | null;
  /** Whether the capture holds its unit (false once corrected, returned or its order cancelled). */
  unitActive: boolean;
  /** The capture that corrected this one (it then no longer counts in the order), if any. */
  replacedBy: number | null;
  /** On a capture made by a correction: why the serial it replaced was wrong. */
  correctionReason: string | null;
};

export type NewCapture = {
  lineNo: number;
  productId: number;
  serial: string;
  scanned: boolean;
  lot?: string | null;
  expiry?: string | null;
};

export type CaptureContext = {
  tenantId: string;
  orderId: number;
  at: Date;
  actor: string;
  station: string | null;
};

/** Which of `serials` the order already holds (an index lookup per candidate, not the whole order). */
export async function findSerialsInOrder(db: Db, tenantId: string, orderId: number, serials: string[]): Promise<Set<string>> {
  if (serials.length === 0) return new Set();
  const rows = await db
    .selectFrom('order_serials')
    .select('serial')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .where('serial', '=', sql<string>`any(${serials}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.serial));
}

export type PackingContext = {
  lines: PackingLine[];
  settings: SettingsRow;
  /** Whether `orderNumberProbe` is the number of an order of the tenant. */
  orderExists: boolean;
  /** Whether an enabled webhook endpoint of the tenant wants `eventType`. */
  webhookWanted: boolean;
};

/**
 * Everything a capture reads once its order is locked, in one round trip: the order's lines with
 * their products and counts, the tenant's settings, whether a scanned text is an order number, and
 * whether any webhook endpoint wants the capture's event.
 */
export async function findCaptureContext(
  db: Db,
  tenantId: string,
  orderId: number,
  probe: { orderNumber: string | null; eventType: string },
): Promise<PackingContext> {
  const result = await sql<{
    lines: Array<{
      line_no: number;
      product_id: number;
      quantity: number;
      sku: string;
      needs_serial_number: boolean;
      gtin: string | null;
      serial_format: string | null;
      captured: number;
    }>;
    settings: Parameters<typeof toSettings>[0] | null;
    order_exists: boolean;
    webhook_wanted: boolean;
  }>`
    SELECT
      coalesce((
        SELECT json_agg(json_build_object(
          'line_no', l.line_no, 'product_id', l.product_id, 'quantity', l.quantity, 'sku', p.sku,
          'needs_serial_number', p.needs_serial_number, 'gtin', p.gtin, 'serial_format', p.serial_format,
          'captured', l.captured) ORDER BY l.line_no)
        FROM order_lines l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
        WHERE l.tenant_id = ${tenantId}::uuid AND l.order_id = ${orderId}::bigint
      ), '[]'::json) AS lines,
      (SELECT to_json(s) FROM (SELECT ${sql.join(settingsColumns.map((c) => sql.ref(c)))} FROM settings WHERE tenant_id = ${tenantId}::uuid) s) AS settings,
      (${probe.orderNumber}::text IS NOT NULL AND EXISTS (
        SELECT 1 FROM orders WHERE tenant_id = ${tenantId}::uuid AND order_number = ${probe.orderNumber}::text
      )) AS order_exists,
      EXISTS (
        SELECT 1 FROM webhook_endpoints WHERE tenant_id = ${tenantId}::uuid AND enabled AND ${probe.eventType}::text = ANY(events)
      ) AS webhook_wanted
  `.execute(db);
  const row = result.rows[0];
  return {
    lines: row.lines.map((r) => ({
      lineNo: r.line_no,
      productId: r.product_id,
      quantity: r.quantity,
      sku: r.sku,
      needsSerialNumber: r.needs_serial_number,
      captured: r.captured,
      gtin: r.gtin,
      serialFormat: r.serial_format,
    })),
    settings: row.settings
      ? toSettings(row.settings)
      : { allowDuplicateSerialsInOrder: false, gs1Fnc1Substitute: null, duplicateScope: 'sku', requireReceivedSerials: false, orderNumberFormat: null },
    orderExists: row.order_exists,
    webhookWanted: row.webhook_wanted,
  };
}

/**
 * The registry's units carrying any of `serials` (one index lookup per serial), with the order each
 * last went to: of the SKUs `productIds`, or of every SKU when `productIds` is null.
 */
export async function findUnitsBySerials(
  db: Db,
  tenantId: string,
  serials: string[],
  productIds: number[] | null,
  options: { lock?: boolean } = {},
): Promise<RegistryUnit[]> {
  if (serials.length === 0) return [];
  const rows = await sql<{
    product_id: number;
    sku: string;
    serial: string;
    status: UnitStatus;
    hold: UnitHold;
    order_id: number | null;
    order_number: string | null;
  }>`
    SELECT u.product_id, p.sku, u.serial, u.status, u.hold, u.order_id, o.order_number
    FROM serial_units u
    JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
    LEFT JOIN orders o ON o.tenant_id = u.tenant_id AND o.id = u.order_id
    WHERE u.tenant_id = ${tenantId}::uuid AND u.serial = any(${serials}::text[])
      AND (${productIds}::bigint[] IS NULL OR u.product_id = any(${productIds}::bigint[]))
    ${options.lock ? sql`FOR UPDATE OF u` : sql``}
  `.execute(db);
  return rows.rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    serial: r.serial,
    status: r.status,
    hold: r.hold,
    orderId: r.order_id,
    orderNumber: r.order_number,
  }));
}

export async function findCapturesForOrder(db: Db, tenantId: string, orderId: number): Promise<CaptureRow[]> {
  const rows = await db
    .selectFrom('order_serials')
    .select([
      'id',
      'line_no',
      'product_id',
      'serial',
      'scanned',
      'lot',
      'expiry',
      'captured_at',
      'captured_by',
      'station',
      'unit_active',
      'replaced_by',
      'correction_reason',
    ])
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    lineNo: r.line_no,
    productId: r.product_id,
    serial: r.serial,
    scanned: r.scanned,
    lot: r.lot,
    expiry: r.expiry,
    capturedAt: r.captured_at,
    capturedBy: r.captured_by,
    station: r.station,
    unitActive: r.unit_active,
    replacedBy: r.replaced_by,
    correctionReason: r.correction_reason,
  }));
}

/**
 * Records captures and their units in one set-based statement whatever the batch size: the
 * captures, their lines' counts, the units (created, or moved to `packed` in this order), and one
 * `packed` event per capture that remembers the unit's state before, so removing a mis-scan can
 * restore it.
 */
export async function insertCaptures(
  db: Db,
  ctx: CaptureContext,
  captures: NewCapture[],
  uniqueness: { uniqueInOrder: boolean; scope: DuplicateScope },
): Promise<void> {
  if (captures.length === 0) return;
  const lineNos = captures.map((c) => c.lineNo);
  const productIds = captures.map((c) => c.productId);
  const serials = captures.map((c) => c.serial);
  const scanned = captures.map((c) => c.scanned);
  const lots = captures.map((c) => c.lot ?? null);
  const expiries = captures.map((c) => c.expiry ?? null);

  // One statement (one round trip): the captures, their lines' counts, the units and the events.
  await sql`
    WITH inserted AS (
      INSERT INTO order_serials
        (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, lot, expiry,
         captured_at, captured_by, station)
      SELECT ${ctx.tenantId}::uuid, ${ctx.orderId}::bigint, t.line_no, t.product_id, t.serial, t.scanned,
             ${uniqueness.uniqueInOrder}, ${uniqueness.scope}, t.lot, t.expiry, ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station}
      FROM unnest(${lineNos}::int[], ${productIds}::bigint[], ${serials}::text[], ${scanned}::boolean[],
                  ${lots}::text[], ${expiries}::date[])
           AS t(line_no, product_id, serial, scanned, lot, expiry)
      RETURNING line_no
    ),
    counted AS (
      UPDATE order_lines l SET captured = l.captured + c.n
      FROM (SELECT line_no, count(*)::int AS n FROM inserted GROUP BY line_no) c
      WHERE l.tenant_id = ${ctx.tenantId}::uuid AND l.order_id = ${ctx.orderId}::bigint AND l.line_no = c.line_no
    ),
    input AS (
      SELECT DISTINCT ON (product_id, serial) product_id, serial, lot, expiry
      FROM unnest(${productIds}::bigint[], ${serials}::text[], ${lots}::text[], ${expiries}::date[])
           WITH ORDINALITY AS t(product_id, serial, lot, expiry, n)
      ORDER BY product_id, serial, n DESC
    ),
    previous AS (
      SELECT u.product_id, u.serial, u.status, u.order_id
      FROM serial_units u JOIN input i ON i.product_id = u.product_id AND i.serial = u.serial
      WHERE u.tenant_id = ${ctx.tenantId}::uuid
    ),
    units AS (
      INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, lot, expiry, first_seen_at, updated_at)
      SELECT ${ctx.tenantId}::uuid, i.product_id, i.serial, 'packed', ${ctx.orderId}::bigint, i.lot, i.expiry,
             ${ctx.at}::timestamptz, ${ctx.at}::timestamptz
      FROM input i
      ON CONFLICT (tenant_id, product_id, serial) DO UPDATE
        SET status = 'packed', order_id = EXCLUDED.order_id, updated_at = EXCLUDED.updated_at,
            lot = COALESCE(EXCLUDED.lot, serial_units.lot), expiry = COALESCE(EXCLUDED.expiry, serial_units.expiry)
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, t.product_id, t.serial, 'packed', ${ctx.orderId}::bigint, ${ctx.at}::timestamptz,
           ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object(
             'scanned', t.scanned, 'previousStatus', p.status, 'previousOrderId', p.order_id,
             'lot', t.lot, 'expiry', t.expiry))
    FROM unnest(${productIds}::bigint[], ${serials}::text[], ${scanned}::boolean[], ${lots}::text[], ${expiries}::date[])
         WITH ORDINALITY AS t(product_id, serial, scanned, lot, expiry, n)
    LEFT JOIN previous p ON p.product_id = t.product_id AND p.serial = t.serial
    ORDER BY t.n
  `.execute(db);
}

/**
 * Removes the latest capture of `serial` for `productId` in the order. When no other capture of the
 * unit remains in the order, the unit goes back to the state it had before it was packed here.
 * Returns false when there was no such capture.
 */
export async function deleteCapture(db: Db, ctx: CaptureContext, productId: number, serial: string): Promise<boolean> {
  const removed = await sql<{ id: number }>`
    WITH removed AS (
      DELETE FROM order_serials
      WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint AND id = (
        SELECT max(id) FROM order_serials
        WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint
          AND product_id = ${productId}::bigint AND serial = ${serial}
      )
      RETURNING id, line_no
    ),
    counted AS (
      UPDATE order_lines l SET captured = l.captured - 1
      FROM removed r
      WHERE l.tenant_id = ${ctx.tenantId}::uuid AND l.order_id = ${ctx.orderId}::bigint AND l.line_no = r.line_no
    )
    SELECT id FROM removed
  `.execute(db);
  if (removed.rows.length === 0) return false;

  await sql`
    WITH still AS (
      SELECT 1 FROM order_serials
      WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint
        AND product_id = ${productId}::bigint AND serial = ${serial}
      LIMIT 1
    ),
    packed AS (
      SELECT details FROM serial_events
      WHERE tenant_id = ${ctx.tenantId}::uuid AND product_id = ${productId}::bigint AND serial = ${serial}
        AND type = 'packed' AND order_id = ${ctx.orderId}::bigint
      ORDER BY id DESC LIMIT 1
    ),
    restored AS (
      UPDATE serial_units u
      SET status = COALESCE((SELECT details->>'previousStatus' FROM packed), 'in_stock'),
          order_id = (SELECT (details->>'previousOrderId')::bigint FROM packed),
          updated_at = ${ctx.at}::timestamptz
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = ${productId}::bigint AND u.serial = ${serial}
        AND NOT EXISTS (SELECT 1 FROM still)
      RETURNING u.status
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, ${productId}::bigint, ${serial}, 'unpacked', ${ctx.orderId}::bigint,
           ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object('restoredStatus', (SELECT status FROM restored)))
  `.execute(db);
  return true;
}

/**
 * Moves every unit the order holds (its active captures) to `status`, with one event of
 * `eventType` per unit. Shipping moves only units without a hold (the UPDATE re-reads a row a
 * concurrent recall changed), and returns how many units the order holds, so a held unit stops it.
 * Releasing (a cancelled order) gives the units up: their captures no longer hold them.
 */
export async function moveOrderUnits(
  db: Db,
  ctx: CaptureContext,
  status: UnitStatus,
  eventType: 'shipped' | 'released',
  details: Record<string, unknown>,
): Promise<{ moved: number; held: number }> {
  const keepOrder = status !== 'in_stock';
  const shipping = eventType === 'shipped';
  const result = await sql<{ moved: number; held: number }>`
    WITH caps AS (
      SELECT DISTINCT product_id, serial FROM order_serials
      WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint AND unit_active
    ),
    moved AS (
      UPDATE serial_units u
      SET status = ${status}, order_id = CASE WHEN ${keepOrder} THEN ${ctx.orderId}::bigint ELSE NULL END,
          updated_at = ${ctx.at}::timestamptz
      FROM caps
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = caps.product_id AND u.serial = caps.serial
        AND (NOT ${shipping} OR u.hold = 'none')
        AND (${shipping} OR u.order_id = ${ctx.orderId}::bigint)
      RETURNING u.product_id, u.serial
    ),
    released AS (
      UPDATE order_serials SET unit_active = false
      WHERE NOT ${shipping} AND tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint AND unit_active
      RETURNING 1
    ),
    events AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
      SELECT ${ctx.tenantId}::uuid, product_id, serial, ${eventType}, ${ctx.orderId}::bigint,
             ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station}, ${JSON.stringify(details)}::jsonb
      FROM moved
      ORDER BY product_id, serial
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM events)::int AS moved,
           CASE WHEN ${shipping} THEN (SELECT count(*) FROM caps)::int - (SELECT count(*) FROM events)::int ELSE 0 END AS held
  `.execute(db);
  return result.rows[0] ?? { moved: 0, held: 0 };
}

/** The order's units that carry a hold (what stops it shipping). */
export async function findHeldUnitsInOrder(
  db: Db,
  tenantId: string,
  orderId: number,
): Promise<Array<{ sku: string; serial: string; hold: UnitHold }>> {
  const rows = await sql<{ sku: string; serial: string; hold: UnitHold }>`
    SELECT DISTINCT p.sku, u.serial, u.hold
    FROM order_serials s
    JOIN serial_units u ON u.tenant_id = s.tenant_id AND u.product_id = s.product_id AND u.serial = s.serial
    JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
    WHERE s.tenant_id = ${tenantId}::uuid AND s.order_id = ${orderId}::bigint AND s.unit_active AND u.hold <> 'none'
    ORDER BY p.sku, u.serial
  `.execute(db);
  return rows.rows;
}

/** Thrown when a concurrent correction replaced the same capture first (the transaction must roll back). */
export class CorrectionLost extends Error {
  constructor() {
    super('the capture was corrected by a concurrent correction');
    this.name = 'CorrectionLost';
  }
}

export type NewCorrection = {
  /** The capture that was wrong. */
  oldCaptureId: number;
  lineNo: number;
  productId: number;
  oldSerial: string;
  newSerial: string;
  reason: string;
  scanned: boolean;
  uniqueInOrder: boolean;
  scope: DuplicateScope;
  /** When the order shipped: the time the new unit really left, for its event. */
  shippedAt: Date;
};

/**
 * Corrects a shipped order's capture: a capture of the new serial is added (it holds its unit,
 * now shipped in this order), and the old one points at it and gives its unit up. The old unit goes
 * back to the state it had before it entered this order (read from the event that put it there),
 * unless another capture in the order still holds it or it has moved on since. History gets two
 * events, both pointing (corrects_event_id) at the old unit's event that shipped it in this order:
 * `correction` on the new unit, then `corrected` on the old one. Returns null, writing nothing,
 * when the old capture was corrected already.
 */
export async function insertCorrection(db: Db, ctx: CaptureContext, c: NewCorrection): Promise<{ captureId: number } | null> {
  const claimed = await sql<{ id: number | null; replaced: number }>`
    WITH replacement AS (
      INSERT INTO order_serials
        (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope,
         captured_at, captured_by, station, correction_reason)
      SELECT ${ctx.tenantId}::uuid, ${ctx.orderId}::bigint, ${c.lineNo}::int, ${c.productId}::bigint, ${c.newSerial},
             ${c.scanned}, ${c.uniqueInOrder}, ${c.scope}, ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station}, ${c.reason}
      FROM order_serials o
      WHERE o.tenant_id = ${ctx.tenantId}::uuid AND o.order_id = ${ctx.orderId}::bigint AND o.id = ${c.oldCaptureId}::bigint
        AND o.replaced_by IS NULL
      RETURNING id
    ),
    replaced AS (
      UPDATE order_serials SET replaced_by = (SELECT id FROM replacement), unit_active = false, unique_in_order = false
      WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint AND id = ${c.oldCaptureId}::bigint
        AND replaced_by IS NULL AND EXISTS (SELECT 1 FROM replacement)
      RETURNING id
    )
    SELECT (SELECT id FROM replacement) AS id, (SELECT count(*) FROM replaced)::int AS replaced
  `.execute(db);
  const captureId = claimed.rows[0]?.id ?? null;
  if (captureId === null) return null;
  // Another correction took the old capture while this one waited for its row: this one must not stand.
  if (claimed.rows[0].replaced !== 1) throw new CorrectionLost();

  await sql`
    WITH entered AS (
      SELECT details FROM serial_events
      WHERE tenant_id = ${ctx.tenantId}::uuid AND product_id = ${c.productId}::bigint AND serial = ${c.oldSerial}
        AND order_id = ${ctx.orderId}::bigint AND type IN ('packed', 'correction')
      ORDER BY id DESC LIMIT 1
    ),
    shipping AS (
      SELECT id, occurred_at FROM serial_events
      WHERE tenant_id = ${ctx.tenantId}::uuid AND product_id = ${c.productId}::bigint AND serial = ${c.oldSerial}
        AND order_id = ${ctx.orderId}::bigint AND type IN ('shipped', 'correction')
      ORDER BY id DESC LIMIT 1
    ),
    still AS (
      SELECT 1 FROM order_serials
      WHERE tenant_id = ${ctx.tenantId}::uuid AND order_id = ${ctx.orderId}::bigint
        AND product_id = ${c.productId}::bigint AND serial = ${c.oldSerial} AND replaced_by IS NULL
      LIMIT 1
    ),
    restored AS (
      UPDATE serial_units u
      SET status = COALESCE((SELECT details->>'previousStatus' FROM entered), 'in_stock'),
          order_id = (SELECT (details->>'previousOrderId')::bigint FROM entered),
          updated_at = ${ctx.at}::timestamptz
      WHERE u.tenant_id = ${ctx.tenantId}::uuid AND u.product_id = ${c.productId}::bigint AND u.serial = ${c.oldSerial}
        AND u.order_id = ${ctx.orderId}::bigint AND u.status = 'shipped' AND NOT EXISTS (SELECT 1 FROM still)
      RETURNING u.status
    ),
    previous AS (
      SELECT status, order_id FROM serial_units
      WHERE tenant_id = ${ctx.tenantId}::uuid AND product_id = ${c.productId}::bigint AND serial = ${c.newSerial}
    ),
    unit AS (
      INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at)
      VALUES (${ctx.tenantId}::uuid, ${c.productId}::bigint, ${c.newSerial}, 'shipped', ${ctx.orderId}::bigint,
              ${ctx.at}::timestamptz, ${ctx.at}::timestamptz)
      ON CONFLICT (tenant_id, product_id, serial) DO UPDATE
        SET status = 'shipped', order_id = EXCLUDED.order_id, updated_at = EXCLUDED.updated_at
      RETURNING 1
    ),
    correction AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details, corrects_event_id)
      SELECT ${ctx.tenantId}::uuid, ${c.productId}::bigint, ${c.newSerial}, 'correction', ${ctx.orderId}::bigint,
             ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
             jsonb_strip_nulls(jsonb_build_object(
               'correctsSerial', ${c.oldSerial}::text, 'reason', ${c.reason}::text, 'scanned', ${c.scanned}::boolean,
               'previousStatus', (SELECT status FROM previous), 'previousOrderId', (SELECT order_id FROM previous),
               'shippedAt', ${c.shippedAt}::timestamptz)),
             (SELECT id FROM shipping)
      RETURNING id
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details, corrects_event_id)
    SELECT ${ctx.tenantId}::uuid, ${c.productId}::bigint, ${c.oldSerial}, 'corrected', ${ctx.orderId}::bigint,
           ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object(
             'newSerial', ${c.newSerial}::text, 'reason', ${c.reason}::text,
             'restoredStatus', (SELECT status FROM restored),
             'correctiveEventId', (SELECT id FROM correction),
             'correctedEventAt', (SELECT occurred_at FROM shipping))),
           (SELECT id FROM shipping)
  `.execute(db);
  return { captureId };
}
