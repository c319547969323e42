import { DomainError, type ErrorCode } from './errors.ts';
import { isGs1Scan, parseScan } from './gs1/index.ts';
import { isProductBarcode } from './gtin.ts';
import { checkSerial } from './serial.ts';
import type { DuplicateScope, UnitHold, UnitStatus } from './model.ts';
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

export type CaptureProblem = {
  index: number;
  code: ErrorCode;
  message: string;
  sku: string;
  serial: string;
  details?: Record<string, unknown>;
};

export type CapturePlan = { accepted: PlannedCapture[]; problems: CaptureProblem[] };

/**
 * The SKU's own rules for a serial: not the product's barcode (a packer scanned the box, not the
 * serial), and the SKU's serial format when it has one. Returns a problem or null.
 */
export function checkSerialForLine(line: Pick<PackingLine, 'sku' | 'gtin' | 'serialFormat'>, serial: string): { code: ErrorCode; message: string } | null {
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

/** A unit of the registry, as packing needs to judge a capture of it. */
export type RegistryUnit = {
  productId: number;
  sku: string;
  serial: string;
  status: UnitStatus;
  hold: UnitHold;
  /** The order it last went to (packed or shipped in), if any. */
  orderId: number | null;
  orderNumber: string | null;
};

export type CaptureRules = {
  scope: DuplicateScope;
  /** Only for scope `order`: the same serial may appear more than once in one order. */
  allowDuplicates: boolean;
  /** Only serials in stock for their SKU may be packed. */
  requireReceived: boolean;
};

type Refusal = { code: ErrorCode; message: string; details?: Record<string, unknown> };

/**
 * What the registry says about packing `serial` for `line` into order `orderId`: a held or
 * scrapped unit is never packed; under scope `sku` or `tenant` a unit out in another order (packed,
 * or shipped and not come back) is refused naming that order, and under `tenant` a serial that
 * belongs to another SKU is refused; with `requireReceived` only a unit in stock may be packed.
 */
export function judgeUnit(input: {
  rules: CaptureRules;
  orderId: number;
  line: Pick<PackingLine, 'productId' | 'sku'>;
  serial: string;
  units: ReadonlyArray<RegistryUnit>;
}): Refusal | null {
  const { rules, serial, line } = input;
  const unit = input.units.find((u) => u.productId === line.productId && u.serial === serial);
  if (rules.scope === 'tenant') {
    const other = input.units.find((u) => u.serial === serial && u.productId !== line.productId);
    if (other) {
      return {
        code: 'SERIAL_REGISTERED_TO_OTHER_SKU',
        message: `serial: ${serial} belongs to SKU ${other.sku}; serial numbers are unique across SKUs here`,
        details: { sku: other.sku },
      };
    }
  }
  if (unit?.hold === 'recalled') {
    return { code: 'SERIAL_RECALLED', message: `serial: ${serial} of ${line.sku} is recalled and may not be packed`, details: { hold: 'recalled' } };
  }
  if (unit?.hold === 'quarantined') {
    return {
      code: 'SERIAL_ON_HOLD',
      message: `serial: ${serial} of ${line.sku} is quarantined for review and may not be packed`,
      details: { hold: 'quarantined' },
    };
  }
  if (unit?.status === 'scrapped') {
    return { code: 'SERIAL_SCRAPPED', message: `serial: ${serial} of ${line.sku} was scrapped and may not be packed`, details: {} };
  }
  if (rules.scope !== 'order' && unit && unit.orderId !== input.orderId && (unit.status === 'packed' || unit.status === 'shipped')) {
    const details = { orderNumber: unit.orderNumber };
    return unit.status === 'shipped'
      ? {
          code: 'SERIAL_ALREADY_SHIPPED',
          message: `serial: ${serial} of ${line.sku} shipped in order ${unit.orderNumber} and has not come back`,
          details,
        }
      : {
          code: 'SERIAL_ALREADY_PACKED',
          message: `serial: ${serial} of ${line.sku} is packed in order ${unit.orderNumber}; remove it there first`,
          details,
        };
  }
  if (rules.requireReceived && unit?.status !== 'in_stock') {
    return {
      code: 'SERIAL_NOT_IN_STOCK',
      message: `serial: ${serial} is not in stock for ${line.sku}${unit ? ` (it is ${unit.status.replace('_', ' ')})` : ''}; receive it first`,
      details: { status: unit?.status ?? null },
    };
  }
  return null;
}

/**
 * Checks scans against an open order before anything is written: the SKU must be on the order and
 * need serials, the serial must fit the SKU's format, a line takes no more serials than units, a
 * serial appears once per order (under scope `order` unless the tenant allows it; under `sku` once
 * per SKU, under `tenant` once), and the registry must let the unit be packed (judgeUnit). Items
 * are judged in order, each seeing the ones accepted before it, so a batch is judged exactly as the
 * same scans one by one would be.
 */
export function planCaptures(input: {
  lines: ReadonlyArray<PackingLine>;
  orderId: number;
  /** Serials the order already holds (read for scope `order`). */
  serialsInOrder: ReadonlySet<string>;
  /** The registry's units with the items' serials (for scope `tenant`: of every SKU). */
  units: ReadonlyArray<RegistryUnit>;
  items: ReadonlyArray<CaptureItem>;
  rules: CaptureRules;
}): CapturePlan {
  const { rules } = input;
  const bySku = new Map(input.lines.map((line) => [line.sku, line]));
  const captured = new Map(input.lines.map((line) => [line.lineNo, line.captured]));
  // What "the same serial" means for the duplicate rule: the serial text (scopes order and
  // tenant), or the unit, SKU and serial (scope sku).
  const keyOf = (productId: number, serial: string) => (rules.scope === 'sku' ? `${productId}\u0000${serial}` : serial);
  const seen = new Set<string>();
  if (rules.scope === 'order') for (const serial of input.serialsInOrder) seen.add(serial);
  for (const unit of input.units) {
    if (unit.orderId === input.orderId && unit.status === 'packed') seen.add(keyOf(unit.productId, unit.serial));
  }
  // Each item is judged against the units of its own serial only: a 50,000-item batch of known units
  // stays linear.
  const unitsBySerial = new Map<string, RegistryUnit[]>();
  for (const unit of input.units) {
    const same = unitsBySerial.get(unit.serial);
    if (same) same.push(unit);
    else unitsBySerial.set(unit.serial, [unit]);
  }
  const accepted: PlannedCapture[] = [];
  const problems: CaptureProblem[] = [];

  input.items.forEach((item, index) => {
    const reject = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      problems.push({ index, code, message, sku: item.sku, serial: item.serial, ...(details ? { details } : {}) });
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
    const key = keyOf(line.productId, serial);
    if (seen.has(key) && !(rules.scope === 'order' && rules.allowDuplicates)) {
      return reject('SERIAL_DUPLICATE_IN_ORDER', `serial: ${serial} is already captured in this order`);
    }
    const lineProblem = checkSerialForLine(line, serial);
    if (lineProblem) return reject(lineProblem.code, lineProblem.message);
    const refusal = judgeUnit({ rules, orderId: input.orderId, line, serial, units: unitsBySerial.get(serial) ?? [] });
    if (refusal) return reject(refusal.code, refusal.message, refusal.details);
    seen.add(key);
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

/**
 * Whether a plain scan at the packing station looks like an order number by the tenant's
 * `orderNumberFormat` (the serial-format language). A format that no longer compiles matches nothing.
 */
export function matchesOrderNumberFormat(text: string, orderNumberFormat: string | null): boolean {
  if (!orderNumberFormat) return false;
  try {
    return compileSerialFormat(orderNumberFormat).test(text.trim()).ok;
  } catch {
    return false;
  }
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
