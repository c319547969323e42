import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createTenant } from '../services/tenants.service.ts';

// The registry judges every capture, through the HTTP API on a real PostgreSQL: a unit is out (packed
// or shipped) in one order at a time, held and scrapped units never ship, and with
// requireReceivedSerials only stock ships. The races are real: concurrent requests on a pool.

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

type Shop = { key: Record<string, string>; tenantId: string; name: string };
let shops = 0;

async function shop(settings: Record<string, unknown> = {}): Promise<Shop> {
  shops += 1;
  const name = `Shop ${shops}`;
  const { tenantId, apiKey } = await createTenant(t.db, { name });
  const key = bearer(apiKey);
  if (Object.keys(settings).length > 0) {
    const res = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: key, payload: settings });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { key, tenantId, name };
}

async function call(s: Shop, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown) {
  return app.inject({ method, url: `/api/v1${url}`, headers: s.key, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function product(s: Shop, sku: string, fields: Record<string, unknown> = {}) {
  const res = await call(s, 'POST', '/products', { sku, name: sku, needsSerialNumber: true, ...fields });
  expect(res.statusCode, res.body).toBe(201);
}

async function order(s: Shop, orderNumber: string, lines: Array<{ sku: string; quantity: number }>, customer = 'Ada Lovelace') {
  const res = await call(s, 'POST', '/orders', { orderNumber, type: 'B2C', customer: { name: customer, email: `${customer.split(' ')[0].toLowerCase()}@example.com` }, lines });
  expect(res.statusCode, res.body).toBe(201);
}

const capture = (s: Shop, orderNumber: string, sku: string, serial: string) => call(s, 'POST', `/orders/${orderNumber}/serials`, { sku, serial });
const ship = (s: Shop, orderNumber: string) => call(s, 'POST', `/orders/${orderNumber}/ship`, {});

async function unit(s: Shop, serial: string, sku: string) {
  const res = await call(s, 'GET', `/serials/${encodeURIComponent(serial)}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().units as Array<{ sku: string; status: string; hold: string; orderNumber: string | null }>).find((u) => u.sku === sku);
}

describe('one unit is out in one order at a time (duplicate scope sku, the default)', () => {
  it('refuses a unit shipped in another order with 409 SERIAL_ALREADY_SHIPPED naming that order, and leaves it shipped', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'SO-1', [{ sku: 'CAM', quantity: 1 }]);
    await order(s, 'SO-2', [{ sku: 'CAM', quantity: 1 }], 'Mallory Jones');
    expect((await capture(s, 'SO-1', 'CAM', 'CAM-001')).statusCode).toBe(201);
    expect((await ship(s, 'SO-1')).statusCode).toBe(200);

    const again = await capture(s, 'SO-2', 'CAM', 'CAM-001');
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'SERIAL_ALREADY_SHIPPED',
      message: 'serial: CAM-001 of CAM shipped in order SO-1 and has not come back',
      details: { orderNumber: 'SO-1' },
    });
    const scan = await call(s, 'POST', '/orders/SO-2/scans', { data: 'CAM-001', sku: 'CAM' });
    expect(scan.json().error.code).toBe('SERIAL_ALREADY_SHIPPED');
    const batch = await call(s, 'POST', '/orders/SO-2/serials/batch', { items: [{ sku: 'CAM', serial: 'CAM-001' }] });
    expect(batch.statusCode).toBe(422);
    expect(batch.json().error.details.items).toEqual([
      expect.objectContaining({ index: 0, code: 'SERIAL_ALREADY_SHIPPED', details: { orderNumber: 'SO-1' } }),
    ]);
    expect(await unit(s, 'CAM-001', 'CAM')).toMatchObject({ status: 'shipped', orderNumber: 'SO-1' });
    expect((await ship(s, 'SO-2')).json().error.code).toBe('SERIALS_MISSING');
  });

  it('refuses a unit packed in another open order with 409 SERIAL_ALREADY_PACKED, until it is removed there or that order is cancelled', async () => {
    const s = await shop();
    await product(s, 'CAM');
    for (const n of ['P-1', 'P-2', 'P-3']) await order(s, n, [{ sku: 'CAM', quantity: 1 }]);
    expect((await capture(s, 'P-1', 'CAM', 'U-1')).statusCode).toBe(201);
    const refused = await capture(s, 'P-2', 'CAM', 'U-1');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'SERIAL_ALREADY_PACKED', details: { orderNumber: 'P-1' } });

    expect((await call(s, 'DELETE', '/orders/P-1/serials', { sku: 'CAM', serial: 'U-1' })).statusCode).toBe(200);
    expect((await capture(s, 'P-2', 'CAM', 'U-1')).statusCode).toBe(201);
    expect((await capture(s, 'P-3', 'CAM', 'U-1')).json().error).toMatchObject({ details: { orderNumber: 'P-2' } });

    expect((await call(s, 'POST', '/orders/P-2/cancel')).statusCode).toBe(200);
    expect(await unit(s, 'U-1', 'CAM')).toMatchObject({ status: 'in_stock' });
    expect((await capture(s, 'P-3', 'CAM', 'U-1')).statusCode).toBe(201);
    expect((await ship(s, 'P-3')).statusCode).toBe(200);
  });

  it('refuses the same unit twice in one order, and lets the same serial on another SKU through', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await product(s, 'LENS');
    await order(s, 'D-1', [{ sku: 'CAM', quantity: 2 }, { sku: 'LENS', quantity: 1 }]);
    expect((await capture(s, 'D-1', 'CAM', 'X-1')).statusCode).toBe(201);
    expect((await capture(s, 'D-1', 'CAM', 'X-1')).json().error.code).toBe('SERIAL_DUPLICATE_IN_ORDER');
    expect((await capture(s, 'D-1', 'LENS', 'X-1')).statusCode).toBe(201);
  });

  it('lets a unit ship again once it came back', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'R-1', [{ sku: 'CAM', quantity: 1 }]);
    await order(s, 'R-2', [{ sku: 'CAM', quantity: 1 }]);
    await capture(s, 'R-1', 'CAM', 'BACK-1');
    expect((await ship(s, 'R-1')).statusCode).toBe(200);
    // The unit comes back (the returns desk does this; here its effect on the registry is set directly).
    await sql`UPDATE serial_units SET status = 'returned' WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'BACK-1'`.execute(t.db);
    await sql`UPDATE order_serials SET unit_active = false WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'BACK-1'`.execute(t.db);
    expect((await capture(s, 'R-2', 'CAM', 'BACK-1')).statusCode).toBe(201);
    expect((await ship(s, 'R-2')).statusCode).toBe(200);
    expect(await unit(s, 'BACK-1', 'CAM')).toMatchObject({ status: 'shipped', orderNumber: 'R-2' });
  });
});

describe('the duplicate scope setting', () => {
  it('scope order keeps the seed rule: a serial once per order, and it may appear in another order', async () => {
    const s = await shop({ duplicateScope: 'order' });
    await product(s, 'CAM');
    await order(s, 'O-1', [{ sku: 'CAM', quantity: 2 }]);
    await order(s, 'O-2', [{ sku: 'CAM', quantity: 1 }]);
    expect((await capture(s, 'O-1', 'CAM', 'LOT-LIKE')).statusCode).toBe(201);
    expect((await capture(s, 'O-1', 'CAM', 'LOT-LIKE')).json().error.code).toBe('SERIAL_DUPLICATE_IN_ORDER');
    expect((await capture(s, 'O-2', 'CAM', 'LOT-LIKE')).statusCode).toBe(201);
  });

  it('scope tenant refuses a serial that belongs to another SKU with 409 SERIAL_REGISTERED_TO_OTHER_SKU', async () => {
    const s = await shop({ duplicateScope: 'tenant' });
    await product(s, 'CAM');
    await product(s, 'LENS');
    await order(s, 'T-1', [{ sku: 'CAM', quantity: 1 }]);
    await order(s, 'T-2', [{ sku: 'LENS', quantity: 1 }]);
    expect((await capture(s, 'T-1', 'CAM', 'GLOBAL-1')).statusCode).toBe(201);
    const res = await capture(s, 'T-2', 'LENS', 'GLOBAL-1');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'SERIAL_REGISTERED_TO_OTHER_SKU', details: { sku: 'CAM' } });
  });
});

describe('requireReceivedSerials', () => {
  it('refuses a serial not in stock for its SKU with 422 SERIAL_NOT_IN_STOCK and accepts one in stock', async () => {
    const s = await shop({ requireReceivedSerials: true });
    await product(s, 'CAM', { serialFormat: 'C-{#####}' });
    await order(s, 'Q-1', [{ sku: 'CAM', quantity: 2 }]);
    const unknown = await capture(s, 'Q-1', 'CAM', 'C-99999');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: 'SERIAL_NOT_IN_STOCK', details: { status: null } });
    const generated = await call(s, 'POST', '/products/CAM/serials/generate', { count: 2, mode: 'sequence' });
    expect(generated.statusCode, generated.body).toBe(201);
    const [first, second] = generated.json().serials as string[];
    expect((await capture(s, 'Q-1', 'CAM', first)).statusCode).toBe(201);
    expect((await capture(s, 'Q-1', 'CAM', second)).statusCode).toBe(201);
    expect((await ship(s, 'Q-1')).statusCode).toBe(200);
  });
});

describe('held units', () => {
  it('refuses packing a recalled unit (422 SERIAL_RECALLED) and a quarantined one (422 SERIAL_ON_HOLD)', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'H-0', [{ sku: 'CAM', quantity: 2 }]);
    await capture(s, 'H-0', 'CAM', 'REC-1');
    await capture(s, 'H-0', 'CAM', 'QUA-1');
    await call(s, 'POST', '/orders/H-0/cancel');
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'REC-1'`.execute(t.db);
    await sql`UPDATE serial_units SET hold = 'quarantined' WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'QUA-1'`.execute(t.db);
    await order(s, 'H-1', [{ sku: 'CAM', quantity: 2 }]);
    const recalled = await capture(s, 'H-1', 'CAM', 'REC-1');
    expect(recalled.statusCode).toBe(422);
    expect(recalled.json().error.code).toBe('SERIAL_RECALLED');
    expect((await capture(s, 'H-1', 'CAM', 'QUA-1')).json().error.code).toBe('SERIAL_ON_HOLD');
  });

  it('refuses shipping an order that holds a unit recalled after it was packed; the order stays open and nothing moves', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'H-2', [{ sku: 'CAM', quantity: 2 }]);
    await capture(s, 'H-2', 'CAM', 'OK-1');
    await capture(s, 'H-2', 'CAM', 'BAD-1');
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'BAD-1'`.execute(t.db);
    const res = await ship(s, 'H-2');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'SERIAL_RECALLED', details: { units: [{ sku: 'CAM', serial: 'BAD-1', hold: 'recalled' }] } });
    expect((await call(s, 'GET', '/orders/H-2')).json().status).toBe('open');
    expect(await unit(s, 'OK-1', 'CAM')).toMatchObject({ status: 'packed' });
    // Swap the recalled unit for a good one, and it ships.
    expect((await call(s, 'DELETE', '/orders/H-2/serials', { sku: 'CAM', serial: 'BAD-1' })).statusCode).toBe(200);
    await capture(s, 'H-2', 'CAM', 'OK-2');
    expect((await ship(s, 'H-2')).statusCode).toBe(200);
  });

  it('refuses a scrapped unit with 422 SERIAL_SCRAPPED', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'S-0', [{ sku: 'CAM', quantity: 1 }]);
    await capture(s, 'S-0', 'CAM', 'SCRAP-1');
    await call(s, 'POST', '/orders/S-0/cancel');
    await sql`UPDATE serial_units SET status = 'scrapped' WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'SCRAP-1'`.execute(t.db);
    await order(s, 'S-1', [{ sku: 'CAM', quantity: 1 }]);
    expect((await capture(s, 'S-1', 'CAM', 'SCRAP-1')).json().error.code).toBe('SERIAL_SCRAPPED');
  });
});

describe('packers racing for the same units', () => {
  it('ships each unit once when 16 workers capture the same serials into 16 orders and ship them', async () => {
    const s = await shop();
    await product(s, 'CAM');
    const serials = Array.from({ length: 12 }, (_, i) => `RACE-${String(i).padStart(3, '0')}`);
    const orders = Array.from({ length: 16 }, (_, i) => `W-${i}`);
    for (const n of orders) await order(s, n, [{ sku: 'CAM', quantity: serials.length }]);

    const codes = new Map<string, number>();
    await Promise.all(
      orders.map(async (n, w) => {
        // Each worker scans in its own order, so the workers collide on different units at once.
        const mine = [...serials.slice(w % serials.length), ...serials.slice(0, w % serials.length)];
        for (const serial of mine) {
          const res = w % 4 === 0
            ? await call(s, 'POST', `/orders/${n}/serials/batch`, { items: [{ sku: 'CAM', serial }] })
            : await capture(s, n, 'CAM', serial);
          expect(res.statusCode, res.body).toBeLessThan(500);
          const code = res.statusCode === 201 ? 'CAPTURED' : res.json().error.code;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
        await ship(s, n);
      }),
    );
    expect(codes.get('CAPTURED')).toBe(serials.length);

    const out = await sql<{ serial: string; orders: number; shipped_events: number }>`
      SELECT s.serial, count(DISTINCT s.order_id)::int AS orders,
             (SELECT count(*)::int FROM serial_events e WHERE e.tenant_id = s.tenant_id AND e.serial = s.serial AND e.type = 'shipped') AS shipped_events
      FROM order_serials s WHERE s.tenant_id = ${s.tenantId}::uuid GROUP BY s.tenant_id, s.serial ORDER BY s.serial`.execute(t.db);
    expect(out.rows).toEqual(serials.map((serial) => ({ serial, orders: 1, shipped_events: expect.any(Number) })));
    // A unit is shipped at most once (and only if its order had all its units).
    for (const row of out.rows) expect(row.shipped_events).toBeLessThanOrEqual(1);
  }, 60_000);

  it('ships each unit exactly once when 16 workers race whole orders of the same units', async () => {
    const s = await shop();
    await product(s, 'CAM');
    const serials = ['A-1', 'A-2', 'A-3'];
    const orders = Array.from({ length: 16 }, (_, i) => `Z-${i}`);
    for (const n of orders) await order(s, n, [{ sku: 'CAM', quantity: serials.length }]);
    const results = await Promise.all(
      orders.map(async (n) => {
        const batch = await call(s, 'POST', `/orders/${n}/serials/batch`, { items: serials.map((serial) => ({ sku: 'CAM', serial })) });
        expect(batch.statusCode, batch.body).toBeLessThan(500);
        return batch.statusCode === 201 ? (await ship(s, n)).statusCode : batch.statusCode;
      }),
    );
    // Exactly one worker got the three units and shipped them; every other was refused whole.
    expect(results.filter((code) => code === 200)).toHaveLength(1);
    const shipped = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM serial_events WHERE tenant_id = ${s.tenantId}::uuid AND type = 'shipped'`.execute(t.db);
    expect(shipped.rows[0].n).toBe(3);
  }, 60_000);
});

