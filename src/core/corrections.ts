import { DomainError } from './errors.ts';
import type { OrderStatus } from './model.ts';
import { type CaptureRules, checkSerialForLine, judgeUnit, type PackingLine, type RegistryUnit } from './packing.ts';
import { checkSerial } from './serial.ts';

/** A capture of the order as a correction sees it. */
export type CorrectableCapture = {
  id: number;
  lineNo: number;
  productId: number;
  serial: string;
  /** The capture that corrected this one, if any. */
  replacedBy: number | null;
  /** Whether it holds its unit: a shipped order's capture stops holding it when the unit comes back. */
  unitActive: boolean;
};

export type CorrectionRequest = { sku: string; serial: string; newSerial: string; reason: string };

export const CORRECTION_REASON_MAX = 500;

/**
 * Whether a shipped order's serial may be corrected to `newSerial`, and which capture that
 * corrects. Before shipping a wrong serial is removed and the right one captured; a correction is
 * for an order that has shipped. The new serial is judged like a capture: a valid serial, the SKU's
 * format, not the product's barcode, not already in the order (by the duplicate scope), and the
 * registry's rules (judgeUnit: not out in another order, not held or scrapped, in stock when
 * requireReceivedSerials). The capture corrected is the latest current capture of `serial` on the
 * SKU's line; a capture corrected before is refused naming what replaced it.
 */
export function planCorrection(input: {
  order: { id: number; orderNumber: string; status: OrderStatus };
  lines: ReadonlyArray<PackingLine>;
  /** Every capture of the order, corrected ones included. */
  captures: ReadonlyArray<CorrectableCapture>;
  /** The registry's units carrying the new serial (for scope `tenant`: of every SKU). */
  units: ReadonlyArray<RegistryUnit>;
  rules: CaptureRules;
  request: CorrectionRequest;
}): { capture: CorrectableCapture; line: PackingLine; newSerial: string; reason: string } {
  const { order, request, rules } = input;
  if (order.status === 'open') {
    throw new DomainError(
      'ORDER_NOT_SHIPPED',
      `orderNumber: ${order.orderNumber} has not shipped; remove the wrong serial and capture the right one instead`,
      { orderNumber: order.orderNumber, status: order.status },
    );
  }
  if (order.status === 'cancelled') {
    throw new DomainError('ORDER_CANCELLED', `orderNumber: ${order.orderNumber} is cancelled`, { orderNumber: order.orderNumber });
  }
  const reason = request.reason.trim();
  if (reason.length === 0 || reason.length > CORRECTION_REASON_MAX) {
    throw new DomainError('VALIDATION_FAILED', `reason: say why the serial was wrong, in 1 to ${CORRECTION_REASON_MAX} characters`, {
      field: 'reason',
    });
  }
  const line = input.lines.find((l) => l.sku === request.sku);
  if (!line) throw new DomainError('ORDER_LINE_NOT_FOUND', `sku: ${request.sku} is not on this order`, { sku: request.sku });
  const old = checkSerial(request.serial);
  if (!old.ok) throw new DomainError('SERIAL_INVALID', old.message, { field: 'serial' });
  const fresh = checkSerial(request.newSerial, 'newSerial');
  if (!fresh.ok) throw new DomainError('SERIAL_INVALID', fresh.message, { field: 'newSerial' });
  const serial = old.serial;
  const newSerial = fresh.serial;
  if (newSerial === serial) {
    throw new DomainError('VALIDATION_FAILED', `newSerial: is the serial being corrected (${serial}); give the right one`, {
      field: 'newSerial',
    });
  }

  const ofLine = input.captures.filter((c) => c.lineNo === line.lineNo && c.serial === serial);
  const capture = ofLine.filter((c) => c.replacedBy === null).at(-1);
  if (!capture) {
    const corrected = ofLine.at(-1);
    if (corrected) {
      const replacement = input.captures.find((c) => c.id === corrected.replacedBy);
      throw new DomainError(
        'SERIAL_ALREADY_CORRECTED',
        `serial: ${serial} of ${line.sku} was corrected to ${replacement?.serial ?? 'another serial'} already; correct that one instead`,
        { sku: line.sku, serial, newSerial: replacement?.serial ?? null },
      );
    }
    throw new DomainError('SERIAL_NOT_FOUND', `serial: ${serial} is not captured for ${line.sku} in this order`, { sku: line.sku, serial });
  }

  if (!capture.unitActive) {
    throw new DomainError(
      'SERIAL_ALREADY_RETURNED',
      `serial: ${serial} of ${line.sku} came back in a return of this order, so it was the unit shipped; it cannot be corrected`,
      { sku: line.sku, serial },
    );
  }

  const current = input.captures.filter((c) => c.replacedBy === null);
  const duplicate =
    rules.scope === 'order'
      ? !rules.allowDuplicates && current.some((c) => c.serial === newSerial)
      : rules.scope === 'sku'
        ? current.some((c) => c.productId === line.productId && c.serial === newSerial)
        : current.some((c) => c.serial === newSerial);
  if (duplicate) {
    throw new DomainError('SERIAL_DUPLICATE_IN_ORDER', `newSerial: ${newSerial} is already captured in this order`, {
      sku: line.sku,
      serial: newSerial,
    });
  }
  const lineProblem = checkSerialForLine(line, newSerial);
  if (lineProblem) throw new DomainError(lineProblem.code, lineProblem.message.replace(/^serial:/, 'newSerial:'), { sku: line.sku, serial: newSerial });
  const refusal = judgeUnit({ rules, orderId: order.id, line, serial: newSerial, units: input.units });
  if (refusal) {
    throw new DomainError(refusal.code, refusal.message.replace(/^serial:/, 'newSerial:'), { sku: line.sku, serial: newSerial, ...refusal.details });
  }
  return { capture, line, newSerial, reason };
}
