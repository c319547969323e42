import { DomainError, type ErrorCode } from './errors.ts';
import { isGs1Scan, parseScan } from './gs1/index.ts';
import { expandUpcE, normalizeGtin } from './gtin.ts';
import type { DuplicateScope } from './model.ts';
import { checkSerialForLine, type RegistryUnit } from './packing.ts';
import { checkSerial } from './serial.ts';

/**
 * Receiving: units arrive at the warehouse and are registered in stock. Pure rules here; the
 * service reads the registry, judges with planReceipt, and writes what was accepted.
 */

/** A product as receiving needs it. */
export type ReceivingProduct = {
  productId: number;
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
};

export type ReceiveItem = {
  sku: string;
  serial: string;
  scanned?: boolean;
  lot?: string | null;
  expiry?: string | null;
  /** Where the item is in the request, for messages: `lines[0].serials[3]`, `line 7`. */
  path?: string;
};

/** What receiving does with a unit it accepts. */
export type ReceiptOutcome = 'received' | 'already_in_stock';
export const receiptOutcomes = ['received', 'already_in_stock'] as const;

export type PlannedReceiving = {
  index: number;
  productId: number;
  sku: string;
  serial: string;
  outcome: ReceiptOutcome;
  /** Whether the receipt's advance notice expected this unit; null when it names no notice. */
  expected: boolean | null;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
};

export type ReceivingProblem = {
  index: number;
  path: string | null;
  code: ErrorCode;
  message: string;
  sku: string;
  serial: string;
  details?: Record<string, unknown>;
};

export type ReceiptPlan = { accepted: PlannedReceiving[]; problems: ReceivingProblem[] };

/** The key of a unit: product and serial. */
export const unitKey = (productId: number, serial: string) => `${productId}\u0000${serial}`;

type Refusal = { code: ErrorCode; message: string; details?: Record<string, unknown> };

/**
 * What the registry says about receiving `serial` of `product`: a new unit is received; a unit in
 * stock is reported as already in stock (it is here, nothing changes); a unit that is held
 * (recalled or quarantined), out (packed in an open order, or shipped and not come back), back from
 * a customer awaiting its disposition, or scrapped is refused. Under duplicate scope `tenant` a
 * serial that belongs to another SKU is refused too (packing would refuse it later).
 */
export function judgeReceivingUnit(input: {
  scope: DuplicateScope;
  product: Pick<ReceivingProduct, 'productId' | 'sku'>;
  serial: string;
  units: ReadonlyArray<RegistryUnit>;
}): { outcome: ReceiptOutcome } | { refusal: Refusal } {
  const { serial, product } = input;
  const of = `serial: ${serial} of ${product.sku}`;
  if (input.scope === 'tenant') {
    const other = input.units.find((u) => u.serial === serial && u.productId !== product.productId);
    if (other) {
      return {
        refusal: {
          code: 'SERIAL_REGISTERED_TO_OTHER_SKU',
          message: `serial: ${serial} belongs to SKU ${other.sku}; serial numbers are unique across SKUs here`,
          details: { sku: other.sku },
        },
      };
    }
  }
  const unit = input.units.find((u) => u.productId === product.productId && u.serial === serial);
  if (!unit) return { outcome: 'received' };
  if (unit.hold === 'recalled') {
    return { refusal: { code: 'SERIAL_RECALLED', message: `${of} is recalled; a recalled unit may not be received`, details: { hold: 'recalled' } } };
  }
  if (unit.hold === 'quarantined') {
    return {
      refusal: { code: 'SERIAL_ON_HOLD', message: `${of} is quarantined for review and may not be received`, details: { hold: 'quarantined' } },
    };
  }
  const details = { orderNumber: unit.orderNumber };
  switch (unit.status) {
    case 'in_stock':
      return { outcome: 'already_in_stock' };
    case 'packed':
      return {
        refusal: {
          code: 'SERIAL_ALREADY_PACKED',
          message: `${of} is packed in order ${unit.orderNumber}; it cannot be received while it is there`,
          details,
        },
      };
    case 'shipped':
      return {
        refusal: {
          code: 'SERIAL_ALREADY_SHIPPED',
          message: `${of} shipped in order ${unit.orderNumber} and has not come back; it cannot be received`,
          details,
        },
      };
    case 'returned':
      return {
        refusal: {
          code: 'SERIAL_RETURN_PENDING',
          message: `${of} came back in a return${unit.orderNumber ? ` of order ${unit.orderNumber}` : ''} and awaits its disposition; restock it through the return`,
          details,
        },
      };
    case 'scrapped':
      return { refusal: { code: 'SERIAL_SCRAPPED', message: `${of} was scrapped and may not be received`, details: {} } };
  }
}

