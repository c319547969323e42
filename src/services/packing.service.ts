import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import {
  type CaptureItem,
  type CapturePlan,
  type InterpretedScan,
  interpretScan,
  matchesOrderNumberFormat,
  missingSerials,
  type PackingLine,
  planCaptures,
} from '../core/packing.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import {
  deleteCapture,
  findCaptureContext,
  findHeldUnitsInOrder,
  findSerialsInOrder,
  findUnitsBySerials,
  insertCaptures,
  moveOrderUnits,
} from '../storage/captures.repository.ts';
import { findPackingLines, markOrderShipped, type OrderRow } from '../storage/orders.repository.ts';
import type { SettingsRow } from '../storage/tenants.repository.ts';
import { recordAudit } from './audit.service.ts';
import { findOrderOrThrow, loadOrderDetail, type OrderDetail } from './orders.service.ts';
import { emitEvents } from './webhooks.service.ts';

export const MAX_BATCH_ITEMS = 50_000;

export type LineProgress = { sku: string; serial: string; captured: number; quantity: number };

function assertOpen(order: OrderRow): void {
  if (order.status === 'shipped') {
    throw new DomainError('ORDER_ALREADY_SHIPPED', `orderNumber: ${order.orderNumber} has shipped; its serials are frozen`, {
      orderNumber: order.orderNumber,
    });
  }
  if (order.status === 'cancelled') {
    throw new DomainError('ORDER_CANCELLED', `orderNumber: ${order.orderNumber} is cancelled`, { orderNumber: order.orderNumber });
  }
}

type CaptureOptions = {
  station?: string | null;
  /** For a station scan: the text scanned, looked up as an order number with the order's context. */
  scanText?: string;
  /** For a station scan: the plain text scanned (not a GS1 scan), to refuse it when it is an order number. */
  plainScan?: () => string | null;
};

/**
 * A packer who scans another packing slip while an order is open means to switch orders, not to
 * capture the slip as a serial: an existing order number, or text matching the tenant's
 * orderNumberFormat, is refused with SCANNED_ORDER_NUMBER (the station then opens that order).
 */
function refuseOrderNumber(text: string, exists: boolean, settings: SettingsRow): void {
  const scanned = text.trim();
  if (scanned === '' || scanned.length > 64) return;
  if (exists || matchesOrderNumberFormat(scanned, settings.orderNumberFormat)) {
    throw new DomainError(
      'SCANNED_ORDER_NUMBER',
      `data: ${scanned} is ${exists ? 'the number of an order' : 'shaped like an order number'}, not a serial; open that order to pack it`,
      { orderNumber: scanned, exists },
    );
  }
}

/** The indexes behind "one unit out at a time": a racing capture that loses meets one of them. */
const ACTIVE_UNIT_INDEXES = ['order_serials_active_unit', 'order_serials_active_serial'];

/**
 * Records serials for units of an open order, all or nothing. The order row is locked for the
 * transaction, so scans into one order are judged one after another, and the registry's units of
 * the scanned serials are read under that lock and judged (core/packing.ts judgeUnit). Two packers
 * racing for one unit in two orders are not serialised by the order lock: the partial unique
 * indexes on active captures are the guarantee, and the loser's capture is judged again once the
 * winner has committed, so it gets the winner's order in its message. `itemsFor` turns the request
 * into capture items once the order's lines and the tenant's settings are read under the lock.
 */
async function capture(
  db: Db,
  actor: Actor,
  orderNumber: string,
  itemsFor: (lines: PackingLine[], settings: SettingsRow) => CaptureItem[],
  options: CaptureOptions,
) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await captureOnce(db, actor, orderNumber, itemsFor, options);
    } catch (error) {
      if (attempt < 3 && ACTIVE_UNIT_INDEXES.some((index) => isUniqueViolation(error, index))) continue;
      if (ACTIVE_UNIT_INDEXES.some((index) => isUniqueViolation(error, index))) {
        throw new DomainError('SERIAL_ALREADY_PACKED', 'serial: another order took this unit at the same moment; scan it again', {});
      }
      throw error;
    }
  }
}