describe('a packing slip scanned while an order is open', () => {
  it('refuses an existing order number at the station with 422 SCANNED_ORDER_NUMBER and captures nothing', async () => {
    const s = await shop();
    await product(s, 'CAM');
    await order(s, 'SLIP-1', [{ sku: 'CAM', quantity: 1 }]);
    await order(s, 'SLIP-2', [{ sku: 'CAM', quantity: 1 }]);
    const res = await call(s, 'POST', '/orders/SLIP-1/scans', { data: 'SLIP-2' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'SCANNED_ORDER_NUMBER', details: { orderNumber: 'SLIP-2', exists: true } });
    const own = await call(s, 'POST', '/orders/SLIP-1/scans', { data: 'SLIP-1', sku: 'CAM' });
    expect(own.json().error.code).toBe('SCANNED_ORDER_NUMBER');
    expect((await call(s, 'GET', '/orders/SLIP-1')).json().lines[0].serials).toEqual([]);
    // The explicit capture route of integrators is not a station scan: a serial is what it says.
    expect((await capture(s, 'SLIP-1', 'CAM', 'SLIP-2')).statusCode).toBe(201);
  });

  it('refuses a scan matching the tenant order number format, and checks the format when it is saved', async () => {
    const s = await shop();
    const bad = await call(s, 'PATCH', '/settings', { orderNumberFormat: 'SO-{' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'SERIAL_FORMAT_INVALID', message: expect.stringMatching(/^orderNumberFormat: /) });
    expect((await call(s, 'PATCH', '/settings', { orderNumberFormat: 'SO-{#####}' })).statusCode).toBe(200);
    await product(s, 'CAM');
    await order(s, 'SO-00001', [{ sku: 'CAM', quantity: 1 }]);
    const res = await call(s, 'POST', '/orders/SO-00001/scans', { data: 'SO-99999' });
    expect(res.json().error).toMatchObject({ code: 'SCANNED_ORDER_NUMBER', details: { orderNumber: 'SO-99999', exists: false } });
    expect((await call(s, 'POST', '/orders/SO-00001/scans', { data: 'SN-1' })).statusCode).toBe(201);
  });
});
