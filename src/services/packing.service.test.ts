import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { captureSerial, captureSerialBatch, removeSerial, shipOrder } from './packing.service.ts';
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

  it('allows a duplicate serial in one order when the tenant setting says so', async () => {
    const { actor: other } = await makeTenant(t.db);
    await changeSettings(t.db, other, { allowDuplicateSerialsInOrder: true });
    const product = await makeProduct(t.db, other);
    const order = await makeOrder(t.db, other, [{ sku: product.sku, quantity: 2 }]);
    await captureSerial(t.db, other, order.orderNumber, { sku: product.sku, serial: 'SAME' });
    const again = await captureSerial(t.db, other, order.orderNumber, { sku: product.sku, serial: 'SAME' });
    expect(again.captured).toBe(2);
  });
});
