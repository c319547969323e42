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
import { actorNames } from './actors.service.ts';
import { recordAudit } from './audit.service.ts';

export type { OrderRow };

export type CaptureDetail = CaptureRow & { capturedByName: string };

/** A serial of a shipped order that proved wrong and what replaced it (corrections.service). */
export type CorrectionDetail = {
  serial: string;
  newSerial: string;
  reason: string;
  correctedAt: Date;
  correctedByName: string;
};

export type OrderLineDetail = {
  sku: string;
  name: string;
  gtin: string | null;
  quantity: number;
  needsSerialNumber: boolean;
  captured: number;
  /** the serials the line holds now (a corrected serial is replaced by its correction) */
  serials: string[];
  captures: CaptureDetail[];
  /** corrections of the line's serials, oldest first */
  corrections: CorrectionDetail[];
};

export type OrderDetail = OrderRow & { shippedByName: string | null; lines: OrderLineDetail[] };

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
      const created = await insertOrders(
        trx,
        actor.tenantId,
        orders.map((o) => ({
          orderNumber: o.orderNumber,
          type: o.type,
          customer: o.customer,
          lines: o.lines.map((l) => ({ productId: products.get(l.sku)!.id, quantity: l.quantity })),
        })),
      );
      await recordAudit(
        trx,
        actor,
        orders.map((o) => ({
          action: 'order.created',
          subjectType: 'order',
          subjectId: o.orderNumber,
          after: { type: o.type, customer: o.customer, lines: o.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) },
        })),
      );
      return created;
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
  const [productRows, name] = await Promise.all([
    findProductsBySkus(db, tenantId, lines.map((l) => l.sku)),
    actorNames(db, tenantId, [...captures.map((c) => c.capturedBy), ...(order.shippedBy ? [order.shippedBy] : [])]),
  ]);
  const products = new Map(productRows.map((p) => [p.sku, p]));
  const byId = new Map(captures.map((c) => [c.id, c]));
  // A correction takes the place of the capture it corrected: current captures are listed in the
  // order of the first capture of their chain.
  const replacing = new Map(captures.filter((c) => c.replacedBy !== null).map((c) => [c.replacedBy!, c]));
  const slotOf = (c: CaptureRow): number => {
    let at = c;
    for (let back = replacing.get(at.id); back; back = replacing.get(at.id)) at = back;
    return at.id;
  };
  return {
    ...order,
    shippedByName: order.shippedBy ? name(order.shippedBy) : null,
    lines: lines.map((line) => {
      const own = captures.filter((c) => c.lineNo === line.lineNo);
      const current = own.filter((c) => c.replacedBy === null).sort((a, b) => slotOf(a) - slotOf(b));
      const corrections = own
        .filter((c) => c.replacedBy !== null)
        .sort((a, b) => a.replacedBy! - b.replacedBy!)
        .flatMap((c) => {
          const by = byId.get(c.replacedBy!);
          if (!by) return [];
          return [{ serial: c.serial, newSerial: by.serial, reason: by.correctionReason ?? '', correctedAt: by.capturedAt, correctedByName: name(by.capturedBy) }];
        });
      return {
        sku: line.sku,
        name: products.get(line.sku)?.name ?? line.sku,
        gtin: products.get(line.sku)?.gtin ?? null,
        quantity: line.quantity,
        needsSerialNumber: line.needsSerialNumber,
        captured: current.length,
        serials: current.map((c) => c.serial),
        captures: current.map((c) => ({ ...c, capturedByName: name(c.capturedBy) })),
        corrections,
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
    const { moved } = await moveOrderUnits(
      trx,
      { tenantId: actor.tenantId, orderId: order.id, at: new Date(), actor: actor.id, station: null },
      'in_stock',
      'released',
      { reason: 'order cancelled' },
    );
    await recordAudit(trx, actor, [
      { action: 'order.cancelled', subjectType: 'order', subjectId: orderNumber, before: { status: 'open' }, after: { status: 'cancelled', unitsReleased: moved } },
    ]);
    return loadOrderDetail(trx, actor.tenantId, cancelled);
  });
}
