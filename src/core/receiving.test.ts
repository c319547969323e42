import { describe, expect, it } from 'vitest';
import type { UnitHold, UnitStatus } from './model.ts';
import type { RegistryUnit } from './packing.ts';
import {
  barcodeGtins,
  judgeReceivingUnit,
  planNotice,
  planReceipt,
  readReceivingScan,
  receiptRejected,
  type ReceivingProduct,
  unitKey,
} from './receiving.ts';

const CAM: ReceivingProduct = { productId: 1, sku: 'CAM', name: 'Camera', gtin: '09501101530003', needsSerialNumber: true, serialFormat: null };
const LENS: ReceivingProduct = { productId: 2, sku: 'LENS', name: 'Lens', gtin: null, needsSerialNumber: true, serialFormat: 'L-{####}' };
const BAG: ReceivingProduct = { productId: 3, sku: 'BAG', name: 'Bag', gtin: null, needsSerialNumber: false, serialFormat: null };
const products = [CAM, LENS, BAG];

const unit = (serial: string, status: UnitStatus, hold: UnitHold = 'none', product = CAM): RegistryUnit => ({
  productId: product.productId,
  sku: product.sku,
  serial,
  status,
  hold,
  orderId: status === 'packed' || status === 'shipped' || status === 'returned' ? 7 : null,
  orderNumber: status === 'packed' || status === 'shipped' || status === 'returned' ? 'SO-7' : null,
});

describe('judgeReceivingUnit', () => {
  const cases: Array<[string, RegistryUnit[], string]> = [
    ['a serial the registry does not know is received', [], 'received'],
    ['a unit in stock is already in stock', [unit('S', 'in_stock')], 'already_in_stock'],
    ['a recalled unit is refused', [unit('S', 'in_stock', 'recalled')], 'SERIAL_RECALLED'],
    ['a recalled unit out with a customer is refused as recalled', [unit('S', 'shipped', 'recalled')], 'SERIAL_RECALLED'],
    ['a quarantined unit is refused', [unit('S', 'returned', 'quarantined')], 'SERIAL_ON_HOLD'],
    ['a unit packed in an open order is refused', [unit('S', 'packed')], 'SERIAL_ALREADY_PACKED'],
    ['a unit shipped and not come back is refused', [unit('S', 'shipped')], 'SERIAL_ALREADY_SHIPPED'],
    ['a returned unit awaiting its disposition is refused', [unit('S', 'returned')], 'SERIAL_RETURN_PENDING'],
    ['a scrapped unit is refused', [unit('S', 'scrapped')], 'SERIAL_SCRAPPED'],
    ['a unit of another SKU does not matter under scope sku', [unit('S', 'shipped', 'none', LENS)], 'received'],
  ];
  for (const [name, units, expected] of cases) {
    it(name, () => {
      const judged = judgeReceivingUnit({ scope: 'sku', product: CAM, serial: 'S', units });
      expect('outcome' in judged ? judged.outcome : judged.refusal.code).toBe(expected);
    });
  }

  it('names the order of a unit that is out', () => {
    const judged = judgeReceivingUnit({ scope: 'order', product: CAM, serial: 'S', units: [unit('S', 'shipped')] });
    expect(judged).toEqual({
      refusal: {
        code: 'SERIAL_ALREADY_SHIPPED',
        message: 'serial: S of CAM shipped in order SO-7 and has not come back; it cannot be received',
        details: { orderNumber: 'SO-7' },
      },
    });
  });

  it('refuses under scope tenant a serial that belongs to another SKU', () => {
    const judged = judgeReceivingUnit({ scope: 'tenant', product: CAM, serial: 'S', units: [unit('S', 'in_stock', 'none', LENS)] });
    expect(judged).toMatchObject({ refusal: { code: 'SERIAL_REGISTERED_TO_OTHER_SKU', details: { sku: 'LENS' } } });
  });
});