type ItemCheck =
  | { ok: true; product: ReceivingProduct; serial: string }
  | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };

/** The rules every listed unit meets, received or announced: serial syntax, a serialized SKU, its format. */
function checkItem(item: ReceiveItem, bySku: ReadonlyMap<string, ReceivingProduct>): ItemCheck {
  const check = checkSerial(item.serial);
  if (!check.ok) return { ok: false, code: 'SERIAL_INVALID', message: check.message };
  const product = bySku.get(item.sku);
  if (!product) return { ok: false, code: 'PRODUCT_NOT_FOUND', message: `sku: no product with SKU ${item.sku}`, details: { sku: item.sku } };
  if (!product.needsSerialNumber) return { ok: false, code: 'SERIAL_NOT_REQUIRED', message: `sku: ${item.sku} does not need a serial number` };
  const formatProblem = checkSerialForLine(product, check.serial);
  if (formatProblem) return { ok: false, ...formatProblem };
  return { ok: true, product, serial: check.serial };
}

/**
 * Judges what a receipt is to take in before anything is written: the serial's syntax, the SKU
 * (it must exist and need serials), the SKU's serial format, once per receipt (`inReceipt` holds
 * the units an open receipt already has), and the registry (judgeReceivingUnit). Items are judged
 * in order, each seeing those accepted before it. `expected` holds the unit keys of the receipt's
 * advance notice (null without one): an unexpected unit is still received, and flagged.
 */
export function planReceipt(input: {
  products: ReadonlyArray<ReceivingProduct>;
  units: ReadonlyArray<RegistryUnit>;
  inReceipt?: ReadonlySet<string>;
  expected: ReadonlySet<string> | null;
  items: ReadonlyArray<ReceiveItem>;
  scope: DuplicateScope;
}): ReceiptPlan {
  const bySku = new Map(input.products.map((p) => [p.sku, p]));
  // The registry's units by serial, so each item is judged against its own few (not all of them).
  const unitsBySerial = new Map<string, RegistryUnit[]>();
  for (const u of input.units) {
    const list = unitsBySerial.get(u.serial);
    if (list) list.push(u);
    else unitsBySerial.set(u.serial, [u]);
  }
  // Under scope tenant one serial is one unit whatever its SKU; else a unit is (SKU, serial).
  const keyOf = (productId: number, serial: string) => (input.scope === 'tenant' ? serial : unitKey(productId, serial));
  const seen = new Set<string>();
  for (const key of input.inReceipt ?? []) seen.add(input.scope === 'tenant' ? key.slice(key.indexOf('\u0000') + 1) : key);
  const accepted: PlannedReceiving[] = [];
  const problems: ReceivingProblem[] = [];

  input.items.forEach((item, index) => {
    const reject = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      problems.push({ index, path: item.path ?? null, code, message, sku: item.sku, serial: item.serial, ...(details ? { details } : {}) });
    const checked = checkItem(item, bySku);
    if (!checked.ok) return reject(checked.code, checked.message, checked.details);
    const { product, serial } = checked;
    const key = keyOf(product.productId, serial);
    if (seen.has(key)) return reject('SERIAL_DUPLICATE_IN_RECEIPT', `serial: ${serial} of ${item.sku} is already in this receipt`);
    const judged = judgeReceivingUnit({ scope: input.scope, product, serial, units: unitsBySerial.get(serial) ?? [] });
    if ('refusal' in judged) return reject(judged.refusal.code, judged.refusal.message, judged.refusal.details);
    seen.add(key);
    accepted.push({
      index,
      productId: product.productId,
      sku: product.sku,
      serial,
      outcome: judged.outcome,
      expected: input.expected ? input.expected.has(unitKey(product.productId, serial)) : null,
      scanned: item.scanned ?? false,
      lot: item.lot ?? null,
      expiry: item.expiry ?? null,
    });
  });
  return { accepted, problems };
}

/**
 * Checks the units an advance notice announces: each meets the rules a received unit meets
 * (syntax, a serialized SKU, its format) and is listed once. The registry is not asked: a notice
 * is what the supplier says, and receiving judges each unit when it arrives.
 */
