import type { Readable } from 'node:stream';
import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { OrderType } from '../core/model.ts';
import type { SerialRange } from '../core/serial-range.ts';
import type { Db } from './database.ts';
import { escapeLike } from './products.repository.ts';
import { unitSelectionSql } from './serial-selection.ts';

export type SerialReportFilter = {
  shippedFrom?: Date;
  /** exclusive */
  shippedBefore?: Date;
  sku?: string;
  orderNumber?: string;
  customer?: string;
  /** Only these serials: exact ones, and ranges by their numeric part (core/serial-range.ts). */
  serials?: { serials: string[]; ranges: SerialRange[] };
};

export type SerialReportRow = {
  serial: string;
  sku: string;
  productName: string;
  orderNumber: string;
  orderType: OrderType;
  customerName: string;
  customerEmail: string | null;
  customerCompany: string | null;
  shippedAt: Date;
  scanned: boolean;
  orderId: number;
  captureId: number;
};

export type ReportKey = { shippedAt: Date; orderId: number; captureId: number };

/**
 * The report's WHERE clause as text with $n placeholders, written once for both the paged JSON
 * query and the COPY export (which cannot take bind parameters and gets escaped literals instead).
 */
function reportWhere(tenantId: string, filter: SerialReportFilter, after: ReportKey | null) {
  const params: unknown[] = [tenantId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // A corrected capture is not in the report: the capture that corrected it is.
  const clauses = [`o.tenant_id = $1::uuid`, `o.status = 'shipped'`, `s.replaced_by IS NULL`];
  if (filter.shippedFrom) clauses.push(`o.shipped_at >= ${p(filter.shippedFrom.toISOString())}::timestamptz`);
  if (filter.shippedBefore) clauses.push(`o.shipped_at < ${p(filter.shippedBefore.toISOString())}::timestamptz`);
  if (filter.sku) clauses.push(`p.sku = ${p(filter.sku)}`);
  if (filter.orderNumber) clauses.push(`o.order_number = ${p(filter.orderNumber)}`);
  if (filter.customer) {
    const pattern = p(`%${escapeLike(filter.customer)}%`);
    clauses.push(
      `(o.customer_name ILIKE ${pattern} OR o.customer_email ILIKE ${pattern} OR o.customer_company ILIKE ${pattern} OR o.customer_external_id = ${p(filter.customer)})`,
    );
  }
  if (filter.serials) {
    // Every capture has its unit in serial_units, whose range_key the range index covers.
    const match = unitSelectionSql('u', filter.serials, p) ?? 'false';
    clauses.push(`(s.product_id, s.serial) IN (SELECT u.product_id, u.serial FROM serial_units u WHERE u.tenant_id = $1::uuid AND ${match})`);
  }
  if (after) {
    clauses.push(
      `(o.shipped_at, o.id, s.id) > (${p(after.shippedAt.toISOString())}::timestamptz, ${p(after.orderId)}::bigint, ${p(after.captureId)}::bigint)`,
    );
  }
  return { text: clauses.join(' AND '), params };
}

const FROM = `
  FROM orders o
  JOIN order_serials s ON s.tenant_id = o.tenant_id AND s.order_id = o.id
  JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id`;

const ORDER = `ORDER BY o.shipped_at, o.id, s.id`;

export async function findSerialReportPage(
  db: Db,
  tenantId: string,
  filter: SerialReportFilter,
  after: ReportKey | null,
  limit: number,
): Promise<SerialReportRow[]> {
  const where = reportWhere(tenantId, filter, after);
  const text = `
    SELECT s.serial, p.sku, p.name AS product_name, o.order_number, o.type AS order_type,
           o.customer_name, o.customer_email, o.customer_company, o.shipped_at, s.scanned,
           o.id AS order_id, s.id AS capture_id
    ${FROM}
    WHERE ${where.text}
    ${ORDER}
    LIMIT ${Number(limit)}`;
  const rows = await db.executeQuery<{
    serial: string;
    sku: string;
    product_name: string;
    order_number: string;
    order_type: OrderType;
    customer_name: string;
    customer_email: string | null;
    customer_company: string | null;
    shipped_at: Date;
    scanned: boolean;
    order_id: number;
    capture_id: number;
  }>(CompiledQuery.raw(text, where.params));
  return rows.rows.map((r) => ({
    serial: r.serial,
    sku: r.sku,
    productName: r.product_name,
    orderNumber: r.order_number,
    orderType: r.order_type,
    customerName: r.customer_name,
    customerEmail: r.customer_email,
    customerCompany: r.customer_company,
    shippedAt: r.shipped_at,
    scanned: r.scanned,
    orderId: r.order_id,
    captureId: r.capture_id,
  }));
}

/** Serialized units shipped per UTC day under the same filter (for the report's chart). */
export async function findSerialReportDaily(
  db: Db,
  tenantId: string,
  filter: SerialReportFilter,
): Promise<Array<{ date: string; units: number }>> {
  const where = reportWhere(tenantId, filter, null);
  const text = `
    SELECT to_char(o.shipped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, count(*)::int AS units
    ${FROM}
    WHERE ${where.text}
    GROUP BY 1
    ORDER BY 1`;
  const result = await db.executeQuery<{ date: string; units: number }>(CompiledQuery.raw(text, where.params));
  return result.rows;
}

export const SERIAL_REPORT_CSV_COLUMNS = [
  'serial',
  'sku',
  'productName',
  'orderNumber',
  'orderType',
  'customerName',
  'customerEmail',
  'customerCompany',
  'shippedAt',
  'captureMethod',
] as const;

// Spreadsheets run a cell that starts with = + - @ (or a tab / CR) as a formula: such text gets a
// leading apostrophe in this export, which is meant to be opened in one.
const safe = (expr: string) => `CASE WHEN ${expr} ~ '^[=+@\\t\\r-]' THEN '''' || ${expr} ELSE ${expr} END`;

/**
 * Streams the report as CSV straight out of PostgreSQL (COPY ... TO STDOUT): rows flow from the
 * server to the caller with backpressure and nothing is held in memory. The pool client is given
 * back when the stream ends, fails or is destroyed (a client that hung up).
 */
export async function copySerialReportCsv(pool: pg.Pool, tenantId: string, filter: SerialReportFilter): Promise<Readable> {
  const client = await pool.connect();
  const where = reportWhere(tenantId, filter, null);
  const inlined = where.text.replace(/\$(\d+)/g, (_, n: string) => client.escapeLiteral(String(where.params[Number(n) - 1])));
  const query = `
    COPY (
      SELECT ${safe('s.serial')}, ${safe('p.sku')}, ${safe('p.name')}, ${safe('o.order_number')}, o.type,
             ${safe('o.customer_name')}, ${safe('o.customer_email')}, ${safe('o.customer_company')},
             to_char(o.shipped_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             CASE WHEN s.scanned THEN 'scanned' ELSE 'typed' END
      ${FROM}
      WHERE ${inlined}
      ${ORDER}
    ) TO STDOUT WITH (FORMAT csv)`;
  const stream = client.query(copyTo(query));
  let released = false;
  // While the COPY holds this client its connection can die (a restart, a terminated backend): pg
  // fails the stream and then emits 'error' on the client, which ends the process when nobody
  // listens. The listener stays on a client given back broken (the pool throws it away).
  const onConnectionError = (error: Error) => release(error);
  client.on('error', onConnectionError);
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    if (!error) client.off('error', onConnectionError);
    client.release(error);
  };
  stream.on('end', () => release());
  stream.on('error', (error) => release(error));
  stream.on('close', () => release(stream.readableEnded ? undefined : new Error('report stream closed early')));
  return stream;
}