describe('planReceipt', () => {
  it('accepts new and in-stock units, flags what the notice did not expect, and refuses the rest with their index', () => {
    const plan = planReceipt({
      products,
      units: [unit('C-2', 'in_stock'), unit('C-3', 'shipped')],
      expected: new Set([unitKey(1, 'C-1')]),
      items: [
        { sku: 'CAM', serial: ' C-1 ', scanned: true },
        { sku: 'CAM', serial: 'C-2' },
        { sku: 'CAM', serial: 'C-3', path: 'lines[0].serials[2]' },
        { sku: 'CAM', serial: 'C-1' },
        { sku: 'LENS', serial: 'L-12' },
        { sku: 'BAG', serial: 'B-1' },
        { sku: 'NOPE', serial: 'N-1' },
        { sku: 'CAM', serial: '' },
        { sku: 'CAM', serial: '9501101530003' },
      ],
      scope: 'sku',
    });
    expect(plan.accepted.map((a) => [a.index, a.serial, a.outcome, a.expected, a.scanned])).toEqual([
      [0, 'C-1', 'received', true, true],
      [1, 'C-2', 'already_in_stock', false, false],
    ]);
    expect(plan.problems.map((p) => [p.index, p.code])).toEqual([
      [2, 'SERIAL_ALREADY_SHIPPED'],
      [3, 'SERIAL_DUPLICATE_IN_RECEIPT'],
      [4, 'SERIAL_FORMAT_MISMATCH'],
      [5, 'SERIAL_NOT_REQUIRED'],
      [6, 'PRODUCT_NOT_FOUND'],
      [7, 'SERIAL_INVALID'],
      [8, 'SCANNED_PRODUCT_BARCODE'],
    ]);
    expect(plan.problems[0].path).toBe('lines[0].serials[2]');
  });

  it('leaves expected null without a notice, and counts units already in an open receipt as duplicates', () => {
    const plan = planReceipt({
      products,
      units: [],
      inReceipt: new Set([unitKey(1, 'C-1')]),
      expected: null,
      items: [
        { sku: 'CAM', serial: 'C-1' },
        { sku: 'CAM', serial: 'C-2' },
      ],
      scope: 'sku',
    });
    expect(plan.problems.map((p) => p.code)).toEqual(['SERIAL_DUPLICATE_IN_RECEIPT']);
    expect(plan.accepted).toMatchObject([{ serial: 'C-2', expected: null }]);
  });

  it('takes one serial once per receipt across SKUs under scope tenant', () => {
    const plan = planReceipt({
      products,
      units: [],
      expected: null,
      items: [
        { sku: 'CAM', serial: 'L-0001' },
        { sku: 'LENS', serial: 'L-0001' },
      ],
      scope: 'tenant',
    });
    expect(plan.problems.map((p) => p.code)).toEqual(['SERIAL_DUPLICATE_IN_RECEIPT']);
  });
});

describe('planNotice', () => {
  it('checks syntax, SKU, format and duplicates, not the registry', () => {
    const plan = planNotice({
      products,
      items: [
        { sku: 'LENS', serial: 'L-0001' },
        { sku: 'LENS', serial: 'L-0001' },
        { sku: 'LENS', serial: 'X' },
        { sku: 'CAM', serial: 'C-1' },
      ],
    });
    expect(plan.accepted.map((a) => a.serial)).toEqual(['L-0001', 'C-1']);
    expect(plan.problems.map((p) => p.code)).toEqual(['SERIAL_DUPLICATE_IN_RECEIPT', 'SERIAL_FORMAT_MISMATCH']);
  });
});

describe('receiptRejected', () => {
  it('is BATCH_REJECTED naming the first item by its path and counting the others', () => {
    const error = receiptRejected([
      { index: 3, path: 'lines[1].serials[0]', code: 'SERIAL_RECALLED', message: 'serial: X of CAM is recalled', sku: 'CAM', serial: 'X' },
      { index: 5, path: null, code: 'SERIAL_INVALID', message: 'serial: must not be empty', sku: 'CAM', serial: '' },
    ]);
    expect(error.code).toBe('BATCH_REJECTED');
    expect(error.message).toBe('lines[1].serials[0]: serial: X of CAM is recalled (and 1 more); nothing was received');
    expect(error.details).toEqual({
      items: [
        { index: 3, path: 'lines[1].serials[0]', sku: 'CAM', serial: 'X', code: 'SERIAL_RECALLED', message: 'serial: X of CAM is recalled' },
        { index: 5, sku: 'CAM', serial: '', code: 'SERIAL_INVALID', message: 'serial: must not be empty' },
      ],
    });
  });
});

describe('readReceivingScan', () => {
  const read = (data: string) => readReceivingScan(data, { referenceYear: 2026 });
  it('reads a GS1 scan with GTIN and serial as a unit with its lot and expiry', () => {
    expect(read('(01)09501101530003(21)S-1(10)LOT7(17)271231')).toEqual({
      kind: 'unit',
      gtin: '09501101530003',
      serial: 'S-1',
      lot: 'LOT7',
      expiry: '2027-12-31',
    });
    expect(read('https://id.gs1.org/01/09501101530003/21/S-2')).toMatchObject({ kind: 'unit', serial: 'S-2' });
  });
  it('reads a GS1 product barcode as the GTIN, and plain text as plain with the GTINs it could be', () => {
    expect(read(']E09501101530003')).toMatchObject({ kind: 'gtin', gtin: '09501101530003' });
    expect(read(' SN-1 ')).toEqual({ kind: 'plain', text: 'SN-1', gtins: [] });
    expect(read('9501101530003')).toEqual({ kind: 'plain', text: '9501101530003', gtins: ['09501101530003'] });
  });
  it('refuses a broken GS1 scan with SCAN_INVALID', () => {
    expect(() => read('(01)09501101530004(21)S-1')).toThrow(expect.objectContaining({ code: 'SCAN_INVALID' }));
  });
});

describe('barcodeGtins', () => {
  it('gives the GTIN-14 of EAN-13, UPC-A, EAN-8 and UPC-E scans, and nothing for other text', () => {
    expect(barcodeGtins('9501101530003')).toEqual(['09501101530003']);
    expect(barcodeGtins('036000291452')).toEqual(['00036000291452']);
    expect(barcodeGtins('04252614')).toContain('00042100005264');
    expect(barcodeGtins('SN-0001')).toEqual([]);
    expect(barcodeGtins('9501101530004')).toEqual([]);
  });
});
