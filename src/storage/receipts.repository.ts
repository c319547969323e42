import { sql } from 'kysely';
import type { UnitHold, UnitStatus } from '../core/model.ts';
import type { RegistryUnit } from '../core/packing.ts';
import type { NoticeCounts, ReceiptOutcome, ReceivingProduct } from '../core/receiving.ts';
import { unitKey } from '../core/receiving.ts';
import type { Db } from './database.ts';

// ---- products -----------------------------------------------------------------------------------

type RawProduct = { id: number; sku: string; name: string; gtin: string | null; needs_serial_number: boolean; serial_format: string | null };

const toReceivingProduct = (r: RawProduct): ReceivingProduct => ({
  productId: r.id,
  sku: r.sku,
  name: r.name,
  gtin: r.gtin,
  needsSerialNumber: r.needs_serial_number,
  serialFormat: r.serial_format,
});

/** The products with these SKUs (those that exist). */
export async function findReceivingProducts(db: Db, tenantId: string, skus: string[]): Promise<ReceivingProduct[]> {
  if (skus.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .select(['id', 'sku', 'name', 'gtin', 'needs_serial_number', 'serial_format'])
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sql<string>`any(${skus}::text[])`)
    .execute();
  return rows.map(toReceivingProduct);
}

/** Products a scanned code names: by SKU exactly, or by one of `gtins`; SKU matches first. */
export async function findProductsByCode(db: Db, tenantId: string, code: string, gtins: string[]): Promise<ReceivingProduct[]> {
  const rows = await sql<RawProduct & { by_sku: boolean }>`
    SELECT id, sku, name, gtin, needs_serial_number, serial_format, sku = ${code} AS by_sku
    FROM products
    WHERE tenant_id = ${tenantId}::uuid AND (sku = ${code} OR gtin = any(${gtins}::text[]))
    ORDER BY by_sku DESC, sku
    LIMIT 10
  `.execute(db);
  return rows.rows.map(toReceivingProduct);
}