export function planNotice(input: { products: ReadonlyArray<ReceivingProduct>; items: ReadonlyArray<ReceiveItem> }): {
  accepted: Array<{ productId: number; sku: string; serial: string }>;
  problems: ReceivingProblem[];
} {
  const bySku = new Map(input.products.map((p) => [p.sku, p]));
  const seen = new Set<string>();
  const accepted: Array<{ productId: number; sku: string; serial: string }> = [];
  const problems: ReceivingProblem[] = [];
  input.items.forEach((item, index) => {
    const reject = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      problems.push({ index, path: item.path ?? null, code, message, sku: item.sku, serial: item.serial, ...(details ? { details } : {}) });
    const checked = checkItem(item, bySku);
    if (!checked.ok) return reject(checked.code, checked.message, checked.details);
    const key = unitKey(checked.product.productId, checked.serial);
    if (seen.has(key)) return reject('SERIAL_DUPLICATE_IN_RECEIPT', `serial: ${checked.serial} of ${item.sku} is listed twice in this notice`);
    seen.add(key);
    accepted.push({ productId: checked.product.productId, sku: checked.product.sku, serial: checked.serial });
  });
  return { accepted, problems };
}

/** The refusal of a whole receipt: every bad item with its index and code; nothing was received. */
export function receiptRejected(problems: ReadonlyArray<ReceivingProblem>, what = 'nothing was received'): DomainError {
  const first = problems[0];
  const where = first.path ?? `items[${first.index}]`;
  return new DomainError(
    'BATCH_REJECTED',
    `${where}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; ${what}`,
    {
      items: problems.map((p) => ({
        index: p.index,
        ...(p.path ? { path: p.path } : {}),
        sku: p.sku,
        serial: p.serial,
        code: p.code,
        message: p.message,
        ...(p.details ? { details: p.details } : {}),
      })),
    },
  );
}

/** What a receiving station scanned, before the product is looked up. */
export type ReceivingScan =
  /** A GS1 scan with (01) GTIN and (21) serial: the unit, its product found by GTIN. */
  | { kind: 'unit'; gtin: string; serial: string; lot: string | null; expiry: string | null }
  /** A GS1 scan with a GTIN and no serial: the product's own barcode, which chooses the product. */
  | { kind: 'gtin'; gtin: string }
  /** Anything else: a serial, or a product's SKU or printed barcode (EAN-13, UPC-A ...). */
  | { kind: 'plain'; text: string; gtins: string[] };

// "]E0", "]C1", ...: the AIM symbology identifier some scanners put in front.
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;

/** The 14-digit GTINs a plain scan could be the barcode of (EAN-13, UPC-A, EAN-8, GTIN-14, UPC-E). */
export function barcodeGtins(scan: string): string[] {
  let text = scan.trim();
  if (SYMBOLOGY_ID.test(text)) text = text.slice(3);
  const out = new Set<string>();
  const gtin = normalizeGtin(text);
  if (gtin) out.add(gtin);
  const upcA = /^\d{8}$/.test(text) ? expandUpcE(text) : null;
  const fromUpcE = upcA ? normalizeGtin(upcA) : null;
  if (fromUpcE) out.add(fromUpcE);
  return [...out];
}

/**
 * Reads a receiving scan: a GS1 element string or Digital Link is parsed (a broken one throws
 * SCAN_INVALID naming its position and rule); anything else is plain text. Pure: the service
 * then finds the product by GTIN or SKU.
 */
export function readReceivingScan(data: string, options: { referenceYear: number; fnc1Substitute?: string | null }): ReceivingScan {
  const text = data.trim();
  const substitute = options.fnc1Substitute ?? undefined;
  if (isGs1Scan(text, substitute)) {
    const parsed = parseScan(text, { referenceYear: options.referenceYear, fnc1Substitute: substitute });
    if (parsed.gtin && parsed.serial) {
      return { kind: 'unit', gtin: parsed.gtin, serial: parsed.serial, lot: parsed.lot ?? null, expiry: parsed.expiry ?? null };
    }
    if (parsed.gtin) return { kind: 'gtin', gtin: parsed.gtin };
    throw new DomainError('SCAN_INVALID', 'data: the GS1 scan carries no GTIN (01) and serial (21)', { rule: 'pairing', position: 0 });
  }
  return { kind: 'plain', text, gtins: barcodeGtins(text) };
}

/** Counts of a notice, or of one of its SKUs: scanned against expected. */
export type NoticeCounts = { expected: number; matched: number; missing: number; unexpected: number };
