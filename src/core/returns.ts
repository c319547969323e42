import { DomainError, type ErrorCode, isDomainError } from './errors.ts';
import { isGs1Scan, parseScan } from './gs1/index.ts';
import { isProductBarcode } from './gtin.ts';
import type { UnitDisposition, UnitHold, UnitStatus } from './model.ts';
import { checkSerial } from './serial.ts';

/**
 * Returns: each returned unit gets a verdict from what the registry knows of it and of the order
 * the return names. Pure: the service reads the order, its lines and the units under the order's
 * lock, and writes what planReturn decides.
 */

/** What a returned unit turned out to be. Only `match` is taken back; every other is held for review. */
export const returnVerdicts = [
  'match',
  'already_returned',
  'shipped_to_other_customer',
  'shipped_in_other_order',
  'not_on_order',
  'unknown_serial',
  'wrong_serial',
] as const;
export type ReturnVerdict = (typeof returnVerdicts)[number];

/** The condition the unit came back in, as the returns desk sees it. */
export const returnConditions = ['new', 'opened', 'damaged'] as const;
export type ReturnCondition = (typeof returnConditions)[number];

/**
 * What is to become of a returned item: `pending` (taken back, to be restocked or scrapped),
 * `review` (a mismatch, held for an admin's decision), `restocked`, `scrapped`, or `rejected`
 * (the review decided not to take it in).
 */
export const returnItemDispositions = ['pending', 'review', 'restocked', 'scrapped', 'rejected'] as const;
export type ReturnItemDisposition = (typeof returnItemDispositions)[number];

