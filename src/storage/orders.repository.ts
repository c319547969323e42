import { sql } from 'kysely';
import type { Customer, OrderStatus, OrderType } from '../core/model.ts';
import type { PackingLine } from '../core/packing.ts';
import type { Db } from './database.ts';
import { escapeLike } from './products.repository.ts';

export type OrderRow = {
  id: number;
  orderNumber: string;
  type: OrderType;
  status: OrderStatus;
  customer: Customer;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: Date | null;
  createdAt: Date;
};

export type NewOrder = {
  orderNumber: string;
  type: OrderType;
  customer: Customer;
  lines: Array<{ productId: number; quantity: number }>;
};

const orderColumns = [
  'id',
  'order_number',
  'type',
  'status',
  'customer_name',
  'customer_email',
  'customer_company',
  'customer_external_id',
  'carrier',
  'tracking_number',
  'shipped_at',
  'created_at',
] as const;

type RawOrder = {
  id: number;
  order_number: string;
  type: OrderType;
  status: OrderStatus;
  customer_name: string;
  customer_email: string | null;
  customer_company: string | null;
  customer_external_id: string | null;
  carrier: string | null;
  tracking_number: string | null;
  shipped_at: Date | null;
  created_at: Date;
};

function toOrder(r: RawOrder): OrderRow {
  return {
    id: r.id,
    orderNumber: r.order_number,
    type: r.type,
    status: r.status,
    customer: {
      name: r.customer_name,
      email: r.customer_email,
      company: r.customer_company,
      externalId: r.customer_external_id,
    },
    carrier: r.carrier,
    trackingNumber: r.tracking_number,
    shippedAt: r.shipped_at,
    createdAt: r.created_at,
  };
}

/** Inserts orders with their lines: one statement for the orders, one for all their lines. */
export async function insertOrders(db: Db, tenantId: string, orders: NewOrder[]): Promise<OrderRow[]> {
  if (orders.length === 0) return [];
  const rows = await db
    .insertInto('orders')
    .values(
      orders.map((o) => ({
        tenant_id: tenantId,
        order_number: o.orderNumber,
        type: o.type,
        customer_name: o.customer.name,
        customer_email: o.customer.email,
        customer_company: o.customer.company,
        customer_external_id: o.customer.externalId,
      })),
    )
    .returning(orderColumns)
    .execute();
  const idByNumber = new Map(rows.map((r) => [r.order_number, r.id]));
  const lines = orders.flatMap((o) =>
    o.lines.map((line, i) => ({
      tenant_id: tenantId,
      order_id: idByNumber.get(o.orderNumber)!,
      line_no: i + 1,
      product_id: line.productId,
      quantity: line.quantity,
    })),
  );
  for (let i = 0; i < lines.length; i += 5000) {
    await db.insertInto('order_lines').values(lines.slice(i, i + 5000)).execute();
  }
  return rows.map(toOrder);
}

export async function findOrderByNumber(
  db: Db,
  tenantId: string,
  orderNumber: string,
  options: { lock?: boolean } = {},
): Promise<OrderRow | undefined> {
  let query = db
    .selectFrom('orders')
    .select(orderColumns)
    .where('tenant_id', '=', tenantId)
    .where('order_number', '=', orderNumber);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toOrder(row);
}

export async function findExistingOrderNumbers(db: Db, tenantId: string, numbers: string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('orders')
    .select('order_number')
    .where('tenant_id', '=', tenantId)
    .where('order_number', '=', sql<string>`any(${numbers}::text[])`)
    .execute();
  return rows.map((r) => r.order_number);
}

export async function listOrders(
  db: Db,
  tenantId: string,
  filter: { status?: OrderStatus; q?: string; beforeId?: number; limit: number },
): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').select(orderColumns).where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.q) {
    const prefix = `${escapeLike(filter.q)}%`;
    const anywhere = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('order_number', 'like', prefix),
        eb('customer_name', 'ilike', anywhere),
        eb('customer_email', 'ilike', anywhere),
        eb('customer_company', 'ilike', anywhere),
      ]),
    );
  }
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toOrder);
}

/** The order's lines with their product and how many serials each has (kept on the line by captures). */
export async function findPackingLines(db: Db, tenantId: string, orderId: number): Promise<PackingLine[]> {
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.product_id'))
    .select((eb) => [
      'l.line_no',
      'l.product_id',
      'l.quantity',
      'p.sku',
      'p.needs_serial_number',
      'p.gtin',
      'p.serial_format',
      'l.captured',
    ])
    .where('l.tenant_id', '=', tenantId)
    .where('l.order_id', '=', orderId)
    .orderBy('l.line_no')
    .execute();
  return rows.map((r) => ({
    lineNo: r.line_no,
    productId: r.product_id,
    quantity: r.quantity,
    sku: r.sku,
    needsSerialNumber: r.needs_serial_number,
    captured: r.captured ?? 0,
    gtin: r.gtin,
    serialFormat: r.serial_format,
  }));
}

export async function markOrderShipped(
  db: Db,
  tenantId: string,
  orderId: number,
  shipment: { carrier: string | null; trackingNumber: string | null; shippedAt: Date; shippedBy: string },
): Promise<OrderRow> {
  const row = await db
    .updateTable('orders')
    .set({
      status: 'shipped',
      carrier: shipment.carrier,
      tracking_number: shipment.trackingNumber,
      shipped_at: shipment.shippedAt,
      shipped_by: shipment.shippedBy,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', orderId)
    .where('status', '=', 'open')
    .returning(orderColumns)
    .executeTakeFirstOrThrow();
  return toOrder(row);
}

export async function markOrderCancelled(db: Db, tenantId: string, orderId: number): Promise<OrderRow> {
  const row = await db
    .updateTable('orders')
    .set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', orderId)
    .where('status', '=', 'open')
    .returning(orderColumns)
    .executeTakeFirstOrThrow();
  return toOrder(row);
}
