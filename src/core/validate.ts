import { DomainError } from './errors.ts';
import { type Customer, type OrderType, orderTypes } from './model.ts';
import { normalizeGtin } from './gtin.ts';

/**
 * Field rules shared by every way data comes in (API, CSV import, CLI): each problem names its
 * field, so a client or a person fixing a spreadsheet knows what to change.
 */
export type FieldProblem = { field: string; message: string };

export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message: `${field}: ${message}` });
  }

  get ok(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) {
      throw new DomainError('VALIDATION_FAILED', this.list.map((p) => p.message).join('; '), { errors: this.list });
    }
  }
}

const CONTROL = /[\p{Cc}]/u;

export function text(
  problems: Problems,
  field: string,
  value: unknown,
  rule: { required: boolean; max: number },
): string | null {
  if (value === undefined || value === null || value === '') {
    if (rule.required) problems.add(field, 'required');
    return null;
  }
  if (typeof value !== 'string') {
    problems.add(field, 'must be text');
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length === 0) {
    if (rule.required) problems.add(field, 'required');
    return null;
  }
  if (trimmed.length > rule.max) {
    problems.add(field, `must be at most ${rule.max} characters, got ${trimmed.length}`);
    return null;
  }
  if (CONTROL.test(trimmed)) {
    problems.add(field, 'must not contain control characters');
    return null;
  }
  return trimmed;
}

export type ProductInput = {
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
};

export function checkSku(problems: Problems, field: string, value: unknown): string | null {
  return text(problems, field, value, { required: true, max: 64 });
}

export function checkGtin(problems: Problems, field: string, value: unknown): string | null {
  const raw = text(problems, field, value, { required: false, max: 14 });
  if (raw === null) return null;
  const gtin = normalizeGtin(raw);
  if (gtin === null) problems.add(field, 'must be a GTIN-8, UPC-A, EAN-13 or GTIN-14 with a valid check digit');
  return gtin;
}

export function checkProduct(problems: Problems, prefix: string, raw: Record<string, unknown>): ProductInput {
  const sku = checkSku(problems, `${prefix}sku`, raw.sku);
  const name = text(problems, `${prefix}name`, raw.name, { required: true, max: 200 });
  const gtin = checkGtin(problems, `${prefix}gtin`, raw.gtin);
  const serialFormat = text(problems, `${prefix}serialFormat`, raw.serialFormat, { required: false, max: 200 });
  let needsSerialNumber = false;
  if (raw.needsSerialNumber !== undefined && raw.needsSerialNumber !== null) {
    if (typeof raw.needsSerialNumber === 'boolean') needsSerialNumber = raw.needsSerialNumber;
    else problems.add(`${prefix}needsSerialNumber`, 'must be true or false');
  }
  return { sku: sku ?? '', name: name ?? '', gtin, needsSerialNumber, serialFormat };
}

export type OrderInput = {
  orderNumber: string;
  type: OrderType;
  customer: Customer;
  lines: Array<{ sku: string; quantity: number }>;
};

export const MAX_LINE_QUANTITY = 100_000;
export const MAX_ORDER_LINES = 1_000;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function checkOrder(problems: Problems, prefix: string, raw: Record<string, unknown>): OrderInput {
  const orderNumber = text(problems, `${prefix}orderNumber`, raw.orderNumber, { required: true, max: 64 });
  let type: OrderType = 'B2C';
  if (!orderTypes.includes(raw.type as OrderType)) problems.add(`${prefix}type`, 'must be B2C or B2B');
  else type = raw.type as OrderType;

  const c = (raw.customer ?? {}) as Record<string, unknown>;
  if (typeof raw.customer !== 'object' || raw.customer === null) problems.add(`${prefix}customer`, 'required');
  const customer: Customer = {
    name: text(problems, `${prefix}customer.name`, c.name, { required: true, max: 200 }) ?? '',
    email: text(problems, `${prefix}customer.email`, c.email, { required: false, max: 254 }),
    company: text(problems, `${prefix}customer.company`, c.company, { required: false, max: 200 }),
    externalId: text(problems, `${prefix}customer.externalId`, c.externalId, { required: false, max: 100 }),
  };
  if (customer.email !== null && !EMAIL.test(customer.email)) {
    problems.add(`${prefix}customer.email`, 'must be an email address like name@example.com');
  }

  const lines: OrderInput['lines'] = [];
  if (!Array.isArray(raw.lines) || raw.lines.length === 0) {
    problems.add(`${prefix}lines`, 'must list at least one line');
  } else if (raw.lines.length > MAX_ORDER_LINES) {
    problems.add(`${prefix}lines`, `must have at most ${MAX_ORDER_LINES} lines`);
  } else {
    const firstLine = new Map<string, number>();
    raw.lines.forEach((line: Record<string, unknown>, i: number) => {
      const sku = checkSku(problems, `${prefix}lines[${i}].sku`, line?.sku);
      const quantity = line?.quantity;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
        problems.add(`${prefix}lines[${i}].quantity`, `must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);
      }
      if (sku !== null) {
        const seen = firstLine.get(sku);
        if (seen !== undefined) {
          problems.add(`${prefix}lines[${i}].sku`, `${sku} is already on lines[${seen}]; put its whole quantity on one line`);
        } else {
          firstLine.set(sku, i);
        }
        lines.push({ sku, quantity: Number(quantity) });
      }
    });
  }
  return { orderNumber: orderNumber ?? '', type, customer, lines };
}

// PostgreSQL text cannot hold U+0000, and a UTF-16 surrogate without its other half is not a
// character at all: it cannot be encoded as UTF-8 (the driver would silently turn it into U+FFFD,
// so what was stored would not be what was sent). Without the `u` flag this scans code units.
const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL cannot store this text as sent, or null when it can. */
export function unstorableText(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain NUL characters (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text: it has a lone UTF-16 surrogate';
  return null;
}

const MAX_UNSTORABLE_LISTED = 20;

/**
 * Every string in a JSON-like value (strings, and the names of fields) that PostgreSQL cannot
 * store, named like `lines[0].sku`; `root` names the value itself. Walks without recursion, so a
 * deeply nested document cannot overflow the stack; lists at most 20.
 */
export function findUnstorableText(value: unknown, root: string): FieldProblem[] {
  const found: FieldProblem[] = [];
  const add = (path: string, reason: string) => found.push({ field: path || root, message: `${path || root}: ${reason}` });
  // Entries are values to look at, or (badKey) a field name already found bad, kept in order.
  const stack: Array<{ value: unknown; path: string; badKey?: string }> = [{ value, path: '' }];
  while (stack.length > 0 && found.length < MAX_UNSTORABLE_LISTED) {
    const { value: current, path, badKey } = stack.pop()!;
    if (badKey) {
      add(path, `a field name ${badKey}`);
    } else if (typeof current === 'string') {
      const reason = unstorableText(current);
      if (reason) add(path, reason);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}[${i}]` });
    } else if (typeof current === 'object' && current !== null) {
      // A buffer or a stream (a CSV upload) is not parsed text: whoever reads it checks it.
      if (ArrayBuffer.isView(current) || typeof (current as { pipe?: unknown }).pipe === 'function') continue;
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const reason = unstorableText(key);
        if (reason) stack.push({ value: null, path, badKey: reason });
        else stack.push({ value: (current as Record<string, unknown>)[key], path: path ? `${path}.${key}` : key });
      }
    }
  }
  return found;
}
