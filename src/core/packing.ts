import type { ErrorCode } from './errors.ts';
import { checkSerial } from './serial.ts';

/** An order line as packing sees it: how many units, and how many serials it already has. */
export type PackingLine = {
  lineNo: number;
  sku: string;
  productId: number;
  quantity: number;
  needsSerialNumber: boolean;
  captured: number;
};

export type CaptureItem = { sku: string; serial: string; scanned?: boolean };

export type PlannedCapture = {
  index: number;
  lineNo: number;
  productId: number;
  sku: string;
  serial: string;
  scanned: boolean;
};

export type CaptureProblem = { index: number; code: ErrorCode; message: string; sku: string; serial: string };

export type CapturePlan = { accepted: PlannedCapture[]; problems: CaptureProblem[] };

/**
 * Checks scans against an open order before anything is written: the SKU must be on the order and
 * need serials, a line takes no more serials than units, and (unless the tenant allows it) a serial
 * appears once per order. Items are judged in order, each seeing the ones accepted before it, so a
 * batch is judged exactly as the same scans one by one would be.
 */
export function planCaptures(input: {
  lines: ReadonlyArray<PackingLine>;
  serialsInOrder: ReadonlySet<string>;
  items: ReadonlyArray<CaptureItem>;
  allowDuplicates: boolean;
  /** Extra per-product check (serial formats): returns a problem or null. */
  checkSerialFormat?: (productId: number, serial: string) => { code: ErrorCode; message: string } | null;
}): CapturePlan {
  const bySku = new Map(input.lines.map((line) => [line.sku, line]));
  const captured = new Map(input.lines.map((line) => [line.lineNo, line.captured]));
  const seen = new Set(input.serialsInOrder);
  const accepted: PlannedCapture[] = [];
  const problems: CaptureProblem[] = [];

  input.items.forEach((item, index) => {
    const reject = (code: ErrorCode, message: string) =>
      problems.push({ index, code, message, sku: item.sku, serial: item.serial });
    const check = checkSerial(item.serial);
    if (!check.ok) return reject('SERIAL_INVALID', check.message);
    const serial = check.serial;
    const line = bySku.get(item.sku);
    if (!line) return reject('ORDER_LINE_NOT_FOUND', `sku: ${item.sku} is not on this order`);
    if (!line.needsSerialNumber) {
      return reject('SERIAL_NOT_REQUIRED', `sku: ${item.sku} does not need a serial number`);
    }
    const count = captured.get(line.lineNo) ?? 0;
    if (count >= line.quantity) {
      return reject(
        'LINE_FULLY_SERIALIZED',
        `sku: ${item.sku} already has ${count} of ${line.quantity} serials; remove one before scanning another`,
      );
    }
    if (!input.allowDuplicates && seen.has(serial)) {
      return reject('SERIAL_DUPLICATE_IN_ORDER', `serial: ${serial} is already captured in this order`);
    }
    const formatProblem = input.checkSerialFormat?.(line.productId, serial) ?? null;
    if (formatProblem) return reject(formatProblem.code, formatProblem.message);
    seen.add(serial);
    captured.set(line.lineNo, count + 1);
    accepted.push({ index, lineNo: line.lineNo, productId: line.productId, sku: line.sku, serial, scanned: item.scanned ?? false });
  });

  return { accepted, problems };
}

export type MissingLine = { sku: string; quantity: number; captured: number; missing: number };

/** Lines that still lack serials: shipping is refused while this is not empty. */
export function missingSerials(lines: ReadonlyArray<PackingLine>): MissingLine[] {
  return lines
    .filter((line) => line.needsSerialNumber && line.captured < line.quantity)
    .map((line) => ({ sku: line.sku, quantity: line.quantity, captured: line.captured, missing: line.quantity - line.captured }));
}