async function captureOnce(
  db: Db,
  actor: Actor,
  orderNumber: string,
  itemsFor: (lines: PackingLine[], settings: SettingsRow) => CaptureItem[],
  options: CaptureOptions,
) {
  return db.transaction().execute(async (trx) => {
    const order = await findOrderOrThrow(trx, actor.tenantId, orderNumber, true);
    assertOpen(order);
    const probe = options.scanText?.trim();
    const { lines, settings, orderExists, webhookWanted } = await findCaptureContext(trx, actor.tenantId, order.id, {
      orderNumber: probe && probe.length <= 64 ? probe : null,
      eventType: 'serial.captured',
    });
    const items = itemsFor(lines, settings);
    const plain = options.plainScan?.();
    if (plain) refuseOrderNumber(plain, orderExists && plain.trim() === probe, settings);
    const serials = [...new Set(items.map((item) => item.serial.trim()))];
    const scope = settings.duplicateScope;
    const productIds = scope === 'tenant' ? null : [...new Set(lines.map((line) => line.productId))];
    const [serialsInOrder, units] = await Promise.all([
      scope === 'order' ? findSerialsInOrder(trx, actor.tenantId, order.id, serials) : Promise.resolve(new Set<string>()),
      findUnitsBySerials(trx, actor.tenantId, serials, productIds),
    ]);
    const rules = { scope, allowDuplicates: settings.allowDuplicateSerialsInOrder, requireReceived: settings.requireReceivedSerials };
    const plan = planCaptures({ lines, orderId: order.id, serialsInOrder, units, items, rules });
    if (plan.problems.length === 0) {
      const at = new Date();
      const station = options.station ?? null;
      try {
        await insertCaptures(
          trx,
          { tenantId: actor.tenantId, orderId: order.id, at, actor: actor.id, station },
          plan.accepted,
          { uniqueInOrder: scope === 'order' && !settings.allowDuplicateSerialsInOrder, scope },
        );
      } catch (error) {
        if (isUniqueViolation(error, 'order_serials_unique_in_order')) {
          throw new DomainError('SERIAL_DUPLICATE_IN_ORDER', 'serial: already captured in this order', {});
        }
        throw error;
      }
      // One event per capture request, in its transaction: a refused or failed capture emits nothing
      // (and no statement runs when no endpoint wants it).
      if (webhookWanted) await emitEvents(trx, actor.tenantId, [
        {
          type: 'serial.captured',
          data: {
            orderNumber: order.orderNumber,
            capturedAt: at.toISOString(),
            capturedBy: actor.id,
            station,
            serials: plan.accepted.map((a) => ({ sku: a.sku, serial: a.serial, scanned: a.scanned, lot: a.lot, expiry: a.expiry })),
          },
        },
      ]);
    }
    return { lines, plan };
  });
}

export async function captureSerial(
  db: Db,
  actor: Actor,
  orderNumber: string,
  item: CaptureItem,
  options: CaptureOptions = {},
): Promise<LineProgress> {
  return progressOf(await capture(db, actor, orderNumber, () => [item], options));
}

/** The line's progress after a single accepted capture, or the capture's problem as an error. */
function progressOf({ lines, plan }: { lines: PackingLine[]; plan: CapturePlan }): LineProgress {
  const problem = plan.problems[0];
  if (problem) throw new DomainError(problem.code, problem.message, { sku: problem.sku, serial: problem.serial, ...problem.details });
  const accepted = plan.accepted[0];
  const line = lines.find((l) => l.lineNo === accepted.lineNo)!;
  return { sku: accepted.sku, serial: accepted.serial, captured: line.captured + 1, quantity: line.quantity };
}

export async function captureSerialBatch(
  db: Db,
  actor: Actor,
  orderNumber: string,
  items: CaptureItem[],
  options: CaptureOptions = {},
): Promise<{ captured: number; lines: Array<{ sku: string; captured: number; quantity: number }> }> {
  if (items.length === 0) throw new DomainError('VALIDATION_FAILED', 'items: list at least one item', { field: 'items' });
  if (items.length > MAX_BATCH_ITEMS) {
    throw new DomainError('VALIDATION_FAILED', `items: at most ${MAX_BATCH_ITEMS} per batch`, { field: 'items' });
  }
  const { lines, plan } = await capture(db, actor, orderNumber, () => items, options);
  if (plan.problems.length > 0) {
    const first = plan.problems[0];
    throw new DomainError(
      'BATCH_REJECTED',
      `items[${first.index}]: ${first.message}${plan.problems.length > 1 ? ` (and ${plan.problems.length - 1} more)` : ''}; nothing was captured`,
      { items: plan.problems.map((p) => ({ index: p.index, code: p.code, message: p.message, ...(p.details ? { details: p.details } : {}) })) },
    );
  }
  const added = new Map<number, number>();
  for (const a of plan.accepted) added.set(a.lineNo, (added.get(a.lineNo) ?? 0) + 1);
  return {
    captured: plan.accepted.length,
    lines: lines.map((l) => ({ sku: l.sku, captured: l.captured + (added.get(l.lineNo) ?? 0), quantity: l.quantity })),
  };
}

/**
 * What a packing station sends for every scan: the raw data (a plain serial, a GS1 element string
 * or a Digital Link) and, when the packer chose a line, its SKU. Lot and expiry of a GS1 scan are
 * kept with the unit.
 */
