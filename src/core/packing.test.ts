import { describe, expect, it } from 'vitest';
import { isGs1Scan } from './gs1/index.ts';
import { interpretScan, missingSerials, type PackingLine, planCaptures } from './packing.ts';

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

describe('planCaptures', () => {
  const cases: Array<{
    name: string;
    lines: PackingLine[];
    inOrder?: string[];
    items: Array<{ sku: string; serial: string }>;
    allow?: boolean;
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
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planCaptures({ lines: c.lines, serialsInOrder: new Set(c.inOrder ?? []), items: c.items, allowDuplicates: c.allow ?? false });
      expect(plan.accepted.map((a) => a.serial)).toEqual(c.accepted);
      expect(plan.problems.map((p) => [p.index, p.code])).toEqual(c.problems);
    });
  }
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
