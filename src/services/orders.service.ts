import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor, OrderStatus } from '../core/model.ts';
import { checkOrder, type OrderInput, Problems } from '../core/validate.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import { type CaptureRow, findCapturesForOrder, moveOrderUnits } from '../storage/captures.repository.ts';
import {
  findExistingOrderNumbers,
  findOrderByNumber,
  findPackingLines,
  insertOrders,
  listOrders,
  markOrderCancelled,
  type OrderRow,
} from '../storage/orders.repository.ts';
import { findProductsBySkus, type ProductRow } from '../storage/products.repository.ts';

export type { OrderRow };

export type OrderLineDetail = {
  sku: string;
  name: string;
  gtin: string | null;
  quantity: number;
  needsSerialNumber: boolean;
  captured: number;
  serials: string[];
  captures: CaptureRow[];
};

export type OrderDetail = OrderRow & { lines: OrderLineDetail[] };

/** Maps the SKUs of new orders to products; unknown SKUs fail the whole request. */
async function resolveSkus(db: Db, tenantId: string, orders: OrderInput[]): Promise<Map<string, ProductRow>> {
  const skus = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))];
  const products = new Map((await findProductsBySkus(db, tenantId, skus)).map((p) => [p.sku, p]));
  const missing = skus.filter((s) => !products.has(s));
  if (missing.length > 0) {
    throw new DomainError(
      'PRODUCTS_NOT_FOUND',
      `lines: ${missing.length} unknown SKU(s): ${missing.slice(0, 20).join(', ')}; create the products first`,
      { skus: missing },
    );
  }
  return products;
}

/** Inserts validated orders in one transaction (all or none). */
export async function insertValidatedOrders(db: Db, actor: Actor, orders: OrderInput[]): Promise<OrderRow[]> {
  return db.transaction().execute(async (trx) => {
    const products = await resolveSkus(trx, actor.tenantId, orders);
    const taken = await findExistingOrderNumbers(trx, actor.tenantId, orders.map((o) => o.orderNumber));
    if (taken.length > 0) {
      throw new DomainError('ORDER_ALREADY_EXISTS', `orderNumber: ${taken.slice(0, 20).join(', ')} already exist(s)`, {
        orderNumbers: taken,
      });
    }
    try {
      return await insertOrders(
        trx,
        actor.tenantId,
        orders.map((o) => ({
          orderNumber: o.orderNumber,
          type: o.type,
          customer: o.customer,
          lines: o.lines.map((l) => ({ productId: products.get(l.sku)!.id, quantity: l.quantity })),
        })),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('ORDER_ALREADY_EXISTS', 'orderNumber: an order with this number was just created', {});
      }
      throw error;
    }
  });
}

export async function createOrder(db: Db, actor: Actor, raw: Record<string, unknown>): Promise<OrderDetail> {
  const problems = new Problems();
  const input = checkOrder(problems, '', raw);
  problems.throwIfAny();
  const [order] = await insertValidatedOrders(db, actor, [input]);
  return loadOrderDetail(db, actor.tenantId, order);
}

export async function findOrderOrThrow(db: Db, tenantId: string, orderNumber: string, lock = false): Promise<OrderRow> {
  const order = await findOrderByNumber(db, tenantId, orderNumber, { lock });
  if (!order) throw new DomainError('ORDER_NOT_FOUND', `orderNumber: no order ${orderNumber}`, { orderNumber });
  return order;
}

export async function loadOrderDetail(db: Db, tenantId: string, order: OrderRow): Promise<OrderDetail> {
  const [lines, captures] = await Promise.all([
    findPackingLines(db, tenantId, order.id),
    findCapturesForOrder(db, tenantId, order.id),
  ]);
  const products = new Map((await findProductsBySkus(db, tenantId, lines.map((l) => l.sku))).map((p) => [p.sku, p]));
  return {
    ...order,
    lines: lines.map((line) => {
      const own = captures.filter((c) => c.lineNo === line.lineNo);
      return {
        sku: line.sku,
        name: products.get(line.sku)?.name ?? line.sku,
        gtin: products.get(line.sku)?.gtin ?? null,
        quantity: line.quantity,
        needsSerialNumber: line.needsSerialNumber,
        captured: own.length,
        serials: own.map((c) => c.serial),
        captures: own,
      };
    }),
  };
}

export async function getOrder(db: Db, actor: Actor, orderNumber: string): Promise<OrderDetail> {
  const order = await findOrderOrThrow(db, actor.tenantId, orderNumber);
  return loadOrderDetail(db, actor.tenantId, order);
}

export async function findOrders(
  db: Db,
  actor: Actor,
  query: { status?: OrderStatus; q?: string; limit: number; cursor?: string },
): Promise<Page<OrderRow>> {
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number'] as const)[0];
  const rows = await listOrders(db, actor.tenantId, {
    status: query.status,
    q: query.q?.trim() || undefined,
    beforeId,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? encodeCursor([items[items.length - 1].id]) : null;
  return { items, nextCursor };
}

/** Cancels an open order; units captured in it go back to stock. Cancelling twice is harmless. */
export async function cancelOrder(db: Db, actor: Actor, orderNumber: string): Promise<OrderDetail> {
  return db.transaction().execute(async (trx) => {
    const order = await findOrderOrThrow(trx, actor.tenantId, orderNumber, true);
    if (order.status === 'shipped') {
      throw new DomainError('ORDER_ALREADY_SHIPPED', `orderNumber: ${orderNumber} has shipped and cannot be cancelled`);
    }
    if (order.status === 'cancelled') return loadOrderDetail(trx, actor.tenantId, order);
    const cancelled = await markOrderCancelled(trx, actor.tenantId, order.id);
    await moveOrderUnits(trx, { tenantId: actor.tenantId, orderId: order.id, at: new Date(), actor: actor.id, station: null }, 'in_stock', 'released', {
      reason: 'order cancelled',
    });
    return loadOrderDetail(trx, actor.tenantId, cancelled);
  });
}
