import { type CorrectionRequest, planCorrection } from '../core/corrections.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { CorrectionLost, findCapturesForOrder, findUnitsBySerials, insertCorrection } from '../storage/captures.repository.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import { findPackingLines } from '../storage/orders.repository.ts';
import { findSettings } from '../storage/tenants.repository.ts';
import { recordAudit } from './audit.service.ts';
import { findOrderOrThrow, loadOrderDetail, type OrderDetail } from './orders.service.ts';

/** The indexes behind "one unit out at a time" (as for captures). */
const ACTIVE_UNIT_INDEXES = ['order_serials_active_unit', 'order_serials_active_serial'];

/**
 * Corrects a serial of a shipped order that proved wrong (the packer scanned another unit's label):
 * the new serial takes the old one's place in the order, shipped, and the old unit goes back to
 * where it was before; nothing in the history is edited, both units get an event saying so
 * (core/corrections.ts decides, captures.repository.ts insertCorrection writes). Judged under the
 * order's lock with the new serial's unit row locked, so two corrections of one capture are judged
 * one after the other (the second is told what replaced it), and a recall cannot slip in between.
 * A capture elsewhere racing for the new unit meets the active-unit indexes; the correction is then
 * judged again and refused naming the order that took it.
 */
export async function correctSerial(
  db: Db,
  actor: Actor,
  orderNumber: string,
  request: CorrectionRequest & { scanned?: boolean },
  options: { station?: string | null } = {},
): Promise<OrderDetail> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await correctOnce(db, actor, orderNumber, request, options);
    } catch (error) {
      const raced = ACTIVE_UNIT_INDEXES.some((index) => isUniqueViolation(error, index));
      if (raced && attempt < 3) continue;
      if (raced) throw new DomainError('SERIAL_ALREADY_PACKED', 'newSerial: another order took this unit at the same moment', {});
      if (isUniqueViolation(error, 'order_serials_unique_in_order')) {
        throw new DomainError('SERIAL_DUPLICATE_IN_ORDER', `newSerial: ${request.newSerial.trim()} is already captured in this order`, {});
      }
      if (error instanceof CorrectionLost || isUniqueViolation(error, 'order_serials_replaced_by')) {
        throw new DomainError('SERIAL_ALREADY_CORRECTED', `serial: ${request.serial.trim()} was corrected at the same moment by another request`, {
          serial: request.serial.trim(),
        });
      }
      throw error;
    }
  }
}

async function correctOnce(
  db: Db,
  actor: Actor,
  orderNumber: string,
  request: CorrectionRequest & { scanned?: boolean },
  options: { station?: string | null },
): Promise<OrderDetail> {
  return db.transaction().execute(async (trx) => {
    const order = await findOrderOrThrow(trx, actor.tenantId, orderNumber, true);
    const [lines, settings, captures] = await Promise.all([
      findPackingLines(trx, actor.tenantId, order.id),
      findSettings(trx, actor.tenantId),
      findCapturesForOrder(trx, actor.tenantId, order.id),
    ]);
    const scope = settings.duplicateScope;
    const productIds = scope === 'tenant' ? null : [...new Set(lines.map((line) => line.productId))];
    const units = await findUnitsBySerials(trx, actor.tenantId, [request.newSerial.trim()], productIds, { lock: true });
    const rules = { scope, allowDuplicates: settings.allowDuplicateSerialsInOrder, requireReceived: settings.requireReceivedSerials };
    const plan = planCorrection({ order, lines, captures, units, rules, request });
    const written = await insertCorrection(
      trx,
      { tenantId: actor.tenantId, orderId: order.id, at: new Date(), actor: actor.id, station: options.station ?? null },
      {
        oldCaptureId: plan.capture.id,
        lineNo: plan.line.lineNo,
        productId: plan.line.productId,
        oldSerial: plan.capture.serial,
        newSerial: plan.newSerial,
        reason: plan.reason,
        scanned: request.scanned ?? false,
        uniqueInOrder: scope === 'order' && !settings.allowDuplicateSerialsInOrder,
        scope,
        shippedAt: order.shippedAt!,
      },
    );
    if (!written) throw new CorrectionLost();
    await recordAudit(trx, actor, [
      {
        action: 'order.serial_corrected',
        subjectType: 'order',
        subjectId: order.orderNumber,
        before: { sku: plan.line.sku, serial: plan.capture.serial },
        after: { sku: plan.line.sku, serial: plan.newSerial, reason: plan.reason },
      },
    ]);
    return loadOrderDetail(trx, actor.tenantId, order);
  });
}
