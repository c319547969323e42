import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { captureSerial, captureSerialBatch, recordScan, removeSerial, shipOrder } from './packing.service.ts';
import { changeProduct } from './products.service.ts';
import { getOrder } from './orders.service.ts';
import { changeSettings } from './tenants.service.ts';
import { findSerial } from './serials.service.ts';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
});
afterAll(async () => t.close());

async function orderOf(quantity: number, productFields: Record<string, unknown> = {}) {
  const product = await makeProduct(t.db, actor, productFields);
  const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity }]);
  return { product, order };
}

describe('captureSerial', () => {
  it('records one serial per unit and reports the line progress', async () => {
    const { product, order } = await orderOf(3);
    const first = await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: '  SN-1 ', scanned: true });
    expect(first).toEqual({ sku: product.sku, serial: 'SN-1', captured: 1, quantity: 3 });
    const second = await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'SN-2' });
    expect(second.captured).toBe(2);
    const detail = await getOrder(t.db, actor, order.orderNumber);
    expect(detail.lines[0].serials).toEqual(['SN-1', 'SN-2']);
    expect(detail.lines[0].captures.map((c) => c.scanned)).toEqual([true, false]);
  });

  it('refuses a second scan of the same serial in one order with SERIAL_DUPLICATE_IN_ORDER', async () => {
    const { product, order } = await orderOf(2);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'DUP-1' });
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'DUP-1' })).rejects.toMatchObject({
      code: 'SERIAL_DUPLICATE_IN_ORDER',
    });
  });

  it('refuses more serials than units with LINE_FULLY_SERIALIZED', async () => {
    const { product, order } = await orderOf(1);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'A' });
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'B' })).rejects.toMatchObject({
      code: 'LINE_FULLY_SERIALIZED',
    });
  });

  it('lets exactly one of two packers racing with the same serial win', async () => {
    const { product, order } = await orderOf(5);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'RACE-1' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const detail = await getOrder(t.db, actor, order.orderNumber);
    expect(detail.lines[0].serials).toEqual(['RACE-1']);
  });
});

describe('batch, removal and shipping', () => {
  it('captures a batch, removes a mis-scan, refuses to ship while short, then ships and freezes', async () => {
    const { product, order } = await orderOf(3);
    const batch = await captureSerialBatch(t.db, actor, order.orderNumber, [
      { sku: product.sku, serial: 'B-1' },
      { sku: product.sku, serial: 'B-2' },
    ]);
    expect(batch.captured).toBe(2);
    await expect(shipOrder(t.db, actor, order.orderNumber, {})).rejects.toMatchObject({
      code: 'SERIALS_MISSING',
      details: { lines: [{ sku: product.sku, quantity: 3, captured: 2, missing: 1 }] },
    });
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'B-X' });
    await removeSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'B-X' });
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'B-3' });
    const shipped = await shipOrder(t.db, actor, order.orderNumber, { carrier: 'DHL', trackingNumber: 'JD0001' });
    expect(shipped.status).toBe('shipped');
    expect(shipped.shippedAt).toBeInstanceOf(Date);
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'B-4' })).rejects.toMatchObject({
      code: 'ORDER_ALREADY_SHIPPED',
    });
    const found = await findSerial(t.db, actor, 'B-1');
    expect(found.units[0]).toMatchObject({ status: 'shipped', order: { orderNumber: order.orderNumber } });
    expect(found.units[0].events.map((e) => e.type)).toEqual(['packed', 'shipped']);
    const removed = await findSerial(t.db, actor, 'B-X');
    expect(removed.units[0].status).toBe('in_stock');
    expect(removed.units[0].events.map((e) => e.type)).toEqual(['packed', 'unpacked']);
  });

  it('rejects a whole batch and reports every bad item with its index', async () => {
    const { product, order } = await orderOf(2);
    await expect(
      captureSerialBatch(t.db, actor, order.orderNumber, [
        { sku: product.sku, serial: 'OK-1' },
        { sku: product.sku, serial: 'OK-1' },
        { sku: 'NOPE', serial: 'X' },
      ]),
    ).rejects.toMatchObject({
      code: 'BATCH_REJECTED',
      details: {
        items: [
          { index: 1, code: 'SERIAL_DUPLICATE_IN_ORDER' },
          { index: 2, code: 'ORDER_LINE_NOT_FOUND' },
        ],
      },
    });
    expect((await getOrder(t.db, actor, order.orderNumber)).lines[0].captured).toBe(0);
  });

  it('allows a duplicate serial in one order when the tenant setting says so (duplicate scope order)', async () => {
    const { actor: other } = await makeTenant(t.db);
    await changeSettings(t.db, other, { allowDuplicateSerialsInOrder: true, duplicateScope: 'order' });
    const product = await makeProduct(t.db, other);
    const order = await makeOrder(t.db, other, [{ sku: product.sku, quantity: 2 }]);
    await captureSerial(t.db, other, order.orderNumber, { sku: product.sku, serial: 'SAME' });
    const again = await captureSerial(t.db, other, order.orderNumber, { sku: product.sku, serial: 'SAME' });
    expect(again.captured).toBe(2);
  });
});