/** An admin's decision on an item held for review: take it in as returned, or not. */
export const reviewDecisions = ['accept', 'reject'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

export const MAX_RETURN_ITEMS = 1000;
export const RMA_MAX_LENGTH = 64;
export const REASON_MAX_LENGTH = 500;
export const NOTE_MAX_LENGTH = 1000;

/** How an order's customer is recognised in another order: by external id, else by email. */
export type CustomerKey = { email: string | null; externalId: string | null };

/**
 * Whether two orders went to the same customer. Both external ids, when both orders carry one,
 * decide; otherwise both emails (ignoring case). Names alone are not enough (two people share a
 * name), so without either the answer is "not the same": the privacy-safe side.
 */
export function sameCustomer(a: CustomerKey, b: CustomerKey): boolean {
  if (a.externalId && b.externalId) return a.externalId === b.externalId;
  if (a.email && b.email) return a.email.trim().toLowerCase() === b.email.trim().toLowerCase();
  return false;
}

/** A product a return item may name (from the order's lines, or looked up by SKU or GTIN). */
export type ReturnProduct = { productId: number; sku: string; gtin: string | null; needsSerialNumber: boolean };

/** A unit of the registry as a return sees it, read under the order's lock. */
export type ReturnUnit = {
  productId: number;
  sku: string;
  serial: string;
  status: UnitStatus;
  hold: UnitHold;
  disposition: UnitDisposition | null;
  /** The order it last went to, its number and customer (internal: never shown to a returner unless it is theirs). */
  orderId: number | null;
  orderNumber: string | null;
  orderCustomer: CustomerKey | null;
  /** A capture in the return's order holds the unit (it shipped there and has not come back). */
  activeInThisOrder: boolean;
  /** The unit was captured in the return's order at some time. */
  capturedInThisOrder: boolean;
};

export type ReturnItemInput = {
  sku?: string;
  serial?: string;
  /** What a scanner sent: a GS1 element string or Digital Link (GTIN and serial), or a plain serial. */
  scan?: string;
  scanned?: boolean;
  condition?: ReturnCondition;
  reason?: string;
};

/** An item once read: its serial checked, a GS1 scan parsed, its texts trimmed. */
export type ReadReturnItem = {
  index: number;
  sku: string | null;
  gtin: string | null;
  serial: string;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
  condition: ReturnCondition | null;
  reason: string | null;
};

export type ReturnItemProblem = { index: number; code: ErrorCode; message: string; details?: Record<string, unknown> };

const CONTROL = /[\p{Cc}]/u;

/** Free text of a return (reason, note): trimmed, at most `max` characters, no control characters. */
export function checkReturnText(raw: string | null | undefined, field: string, max: number): { ok: true; text: string | null } | { ok: false; message: string } {
  if (raw === undefined || raw === null) return { ok: true, text: null };
  const text = raw.trim();
  if (text.length === 0) return { ok: true, text: null };
  const length = [...text].length;
  if (length > max) return { ok: false, message: `${field}: must be at most ${max} characters, got ${length}` };
  if (CONTROL.test(text)) return { ok: false, message: `${field}: must not contain control characters` };
  return { ok: true, text };
}

/**
 * Reads the items of a return: each gives `serial` (with an optional `sku`) or `scan`. A GS1 scan
 * is parsed with the GS1 parser (its GTIN picks the product, AI 21 is the serial, lot and expiry
 * are kept); any other scan is a plain serial. Problems are collected per item.
 */
export function readReturnItems(
  items: ReadonlyArray<ReturnItemInput>,
  options: { referenceYear: number; fnc1Substitute?: string | null },
): { items: ReadReturnItem[]; problems: ReturnItemProblem[] } {
  const read: ReadReturnItem[] = [];
  const problems: ReturnItemProblem[] = [];
  const substitute = options.fnc1Substitute ?? undefined;
  items.forEach((item, index) => {
    const at = `items[${index}]`;
    const reject = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      problems.push({ index, code, message, ...(details ? { details } : {}) });
    if ((item.serial === undefined) === (item.scan === undefined)) {
      return reject('VALIDATION_FAILED', `${at}: give either serial or scan`, { field: `${at}.serial` });
    }
    const reason = checkReturnText(item.reason, `${at}.reason`, REASON_MAX_LENGTH);
    if (!reason.ok) return reject('VALIDATION_FAILED', reason.message, { field: `${at}.reason` });
    let serial: string;
    let gtin: string | null = null;
    let lot: string | null = null;
    let expiry: string | null = null;
    const data = (item.scan ?? item.serial ?? '').trim();
    if (item.scan !== undefined && isGs1Scan(data, substitute)) {
      try {
        const parsed = parseScan(data, { referenceYear: options.referenceYear, fnc1Substitute: substitute });
        if (!parsed.serial) {
          return parsed.gtin
            ? reject('SCANNED_PRODUCT_BARCODE', `${at}.scan: this is the product barcode (GTIN ${parsed.gtin}); scan the unit's serial number`, { gtin: parsed.gtin })
            : reject('SCAN_INVALID', `${at}.scan: the GS1 scan carries no serial (21)`, { rule: 'pairing', position: 0 });
        }
        serial = parsed.serial;
        gtin = parsed.gtin ?? null;
        lot = parsed.lot ?? null;
        expiry = parsed.expiry ?? null;
      } catch (error) {
        if (isDomainError(error)) return reject(error.code, `${at}.scan: ${error.message}`, error.details);
        throw error;
      }
    } else {
      const field = item.scan !== undefined ? `${at}.scan` : `${at}.serial`;
      const check = checkSerial(data, field);
      if (!check.ok) return reject('SERIAL_INVALID', check.message, { field });
      serial = check.serial;
    }
    const sku = item.sku?.trim() || null;
    read.push({
      index,
      sku,
      gtin,
      serial,
      scanned: item.scanned ?? item.scan !== undefined,
      lot,
      expiry,
      condition: item.condition ?? null,
      reason: reason.text,
    });
  });
  return { items: read, problems };
}

export type Judgement = {
  verdict: ReturnVerdict;
  /** The same customer's other order that holds the unit (only for shipped_in_other_order). */
  otherOrderId: number | null;
  otherOrderNumber: string | null;
};

/**
 * The verdict on one returned unit (SKU and serial) for the order the return names, first rule
 * that applies:
 *  1. match: a capture in this order holds the unit (it shipped here and has not come back);
 *  2. already_returned: it was captured in this order, came back, and is not out again;
 *  3. shipped_to_other_customer / shipped_in_other_order: it is out (shipped or packed) in
 *     another order, of another customer or of this order's customer;
 *  4. not_on_order: the SKU is not on this order;
 *  5. unknown_serial: no unit of the SKU carries the serial;
 *  6. wrong_serial: the SKU is on the order, but this serial did not ship in it.
 */
export function judgeReturnItem(input: { customer: CustomerKey; skuOnOrder: boolean; unit: ReturnUnit | null }): Judgement {
  const { unit } = input;
  const verdict = (v: ReturnVerdict, other: ReturnUnit | null = null): Judgement => ({
    verdict: v,
    otherOrderId: other?.orderId ?? null,
    otherOrderNumber: other?.orderNumber ?? null,
  });
  if (unit?.activeInThisOrder) return verdict('match');
  const out = unit !== null && (unit.status === 'shipped' || unit.status === 'packed');
  if (unit?.capturedInThisOrder && !out) return verdict('already_returned');
  if (unit && out) {
    return unit.orderCustomer && sameCustomer(input.customer, unit.orderCustomer)
      ? verdict('shipped_in_other_order', unit)
      : verdict('shipped_to_other_customer');
  }
  if (!input.skuOnOrder) return verdict('not_on_order');
  if (!unit) return verdict('unknown_serial');
  return verdict('wrong_serial');
}

/**
 * A short reason for the verdict, for the returns desk and the returner: it never names another
 * customer, nor an order of theirs.
 */
export function verdictMessage(item: { verdict: ReturnVerdict; sku: string; serial: string; otherOrderNumber: string | null }): string {
  const { sku, serial } = item;
  switch (item.verdict) {
    case 'match':
      return `${serial} of ${sku} shipped in this order: taken back, to be restocked or scrapped`;
    case 'already_returned':
      return `${serial} of ${sku} already came back from this order; held for review`;
    case 'shipped_to_other_customer':
      return `${serial} of ${sku} shipped to another customer, not in this order; held for review`;
    case 'shipped_in_other_order':
      return `${serial} of ${sku} shipped in this customer's order ${item.otherOrderNumber ?? '(another order)'}, not in this one; held for review`;
    case 'not_on_order':
      return `${sku} is not on this order; held for review`;
    case 'unknown_serial':
      return `no unit of ${sku} carries serial ${serial}; held for review`;
    case 'wrong_serial':
      return `${sku} is on this order, but serial ${serial} did not ship in it; held for review`;
    default: {
      const unhandled: never = item.verdict;
      return unhandled;
    }
  }
}

export type PlannedReturnItem = ReadReturnItem &
  Judgement & {
    productId: number;
    sku: string;
    /** The registry has a unit of this SKU and serial (its hold and disposition change with the verdict). */
    unitExists: boolean;
    disposition: 'pending' | 'review';
    /** The unit's disposition before this item (restored when a review rejects the item). */
    unitDispositionBefore: UnitDisposition | null;
  };

/** What happens to one unit of the registry through a whole return (one UPDATE per unit). */
export type UnitChange = { productId: number; serial: string; returned: boolean; quarantine: boolean };

export type ReturnPlan = { items: PlannedReturnItem[]; units: UnitChange[]; problems: ReturnItemProblem[] };

const unitKey = (productId: number, serial: string) => `${productId}\u0000${serial}`;

/**
 * Resolves each read item to a product and judges it. The product is the one named by `sku`, or
 * the one whose GTIN a GS1 scan carries; a plain serial without SKU belongs to: the unit of it that
 * was captured in this order, else the only unit of it on one of the order's SKUs, else the only
 * unit carrying it, else the order's only serialized line. Items are judged in order, each seeing
 * what the ones before it did (the same unit twice: match, then already_returned).
 */
export function planReturn(input: {
  customer: CustomerKey;
  lines: ReadonlyArray<ReturnProduct>;
  /** Products named by SKU or GTIN that are not on the order. */
  products: ReadonlyArray<ReturnProduct>;
  /** The registry's units carrying the items' serials, of every SKU. */
  units: ReadonlyArray<ReturnUnit>;
  items: ReadonlyArray<ReadReturnItem>;
}): ReturnPlan {
  const onOrder = new Set(input.lines.map((l) => l.productId));
  const all = [...input.lines, ...input.products.filter((p) => !onOrder.has(p.productId))];
  const bySku = new Map(all.map((p) => [p.sku, p]));
  const byId = new Map(all.map((p) => [p.productId, p]));
  const state = new Map(input.units.map((u) => [unitKey(u.productId, u.serial), { ...u }]));
  const serializedLines = input.lines.filter((l) => l.needsSerialNumber);
  const planned: PlannedReturnItem[] = [];
  const problems: ReturnItemProblem[] = [];
  const changes = new Map<string, UnitChange>();

  for (const item of input.items) {
    const at = `items[${item.index}]`;
    const reject = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
      problems.push({ index: item.index, code, message, ...(details ? { details } : {}) });
    let product: ReturnProduct | undefined;
    if (item.sku !== null) {
      product = bySku.get(item.sku);
      if (!product) {
        reject('PRODUCT_NOT_FOUND', `${at}.sku: no product ${item.sku}`, { sku: item.sku });
        continue;
      }
      if (item.gtin !== null && product.gtin !== item.gtin) {
        reject('GTIN_MISMATCH', `${at}.scan: the scan's GTIN ${item.gtin} is not the GTIN of ${product.sku} (${product.gtin ?? 'none set'})`, {
          gtin: item.gtin,
          sku: product.sku,
        });
        continue;
      }
    } else if (item.gtin !== null) {
      product = input.lines.find((l) => l.gtin === item.gtin) ?? all.find((p) => p.gtin === item.gtin);
      if (!product) {
        reject('PRODUCT_NOT_FOUND', `${at}.scan: no product has GTIN ${item.gtin}`, { gtin: item.gtin });
        continue;
      }
    } else {
      const carrying = input.units.filter((u) => u.serial === item.serial);
      const one = (units: ReturnUnit[]) => (new Set(units.map((u) => u.productId)).size === 1 ? units[0].productId : null);
      const id =
        one(carrying.filter((u) => u.capturedInThisOrder)) ??
        one(carrying.filter((u) => onOrder.has(u.productId))) ??
        one(carrying) ??
        (carrying.length === 0 && serializedLines.length === 1 ? serializedLines[0].productId : null);
      product = id === null ? undefined : (byId.get(id) ?? productOfUnit(carrying.find((u) => u.productId === id)!));
      if (!product) {
        reject(
          'VALIDATION_FAILED',
          carrying.length > 1
            ? `${at}.sku: required: serial ${item.serial} is carried by units of ${carrying.length} SKUs (${carrying.map((u) => u.sku).join(', ')})`
            : `${at}.sku: required: serial ${item.serial} is not registered and the order has ${serializedLines.length} serialized lines`,
          { field: `${at}.sku` },
        );
        continue;
      }
    }
    const unit = state.get(unitKey(product.productId, item.serial)) ?? null;
    if (!unit && item.gtin === null && product.gtin && isProductBarcode(item.serial, product.gtin)) {
      reject('SCANNED_PRODUCT_BARCODE', `${at}.serial: ${item.serial} is the product barcode (GTIN ${product.gtin}) of ${product.sku}; scan the serial number instead`);
      continue;
    }
    if (!unit && !product.needsSerialNumber) {
      reject('SERIAL_NOT_REQUIRED', `${at}.sku: ${product.sku} does not carry serial numbers, so its returns are not checked here`, { sku: product.sku });
      continue;
    }
    const judgement = judgeReturnItem({ customer: input.customer, skuOnOrder: onOrder.has(product.productId), unit });
    const match = judgement.verdict === 'match';
    planned.push({
      ...item,
      ...judgement,
      productId: product.productId,
      sku: product.sku,
      unitExists: unit !== null,
      disposition: match ? 'pending' : 'review',
      unitDispositionBefore: unit?.disposition ?? null,
    });
    if (unit) {
      const key = unitKey(unit.productId, unit.serial);
      const change = changes.get(key) ?? { productId: unit.productId, serial: unit.serial, returned: false, quarantine: false };
      if (match) {
        change.returned = true;
        unit.activeInThisOrder = false;
        unit.status = 'returned';
        unit.disposition = 'pending';
      } else {
        change.quarantine = true;
        unit.disposition = 'review';
        if (unit.hold === 'none') unit.hold = 'quarantined';
      }
      changes.set(key, change);
    }
  }
  return { items: planned, units: [...changes.values()], problems };
}

function productOfUnit(unit: ReturnUnit): ReturnProduct {
  // A unit of a SKU that is neither on the order nor named: it does carry serial numbers.
  return { productId: unit.productId, sku: unit.sku, gtin: null, needsSerialNumber: true };
}

/** The problems of a return as one error: an item's own code for a return of one item, else BATCH_REJECTED. */
export function returnProblemsError(problems: ReadonlyArray<ReturnItemProblem>, itemCount: number): DomainError {
  const [first] = problems;
  if (itemCount === 1) return new DomainError(first.code, first.message, { index: first.index, ...first.details });
  return new DomainError(
    'BATCH_REJECTED',
    `${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; nothing was recorded`,
    { items: problems.map((p) => ({ index: p.index, code: p.code, message: p.message, ...(p.details ? { details: p.details } : {}) })) },
  );
}

/** A returned item and its unit, as restocking, scrapping and reviewing see them. */
export type DisposalItem = {
  verdict: ReturnVerdict;
  disposition: ReturnItemDisposition;
  sku: string;
  serial: string;
};
export type DisposalUnit = { status: UnitStatus; hold: UnitHold } | null;

/**
 * Whether a returned item may be restocked or scrapped now. An item held for review, or whose unit
 * is quarantined, waits for an admin's review; a recalled unit is never restocked (it may be
 * scrapped); an item is restocked or scrapped once, and only while its unit is back (returned).
 */
export function judgeDisposal(action: 'restock' | 'scrap', item: DisposalItem, unit: DisposalUnit): { code: ErrorCode; message: string; details?: Record<string, unknown> } | null {
  const what = `${item.serial} of ${item.sku}`;
  if (item.disposition === 'review') {
    return {
      code: 'SERIAL_ON_HOLD',
      message: `serial: ${what} is held for review (${item.verdict.replaceAll('_', ' ')}); an admin must decide on it first`,
      details: { verdict: item.verdict, disposition: item.disposition },
    };
  }
  if (item.disposition !== 'pending') {
    return {
      code: 'RETURN_ITEM_NOT_PENDING',
      message: `serial: ${what} was already ${item.disposition}; it cannot be ${action === 'restock' ? 'restocked' : 'scrapped'} now`,
      details: { disposition: item.disposition },
    };
  }
  if (unit?.hold === 'recalled' && action === 'restock') {
    return { code: 'SERIAL_RECALLED', message: `serial: ${what} is recalled and may not be restocked; scrap it`, details: { hold: 'recalled' } };
  }
  if (unit?.hold === 'quarantined') {
    return {
      code: 'SERIAL_ON_HOLD',
      message: `serial: ${what} is quarantined by another return held for review; an admin must decide on that first`,
      details: { hold: 'quarantined' },
    };
  }
  if (!unit || unit.status !== 'returned') {
    return {
      code: 'RETURN_ITEM_NOT_PENDING',
      message: `serial: ${what} is not back in returns (it is ${unit ? unit.status.replace('_', ' ') : 'unknown'}); it cannot be ${action === 'restock' ? 'restocked' : 'scrapped'}`,
      details: { status: unit?.status ?? null },
    };
  }
  return null;
}

/** Whether an item may get a review decision: only one held for review, once. */
export function judgeReview(item: DisposalItem): { code: ErrorCode; message: string; details?: Record<string, unknown> } | null {
  if (item.disposition !== 'review') {
    return {
      code: 'RETURN_ITEM_NOT_IN_REVIEW',
      message: `serial: ${item.serial} of ${item.sku} is not held for review (it is ${item.disposition})`,
      details: { disposition: item.disposition },
    };
  }
  return null;
}
