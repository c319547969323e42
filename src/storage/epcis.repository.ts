import { sql } from 'kysely';
import type { HistoryEvent, ReceivedUnit } from '../core/epcis/index.ts';
import type { Db } from './database.ts';

export type EpcisEventFilter = {
  from?: Date;
  /** exclusive */
  before?: Date;
  sku?: string;
  serial?: string;
};

/** The id of the tenant's latest history event (0 when it has none): the end of an export. */
export async function findLastEventId(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('serial_events')
    .select(sql<number | null>`max(id)`.as('id'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.id ?? 0;
}

/**
 * One keyset page of history events in id order: those after `afterId` up to `upToId`, with the
 * unit's product and the order's number and customer id.
 */
export async function findEpcisEventPage(
  db: Db,
  tenantId: string,
  filter: EpcisEventFilter,
  range: { afterId: number; upToId: number },
  limit: number,
): Promise<HistoryEvent[]> {
  let query = db
    .selectFrom('serial_events as e')
    .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 'e.tenant_id').onRef('p.id', '=', 'e.product_id'))
    .leftJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'e.tenant_id').onRef('o.id', '=', 'e.order_id'))
    .select([
      'e.id',
      'e.type',
      'e.serial',
      'e.occurred_at',
      'e.station',
      'e.details',
      'e.corrects_event_id',
      'p.sku',
      'p.gtin',
      'o.order_number',
      'o.customer_external_id',
    ])
    .where('e.tenant_id', '=', tenantId)
    .where('e.id', '>', range.afterId)
    .where('e.id', '<=', range.upToId);
  if (filter.from) query = query.where('e.occurred_at', '>=', filter.from);
  if (filter.before) query = query.where('e.occurred_at', '<', filter.before);
  if (filter.sku !== undefined) query = query.where('p.sku', '=', filter.sku);
  if (filter.serial !== undefined) query = query.where('e.serial', '=', filter.serial);
  const rows = await query.orderBy('e.id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    serial: r.serial,
    occurredAt: r.occurred_at,
    station: r.station,
    details: r.details,
    correctsEventId: r.corrects_event_id,
    sku: r.sku,
    gtin: r.gtin,
    orderNumber: r.order_number,
    customerExternalId: r.customer_external_id,
  }));
}

export async function findProductsByGtins(
  db: Db,
  tenantId: string,
  gtins: string[],
): Promise<Array<{ id: number; sku: string; gtin: string }>> {
  if (gtins.length === 0) return [];
  const rows = await db
    .selectFrom('products')
    .select(['id', 'sku', 'gtin'])
    .where('tenant_id', '=', tenantId)
    .where('gtin', '=', sql<string>`any(${gtins}::text[])`)
    .orderBy('sku')
    .execute();
  return rows.map((r) => ({ id: r.id, sku: r.sku, gtin: r.gtin! }));
}

/**
 * Registers units announced by an EPCIS document and appends their 'received' events, in one
 * set-based statement whatever the number of units: units new to the tenant are created in stock
 * (a unit that exists keeps its status), and every planned unit gets its event, in input order.
 * Returns how many units were new.
 */
export async function insertReceivedUnits(
  db: Db,
  ctx: { tenantId: string; at: Date; actor: string },
  units: ReceivedUnit[],
): Promise<{ registered: number }> {
  if (units.length === 0) return { registered: 0 };
  const productIds = units.map((u) => u.productId);
  const serials = units.map((u) => u.serial);
  const lots = units.map((u) => u.lot);
  const expiries = units.map((u) => u.expiry);
  const details = units.map((u) => JSON.stringify(u.details));
  const result = await sql<{ registered: number }>`
    WITH input AS (
      SELECT DISTINCT ON (product_id, serial) product_id, serial, lot, expiry
      FROM unnest(${productIds}::bigint[], ${serials}::text[], ${lots}::text[], ${expiries}::date[])
           WITH ORDINALITY AS t(product_id, serial, lot, expiry, n)
      ORDER BY product_id, serial, n
    ),
    units AS (
      INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, lot, expiry, first_seen_at, updated_at)
      SELECT ${ctx.tenantId}::uuid, i.product_id, i.serial, 'in_stock', NULL, i.lot, i.expiry, ${ctx.at}::timestamptz, ${ctx.at}::timestamptz
      FROM input i
      ON CONFLICT (tenant_id, product_id, serial) DO NOTHING
      RETURNING 1
    ),
    events AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor, station, details)
      SELECT ${ctx.tenantId}::uuid, t.product_id, t.serial, 'received', NULL, ${ctx.at}::timestamptz, ${ctx.actor}, NULL, t.details::jsonb
      FROM unnest(${productIds}::bigint[], ${serials}::text[], ${details}::text[]) WITH ORDINALITY AS t(product_id, serial, details, n)
      ORDER BY t.n
      RETURNING 1
    )
    SELECT (SELECT count(*)::int FROM units) AS registered, (SELECT count(*)::int FROM events) AS received
  `.execute(db);
  return { registered: result.rows[0]?.registered ?? 0 };
}