describe('serial formats, product barcodes and GS1 scans at packing', () => {
  it("refuses a serial that breaks the SKU's format with SERIAL_FORMAT_MISMATCH saying what was expected", async () => {
    const { product, order } = await orderOf(1, { serialFormat: 'SN-{9:5}' });
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'SN-12A45' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_MISMATCH',
      message: expect.stringContaining('does not match the format'),
    });
    expect((await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'SN-12345' })).captured).toBe(1);
  });

  it("refuses the product's own EAN scanned instead of a serial with SCANNED_PRODUCT_BARCODE", async () => {
    const { product, order } = await orderOf(1, { gtin: '4006381333931' });
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: '4006381333931' })).rejects.toMatchObject({
      code: 'SCANNED_PRODUCT_BARCODE',
    });
  });

  it('never rewrites serials already captured when the format changes', async () => {
    const { product, order } = await orderOf(2);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'old-style' });
    await changeProduct(t.db, actor, product.sku, { serialFormat: '{9:6}' });
    expect((await getOrder(t.db, actor, order.orderNumber)).lines[0].serials).toEqual(['old-style']);
    await expect(captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'new-style' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_MISMATCH',
    });
  });

  it('records a GS1 element string by its GTIN, keeping lot and expiry with the unit', async () => {
    const product = await makeProduct(t.db, actor, { gtin: '09501101530003' });
    const other = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [
      { sku: other.sku, quantity: 1 },
      { sku: product.sku, quantity: 1 },
    ]);
    const result = await recordScan(t.db, actor, order.orderNumber, { data: ']d20109501101530003172701012110ABC123\u001d10LOT1' });
    expect(result).toMatchObject({ sku: product.sku, serial: '10ABC123', lot: 'LOT1', expiry: '2027-01-01', captured: 1 });
    const unit = (await findSerial(t.db, actor, '10ABC123')).units[0];
    expect(unit).toMatchObject({ lot: 'LOT1', expiry: '2027-01-01', status: 'packed' });
  });

  it('refuses a GS1 scan whose GTIN is not the chosen SKU with GTIN_MISMATCH, and a bare GTIN as a product barcode', async () => {
    const product = await makeProduct(t.db, actor, { gtin: '09501101530003' });
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    const other = await makeProduct(t.db, actor, { gtin: '04006381333931' });
    const order2 = await makeOrder(t.db, actor, [
      { sku: product.sku, quantity: 1 },
      { sku: other.sku, quantity: 1 },
    ]);
    await expect(
      recordScan(t.db, actor, order2.orderNumber, { data: '(01)09501101530003(21)X1', sku: other.sku }),
    ).rejects.toMatchObject({ code: 'GTIN_MISMATCH' });
    await expect(recordScan(t.db, actor, order.orderNumber, { data: '(01)09501101530003' })).rejects.toMatchObject({
      code: 'SCANNED_PRODUCT_BARCODE',
    });
    await expect(recordScan(t.db, actor, order.orderNumber, { data: '(01)09501101530004(21)X1' })).rejects.toMatchObject({
      code: 'SCAN_INVALID',
      details: { rule: 'check-digit' },
    });
  });

  it("reads GS1 element strings sent with the tenant's FNC1 substitute or a bare GS separator", async () => {
    const { actor: other } = await makeTenant(t.db);
    await changeSettings(t.db, other, { gs1Fnc1Substitute: '^' });
    const product = await makeProduct(t.db, other, { gtin: '09501101530003' });
    const order = await makeOrder(t.db, other, [{ sku: product.sku, quantity: 2 }]);
    expect(await recordScan(t.db, other, order.orderNumber, { data: '010950110153000321SUB-1^10LOT9' })).toMatchObject({
      serial: 'SUB-1',
      lot: 'LOT9',
    });
    expect(await recordScan(t.db, other, order.orderNumber, { data: '010950110153000321GS-1\u001d10LOT9' })).toMatchObject({
      serial: 'GS-1',
      lot: 'LOT9',
    });
  });

  it('takes a plain scan for the only line still short of serials, and asks for the SKU when two are', async () => {
    const a = await makeProduct(t.db, actor);
    const b = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [
      { sku: a.sku, quantity: 1 },
      { sku: b.sku, quantity: 1 },
    ]);
    await expect(recordScan(t.db, actor, order.orderNumber, { data: 'P-1' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^sku: required/),
    });
    await recordScan(t.db, actor, order.orderNumber, { data: 'P-1', sku: a.sku });
    expect((await recordScan(t.db, actor, order.orderNumber, { data: 'P-2' })).sku).toBe(b.sku);
  });
});

describe('large orders', () => {
  it('captures and ships a 10,000-unit order in one batch and one ship', async () => {
    const { product, order } = await orderOf(10_000);
    const items = Array.from({ length: 10_000 }, (_, i) => ({ sku: product.sku, serial: `BIG-${i}` }));
    expect((await captureSerialBatch(t.db, actor, order.orderNumber, items)).captured).toBe(10_000);
    const shipped = await shipOrder(t.db, actor, order.orderNumber, {});
    expect(shipped.lines[0].captured).toBe(10_000);
    const unit = (await findSerial(t.db, actor, 'BIG-9999')).units[0];
    expect(unit.status).toBe('shipped');
  });
});
