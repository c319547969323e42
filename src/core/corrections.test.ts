import { describe, expect, it } from 'vitest';
import { type CorrectableCapture, planCorrection } from './corrections.ts';
import { DomainError } from './errors.ts';
import type { DuplicateScope, OrderStatus } from './model.ts';
import type { PackingLine, RegistryUnit } from './packing.ts';

const CAM: PackingLine = { lineNo: 1, sku: 'CAM', productId: 10, quantity: 2, needsSerialNumber: true, captured: 2, gtin: '04006381333931', serialFormat: null };
const LENS: PackingLine = { lineNo: 2, sku: 'LENS', productId: 11, quantity: 1, needsSerialNumber: true, captured: 1, gtin: null, serialFormat: '{9:4}' };

/** Order 1 shipped A and B (CAM) and 1234 (LENS); A was once corrected from Z. */
const captures: CorrectableCapture[] = [
  { id: 1, lineNo: 1, productId: 10, serial: 'Z', replacedBy: 4, unitActive: false },
  { id: 2, lineNo: 1, productId: 10, serial: 'B', replacedBy: null, unitActive: true },
  { id: 3, lineNo: 2, productId: 11, serial: '1234', replacedBy: null, unitActive: true },
  { id: 4, lineNo: 1, productId: 10, serial: 'A', replacedBy: null, unitActive: true },
  { id: 5, lineNo: 1, productId: 10, serial: 'R', replacedBy: null, unitActive: false },
];

const unit = (over: Partial<RegistryUnit>): RegistryUnit => ({
  productId: 10,
  sku: 'CAM',
  serial: 'N',
  status: 'in_stock',
  hold: 'none',
  orderId: null,
  orderNumber: null,
  ...over,
});

function plan(over: {
  status?: OrderStatus;
  sku?: string;
  serial?: string;
  newSerial?: string;
  reason?: string;
  units?: RegistryUnit[];
  scope?: DuplicateScope;
  allow?: boolean;
  requireReceived?: boolean;
}) {
  return planCorrection({
    order: { id: 1, orderNumber: 'SO-1', status: over.status ?? 'shipped' },
    lines: [CAM, LENS],
    captures,
    units: over.units ?? [],
    rules: { scope: over.scope ?? 'sku', allowDuplicates: over.allow ?? false, requireReceived: over.requireReceived ?? false },
    request: { sku: over.sku ?? 'CAM', serial: over.serial ?? 'A', newSerial: over.newSerial ?? 'N', reason: over.reason ?? 'wrong label' },
  });
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('planCorrection', () => {
  const cases: Array<[string, Parameters<typeof plan>[0], string]> = [
    ['corrects a shipped serial to a new one', {}, 'accepted'],
    ['trims the serials and the reason', { serial: ' A ', newSerial: '\tN\n', reason: ' why ' }, 'accepted'],
    ['refuses an open order: remove and capture instead', { status: 'open' }, 'ORDER_NOT_SHIPPED'],
    ['refuses a cancelled order', { status: 'cancelled' }, 'ORDER_CANCELLED'],
    ['refuses an empty reason', { reason: '  ' }, 'VALIDATION_FAILED'],
    ['refuses a reason over 500 characters', { reason: 'x'.repeat(501) }, 'VALIDATION_FAILED'],
    ['refuses a SKU not on the order', { sku: 'STRAP' }, 'ORDER_LINE_NOT_FOUND'],
    ['refuses a serial not captured on that line', { serial: '1234' }, 'SERIAL_NOT_FOUND'],
    ['refuses a serial corrected before', { serial: 'Z' }, 'SERIAL_ALREADY_CORRECTED'],
    ['refuses a serial that came back in a return', { serial: 'R' }, 'SERIAL_ALREADY_RETURNED'],
    ['refuses the same serial again', { newSerial: 'A' }, 'VALIDATION_FAILED'],
    ['refuses an invalid new serial', { newSerial: 'x'.repeat(65) }, 'SERIAL_INVALID'],
    ['refuses a serial already in the order (scope sku)', { newSerial: 'B' }, 'SERIAL_DUPLICATE_IN_ORDER'],
    ['accepts the serial of a corrected capture again', { newSerial: 'Z' }, 'accepted'],
    ['accepts under scope sku a serial the order has on another SKU', { sku: 'LENS', serial: '1234', newSerial: '5678', units: [] }, 'accepted'],
    ['refuses under scope tenant a serial the order has on another SKU', { newSerial: '1234', scope: 'tenant' }, 'SERIAL_DUPLICATE_IN_ORDER'],
    ['refuses under scope order a serial in the order', { newSerial: 'B', scope: 'order' }, 'SERIAL_DUPLICATE_IN_ORDER'],
    ['accepts under scope order a duplicate when allowed', { newSerial: 'B', scope: 'order', allow: true }, 'accepted'],
    ['refuses the product barcode', { newSerial: '4006381333931' }, 'SCANNED_PRODUCT_BARCODE'],
    ['refuses a serial breaking the SKU format', { sku: 'LENS', serial: '1234', newSerial: '12a4' }, 'SERIAL_FORMAT_MISMATCH'],
    ['refuses a unit shipped in another order', { units: [unit({ status: 'shipped', orderId: 2, orderNumber: 'SO-2' })] }, 'SERIAL_ALREADY_SHIPPED'],
    ['refuses a unit packed in another order', { units: [unit({ status: 'packed', orderId: 3, orderNumber: 'SO-3' })] }, 'SERIAL_ALREADY_PACKED'],
    ['refuses a recalled unit', { units: [unit({ hold: 'recalled' })] }, 'SERIAL_RECALLED'],
    ['refuses a quarantined unit', { units: [unit({ hold: 'quarantined' })] }, 'SERIAL_ON_HOLD'],
    ['refuses a scrapped unit', { units: [unit({ status: 'scrapped' })] }, 'SERIAL_SCRAPPED'],
    ['refuses an unknown serial when only stock may ship', { requireReceived: true }, 'SERIAL_NOT_IN_STOCK'],
    ['accepts a unit in stock when only stock may ship', { requireReceived: true, units: [unit({})] }, 'accepted'],
    ['accepts a returned unit (it came back)', { units: [unit({ status: 'returned', orderId: 2, orderNumber: 'SO-2' })] }, 'accepted'],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    expect(codeOf(() => plan(over))).toBe(expected);
  });

  it('corrects the current capture and names the new serial, trimmed', () => {
    const planned = plan({ newSerial: ' N ' });
    expect(planned.capture.id).toBe(4);
    expect(planned.newSerial).toBe('N');
    expect(planned.line.sku).toBe('CAM');
  });

  it('names what replaced a serial corrected before, and words refusals for the new serial', () => {
    expect(() => plan({ serial: 'Z' })).toThrow(expect.objectContaining({ details: expect.objectContaining({ newSerial: 'A' }) }));
    expect(() => plan({ units: [unit({ status: 'shipped', orderId: 2, orderNumber: 'SO-2' })] })).toThrow(/^newSerial: N of CAM shipped in order SO-2/);
  });
});
