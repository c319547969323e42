import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { captureSerialBatch, shipOrder } from './packing.service.ts';
import { serialReportCsv, serialReportDaily, serialReportPage } from './reports.service.ts';

let t: TestDatabase;
let actor: Actor;
let cam: string;
let lens: string;

async function shippedOrder(sku: string, serials: string[], customer: { name: string; email?: string }, shippedAt: string) {
  const order = await makeOrder(t.db, actor, [{ sku, quantity: serials.length }], { customer });
  await captureSerialBatch(t.db, actor, order.orderNumber, serials.map((serial) => ({ sku, serial, scanned: true })));
  await shipOrder(t.db, actor, order.orderNumber, {});
  // Place the shipment on a known day (test-only: the report reads orders.shipped_at).
  await sql`UPDATE orders SET shipped_at = ${shippedAt}::timestamptz WHERE order_number = ${order.orderNumber}`.execute(t.db);
  return order.orderNumber;
}

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
  cam = (await makeProduct(t.db, actor, { name: 'Camera' })).sku;
  lens = (await makeProduct(t.db, actor, { name: '=HYPERLINK("x")' })).sku;
  await shippedOrder(cam, ['C1', 'C2'], { name: 'Ada Lovelace', email: 'ada@example.com' }, '2026-11-01T10:00:00Z');
  await shippedOrder(lens, ['L1'], { name: 'Grace Hopper', email: 'grace@navy.example' }, '2026-11-02T23:59:59Z');
  await shippedOrder(cam, ['C3'], { name: 'Alan Turing' }, '2026-11-05T00:00:00Z');
  // An open order's serials are not in the report.
  const open = await makeOrder(t.db, actor, [{ sku: cam, quantity: 1 }]);
  await captureSerialBatch(t.db, actor, open.orderNumber, [{ sku: cam, serial: 'OPEN-1' }]);
});
afterAll(async () => t.close());

const serialsOf = (page: { items: Array<{ serial: string }> }) => page.items.map((r) => r.serial);

describe('the Serial Number Report', () => {
  it('lists serials of dispatched orders only, oldest shipment first', async () => {
    expect(serialsOf(await serialReportPage(t.db, actor, { limit: 50 }))).toEqual(['C1', 'C2', 'L1', 'C3']);
  });

  it('filters by an inclusive UTC day range', async () => {
    const page = await serialReportPage(t.db, actor, { shippedFrom: '2026-11-02', shippedTo: '2026-11-02', limit: 50 });
    expect(serialsOf(page)).toEqual(['L1']);
  });

  it('filters by SKU, order number and part of the customer name or email', async () => {
    expect(serialsOf(await serialReportPage(t.db, actor, { sku: lens, limit: 50 }))).toEqual(['L1']);
    expect(serialsOf(await serialReportPage(t.db, actor, { customer: 'NAVY.example', limit: 50 }))).toEqual(['L1']);
    expect(serialsOf(await serialReportPage(t.db, actor, { customer: 'turing', limit: 50 }))).toEqual(['C3']);
  });

  it('pages with a cursor without repeating or losing rows', async () => {
    const first = await serialReportPage(t.db, actor, { limit: 3 });
    expect(serialsOf(first)).toEqual(['C1', 'C2', 'L1']);
    const second = await serialReportPage(t.db, actor, { limit: 3, cursor: first.nextCursor! });
    expect(serialsOf(second)).toEqual(['C3']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a malformed date naming the field', async () => {
    await expect(serialReportPage(t.db, actor, { shippedFrom: '2026-13-01', limit: 5 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/^shippedFrom:/),
    });
    await expect(serialReportPage(t.db, actor, { shippedFrom: '2026-11-05', shippedTo: '2026-11-01', limit: 5 })).rejects.toMatchObject({
      message: expect.stringMatching(/^shippedTo:/),
    });
  });

  it('streams CSV with formula-looking cells defused', async () => {
    const stream = await serialReportCsv(t.pool, actor, { sku: lens });
    let text = '';
    for await (const chunk of stream) text += chunk;
    expect(text.trim()).toBe(
      `L1,${lens},"'=HYPERLINK(""x"")",${text.split(',')[3]},B2C,Grace Hopper,grace@navy.example,,2026-11-02T23:59:59.000Z,scanned`,
    );
  });

  it('counts units shipped per day, with the empty days in the range', async () => {
    const days = await serialReportDaily(t.db, actor, { shippedFrom: '2026-10-31', shippedTo: '2026-11-05' });
    expect(days).toEqual([
      { date: '2026-10-31', units: 0 },
      { date: '2026-11-01', units: 2 },
      { date: '2026-11-02', units: 1 },
      { date: '2026-11-03', units: 0 },
      { date: '2026-11-04', units: 0 },
      { date: '2026-11-05', units: 1 },
    ]);
  });
});

describe('the report day range at its edges', () => {
  let edge: Actor;
  beforeAll(async () => {
    ({ actor: edge } = await makeTenant(t.db));
    const sku = (await makeProduct(t.db, edge)).sku;
    const ship = async (serial: string, at: string) => {
      const order = await makeOrder(t.db, edge, [{ sku, quantity: 1 }]);
      await captureSerialBatch(t.db, edge, order.orderNumber, [{ sku, serial }]);
      await shipOrder(t.db, edge, order.orderNumber, {});
      await sql`UPDATE orders SET shipped_at = ${at}::timestamptz WHERE order_number = ${order.orderNumber}`.execute(t.db);
    };
    await ship('BEFORE', '2026-11-02T23:59:59.999Z');
    await ship('FIRST-INSTANT', '2026-11-03T00:00:00.000Z');
    await ship('LAST-INSTANT', '2026-11-03T23:59:59.999Z');
    await ship('AFTER', '2026-11-04T00:00:00.000Z');
  });

  const csvSerials = async (query: Record<string, string>) => {
    let text = '';
    for await (const chunk of await serialReportCsv(t.pool, edge, query)) text += chunk;
    return text.trim().split('\n').map((line) => line.split(',')[0]);
  };

  it('includes the first and the last instant of the from and to days, and nothing outside them', async () => {
    const query = { shippedFrom: '2026-11-03', shippedTo: '2026-11-03' };
    expect(serialsOf(await serialReportPage(t.db, edge, { ...query, limit: 50 }))).toEqual(['FIRST-INSTANT', 'LAST-INSTANT']);
    expect(await csvSerials(query)).toEqual(['FIRST-INSTANT', 'LAST-INSTANT']);
    expect(await serialReportDaily(t.db, edge, query)).toEqual([{ date: '2026-11-03', units: 2 }]);
  });

  it('treats each bound alone as inclusive of its day', async () => {
    expect(serialsOf(await serialReportPage(t.db, edge, { shippedFrom: '2026-11-03', limit: 50 }))).toEqual([
      'FIRST-INSTANT',
      'LAST-INSTANT',
      'AFTER',
    ]);
    expect(serialsOf(await serialReportPage(t.db, edge, { shippedTo: '2026-11-03', limit: 50 }))).toEqual([
      'BEFORE',
      'FIRST-INSTANT',
      'LAST-INSTANT',
    ]);
  });

  it('treats timestamp bounds as inclusive instants', async () => {
    const page = await serialReportPage(t.db, edge, {
      shippedFrom: '2026-11-03T00:00:00.000Z',
      shippedTo: '2026-11-03T23:59:59.999Z',
      limit: 50,
    });
    expect(serialsOf(page)).toEqual(['FIRST-INSTANT', 'LAST-INSTANT']);
  });
});
