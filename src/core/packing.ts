import { DomainError, type ErrorCode } from './errors.ts';
import { isGs1Scan, parseScan } from './gs1/index.ts';
import { isProductBarcode } from './gtin.ts';
import { checkSerial } from './serial.ts';
import { compileSerialFormat } from './serial-format/index.ts';

/** An order line as packing sees it: how many units, and how many serials it already has. */
export type PackingLine = {
  lineNo: number;
  sku: string;
  productId: number;
  quantity: number;
  needsSerialNumber: boolean;
  captured: number;
  gtin: string | null;
  serialFormat: string | null;
};

export type CaptureItem = { sku: string; serial: string; scanned?: boolean; lot?: string | null; expiry?: string | null };

export type PlannedCapture = {
  index: number;
  lineNo: number;
  productId: number;
  sku: string;
  serial: string;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
};

export type CaptureProblem = { index: number; code: ErrorCode; message: string; sku: string; serial: string };

export type CapturePlan = { accepted: PlannedCapture[]; problems: CaptureProblem[] };

/**
 * The SKU's own rules for a serial: not the product's barcode (a packer scanned the box, not the
 * serial), and the SKU's serial format when it has one. Returns a problem or null.
 */
export function checkSerialForLine(line: PackingLine, serial: string): { code: ErrorCode; message: string } | null {
  if (line.gtin && isProductBarcode(serial, line.gtin)) {
    return {
      code: 'SCANNED_PRODUCT_BARCODE',
      message: `serial: ${serial} is the product barcode (GTIN ${line.gtin}) of ${line.sku}; scan the serial number instead`,
    };
  }
  if (line.serialFormat) {
    let format;
    try {
      format = compileSerialFormat(line.serialFormat);
    } catch {
      // A stored format that no longer compiles is not the packer's fault: it is reported where
      // the format is edited, and scans are not blocked by it.
      return null;
    }
    const result = format.test(serial);
    if (!result.ok) {
      return {
        code: 'SERIAL_FORMAT_MISMATCH',
        message: `serial: ${serial} does not match the format of ${line.sku} (${format.describe}): ${result.reason}`,
      };
    }
  }
  return null;
}

/**
 * Checks scans against an open order before anything is written: the SKU must be on the order and
 * need serials, the serial must fit the SKU's format, a line takes no more serials than units, and
 * (unless the tenant allows it) a serial appears once per order. Items are judged in order, each
 * seeing the ones accepted before it, so a batch is judged exactly as the same scans one by one
 * would be.
 */
export function planCaptures(input: {
  lines: ReadonlyArray<PackingLine>;
  serialsInOrder: ReadonlySet<string>;
  items: ReadonlyArray<CaptureItem>;
  allowDuplicates: boolean;
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
    const lineProblem = checkSerialForLine(line, serial);
    if (lineProblem) return reject(lineProblem.code, lineProblem.message);
    seen.add(serial);
    captured.set(line.lineNo, count + 1);
    accepted.push({
      index,
      lineNo: line.lineNo,
      productId: line.productId,
      sku: line.sku,
      serial,
      scanned: item.scanned ?? false,
      lot: item.lot ?? null,
      expiry: item.expiry ?? null,
    });
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

export type InterpretedScan = { sku: string; serial: string; lot: string | null; expiry: string | null; gtin: string | null };

/**
 * Turns what a station scanned into a capture: a GS1 element string or Digital Link with (01) and
 * (21) picks the line by its GTIN (and keeps lot (10) and expiry (17)); anything else is a plain
 * serial for the given SKU, or for the only serialized line still short of serials.
 */
export function interpretScan(input: {
  data: string;
  sku?: string;
  lines: ReadonlyArray<PackingLine>;
  referenceYear: number;
  /** What the tenant's scanners send for FNC1 instead of the GS character, if anything. */
  fnc1Substitute?: string | null;
}): InterpretedScan {
  const data = input.data.trim();
  const chosen = input.sku === undefined ? undefined : input.lines.find((l) => l.sku === input.sku);
  if (input.sku !== undefined && !chosen) {
    throw new DomainError('ORDER_LINE_NOT_FOUND', `sku: ${input.sku} is not on this order`, { sku: input.sku });
  }
  const substitute = input.fnc1Substitute ?? undefined;
  if (isGs1Scan(data, substitute)) {
    const parsed = parseScan(data, { referenceYear: input.referenceYear, fnc1Substitute: substitute });
    if (parsed.gtin && parsed.serial) {
      const line = chosen ?? input.lines.find((l) => l.gtin === parsed.gtin);
      if (!line) {
        throw new DomainError('ORDER_LINE_NOT_FOUND', `data: no line on this order has GTIN ${parsed.gtin}`, { gtin: parsed.gtin });
      }
      if (line.gtin !== parsed.gtin) {
        throw new DomainError(
          'GTIN_MISMATCH',
          `data: the scan's GTIN ${parsed.gtin} is not the GTIN of ${line.sku} (${line.gtin ?? 'none set'})`,
          { gtin: parsed.gtin, sku: line.sku },
        );
      }
      return { sku: line.sku, serial: parsed.serial, lot: parsed.lot ?? null, expiry: parsed.expiry ?? null, gtin: parsed.gtin };
    }
    if (parsed.gtin) {
      throw new DomainError('SCANNED_PRODUCT_BARCODE', `data: this is the product barcode (GTIN ${parsed.gtin}); scan the serial number`, {
        gtin: parsed.gtin,
      });
    }
    throw new DomainError('SCAN_INVALID', 'data: the GS1 scan carries no GTIN (01) and serial (21)', { rule: 'pairing', position: 0 });
  }
  if (chosen) return { sku: chosen.sku, serial: data, lot: null, expiry: null, gtin: null };
  const open = input.lines.filter((l) => l.needsSerialNumber && l.captured < l.quantity);
  if (open.length === 1) return { sku: open[0].sku, serial: data, lot: null, expiry: null, gtin: null };
  throw new DomainError(
    'VALIDATION_FAILED',
    open.length === 0
      ? 'sku: no line of this order still needs a serial'
      : `sku: required, since ${open.length} lines still need serials (${open.map((l) => l.sku).join(', ')})`,
    { field: 'sku' },
  );
}
