import type { Readable } from 'node:stream';
import { CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { UnitStatus } from '../core/model.ts';
import { emptyUnitCounts, type RecallCriteria, type RecallProgress, type RecallSelection, type UnitCounts } from '../core/recalls.ts';
import type { SerialRange } from '../core/serial-range.ts';
import type { Db } from './database.ts';
import { type AddParam, paramList, unitSelectionSql } from './serial-selection.ts';

export type RecallStatus = 'open' | 'closed';

export type RecallRow = {
  id: number;
  name: string;
  reason: string;
  productId: number;
  sku: string;
  productName: string;
  criteria: RecallCriteria;
  status: RecallStatus;
  unitCount: number;
  counts: UnitCounts;
  createdAt: Date;
  createdBy: string;
  closedAt: Date | null;
  closedBy: string | null;
  closeNote: string | null;
};

export type SelectionCounts = {
  units: number;
  byStatus: UnitCounts;
  /** Matched units already held by another recall. */
  alreadyRecalled: number;
  /** Customers who have matched units (status shipped), one per customer key. */
  customers: number;
  /** Orders whose matched units are with customers. */
  orders: number;
  /** Open orders a matched unit is packed in: they will not ship. */
  openOrders: number;
};

/**
 * Who a customer is, for counting and for the contact list: orders carry their customer, and one
 * customer places many orders. Their external id when the order has one, else their email (case
 * ignored), else name and company (case ignored).
 */
const CUSTOMER_KEY = `CASE
  WHEN nullif(btrim(o.customer_external_id), '') IS NOT NULL THEN 'id:' || btrim(o.customer_external_id)
  WHEN nullif(btrim(o.customer_email), '') IS NOT NULL THEN 'email:' || lower(btrim(o.customer_email))
  ELSE 'name:' || lower(btrim(o.customer_name)) || '|' || lower(coalesce(btrim(o.customer_company), ''))
END`;

/**
 * The units of `productId` a selection matches, as FROM and WHERE text over serial_units `u` (and
 * orders `o`, the order each unit last went to, when ship dates are asked for). The same text serves
 * the preview's SELECT and the hold's UPDATE.
 */
function selectionSql(tenantId: string, productId: number, selection: RecallSelection, p: AddParam) {
  const where = [`u.tenant_id = ${p(tenantId)}::uuid`, `u.product_id = ${p(productId)}::bigint`];
  const serials = unitSelectionSql('u', selection, p);
  if (serials) where.push(serials);
  if (selection.lot !== null) where.push(`u.lot = ${p(selection.lot)}`);
  const dates = selection.shippedFrom !== null || selection.shippedBefore !== null;
  if (dates) {
    where.push(`o.tenant_id = u.tenant_id`, `o.id = u.order_id`, `o.status = 'shipped'`);
    if (selection.shippedFrom) where.push(`o.shipped_at >= ${p(selection.shippedFrom.toISOString())}::timestamptz`);
    if (selection.shippedBefore) where.push(`o.shipped_at < ${p(selection.shippedBefore.toISOString())}::timestamptz`);
  }
  return { orders: dates ? 'orders o' : null, where: where.join(' AND ') };
}

function toCounts(json: Record<string, number> | null): UnitCounts {
  const counts = emptyUnitCounts();
  for (const [status, n] of Object.entries(json ?? {})) if (status in counts) counts[status as UnitStatus] = Number(n);
  return counts;
}

/**
 * What a selection matches now: one pass over the units, counted per order (one group per order,
 * with a count per status), then orders and customers from those groups.
 */
export async function countSelection(db: Db, tenantId: string, productId: number, selection: RecallSelection): Promise<SelectionCounts> {
  const { params, p } = paramList();
  const s = selectionSql(tenantId, productId, selection, p);
  const t = p(tenantId);
  const text = `
    WITH per_order AS (
      SELECT u.order_id,
             count(*) FILTER (WHERE u.status = 'in_stock')::int AS in_stock,
             count(*) FILTER (WHERE u.status = 'packed')::int AS packed,
             count(*) FILTER (WHERE u.status = 'shipped')::int AS shipped,
             count(*) FILTER (WHERE u.status = 'returned')::int AS returned,
             count(*) FILTER (WHERE u.status = 'scrapped')::int AS scrapped,
             count(*) FILTER (WHERE u.hold = 'recalled')::int AS recalled
      FROM serial_units u${s.orders ? `, ${s.orders}` : ''}
      WHERE ${s.where}
      GROUP BY u.order_id
    )
    SELECT
      (SELECT jsonb_build_object('in_stock', coalesce(sum(in_stock), 0), 'packed', coalesce(sum(packed), 0),
                                 'shipped', coalesce(sum(shipped), 0), 'returned', coalesce(sum(returned), 0),
                                 'scrapped', coalesce(sum(scrapped), 0))
       FROM per_order) AS by_status,
      (SELECT coalesce(sum(recalled), 0)::int FROM per_order) AS already_recalled,
      (SELECT count(*)::int FROM per_order WHERE shipped > 0) AS orders,
      (SELECT count(*)::int FROM per_order p JOIN orders o ON o.tenant_id = ${t}::uuid AND o.id = p.order_id
        WHERE p.packed > 0 AND o.status = 'open') AS open_orders,
      (SELECT count(DISTINCT ${CUSTOMER_KEY})::int FROM per_order p JOIN orders o ON o.tenant_id = ${t}::uuid AND o.id = p.order_id
        WHERE p.shipped > 0) AS customers`;
  const result = await db.executeQuery<{
    by_status: Record<string, number> | null;
    already_recalled: number;
    orders: number;
    open_orders: number;
    customers: number;
  }>(CompiledQuery.raw(text, params));
  const row = result.rows[0];
  const byStatus = toCounts(row.by_status);
  return {
    units: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    alreadyRecalled: row.already_recalled,
    customers: row.customers,
    orders: row.orders,
    openOrders: row.open_orders,
  };
}

export async function insertRecall(
  db: Db,
  tenantId: string,
  recall: { name: string; reason: string; productId: number; criteria: RecallCriteria; at: Date; actor: string },
): Promise<number> {
  const row = await db
    .insertInto('recalls')
    .values({
      tenant_id: tenantId,
      name: recall.name,
      reason: recall.reason,
      product_id: recall.productId,
      criteria: JSON.stringify(recall.criteria),
      unit_count: 0,
      counts: '{}',
      created_at: recall.at,
      created_by: recall.actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Holds every unit the selection matches for the recall, in one statement whatever their number:
 * the units get hold 'recalled', each gets a recall_units row (its status and order now, and the
 * hold it had) and a `recalled` event. All parts of one statement see the units as they were before
 * it, so `before` reads the holds the UPDATE replaces; the UPDATE's RETURNING gives the status of
 * each unit as locked (a unit a packer moved meanwhile is recorded as it is now). Returns the units
 * held per status.
 */
export async function holdSelection(
  db: Db,
  input: { tenantId: string; recallId: number; recallName: string; productId: number; selection: RecallSelection; at: Date; actor: string },
): Promise<UnitCounts> {
  const { params, p } = paramList();
  const s = selectionSql(input.tenantId, input.productId, input.selection, p);
  const t = p(input.tenantId);
  const recallId = p(input.recallId);
  const at = p(input.at.toISOString());
  const actor = p(input.actor);
  const details = p(JSON.stringify({ recallId: input.recallId, recall: input.recallName }));
  const text = `
    WITH before AS (
      SELECT u.product_id, u.serial, u.hold
      FROM serial_units u${s.orders ? `, ${s.orders}` : ''}
      WHERE ${s.where} AND u.hold <> 'none'
    ),
    held AS (
      UPDATE serial_units u SET hold = 'recalled', updated_at = ${at}::timestamptz
      ${s.orders ? `FROM ${s.orders}` : ''}
      WHERE ${s.where}
      RETURNING u.product_id, u.serial, u.status, u.order_id
    ),
    recorded AS (
      INSERT INTO recall_units (tenant_id, recall_id, product_id, serial, status_at_recall, order_id_at_recall, hold_before)
      SELECT ${t}::uuid, ${recallId}::bigint, h.product_id, h.serial, h.status, h.order_id, coalesce(b.hold, 'none')
      FROM held h LEFT JOIN before b ON b.product_id = h.product_id AND b.serial = h.serial
      RETURNING status_at_recall
    ),
    events AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, details)
      SELECT ${t}::uuid, h.product_id, h.serial, 'recalled', h.order_id, ${at}::timestamptz, ${actor}, ${details}::jsonb
      FROM held h
      RETURNING 1
    )
    SELECT (SELECT jsonb_object_agg(status, n) FROM (
              SELECT status_at_recall AS status, count(*)::int AS n FROM recorded GROUP BY 1) c) AS counts,
           (SELECT count(*)::int FROM events) AS events`;
  const result = await db.executeQuery<{ counts: Record<string, number> | null; events: number }>(CompiledQuery.raw(text, params));
  return toCounts(result.rows[0].counts);
}

/** The first `limit` units a recall holds, with where each was and who last had it (for its webhook event). */
export async function findRecallUnitsForEvent(
  db: Db,
  tenantId: string,
  recallId: number,
  limit: number,
): Promise<
  Array<{
    sku: string;
    serial: string;
    status: UnitStatus;
    orderNumber: string | null;
    customer: { name: string; email: string | null; company: string | null; externalId: string | null } | null;
  }>
> {
  const rows = await sql<{
    sku: string;
    serial: string;
    status: UnitStatus;
    order_number: string | null;
    customer_name: string | null;
    customer_email: string | null;
    customer_company: string | null;
    customer_external_id: string | null;
  }>`
    SELECT p.sku, r.serial, r.status_at_recall AS status, o.order_number,
           o.customer_name, o.customer_email, o.customer_company, o.customer_external_id
    FROM recall_units r
    JOIN products p ON p.tenant_id = r.tenant_id AND p.id = r.product_id
    LEFT JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id_at_recall
    WHERE r.tenant_id = ${tenantId}::uuid AND r.recall_id = ${recallId}::bigint
    ORDER BY r.product_id, r.serial
    LIMIT ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    sku: r.sku,
    serial: r.serial,
    status: r.status,
    orderNumber: r.order_number,
    customer:
      r.customer_name === null
        ? null
        : { name: r.customer_name, email: r.customer_email, company: r.customer_company, externalId: r.customer_external_id },
  }));
}

export async function setRecallCounts(db: Db, tenantId: string, recallId: number, counts: UnitCounts): Promise<void> {
  await db
    .updateTable('recalls')
    .set({ unit_count: Object.values(counts).reduce((a, b) => a + b, 0), counts: JSON.stringify(counts) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', recallId)
    .execute();
}

function recallQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('recalls as r')
    .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.product_id'))
    .select([
      'r.id',
      'r.name',
      'r.reason',
      'r.product_id',
      'p.sku',
      'p.name as product_name',
      'r.criteria',
      'r.status',
      'r.unit_count',
      'r.counts',
      'r.created_at',
      'r.created_by',
      'r.closed_at',
      'r.closed_by',
      'r.close_note',
    ])
    .where('r.tenant_id', '=', tenantId);
}

type RawRecall = Awaited<ReturnType<ReturnType<typeof recallQuery>['execute']>>[number];

function toRecall(r: RawRecall): RecallRow {
  return {
    id: r.id,
    name: r.name,
    reason: r.reason,
    productId: r.product_id,
    sku: r.sku,
    productName: r.product_name,
    criteria: r.criteria as unknown as RecallCriteria,
    status: r.status,
    unitCount: r.unit_count,
    counts: toCounts(r.counts),
    createdAt: r.created_at,
    createdBy: r.created_by,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    closeNote: r.close_note,
  };
}

/** One recall of the tenant; with `lock`, its row is locked for the transaction (clear, close). */
export async function findRecall(db: Db, tenantId: string, recallId: number, lock = false): Promise<RecallRow | undefined> {
  let query = recallQuery(db, tenantId).where('r.id', '=', recallId);
  if (lock) query = query.forUpdate('r');
  const row = await query.executeTakeFirst();
  return row ? toRecall(row) : undefined;
}

/** Recalls newest first, after the cursor id. */
export async function findRecalls(
  db: Db,
  tenantId: string,
  filter: { status?: RecallStatus; beforeId?: number },
  limit: number,
): Promise<RecallRow[]> {
  let query = recallQuery(db, tenantId);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.beforeId !== undefined) query = query.where('r.id', '<', filter.beforeId);
  const rows = await query.orderBy('r.id', 'desc').limit(limit).execute();
  return rows.map(toRecall);
}

/**
 * Where the recall's units are now (core/recalls.ts RecallProgress): one pass over its units joined
 * with the registry, counted per order (a packed unit's order is the open order it blocks).
 */
export async function recallProgress(db: Db, tenantId: string, recallId: number): Promise<RecallProgress> {
  const result = await sql<RecallProgress>`
    WITH per_order AS (
      SELECT u.order_id,
        count(*) AS units,
        count(*) FILTER (WHERE ru.cleared_at IS NOT NULL) AS cleared,
        count(*) FILTER (WHERE ru.cleared_at IS NULL AND u.status = 'shipped') AS outstanding,
        count(*) FILTER (WHERE ru.cleared_at IS NULL AND u.status = 'returned') AS returned,
        count(*) FILTER (WHERE ru.cleared_at IS NULL AND u.status = 'in_stock') AS in_stock,
        count(*) FILTER (WHERE ru.cleared_at IS NULL AND u.status = 'packed') AS packed,
        count(*) FILTER (WHERE ru.cleared_at IS NULL AND u.status = 'scrapped') AS scrapped,
        count(*) FILTER (WHERE ru.status_at_recall = 'shipped' AND u.status <> 'shipped') AS returned_since
      FROM recall_units ru
      JOIN serial_units u ON u.tenant_id = ru.tenant_id AND u.product_id = ru.product_id AND u.serial = ru.serial
      WHERE ru.tenant_id = ${tenantId}::uuid AND ru.recall_id = ${recallId}::bigint
      GROUP BY u.order_id
    )
    SELECT
      coalesce(sum(units), 0)::int AS units,
      coalesce(sum(cleared), 0)::int AS cleared,
      coalesce(sum(outstanding), 0)::int AS outstanding,
      coalesce(sum(returned), 0)::int AS returned,
      coalesce(sum(in_stock), 0)::int AS "inStock",
      coalesce(sum(packed), 0)::int AS packed,
      coalesce(sum(scrapped), 0)::int AS scrapped,
      coalesce(sum(returned_since), 0)::int AS "returnedSinceRecall",
      (count(*) FILTER (WHERE packed > 0))::int AS "blockedOrders"
    FROM per_order
  `.execute(db);
  return result.rows[0];
}

/**
 * Clears the recall's units that the serials and ranges match (and are not cleared yet): records who
 * and why, gives each unit its hold back and writes a `recall_cleared` event. A unit another recall
 * still holds (not cleared there, open or closed) stays recalled; otherwise it gets the hold it had
 * before it was first recalled (the latest recall_units row of the unit whose hold_before is not
 * 'recalled'), usually none. Returns how many were cleared and how many of them were released.
 */
export async function clearRecallUnits(
  db: Db,
  input: {
    tenantId: string;
    recallId: number;
    selection: { serials: string[]; ranges: SerialRange[] };
    at: Date;
    actor: string;
    reason: string;
  },
): Promise<{ cleared: number; released: number }> {
  const { params, p } = paramList();
  const t = p(input.tenantId);
  const recallId = p(input.recallId);
  const at = p(input.at.toISOString());
  const actor = p(input.actor);
  const reason = p(input.reason);
  const match = unitSelectionSql('u', input.selection, p) ?? 'false';
  const text = `
    WITH target AS (
      UPDATE recall_units ru SET cleared_at = ${at}::timestamptz, cleared_by = ${actor}, clear_reason = ${reason}
      FROM serial_units u
      WHERE ru.tenant_id = ${t}::uuid AND ru.recall_id = ${recallId}::bigint AND ru.cleared_at IS NULL
        AND u.tenant_id = ru.tenant_id AND u.product_id = ru.product_id AND u.serial = ru.serial
        AND ${match}
      RETURNING ru.product_id, ru.serial
    ),
    released AS (
      UPDATE serial_units u SET
        hold = CASE
          WHEN u.hold <> 'recalled' THEN u.hold
          WHEN EXISTS (
            SELECT 1 FROM recall_units o
            WHERE o.tenant_id = u.tenant_id AND o.product_id = u.product_id AND o.serial = u.serial
              AND o.recall_id <> ${recallId}::bigint AND o.cleared_at IS NULL) THEN 'recalled'
          ELSE coalesce((
            SELECT o.hold_before FROM recall_units o
            WHERE o.tenant_id = u.tenant_id AND o.product_id = u.product_id AND o.serial = u.serial AND o.hold_before <> 'recalled'
            ORDER BY o.recall_id DESC LIMIT 1), 'none')
        END,
        updated_at = ${at}::timestamptz
      FROM target
      WHERE u.tenant_id = ${t}::uuid AND u.product_id = target.product_id AND u.serial = target.serial
      RETURNING u.product_id, u.serial, u.hold, u.order_id
    ),
    events AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, details)
      SELECT ${t}::uuid, r.product_id, r.serial, 'recall_cleared', r.order_id, ${at}::timestamptz, ${actor},
             jsonb_build_object('recallId', ${recallId}::bigint, 'reason', ${reason}::text, 'hold', r.hold)
      FROM released r
      ORDER BY r.product_id, r.serial
      RETURNING 1
    )
    SELECT (SELECT count(*)::int FROM target) AS cleared,
           (SELECT count(*)::int FROM released WHERE hold <> 'recalled') AS released,
           (SELECT count(*)::int FROM events) AS events`;
  const result = await db.executeQuery<{ cleared: number; released: number }>(CompiledQuery.raw(text, params));
  return { cleared: result.rows[0].cleared, released: result.rows[0].released };
}

export async function markRecallClosed(db: Db, tenantId: string, recallId: number, close: { at: Date; actor: string; note: string | null }) {
  await db
    .updateTable('recalls')
    .set({ status: 'closed', closed_at: close.at, closed_by: close.actor, close_note: close.note })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', recallId)
    .execute();
}

// ---- the contact list -------------------------------------------------------------------------

export type RecallCustomerRow = {
  key: string;
  name: string;
  email: string | null;
  company: string | null;
  externalId: string | null;
  orders: string[];
  units: number;
  serials: string[];
};

/**
 * One row per customer who still has units of the recall (status shipped, not cleared): their
 * details from their latest such order, their order numbers and serials (in order number, then
 * serial order). Ordered by name, then customer key. Text with $n placeholders, for pages and COPY.
 */
function customersSql(tenantId: string, recallId: number, p: AddParam) {
  return `
    WITH units AS (
      SELECT u.order_id, u.serial
      FROM recall_units ru
      JOIN serial_units u ON u.tenant_id = ru.tenant_id AND u.product_id = ru.product_id AND u.serial = ru.serial
      WHERE ru.tenant_id = ${p(tenantId)}::uuid AND ru.recall_id = ${p(recallId)}::bigint
        AND ru.cleared_at IS NULL AND u.status = 'shipped'
    )
    SELECT ${CUSTOMER_KEY} AS key,
           (array_agg(o.customer_name ORDER BY o.id DESC))[1] AS name,
           (array_agg(o.customer_email ORDER BY o.id DESC))[1] AS email,
           (array_agg(o.customer_company ORDER BY o.id DESC))[1] AS company,
           (array_agg(o.customer_external_id ORDER BY o.id DESC))[1] AS external_id,
           array_agg(DISTINCT o.order_number ORDER BY o.order_number) AS orders,
           count(*)::int AS units,
           array_agg(units.serial ORDER BY o.order_number, units.serial) AS serials
    FROM units
    JOIN orders o ON o.tenant_id = ${p(tenantId)}::uuid AND o.id = units.order_id
    GROUP BY 1`;
}

// Spreadsheets run a cell that starts with = + - @ (or a tab / CR) as a formula: such a cell gets a
// leading apostrophe (the report's rule; one regexp_replace, so a long list cell is built once).
const spreadsheetSafe = (expr: string) => `regexp_replace(${expr}, '^([=+@\\t\\r-])', '''\\1')`;

/** A list of serials or order numbers as one CSV cell: separated by spaces, in double quotes when needed. */
const listCell = (array: string) =>
  `array_to_string(ARRAY(SELECT CASE WHEN x ~ '[ ,;"]' THEN '"' || replace(x, '"', '""') || '"' ELSE x END FROM unnest(${array}) AS x), ' ')`;

export async function findRecallCustomersPage(
  db: Db,
  tenantId: string,
  recallId: number,
  after: { name: string; key: string } | null,
  limit: number,
): Promise<RecallCustomerRow[]> {
  const { params, p } = paramList();
  const base = customersSql(tenantId, recallId, p);
  const text = `
    SELECT * FROM (${base}) c
    ${after ? `WHERE (c.name, c.key) > (${p(after.name)}, ${p(after.key)})` : ''}
    ORDER BY c.name, c.key
    LIMIT ${Number(limit)}`;
  const rows = await db.executeQuery<{
    key: string;
    name: string;
    email: string | null;
    company: string | null;
    external_id: string | null;
    orders: string[];
    units: number;
    serials: string[];
  }>(CompiledQuery.raw(text, params));
  return rows.rows.map((r) => ({
    key: r.key,
    name: r.name,
    email: r.email,
    company: r.company,
    externalId: r.external_id,
    orders: r.orders,
    units: r.units,
    serials: r.serials,
  }));
}

export const RECALL_CUSTOMERS_CSV_COLUMNS = [
  'customerName',
  'customerEmail',
  'customerCompany',
  'customerExternalId',
  'orders',
  'units',
  'serials',
] as const;

/**
 * The contact list as CSV straight out of PostgreSQL (COPY ... TO STDOUT), streamed with
 * backpressure like the report's export; cells that a spreadsheet would run as a formula get a
 * leading apostrophe. Order numbers and serials are separated by spaces within their cell; one that
 * contains a space, comma, semicolon or double quote is written in double quotes (inner quotes
 * doubled).
 */
export async function copyRecallCustomersCsv(pool: pg.Pool, tenantId: string, recallId: number): Promise<Readable> {
  const client = await pool.connect();
  const { params, p } = paramList();
  const base = customersSql(tenantId, recallId, p);
  const query = `
    COPY (
      SELECT ${spreadsheetSafe('c.name')}, ${spreadsheetSafe('c.email')}, ${spreadsheetSafe('c.company')},
             ${spreadsheetSafe('c.external_id')}, ${spreadsheetSafe(listCell('c.orders'))}, c.units,
             ${spreadsheetSafe(listCell('c.serials'))}
      FROM (${base}) c
      ORDER BY c.name, c.key
    ) TO STDOUT WITH (FORMAT csv)`;
  const inlined = query.replace(/\$(\d+)/g, (_, n: string) => client.escapeLiteral(String(params[Number(n) - 1])));
  const stream = client.query(copyTo(inlined));
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  stream.on('end', () => release());
  stream.on('error', (error) => release(error));
  stream.on('close', () => release(stream.readableEnded ? undefined : new Error('contact list stream closed early')));
  return stream;
}
