import { describe, expect, it } from 'vitest';
import { isGs1Scan } from './gs1/index.ts';
import type { DuplicateScope } from './model.ts';
import { interpretScan, missingSerials, type PackingLine, planCaptures, type RegistryUnit } from './packing.ts';

const line = (over: Partial<PackingLine> = {}): PackingLine => ({
  lineNo: 1,
  sku: 'CAM',
  productId: 10,
  quantity: 2,
  needsSerialNumber: true,
  captured: 0,
  gtin: null,
  serialFormat: null,
  ...over,
});

const THIS_ORDER = 1;

/** A registry unit of CAM with serial A, last in another order (2, SO-2). */
const unit = (over: Partial<RegistryUnit> = {}): RegistryUnit => ({
  productId: 10,
  sku: 'CAM',
  serial: 'A',
  status: 'shipped',
  hold: 'none',
  orderId: 2,
  orderNumber: 'SO-2',
  ...over,
});

describe('planCaptures', () => {
  const cases: Array<{
    name: string;
    lines: PackingLine[];
    inOrder?: string[];
    items: Array<{ sku: string; serial: string }>;
    allow?: boolean;
    scope?: DuplicateScope;
    requireReceived?: boolean;
    units?: RegistryUnit[];
    accepted: string[];
    problems: Array<[number, string]>;
  }> = [
    { name: 'accepts one serial per unit', lines: [line()], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'CAM', serial: 'B' }], accepted: ['A', 'B'], problems: [] },
    { name: 'trims surrounding whitespace', lines: [line()], items: [{ sku: 'CAM', serial: '\t A1 \n' }], accepted: ['A1'], problems: [] },
    { name: 'refuses a third serial on a line of two', lines: [line()], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'CAM', serial: 'B' }, { sku: 'CAM', serial: 'C' }], accepted: ['A', 'B'], problems: [[2, 'LINE_FULLY_SERIALIZED']] },
    { name: 'counts serials captured before', lines: [line({ captured: 2 })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'LINE_FULLY_SERIALIZED']] },
    { name: 'refuses a duplicate within the batch', lines: [line()], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [[1, 'SERIAL_DUPLICATE_IN_ORDER']] },
    { name: 'refuses a serial already in the order, on any line', lines: [line(), line({ lineNo: 2, sku: 'LENS', productId: 11 })], inOrder: ['A'], items: [{ sku: 'LENS', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_DUPLICATE_IN_ORDER']] },
    { name: 'allows duplicates when the setting says so', lines: [line()], inOrder: ['A'], allow: true, items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
    { name: 'treats serials as case-sensitive', lines: [line()], inOrder: ['abc'], items: [{ sku: 'CAM', serial: 'ABC' }], accepted: ['ABC'], problems: [] },
    { name: 'refuses a SKU that is not on the order', lines: [line()], items: [{ sku: 'NOPE', serial: 'A' }], accepted: [], problems: [[0, 'ORDER_LINE_NOT_FOUND']] },
    { name: 'refuses a serial for a line that needs none', lines: [line({ needsSerialNumber: false })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_NOT_REQUIRED']] },
    { name: 'refuses an empty serial', lines: [line()], items: [{ sku: 'CAM', serial: '   ' }], accepted: [], problems: [[0, 'SERIAL_INVALID']] },
    { name: 'refuses a 65-character serial', lines: [line()], items: [{ sku: 'CAM', serial: 'x'.repeat(65) }], accepted: [], problems: [[0, 'SERIAL_INVALID']] },
    { name: 'accepts a 64-character serial', lines: [line()], items: [{ sku: 'CAM', serial: 'x'.repeat(64) }], accepted: ['x'.repeat(64)], problems: [] },
    { name: 'refuses a control character', lines: [line()], items: [{ sku: 'CAM', serial: 'A\u0000B' }], accepted: [], problems: [[0, 'SERIAL_INVALID']] },
    { name: 'refuses a serial breaking the format', lines: [line({ serialFormat: '{9:4}' })], items: [{ sku: 'CAM', serial: '12a4' }], accepted: [], problems: [[0, 'SERIAL_FORMAT_MISMATCH']] },
    { name: 'refuses the product barcode', lines: [line({ gtin: '04006381333931' })], items: [{ sku: 'CAM', serial: '4006381333931' }], accepted: [], problems: [[0, 'SCANNED_PRODUCT_BARCODE']] },

    // The registry judges each capture.
    { name: 'scope sku: refuses a unit shipped in another order', scope: 'sku', lines: [line()], units: [unit({ status: 'shipped' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_ALREADY_SHIPPED']] },
    { name: 'scope sku: refuses a unit packed in another order', scope: 'sku', lines: [line()], units: [unit({ status: 'packed' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_ALREADY_PACKED']] },
    { name: 'scope sku: accepts a unit that came back', scope: 'sku', lines: [line()], units: [unit({ status: 'returned' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
    { name: 'scope sku: accepts a unit in stock', scope: 'sku', lines: [line()], units: [unit({ status: 'in_stock', orderId: null, orderNumber: null })], items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
    { name: 'scope sku: accepts the same serial on another SKU', scope: 'sku', lines: [line()], units: [unit({ productId: 99, sku: 'OTHER', status: 'shipped' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
    { name: 'scope sku: refuses the same unit twice in the order', scope: 'sku', lines: [line()], units: [unit({ status: 'packed', orderId: THIS_ORDER, orderNumber: 'THIS' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_DUPLICATE_IN_ORDER']] },
    { name: 'scope sku: refuses the same unit twice in a batch even when order duplicates are allowed', scope: 'sku', allow: true, lines: [line()], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [[1, 'SERIAL_DUPLICATE_IN_ORDER']] },
    { name: 'scope sku: allows one serial on two SKUs of one order', scope: 'sku', lines: [line(), line({ lineNo: 2, sku: 'LENS', productId: 11 })], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'LENS', serial: 'A' }], accepted: ['A', 'A'], problems: [] },
    { name: 'scope order: lets a unit shipped elsewhere ship again (the seed rule)', scope: 'order', lines: [line()], units: [unit({ status: 'shipped' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
    { name: 'scope tenant: refuses a serial of another SKU', scope: 'tenant', lines: [line()], units: [unit({ productId: 99, sku: 'OTHER', status: 'in_stock' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_REGISTERED_TO_OTHER_SKU']] },
    { name: 'scope tenant: refuses one serial on two SKUs of one order', scope: 'tenant', lines: [line(), line({ lineNo: 2, sku: 'LENS', productId: 11 })], items: [{ sku: 'CAM', serial: 'A' }, { sku: 'LENS', serial: 'A' }], accepted: ['A'], problems: [[1, 'SERIAL_DUPLICATE_IN_ORDER']] },
    { name: 'any scope: refuses a recalled unit', scope: 'order', lines: [line()], units: [unit({ status: 'in_stock', hold: 'recalled' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_RECALLED']] },
    { name: 'any scope: refuses a quarantined unit', scope: 'sku', lines: [line()], units: [unit({ status: 'returned', hold: 'quarantined' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_ON_HOLD']] },
    { name: 'any scope: refuses a scrapped unit', scope: 'sku', lines: [line()], units: [unit({ status: 'scrapped' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_SCRAPPED']] },
    { name: 'requireReceived: refuses an unknown serial', scope: 'sku', requireReceived: true, lines: [line()], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_NOT_IN_STOCK']] },
    { name: 'requireReceived: refuses a serial in stock for another SKU', scope: 'sku', requireReceived: true, lines: [line()], units: [unit({ productId: 99, sku: 'OTHER', status: 'in_stock' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_NOT_IN_STOCK']] },
    { name: 'requireReceived: refuses a returned unit not yet restocked', scope: 'sku', requireReceived: true, lines: [line()], units: [unit({ status: 'returned' })], items: [{ sku: 'CAM', serial: 'A' }], accepted: [], problems: [[0, 'SERIAL_NOT_IN_STOCK']] },
    { name: 'requireReceived: accepts a unit in stock for the SKU', scope: 'sku', requireReceived: true, lines: [line()], units: [unit({ status: 'in_stock', orderId: null, orderNumber: null })], items: [{ sku: 'CAM', serial: 'A' }], accepted: ['A'], problems: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planCaptures({
        lines: c.lines,
        orderId: THIS_ORDER,
        serialsInOrder: new Set(c.inOrder ?? []),
        units: c.units ?? [],
        items: c.items,
        rules: { scope: c.scope ?? 'order', allowDuplicates: c.allow ?? false, requireReceived: c.requireReceived ?? false },
      });
      expect(plan.accepted.map((a) => a.serial)).toEqual(c.accepted);
      expect(plan.problems.map((p) => [p.index, p.code])).toEqual(c.problems);
    });
  }

  it('names the order that holds the unit', () => {
    const plan = planCaptures({
      lines: [line()],
      orderId: THIS_ORDER,
      serialsInOrder: new Set(),
      units: [unit()],
      items: [{ sku: 'CAM', serial: 'A' }],
      rules: { scope: 'sku', allowDuplicates: false, requireReceived: false },
    });
    expect(plan.problems[0]).toMatchObject({
      code: 'SERIAL_ALREADY_SHIPPED',
      message: 'serial: A of CAM shipped in order SO-2 and has not come back',
      details: { orderNumber: 'SO-2' },
    });
  });
});

describe('missingSerials', () => {
  it('lists serialized lines short of serials and ignores the rest', () => {
    expect(
      missingSerials([line({ captured: 1 }), line({ lineNo: 2, sku: 'BAG', needsSerialNumber: false }), line({ lineNo: 3, sku: 'OK', captured: 2 })]),
    ).toEqual([{ sku: 'CAM', quantity: 2, captured: 1, missing: 1 }]);
  });
});

describe('interpretScan', () => {
  const lines = [line({ gtin: '09501101530003' }), line({ lineNo: 2, sku: 'LENS', productId: 11, gtin: '04006381333931' })];
  it('picks the line by the GTIN of a Digital Link', () => {
    expect(interpretScan({ data: 'https://id.gs1.org/01/04006381333931/21/S%2F1', lines, referenceYear: 2026 })).toMatchObject({
      sku: 'LENS',
      serial: 'S/1',
    });
  });
  it('takes a plain serial for the given SKU', () => {
    expect(interpretScan({ data: ' X1 ', sku: 'CAM', lines, referenceYear: 2026 })).toMatchObject({ sku: 'CAM', serial: 'X1' });
  });
  it.each([
    ['(01)09501101530003', 'SCANNED_PRODUCT_BARCODE'],
    ['(01)09501101530003(21)A', 'ok'],
    ['(01)12345678901231(21)A', 'ORDER_LINE_NOT_FOUND'],
    ['(10)LOT(21)A', 'SCAN_INVALID'],
  ])('answers %s with %s', (data, expected) => {
    const run = () => interpretScan({ data, lines, referenceYear: 2026 });
    if (expected === 'ok') expect(run().sku).toBe('CAM');
    else expect(run).toThrow(expect.objectContaining({ code: expected }));
  });
});

describe('isGs1Scan', () => {
  it.each([
    [']d20109501101530003', undefined, true],
    ['(01)09501101530003(21)A', undefined, true],
    ['0109501101530003\u001d21A', undefined, true],
    ['0109501101530003^21A', '^', true],
    ['0109501101530003^21A', undefined, false],
    ['SN^1', '^', false],
    ['0109501101530003', undefined, false],
    ['SN-0001', undefined, false],
  ])('reads %j (substitute %s) as GS1: %s', (data, substitute, expected) => {
    expect(isGs1Scan(data, substitute)).toBe(expected);
  });

  it('reads an element string with the substitute as FNC1 at packing', () => {
    const lines = [line({ gtin: '09501101530003' })];
    const scan = interpretScan({ data: '010950110153000321ABC^10LOT', lines, referenceYear: 2026, fnc1Substitute: '^' });
    expect(scan).toMatchObject({ sku: 'CAM', serial: 'ABC', lot: 'LOT' });
  });
});