export async function recordScan(
  db: Db,
  actor: Actor,
  orderNumber: string,
  input: { data: string; sku?: string; scanned?: boolean },
  options: CaptureOptions = {},
): Promise<LineProgress & { lot: string | null; expiry: string | null; gtin: string | null }> {
  let scan: InterpretedScan | undefined;
  const result = await capture(
    db,
    actor,
    orderNumber,
    (lines, settings) => {
      scan = interpretScan({
        data: input.data,
        sku: input.sku,
        lines,
        referenceYear: new Date().getUTCFullYear(),
        fnc1Substitute: settings.gs1Fnc1Substitute,
      });
      return [{ sku: scan.sku, serial: scan.serial, scanned: input.scanned ?? true, lot: scan.lot, expiry: scan.expiry }];
    },
    { ...options, scanText: input.data, plainScan: () => (scan && scan.gtin === null ? input.data : null) },
  );
  const progress = progressOf(result);
  return { ...progress, lot: scan!.lot, expiry: scan!.expiry, gtin: scan!.gtin };
}

/** Removes a mis-scan before shipping: the latest capture of that serial on that SKU's line. */
export async function removeSerial(
  db: Db,
  actor: Actor,
  orderNumber: string,
  item: { sku: string; serial: string },
  options: CaptureOptions = {},
): Promise<LineProgress> {
  return db.transaction().execute(async (trx) => {
    const order = await findOrderOrThrow(trx, actor.tenantId, orderNumber, true);
    assertOpen(order);
    const lines = await findPackingLines(trx, actor.tenantId, order.id);
    const line = lines.find((l) => l.sku === item.sku);
    if (!line) throw new DomainError('ORDER_LINE_NOT_FOUND', `sku: ${item.sku} is not on this order`, { sku: item.sku });
    const serial = item.serial.trim();
    const removed = await deleteCapture(
      trx,
      { tenantId: actor.tenantId, orderId: order.id, at: new Date(), actor: actor.id, station: options.station ?? null },
      line.productId,
      serial,
    );
    if (!removed) {
      throw new DomainError('SERIAL_NOT_FOUND', `serial: ${serial} is not captured for ${item.sku} in this order`, {
        sku: item.sku,
        serial,
      });
    }
    return { sku: line.sku, serial, captured: line.captured - 1, quantity: line.quantity };
  });
}

/** Dispatches an order once every serialized unit has its serial; its serials are frozen after. */
export async function shipOrder(
  db: Db,
  actor: Actor,
  orderNumber: string,
  input: { carrier?: string | null; trackingNumber?: string | null },
  options: CaptureOptions = {},
): Promise<OrderDetail> {
  return db.transaction().execute(async (trx) => {
    const order = await findOrderOrThrow(trx, actor.tenantId, orderNumber, true);
    assertOpen(order);
    const { lines, webhookWanted } = await findCaptureContext(trx, actor.tenantId, order.id, { orderNumber: null, eventType: 'order.shipped' });
    const missing = missingSerials(lines);
    if (missing.length > 0) {
      const summary = missing.map((m) => `${m.sku} needs ${m.missing} more (${m.captured} of ${m.quantity})`).join('; ');
      throw new DomainError('SERIALS_MISSING', `serials missing: ${summary}`, { lines: missing });
    }
    const at = new Date();
    const shipped = await markOrderShipped(trx, actor.tenantId, order.id, {
      carrier: input.carrier?.trim() || null,
      trackingNumber: input.trackingNumber?.trim() || null,
      shippedAt: at,
      shippedBy: actor.id,
    });
    const { held } = await moveOrderUnits(
      trx,
      { tenantId: actor.tenantId, orderId: order.id, at, actor: actor.id, station: options.station ?? null },
      'shipped',
      'shipped',
      { carrier: shipped.carrier, trackingNumber: shipped.trackingNumber },
    );
    if (held > 0) {
      // Thrown inside the transaction: the order stays open and nothing moved.
      const units = await findHeldUnitsInOrder(trx, actor.tenantId, order.id);
      const recalled = units.some((u) => u.hold === 'recalled');
      const list = units.map((u) => `${u.serial} (${u.sku}, ${u.hold})`).join(', ');
      throw new DomainError(
        recalled ? 'SERIAL_RECALLED' : 'SERIAL_ON_HOLD',
        `serials: ${units.length} unit${units.length === 1 ? ' is' : 's are'} held and may not ship: ${list}; remove ${units.length === 1 ? 'it' : 'them'} from the order`,
        { units },
      );
    }
    await recordAudit(trx, actor, [
      {
        action: 'order.shipped',
        subjectType: 'order',
        subjectId: order.orderNumber,
        before: { status: 'open' },
        after: { status: 'shipped', carrier: shipped.carrier, trackingNumber: shipped.trackingNumber },
      },
    ]);
    const detail = await loadOrderDetail(trx, actor.tenantId, shipped);
    // The event lists every serial of the order: built only when an endpoint wants it.
    if (webhookWanted) await emitEvents(trx, actor.tenantId, [
      {
        type: 'order.shipped',
        data: {
          orderNumber: detail.orderNumber,
          type: detail.type,
          customer: detail.customer,
          carrier: detail.carrier,
          trackingNumber: detail.trackingNumber,
          shippedAt: at.toISOString(),
          shippedBy: actor.id,
          lines: detail.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, serials: l.serials })),
        },
      },
    ]);
    return detail;
  });
}