/** The products with these ids. */
export async function findProductsByIds(db: Db, tenantId: string, ids: number[]): Promise<ReceivingProduct[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .select(['id', 'sku', 'name', 'gtin', 'needs_serial_number', 'serial_format'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<number>`any(${ids}::bigint[])`)
    .execute();
  return rows.map(toReceivingProduct);
}

// ---- advance notices ----------------------------------------------------------------------------

export type NoticeRow = {
  id: number;
  reference: string;
  supplier: string | null;
  expectedAt: Date | null;
  status: 'open' | 'closed';
  createdAt: Date;
  createdBy: string;
  closedAt: Date | null;
  closedBy: string | null;
  discrepancy: Record<string, unknown> | null;
};

const noticeColumns = [
  'id',
  'reference',
  'supplier',
  'expected_at',
  'status',
  'created_at',
  'created_by',
  'closed_at',
  'closed_by',
  'discrepancy',
] as const;

function toNotice(r: {
  id: number;
  reference: string;
  supplier: string | null;
  expected_at: Date | null;
  status: 'open' | 'closed';
  created_at: Date;
  created_by: string;
  closed_at: Date | null;
  closed_by: string | null;
  discrepancy: Record<string, unknown> | null;
}): NoticeRow {
  return {
    id: r.id,
    reference: r.reference,
    supplier: r.supplier,
    expectedAt: r.expected_at,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    discrepancy: r.discrepancy,
  };
}

/** Inserts a notice; a taken reference fails with a unique violation (receiving_notices_tenant_id_reference_key). */
export async function insertNotice(
  db: Db,
  tenantId: string,
  notice: { reference: string; supplier: string | null; expectedAt: Date | null; at: Date; actor: string },
): Promise<NoticeRow> {
  const row = await db
    .insertInto('receiving_notices')
    .values({
      tenant_id: tenantId,
      reference: notice.reference,
      supplier: notice.supplier,
      expected_at: notice.expectedAt,
      created_at: notice.at,
      created_by: notice.actor,
    })
    .returning(noticeColumns)
    .executeTakeFirstOrThrow();
  return toNotice(row);
}

/** The notice's expected units, in one statement whatever their number. */
export async function insertNoticeSerials(db: Db, tenantId: string, noticeId: number, productIds: number[], serials: string[]): Promise<void> {
  if (serials.length === 0) return;
  await sql`
    INSERT INTO receiving_notice_serials (tenant_id, notice_id, product_id, serial)
    SELECT ${tenantId}::uuid, ${noticeId}::bigint, t.product_id, t.serial
    FROM unnest(${productIds}::bigint[], ${serials}::text[]) AS t(product_id, serial)
  `.execute(db);
}

/** The notice with this reference; `lock` takes its row lock (share: receive into it; update: close it). */
export async function findNoticeByReference(
  db: Db,
  tenantId: string,
  reference: string,
  lock?: 'share' | 'update',
): Promise<NoticeRow | undefined> {
  let query = db.selectFrom('receiving_notices').select(noticeColumns).where('tenant_id', '=', tenantId).where('reference', '=', reference);
  if (lock === 'share') query = query.forShare();
  if (lock === 'update') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toNotice(row);
}

export async function findNoticeById(db: Db, tenantId: string, id: number, lock?: 'share'): Promise<NoticeRow | undefined> {
  let query = db.selectFrom('receiving_notices').select(noticeColumns).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (lock === 'share') query = query.forShare();
  const row = await query.executeTakeFirst();
  return row && toNotice(row);
}

export type NoticeSummaryRow = NoticeRow & { expected: number; receipts: number };

/** A page of notices, newest first (by id), with how many units each expects and its receipts. */
export async function listNotices(
  db: Db,
  tenantId: string,
  filter: { status?: 'open' | 'closed'; beforeId?: number; limit: number },
): Promise<NoticeSummaryRow[]> {
  const rows = await sql<Parameters<typeof toNotice>[0] & { expected: number; receipts: number }>`
    SELECT n.id, n.reference, n.supplier, n.expected_at, n.status, n.created_at, n.created_by, n.closed_at, n.closed_by, n.discrepancy,
      (SELECT count(*) FROM receiving_notice_serials s WHERE s.tenant_id = n.tenant_id AND s.notice_id = n.id)::int AS expected,
      (SELECT count(*) FROM receipts r WHERE r.tenant_id = n.tenant_id AND r.notice_id = n.id)::int AS receipts
    FROM receiving_notices n
    WHERE n.tenant_id = ${tenantId}::uuid
      AND (${filter.status ?? null}::text IS NULL OR n.status = ${filter.status ?? null})
      AND (${filter.beforeId ?? null}::bigint IS NULL OR n.id < ${filter.beforeId ?? null})
    ORDER BY n.id DESC
    LIMIT ${filter.limit}
  `.execute(db);
  return rows.rows.map((r) => ({ ...toNotice(r), expected: r.expected, receipts: r.receipts }));
}

export type NoticeLineCounts = NoticeCounts & { productId: number; sku: string; name: string };

/**
 * A notice's progress per SKU: its expected units against the units its receipts took in (whatever
 * their outcome: a unit that was in stock already is here too). One pass over both sets.
 */
export async function findNoticeCounts(db: Db, tenantId: string, noticeId: number): Promise<NoticeLineCounts[]> {
  const rows = await sql<NoticeLineCounts>`
    WITH expected AS (
      SELECT product_id, serial FROM receiving_notice_serials WHERE tenant_id = ${tenantId}::uuid AND notice_id = ${noticeId}::bigint
    ),
    seen AS (
      SELECT DISTINCT product_id, serial FROM receipt_units WHERE tenant_id = ${tenantId}::uuid AND notice_id = ${noticeId}::bigint
    ),
    joined AS (
      SELECT COALESCE(e.product_id, s.product_id) AS product_id, e.serial IS NOT NULL AS is_expected, s.serial IS NOT NULL AS is_seen
      FROM expected e FULL JOIN seen s ON s.product_id = e.product_id AND s.serial = e.serial
    )
    SELECT p.id AS "productId", p.sku, p.name,
      count(*) FILTER (WHERE j.is_expected)::int AS expected,
      count(*) FILTER (WHERE j.is_expected AND j.is_seen)::int AS matched,
      count(*) FILTER (WHERE j.is_expected AND NOT j.is_seen)::int AS missing,
      count(*) FILTER (WHERE NOT j.is_expected)::int AS unexpected
    FROM joined j JOIN products p ON p.tenant_id = ${tenantId}::uuid AND p.id = j.product_id
    GROUP BY p.id, p.sku, p.name
    ORDER BY p.sku
  `.execute(db);
  return rows.rows;
}

export type NoticeListKind = 'matched' | 'missing' | 'unexpected';

/** Up to `limit` serials per SKU and kind (matched, missing, unexpected), in serial order. */
export async function findNoticeSerialLists(
  db: Db,
  tenantId: string,
  noticeId: number,
  limit: number,
): Promise<Array<{ productId: number; kind: NoticeListKind; serials: string[] }>> {
  const rows = await sql<{ productId: number; kind: NoticeListKind; serials: string[] }>`
    WITH expected AS (
      SELECT product_id, serial FROM receiving_notice_serials WHERE tenant_id = ${tenantId}::uuid AND notice_id = ${noticeId}::bigint
    ),
    seen AS (
      SELECT DISTINCT product_id, serial FROM receipt_units WHERE tenant_id = ${tenantId}::uuid AND notice_id = ${noticeId}::bigint
    ),
    joined AS (
      SELECT COALESCE(e.product_id, s.product_id) AS product_id, COALESCE(e.serial, s.serial) AS serial,
             CASE WHEN e.serial IS NULL THEN 'unexpected' WHEN s.serial IS NULL THEN 'missing' ELSE 'matched' END AS kind
      FROM expected e FULL JOIN seen s ON s.product_id = e.product_id AND s.serial = e.serial
    ),
    ranked AS (
      SELECT product_id, kind, serial, row_number() OVER (PARTITION BY product_id, kind ORDER BY serial) AS n FROM joined
    )
    SELECT product_id AS "productId", kind, array_agg(serial ORDER BY serial) AS serials
    FROM ranked WHERE n <= ${limit}
    GROUP BY product_id, kind
  `.execute(db);
  return rows.rows;
}

/** Which of the units (productIds[i], serials[i]) the notice expects, as unit keys (an index lookup each, as findRegistryUnits). */
export async function findExpectedUnits(
  db: Db,
  tenantId: string,
  noticeId: number,
  productIds: number[],
  serials: string[],
): Promise<Set<string>> {
  if (serials.length === 0) return new Set();
  const rows = await sql<{ product_id: number; serial: string }>`
    SELECT s.product_id, s.serial
    FROM unnest(${productIds}::bigint[], ${serials}::text[]) AS t(product_id, serial)
    CROSS JOIN LATERAL (
      SELECT s.product_id, s.serial FROM receiving_notice_serials s
      WHERE s.tenant_id = ${tenantId}::uuid AND s.notice_id = ${noticeId}::bigint AND s.product_id = t.product_id AND s.serial = t.serial
      OFFSET 0
    ) s
  `.execute(db);
  return new Set(rows.rows.map((r) => unitKey(r.product_id, r.serial)));
}

/** The products of a notice that expect `serial`, and every product the notice names. */
export async function findNoticeProductsFor(
  db: Db,
  tenantId: string,
  noticeId: number,
  serial: string,
): Promise<{ expecting: number[]; all: number[] }> {
  const rows = await sql<{ product_id: number; expecting: boolean }>`
    SELECT product_id, bool_or(serial = ${serial}) AS expecting
    FROM receiving_notice_serials
    WHERE tenant_id = ${tenantId}::uuid AND notice_id = ${noticeId}::bigint
    GROUP BY product_id
  `.execute(db);
  return { expecting: rows.rows.filter((r) => r.expecting).map((r) => r.product_id), all: rows.rows.map((r) => r.product_id) };
}

export async function markNoticeClosed(
  db: Db,
  tenantId: string,
  noticeId: number,
  closing: { at: Date; actor: string; discrepancy: Record<string, unknown> },
): Promise<NoticeRow> {
  const row = await db
    .updateTable('receiving_notices')
    .set({ status: 'closed', closed_at: closing.at, closed_by: closing.actor, discrepancy: JSON.stringify(closing.discrepancy) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', noticeId)
    .returning(noticeColumns)
    .executeTakeFirstOrThrow();
  return toNotice(row);
}

// ---- receipts -----------------------------------------------------------------------------------

export type ReceiptRow = {
  id: string;
  reference: string | null;
  noticeId: number | null;
  noticeReference: string | null;
  status: 'open' | 'closed';
  station: string | null;
  createdAt: Date;
  createdBy: string;
  closedAt: Date | null;
  closedBy: string | null;
};

type RawReceipt = {
  id: string;
  reference: string | null;
  notice_id: number | null;
  notice_reference: string | null;
  status: 'open' | 'closed';
  station: string | null;
  created_at: Date;
  created_by: string;
  closed_at: Date | null;
  closed_by: string | null;
};

const toReceipt = (r: RawReceipt): ReceiptRow => ({
  id: r.id,
  reference: r.reference,
  noticeId: r.notice_id,
  noticeReference: r.notice_reference,
  status: r.status,
  station: r.station,
  createdAt: r.created_at,
  createdBy: r.created_by,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
});

export async function insertReceipt(
  db: Db,
  tenantId: string,
  receipt: { id: string; reference: string | null; noticeId: number | null; open: boolean; station: string | null; at: Date; actor: string },
): Promise<void> {
  await db
    .insertInto('receipts')
    .values({
      tenant_id: tenantId,
      id: receipt.id,
      reference: receipt.reference,
      notice_id: receipt.noticeId,
      status: receipt.open ? 'open' : 'closed',
      station: receipt.station,
      created_at: receipt.at,
      created_by: receipt.actor,
      closed_at: receipt.open ? null : receipt.at,
      closed_by: receipt.open ? null : receipt.actor,
    })
    .execute();
}

/** The receipt with this id (and its notice's reference); `lock` takes its row lock for the transaction. */
export async function findReceipt(db: Db, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<ReceiptRow | undefined> {
  const rows = await sql<RawReceipt>`
    SELECT r.id, r.reference, r.notice_id, n.reference AS notice_reference, r.status, r.station, r.created_at, r.created_by,
           r.closed_at, r.closed_by
    FROM receipts r
    LEFT JOIN receiving_notices n ON n.tenant_id = r.tenant_id AND n.id = r.notice_id
    WHERE r.tenant_id = ${tenantId}::uuid AND r.id = ${id}::uuid
    ${options.lock ? sql`FOR UPDATE OF r` : sql``}
  `.execute(db);
  const row = rows.rows[0];
  return row && toReceipt(row);
}

export type ReceiptSummaryRow = ReceiptRow & { received: number; alreadyInStock: number };

/** A page of receipts, newest first, with their counts; optionally of one notice. */
export async function listReceipts(
  db: Db,
  tenantId: string,
  filter: { noticeId?: number; status?: 'open' | 'closed'; before?: { createdAt: string; id: string }; limit: number },
): Promise<ReceiptSummaryRow[]> {
  const before = filter.before ?? null;
  const rows = await sql<RawReceipt & { received: number; already_in_stock: number }>`
    SELECT r.id, r.reference, r.notice_id, n.reference AS notice_reference, r.status, r.station, r.created_at, r.created_by,
           r.closed_at, r.closed_by,
           (SELECT count(*) FROM receipt_units u WHERE u.tenant_id = r.tenant_id AND u.receipt_id = r.id AND u.outcome = 'received')::int AS received,
           (SELECT count(*) FROM receipt_units u WHERE u.tenant_id = r.tenant_id AND u.receipt_id = r.id AND u.outcome = 'already_in_stock')::int AS already_in_stock
    FROM receipts r
    LEFT JOIN receiving_notices n ON n.tenant_id = r.tenant_id AND n.id = r.notice_id
    WHERE r.tenant_id = ${tenantId}::uuid
      AND (${filter.noticeId ?? null}::bigint IS NULL OR r.notice_id = ${filter.noticeId ?? null})
      AND (${filter.status ?? null}::text IS NULL OR r.status = ${filter.status ?? null})
      AND (${before?.createdAt ?? null}::timestamptz IS NULL
           OR (r.created_at, r.id) < (${before?.createdAt ?? null}::timestamptz, ${before?.id ?? null}::uuid))
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${filter.limit}
  `.execute(db);
  return rows.rows.map((r) => ({ ...toReceipt(r), received: r.received, alreadyInStock: r.already_in_stock }));
}

export type ReceiptLineRow = {
  productId: number;
  sku: string;
  name: string;
  received: number;
  alreadyInStock: number;
  /** Units the receipt's notice did not expect; null without a notice. */
  unexpected: number | null;
  /** In scan order. */
  serials: string[];
  alreadyInStockSerials: string[];
  unexpectedSerials: string[];
};

/** The receipt's units per SKU, in scan order, each flagged by its outcome and whether the notice expected it. */
export async function findReceiptLines(db: Db, tenantId: string, receiptId: string): Promise<ReceiptLineRow[]> {
  const rows = await sql<ReceiptLineRow & { has_notice: boolean }>`
    WITH units AS (
      SELECT u.product_id, u.serial, u.seq, u.outcome, u.notice_id IS NOT NULL AS has_notice,
             u.notice_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM receiving_notice_serials s
               WHERE s.tenant_id = u.tenant_id AND s.notice_id = u.notice_id AND s.product_id = u.product_id AND s.serial = u.serial
             ) AS unexpected
      FROM receipt_units u
      WHERE u.tenant_id = ${tenantId}::uuid AND u.receipt_id = ${receiptId}::uuid
    )
    SELECT p.id AS "productId", p.sku, p.name,
      count(*) FILTER (WHERE units.outcome = 'received')::int AS received,
      count(*) FILTER (WHERE units.outcome = 'already_in_stock')::int AS "alreadyInStock",
      count(*) FILTER (WHERE units.unexpected)::int AS unexpected,
      bool_or(units.has_notice) AS has_notice,
      array_agg(units.serial ORDER BY units.seq) AS serials,
      COALESCE(array_agg(units.serial ORDER BY units.seq) FILTER (WHERE units.outcome = 'already_in_stock'), '{}') AS "alreadyInStockSerials",
      COALESCE(array_agg(units.serial ORDER BY units.seq) FILTER (WHERE units.unexpected), '{}') AS "unexpectedSerials"
    FROM units JOIN products p ON p.tenant_id = ${tenantId}::uuid AND p.id = units.product_id
    GROUP BY p.id, p.sku, p.name
    ORDER BY p.sku
  `.execute(db);
  return rows.rows.map(({ has_notice, ...r }) => ({ ...r, unexpected: has_notice ? r.unexpected : null }));
}

/** Which of the units (productIds[i], serials[i]) the receipt already holds, as unit keys (an index lookup each). */
export async function findUnitsInReceipt(db: Db, tenantId: string, receiptId: string, productIds: number[], serials: string[]): Promise<Set<string>> {
  if (serials.length === 0) return new Set();
  const rows = await sql<{ product_id: number; serial: string }>`
    SELECT u.product_id, u.serial
    FROM unnest(${productIds}::bigint[], ${serials}::text[]) AS t(product_id, serial)
    CROSS JOIN LATERAL (
      SELECT u.product_id, u.serial FROM receipt_units u
      WHERE u.tenant_id = ${tenantId}::uuid AND u.receipt_id = ${receiptId}::uuid AND u.product_id = t.product_id AND u.serial = t.serial
      OFFSET 0
    ) u
  `.execute(db);
  return new Set(rows.rows.map((r) => unitKey(r.product_id, r.serial)));
}

/** Finishes the open receipt `id`, or every open receipt of a notice; returns how many were open. */
export async function closeReceipts(
  db: Db,
  tenantId: string,
  where: { id: string } | { noticeId: number },
  closing: { at: Date; actor: string },
): Promise<number> {
  let query = db
    .updateTable('receipts')
    .set({ status: 'closed', closed_at: closing.at, closed_by: closing.actor })
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'open');
  query = 'id' in where ? query.where('id', '=', where.id) : query.where('notice_id', '=', where.noticeId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- receiving units ----------------------------------------------------------------------------

export type ReceivingContext = {
  tenantId: string;
  receiptId: string;
  at: Date;
  actor: string;
  station: string | null;
  /** Kept in each `received` event. */
  reference: string | null;
  noticeReference: string | null;
};

/**
 * Creates the units that are new to the registry, in stock, in (product, serial) order (so two
 * receipts racing for the same serials wait for each other instead of deadlocking). A unit that
 * another transaction created first is left alone: its key is missing from the answer, and the
 * caller judges it again as it now is.
 */
export async function insertNewUnits(
  db: Db,
  ctx: ReceivingContext,
  units: ReadonlyArray<{ productId: number; serial: string; lot: string | null; expiry: string | null }>,
): Promise<Set<string>> {
  if (units.length === 0) return new Set();
  const rows = await sql<{ product_id: number; serial: string }>`
    INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, lot, expiry, first_seen_at, updated_at)
    SELECT ${ctx.tenantId}::uuid, t.product_id, t.serial, 'in_stock', NULL, t.lot, t.expiry, ${ctx.at}::timestamptz, ${ctx.at}::timestamptz
    FROM unnest(${units.map((u) => u.productId)}::bigint[], ${units.map((u) => u.serial)}::text[],
                ${units.map((u) => u.lot)}::text[], ${units.map((u) => u.expiry)}::date[]) AS t(product_id, serial, lot, expiry)
    ORDER BY t.product_id, t.serial
    ON CONFLICT (tenant_id, product_id, serial) DO NOTHING
    RETURNING product_id, serial
  `.execute(db);
  return new Set(rows.rows.map((r) => unitKey(r.product_id, r.serial)));
}

export type ReceiptUnitInput = {
  productId: number;
  serial: string;
  outcome: ReceiptOutcome;
  expected: boolean | null;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
};

/**
 * Adds units to the receipt and appends one `received` event (who, when, station, receipt) per unit
 * the receipt registered, in one statement whatever their number. The receipt's notice is copied
 * from its row. Units that were in stock already get no event: nothing happened to them.
 */
export async function insertReceiptUnits(db: Db, ctx: ReceivingContext, units: ReadonlyArray<ReceiptUnitInput>): Promise<void> {
  if (units.length === 0) return;
  await sql`
    WITH input AS (
      SELECT * FROM unnest(${units.map((u) => u.productId)}::bigint[], ${units.map((u) => u.serial)}::text[],
                           ${units.map((u) => u.outcome)}::text[], ${units.map((u) => u.expected)}::boolean[],
                           ${units.map((u) => u.scanned)}::boolean[], ${units.map((u) => u.lot)}::text[],
                           ${units.map((u) => u.expiry)}::date[])
             WITH ORDINALITY AS t(product_id, serial, outcome, expected, scanned, lot, expiry, n)
    ),
    receipt AS (
      SELECT notice_id FROM receipts WHERE tenant_id = ${ctx.tenantId}::uuid AND id = ${ctx.receiptId}::uuid
    ),
    added AS (
      INSERT INTO receipt_units (tenant_id, receipt_id, product_id, serial, notice_id, outcome, scanned, received_at)
      SELECT ${ctx.tenantId}::uuid, ${ctx.receiptId}::uuid, i.product_id, i.serial, (SELECT notice_id FROM receipt), i.outcome, i.scanned,
             ${ctx.at}::timestamptz
      FROM input i
      ORDER BY i.n
    )
    INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
    SELECT ${ctx.tenantId}::uuid, i.product_id, i.serial, 'received', NULL, ${ctx.at}::timestamptz, ${ctx.actor}, ${ctx.station},
           jsonb_strip_nulls(jsonb_build_object(
             'receiptId', ${ctx.receiptId}::text, 'reference', ${ctx.reference}::text, 'noticeReference', ${ctx.noticeReference}::text,
             'expected', i.expected, 'scanned', i.scanned, 'lot', i.lot, 'expiry', i.expiry))
    FROM input i
    WHERE i.outcome = 'received'
    ORDER BY i.n
  `.execute(db);
}

/** How many units the receipt registered, and how many it found in stock already. */
export async function countReceiptUnits(db: Db, tenantId: string, receiptId: string): Promise<{ received: number; alreadyInStock: number }> {
  const rows = await sql<{ received: number; already_in_stock: number }>`
    SELECT count(*) FILTER (WHERE outcome = 'received')::int AS received,
           count(*) FILTER (WHERE outcome = 'already_in_stock')::int AS already_in_stock
    FROM receipt_units WHERE tenant_id = ${tenantId}::uuid AND receipt_id = ${receiptId}::uuid
  `.execute(db);
  const row = rows.rows[0];
  return { received: row?.received ?? 0, alreadyInStock: row?.already_in_stock ?? 0 };
}

/**
 * The registry's units carrying any of `serials`, with the order each last went to: of the SKUs
 * `productIds`, or of every SKU when null. One index lookup per distinct serial, whatever the
 * planner believes: the LATERAL subquery with OFFSET 0 is not flattened, so a table whose
 * statistics are stale (just filled by a large receipt) cannot turn this into a nested loop over
 * the whole input per unit (measured: 100,000 serials took 6 minutes that way, 1 s this way).
 */
export async function findRegistryUnits(db: Db, tenantId: string, serials: string[], productIds: number[] | null): Promise<RegistryUnit[]> {
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
    SELECT u.product_id, u.sku, u.serial, u.status, u.hold, u.order_id, u.order_number
    FROM (SELECT DISTINCT serial FROM unnest(${serials}::text[]) AS s(serial)) t
    CROSS JOIN LATERAL (
      SELECT u.product_id, p.sku, u.serial, u.status, u.hold, u.order_id, o.order_number
      FROM serial_units u
      JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
      LEFT JOIN orders o ON o.tenant_id = u.tenant_id AND o.id = u.order_id
      WHERE u.tenant_id = ${tenantId}::uuid AND u.serial = t.serial
        AND (${productIds}::bigint[] IS NULL OR u.product_id = any(${productIds}::bigint[]))
      OFFSET 0
    ) u
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

/** Deletes those of the receipts that took in no unit (an import whose rows were all bad); returns their ids. */
export async function deleteEmptyReceipts(db: Db, tenantId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }>`
    DELETE FROM receipts r
    WHERE r.tenant_id = ${tenantId}::uuid AND r.id = any(${ids}::uuid[])
      AND NOT EXISTS (SELECT 1 FROM receipt_units u WHERE u.tenant_id = r.tenant_id AND u.receipt_id = r.id)
    RETURNING r.id
  `.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}
