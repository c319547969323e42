import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';

// Recalls through the HTTP API on a real PostgreSQL: selection by serials, ranges (by the number a
// serial ends with), lot and ship dates; the preview changes nothing; saving holds the units, so
// packing and shipping them is refused; progress after a return; the contact list; clearing and
// closing.

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let viewer: Record<string, string>;
let tenantId: string;

const GTIN = '09501101530003';

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = admin) {
  return app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function ok(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, status = 200) {
  const res = await call(method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

type Customer = { name: string; email?: string; company?: string; externalId?: string };

/** An order of CAM units, packed (GS1 scans when a lot is given) and, unless `open`, shipped on `day`. */
async function order(orderNumber: string, customer: Customer, serials: string[], options: { sku?: string; day?: string; lot?: string; open?: boolean } = {}) {
  const sku = options.sku ?? 'CAM';
  await ok('POST', '/orders', { orderNumber, type: 'B2C', customer, lines: [{ sku, quantity: serials.length }] }, 201);
  for (const serial of serials) {
    if (options.lot) await ok('POST', `/orders/${orderNumber}/scans`, { data: `(01)${GTIN}(21)${serial}(10)${options.lot}`, sku }, 201);
    else await ok('POST', `/orders/${orderNumber}/serials`, { sku, serial }, 201);
  }
  if (options.open) return;
  await ok('POST', `/orders/${orderNumber}/ship`, {});
  // Place the shipment on a known day (test-only: recalls and the report read orders.shipped_at).
  await sql`UPDATE orders SET shipped_at = ${`${options.day}T12:00:00Z`}::timestamptz
            WHERE tenant_id = ${tenantId}::uuid AND order_number = ${orderNumber}`.execute(t.db);
}

async function unit(serial: string, sku = 'CAM') {
  const res = await call('GET', `/serials/${encodeURIComponent(serial)}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().units as Array<{ sku: string; status: string; hold: string; events: Array<{ type: string; details: Record<string, unknown> }> }>).find(
    (u) => u.sku === sku,
  )!;
}

/** Every row of the tenant's units, history and recalls, as text: to prove a call changed nothing. */
async function snapshot() {
  const out: Record<string, string[]> = {};
  for (const table of ['serial_units', 'serial_events', 'recalls', 'recall_units', 'orders', 'order_serials']) {
    const rows = await sql<{ row: string }>`
      SELECT to_jsonb(x)::text AS row FROM ${sql.table(table)} x WHERE tenant_id = ${tenantId}::uuid ORDER BY 1`.execute(t.db);
    out[table] = rows.rows.map((r) => r.row);
  }
  return out;
}

const preview = (body: Record<string, unknown>) => ok('POST', '/recalls/preview', { sku: 'CAM', ...body });

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Recalls' });
  tenantId = tenant.tenantId;
  admin = bearer(tenant.apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId, role: 'viewer' })).apiKey);
  await ok('POST', '/products', { sku: 'CAM', name: 'Camera', gtin: GTIN, needsSerialNumber: true }, 201);
  await ok('POST', '/products', { sku: 'LENS', name: 'Lens', needsSerialNumber: true }, 201);

  // Ada orders twice (her email in two cases: one customer); Grace has a customer id.
  await order('SO-1', { name: 'Ada Lovelace', email: 'ada@example.com' }, ['SN0998', 'SN0999'], { day: '2026-03-01', lot: 'L1' });
  await order('SO-2', { name: 'Ada Lovelace', email: 'ADA@example.com' }, ['SN1000'], { day: '2026-03-05' });
  await order('SO-3', { name: 'Grace Hopper', company: '@Navy', externalId: 'C-7' }, ['SN1001', 'SN999'], { day: '2026-03-10' });
  await order('SO-4', { name: 'Alan Turing', email: 'alan@example.com' }, ['SN1003', 'SN10000'], { day: '2026-04-02', lot: 'L2' });
  await order('SO-5', { name: 'Alan Turing', email: 'alan@example.com' }, ['SN1000'], { sku: 'LENS', day: '2026-03-05' });
  // Packed in an open order; and one back in stock (its order was cancelled).
  await order('SO-6', { name: 'Edsger Dijkstra' }, ['SN1002'], { open: true });
  await order('SO-7', { name: 'Barbara Liskov' }, ['SN0990'], { open: true });
  await ok('POST', '/orders/SO-7/cancel');
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('POST /recalls/preview: which units a selection matches', () => {
  it('matches a range by the number a serial ends with, whatever its width, and counts per status, customers and orders', async () => {
    const res = await preview({ ranges: [{ from: 'SN0990', to: 'SN1002' }] });
    // SN0990 (in stock), SN0998 SN0999 SN1000 SN1001 SN999 (shipped), SN1002 (packed); not SN1003,
    // SN10000, nor LENS's SN1000.
    expect(res).toEqual({
      sku: 'CAM',
      units: 7,
      byStatus: { inStock: 1, packed: 1, shipped: 5, returned: 0, scrapped: 0 },
      alreadyRecalled: 0,
      customers: 2, // Ada (two orders, one customer) and Grace
      orders: 3,
      openOrders: 1,
    });
    expect((await preview({ ranges: [{ from: 'SN999', to: 'SN1000' }] })).units).toBe(3); // SN0999, SN999 and SN1000
  });

  it('matches explicit serials exactly, a lot, and an inclusive UTC day range of the last shipment', async () => {
    expect((await preview({ serials: ['SN1003', 'SN0999', 'NOT-THERE'] })).units).toBe(2);
    expect((await preview({ serials: ['sn1003'] })).units).toBe(0); // serials are case-sensitive
    expect(await preview({ lot: 'L1' })).toMatchObject({ units: 2, customers: 1, orders: 1 });
    expect(await preview({ shippedFrom: '2026-03-05', shippedTo: '2026-03-10' })).toMatchObject({
      units: 3, // SN1000 (SO-2), SN1001 and SN999 (SO-3); the ends are whole days
      customers: 2,
      orders: 2,
    });
    expect((await preview({ shippedTo: '2026-03-01' })).units).toBe(2);
  });

  it('takes serials and ranges as one set, narrowed by lot and dates', async () => {
    expect((await preview({ serials: ['SN10000'], ranges: [{ from: 'SN998', to: 'SN999' }] })).units).toBe(4);
    expect((await preview({ ranges: [{ from: 'SN0990', to: 'SN1003' }], lot: 'L2' })).units).toBe(1);
    expect((await preview({ ranges: [{ from: 'SN0990', to: 'SN1003' }], shippedFrom: '2026-03-02', shippedTo: '2026-03-31' })).units).toBe(3);
  });

  it('changes nothing', async () => {
    const before = await snapshot();
    await preview({ ranges: [{ from: 'SN0990', to: 'SN1002' }] });
    await preview({ lot: 'L1', shippedFrom: '2026-01-01' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an empty selection, a reversed or mixed-prefix range and an unknown SKU', async () => {
    const empty = await call('POST', '/recalls/preview', { sku: 'CAM' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^selection: give at least one/) });
    const reversed = await call('POST', '/recalls/preview', { sku: 'CAM', ranges: [{ from: 'SN5', to: 'SN1' }] });
    expect(reversed.json().error.message).toMatch(/^ranges\[0\]: reversed range/);
    const prefixes = await call('POST', '/recalls/preview', { sku: 'CAM', ranges: [{ from: 'SN5', to: 'XY9' }] });
    expect(prefixes.json().error.message).toMatch(/^ranges\[0\]: the two ends have different prefixes/);
    const ghost = await call('POST', '/recalls/preview', { sku: 'GHOST', lot: 'L1' });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().error.code).toBe('PRODUCT_NOT_FOUND');
  });
});

describe('a saved recall', () => {
  let recallId: number;

  it('answers 201 with what it holds, and holds every unit with a recalled event each', async () => {
    const res = await call('POST', '/recalls', {
      name: 'Battery swelling',
      reason: 'Cells of supplier X swell',
      sku: 'CAM',
      ranges: [{ from: 'SN0990', to: 'SN1002' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const recall = res.json();
    recallId = recall.id;
    expect(res.headers.location).toBe(`/api/v1/recalls/${recallId}`);
    expect(recall).toMatchObject({
      name: 'Battery swelling',
      reason: 'Cells of supplier X swell',
      sku: 'CAM',
      status: 'open',
      units: 7,
      criteria: { serials: [], ranges: [{ from: 'SN0990', to: 'SN1002' }], lot: null, shippedFrom: null, shippedTo: null },
      atRecall: { inStock: 1, packed: 1, shipped: 5, returned: 0, scrapped: 0 },
      progress: { units: 7, cleared: 0, outstanding: 5, returned: 0, inStock: 1, packed: 1, scrapped: 0, returnedSinceRecall: 0, blockedOrders: 1 },
    });
    for (const serial of ['SN0990', 'SN0998', 'SN999', 'SN1002']) {
      const u = await unit(serial);
      expect(u.hold, serial).toBe('recalled');
      expect(u.events.filter((e) => e.type === 'recalled'), serial).toEqual([
        expect.objectContaining({ details: { recallId, recall: 'Battery swelling' } }),
      ]);
    }
    expect((await unit('SN1003')).hold).toBe('none');
    expect((await unit('SN1000', 'LENS')).hold).toBe('none');
    const events = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM serial_events WHERE tenant_id = ${tenantId}::uuid AND type = 'recalled'`.execute(t.db);
    expect(events.rows[0].n).toBe(7);
  });

  it('refuses packing a recalled unit with 422 SERIAL_RECALLED', async () => {
    await ok('POST', '/orders', { orderNumber: 'SO-8', type: 'B2C', customer: { name: 'New buyer' }, lines: [{ sku: 'CAM', quantity: 1 }] }, 201);
    const res = await call('POST', '/orders/SO-8/serials', { sku: 'CAM', serial: 'SN0990' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('SERIAL_RECALLED');
  });

  it('refuses shipping an order that already held a now-recalled unit; the order stays open', async () => {
    const res = await call('POST', '/orders/SO-6/ship', {});
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'SERIAL_RECALLED', details: { units: [{ sku: 'CAM', serial: 'SN1002', hold: 'recalled' }] } });
    expect((await ok('GET', '/orders/SO-6')).status).toBe('open');
  });

  it('shows the units held already by it in a second preview', async () => {
    expect(await preview({ lot: 'L1' })).toMatchObject({ units: 2, alreadyRecalled: 2 });
  });

  it('counts a return since the recall in its progress', async () => {
    // Returns are built elsewhere: a unit coming back is its status becoming returned.
    await sql`UPDATE serial_units SET status = 'returned' WHERE tenant_id = ${tenantId}::uuid AND serial = 'SN0998'`.execute(t.db);
    const recall = await ok('GET', `/recalls/${recallId}`);
    expect(recall.progress).toEqual({
      units: 7,
      cleared: 0,
      outstanding: 4,
      returned: 1,
      inStock: 1,
      packed: 1,
      scrapped: 0,
      returnedSinceRecall: 1,
      blockedOrders: 1,
    });
  });

  it('streams the contact list as CSV: one row per customer still holding units, with all their orders and serials', async () => {
    const res = await call('GET', `/recalls/${recallId}/customers?format=csv`, undefined, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="recall-${recallId}-customers-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    expect(res.body.split('\n')).toEqual([
      'customerName,customerEmail,customerCompany,customerExternalId,orders,units,serials',
      // SN0998 came back: Ada still has SN0999 (SO-1) and SN1000 (SO-2); her latest order's email
      'Ada Lovelace,ADA@example.com,,,SO-1 SO-2,2,SN0999 SN1000',
      // a company that starts like a formula is defused for spreadsheets
      "Grace Hopper,,'@Navy,C-7,SO-3,2,SN1001 SN999",
      '',
    ]);
  });

  it('pages the contact list as JSON', async () => {
    const first = await ok('GET', `/recalls/${recallId}/customers?limit=1`);
    expect(first.items).toEqual([
      { name: 'Ada Lovelace', email: 'ADA@example.com', company: null, externalId: null, orders: ['SO-1', 'SO-2'], units: 2, serials: ['SN0999', 'SN1000'] },
    ]);
    const second = await ok('GET', `/recalls/${recallId}/customers?limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((c: { name: string }) => c.name)).toEqual(['Grace Hopper']);
    expect(second.nextCursor).toBeNull();
  });

  it('lists recalls newest first for a viewer', async () => {
    const res = await call('GET', '/recalls?status=open', undefined, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([expect.objectContaining({ id: recallId, name: 'Battery swelling', sku: 'CAM', status: 'open', units: 7 })]);
    expect((await ok('GET', '/recalls?status=closed')).items).toEqual([]);
  });

  it('clears a unit: it stays in the record, is released and can be packed again', async () => {
    const res = await ok('POST', `/recalls/${recallId}/clear`, { serials: ['SN0990', 'SN1003'], reason: 'inspected: cells fine' });
    expect(res).toMatchObject({ cleared: 1, released: 1, recall: { progress: { cleared: 1, inStock: 0 } } });
    const u = await unit('SN0990');
    expect(u.hold).toBe('none');
    expect(u.events.at(-1)).toMatchObject({ type: 'recall_cleared', details: { recallId, reason: 'inspected: cells fine', hold: 'none' } });
    expect((await call('POST', '/orders/SO-8/serials', { sku: 'CAM', serial: 'SN0990' })).statusCode).toBe(201);
  });

  it('keeps a unit held while another recall holds it, and gives it back its quarantine after the last', async () => {
    await sql`UPDATE serial_units SET hold = 'quarantined' WHERE tenant_id = ${tenantId}::uuid AND serial = 'SN1003'`.execute(t.db);
    const second = await ok('POST', '/recalls', { name: 'Three units', reason: 'labels', sku: 'CAM', serials: ['SN0998', 'SN0999', 'SN1003'] }, 201);
    expect(second).toMatchObject({ units: 3, atRecall: { shipped: 2, returned: 1 } });
    // SN0998 was back before this recall: returned, but not returned since it
    expect(second.progress).toMatchObject({ returned: 1, outstanding: 2, returnedSinceRecall: 0 });
    await ok('POST', `/recalls/${second.id}/clear`, { ranges: [{ from: 'SN0999', to: 'SN0999' }], reason: 'fine' });
    expect((await unit('SN0999')).hold).toBe('recalled'); // the first recall still holds it
    await ok('POST', `/recalls/${second.id}/clear`, { serials: ['SN1003'], reason: 'fine' });
    expect((await unit('SN1003')).hold).toBe('quarantined');
  });

  it('closes: keeps the record and every hold not cleared; a closed recall cannot be cleared or closed again', async () => {
    const closed = await ok('POST', `/recalls/${recallId}/close`, { note: 'campaign ended' });
    expect(closed).toMatchObject({ status: 'closed', closedBy: expect.any(String), closeNote: 'campaign ended', progress: { units: 7, cleared: 1 } });
    expect((await unit('SN0999')).hold).toBe('recalled');
    expect((await unit('SN0998')).hold).toBe('recalled');
    for (const [url, body] of [
      [`/recalls/${recallId}/clear`, { serials: ['SN0999'], reason: 'late' }],
      [`/recalls/${recallId}/close`, {}],
    ] as const) {
      const res = await call('POST', url, body);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('RECALL_CLOSED');
    }
    expect((await ok('GET', `/recalls/${recallId}/customers`)).items).toHaveLength(2);
  });

  it('refuses a recall that matches nothing with 422 RECALL_MATCHES_NOTHING and saves nothing', async () => {
    const before = await snapshot();
    const res = await call('POST', '/recalls', { name: 'Nothing', reason: 'x', sku: 'CAM', lot: 'NO-SUCH-LOT' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('RECALL_MATCHES_NOTHING');
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 RECALL_NOT_FOUND for an unknown recall and 400 for an id that is not one', async () => {
    for (const url of ['/recalls/999999', '/recalls/999999/customers', '/recalls/999999/customers?format=csv']) {
      const res = await call('GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('RECALL_NOT_FOUND');
    }
    expect((await call('GET', '/recalls/abc')).statusCode).toBe(400);
  });
});

describe('the report filtered by a pasted list of serials', () => {
  it('keeps only the listed serials and ranges (by numeric part) in JSON, CSV and the daily chart', async () => {
    const q = `serials=${encodeURIComponent('SN999-SN1000\nSN10000')}`;
    const page = await ok('GET', `/reports/serial-numbers?${q}`);
    expect(page.items.map((r: { serial: string; sku: string }) => `${r.sku}/${r.serial}`).sort()).toEqual(
      ['CAM/SN0999', 'CAM/SN1000', 'CAM/SN10000', 'CAM/SN999', 'LENS/SN1000'].sort(),
    );
    const csv = await call('GET', `/reports/serial-numbers?format=csv&sku=CAM&${q}`);
    expect(csv.body.trim().split('\n').slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['SN0999', 'SN1000', 'SN10000', 'SN999']);
    const daily = await ok('GET', `/reports/serial-numbers/daily?sku=CAM&${q}`);
    expect(daily.days.filter((d: { units: number }) => d.units > 0)).toEqual([
      { date: '2026-03-01', units: 1 },
      { date: '2026-03-05', units: 1 },
      { date: '2026-03-10', units: 1 },
      { date: '2026-04-02', units: 1 },
    ]);
  });

  it('refuses a malformed list naming the item', async () => {
    const res = await call('GET', `/reports/serial-numbers?serials=${encodeURIComponent('SN5-SN1')}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^serials: "SN5-SN1" at line 1, column 1: reversed range/);
  });
});
