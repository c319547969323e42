import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeApp } from '../../../test/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { unique } from '../../../test/factories.ts';
import type { Actor } from '../../core/model.ts';
import { cancelOrder, createOrder } from '../../services/orders.service.ts';
import { captureSerialBatch, shipOrder } from '../../services/packing.service.ts';
import { createProduct } from '../../services/products.service.ts';
import { changeSettings, createApiKey, createTenant } from '../../services/tenants.service.ts';

// Returns over HTTP on a real PostgreSQL: every verdict, what a returner may and may not learn,
// holds, restock and scrap, the admin's review, and two returns of one unit at the same moment.

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let actor: Actor;
let admin: Record<string, string>;
let packer: Record<string, string>;
let viewer: Record<string, string>;

const CAM_GTIN = '09501101530003';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };
const BOB = { name: 'Bob Secretname', email: 'bob.secret@example.org', company: 'Hidden Corp', externalId: 'CUST-BOB-77' };

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Returns desk' });
  actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
  admin = bearer(tenant.apiKey);
  packer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'packer' })).apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'viewer' })).apiKey);
  await createProduct(t.db, actor, { sku: 'CAM', name: 'Camera', gtin: CAM_GTIN, needsSerialNumber: true });
  await createProduct(t.db, actor, { sku: 'LENS', name: 'Lens', needsSerialNumber: true });
  await createProduct(t.db, actor, { sku: 'BAG', name: 'Bag', needsSerialNumber: false });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const post = (url: string, headers: Record<string, string>, payload?: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

/** An order shipped to `customer` with the given units (SKU and serial), set up through the services. */
async function shipped(units: Array<[string, string]>, customer: Record<string, string> = ADA, a: Actor = actor): Promise<string> {
  const orderNumber = unique('SO');
  const quantities = new Map<string, number>();
  for (const [sku] of units) quantities.set(sku, (quantities.get(sku) ?? 0) + 1);
  await createOrder(t.db, a, {
    orderNumber,
    type: 'B2C',
    customer,
    lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
  });
  await captureSerialBatch(t.db, a, orderNumber, units.map(([sku, serial]) => ({ sku, serial })));
  await shipOrder(t.db, a, orderNumber, {});
  return orderNumber;
}

/** A unit in stock: packed into an order that was then cancelled. */
async function inStock(sku: string, serial: string): Promise<void> {
  const orderNumber = unique('CANCELLED');
  await createOrder(t.db, actor, { orderNumber, type: 'B2C', customer: ADA, lines: [{ sku, quantity: 1 }] });
  await captureSerialBatch(t.db, actor, orderNumber, [{ sku, serial }]);
  await cancelOrder(t.db, actor, orderNumber);
}

async function unitRow(sku: string, serial: string) {
  const row = await sql<{ status: string; hold: string; disposition: string | null }>`
    SELECT u.status, u.hold, u.disposition FROM serial_units u JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
    WHERE p.sku = ${sku} AND u.serial = ${serial}`.execute(t.db);
  return row.rows[0];
}

async function activeCaptures(serial: string): Promise<number> {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM order_serials WHERE serial = ${serial} AND unit_active`.execute(t.db);
  return row.rows[0].n;
}

async function returnOf(orderNumber: string, items: unknown[], extra: Record<string, unknown> = {}, headers = packer) {
  return post('/returns', headers, { orderNumber, items, ...extra });
}

describe('the verdict of each returned unit', () => {
  it('takes back a unit that shipped in the order: 201 match, returned and pending, its capture no longer holds it, one event', async () => {
    const serial = unique('M');
    const order = await shipped([['CAM', serial]]);
    const res = await returnOf(order, [{ sku: 'CAM', serial, condition: 'opened', reason: ' box opened, works ' }], { rmaNumber: 'RMA-1', station: 'Desk 1' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ orderNumber: order, rmaNumber: 'RMA-1', station: 'Desk 1', added: [0] });
    expect(body.items).toEqual([
      expect.objectContaining({
        index: 0,
        sku: 'CAM',
        serial,
        verdict: 'match',
        disposition: 'pending',
        heldForReview: false,
        condition: 'opened',
        reason: 'box opened, works',
        captureMethod: 'typed',
        message: `${serial} of CAM shipped in this order: taken back, to be restocked or scrapped`,
      }),
    ]);
    expect(await unitRow('CAM', serial)).toEqual({ status: 'returned', hold: 'none', disposition: 'pending' });
    expect(await activeCaptures(serial)).toBe(0);

    const history = (await get(`/serials/${serial}`, viewer)).json().units[0];
    expect(history).toMatchObject({ status: 'returned', disposition: 'pending', hold: 'none' });
    const returned = history.events.at(-1);
    expect(returned).toMatchObject({
      type: 'returned',
      orderNumber: order,
      actor: expect.stringMatching(/^key:/),
      station: 'Desk 1',
      details: { rma: 'RMA-1', verdict: 'match', condition: 'opened', reason: 'box opened, works', returnId: body.id, item: 0 },
    });
    expect(Date.now() - new Date(returned.at).getTime()).toBeLessThan(60_000);
  });

  it('holds a unit of a SKU on the order whose serial did not ship in it: wrong_serial, quarantined for review', async () => {
    const right = unique('R');
    const wrong = unique('W');
    await inStock('CAM', wrong);
    const order = await shipped([['CAM', right]]);
    const res = await returnOf(order, [{ sku: 'CAM', serial: wrong }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0]).toMatchObject({ verdict: 'wrong_serial', disposition: 'review', heldForReview: true, unitRegistered: true });
    expect(await unitRow('CAM', wrong)).toEqual({ status: 'in_stock', hold: 'quarantined', disposition: 'review' });
    // the unit that did ship is untouched
    expect(await unitRow('CAM', right)).toMatchObject({ status: 'shipped', hold: 'none' });
    const events = (await get(`/serials/${wrong}`, viewer)).json().units[0].events;
    expect(events.at(-1)).toMatchObject({ type: 'return_held', orderNumber: order, details: { verdict: 'wrong_serial' } });
  });

  it('says a unit shipped to another customer without naming them or their order, while staff see it in the history', async () => {
    const serial = unique('OTHER');
    const bobsOrder = await shipped([['CAM', serial]], BOB);
    const adasOrder = await shipped([['CAM', unique('A')]]);
    const res = await returnOf(adasOrder, [{ sku: 'CAM', serial }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0]).toMatchObject({ verdict: 'shipped_to_other_customer', heldForReview: true, otherOrderNumber: null });
    const again = await get(`/returns/${res.json().id}`, packer);
    for (const body of [res.body, again.body]) {
      for (const secret of [BOB.name, 'Secretname', BOB.email, BOB.company, BOB.externalId, bobsOrder]) {
        expect(body, secret).not.toContain(secret);
      }
    }
    expect(await unitRow('CAM', serial)).toMatchObject({ status: 'shipped', hold: 'quarantined' });
    // internal staff: the unit's page shows where it went, and the held return
    const unit = (await get(`/serials/${serial}`, viewer)).json().units[0];
    expect(unit).toMatchObject({ orderNumber: bobsOrder, customer: { name: BOB.name, email: BOB.email } });
    expect(unit.events.at(-1)).toMatchObject({ type: 'return_held', orderNumber: adasOrder, details: { verdict: 'shipped_to_other_customer' } });
  });

  it("names the same customer's other order when the unit shipped there: shipped_in_other_order", async () => {
    const serial = unique('SAME');
    const first = await shipped([['CAM', serial]]);
    const second = await shipped([['CAM', unique('S2')]], { name: 'Ada L.', email: 'ADA@example.com' });
    const res = await returnOf(second, [{ sku: 'CAM', serial }]);
    expect(res.json().items[0]).toMatchObject({ verdict: 'shipped_in_other_order', otherOrderNumber: first, heldForReview: true });
    expect(res.json().items[0].message).toContain(`order ${first}`);
  });

  it('holds a serial no unit of the SKU carries: unknown_serial, with no unit to quarantine', async () => {
    const order = await shipped([['CAM', unique('U')]]);
    const serial = unique('NOBODY');
    const res = await returnOf(order, [{ sku: 'CAM', serial }]);
    expect(res.json().items[0]).toMatchObject({ verdict: 'unknown_serial', heldForReview: true, unitRegistered: false });
    expect(await unitRow('CAM', serial)).toBeUndefined();
  });

  it('holds a unit that already came back from the order: already_returned', async () => {
    const serial = unique('TWICE');
    const order = await shipped([['CAM', serial]]);
    expect((await returnOf(order, [{ sku: 'CAM', serial }])).json().items[0].verdict).toBe('match');
    const res = await returnOf(order, [{ sku: 'CAM', serial }]);
    expect(res.json().items[0]).toMatchObject({ verdict: 'already_returned', heldForReview: true });
    expect(await unitRow('CAM', serial)).toEqual({ status: 'returned', hold: 'quarantined', disposition: 'review' });
  });

  it('holds a SKU that is not on the order: not_on_order', async () => {
    const order = await shipped([['CAM', unique('C')]]);
    const res = await returnOf(order, [{ sku: 'LENS', serial: unique('L') }]);
    expect(res.json().items[0]).toMatchObject({ verdict: 'not_on_order', sku: 'LENS', heldForReview: true });
  });

  it('reads a GS1 scan: its GTIN picks the SKU, lot and expiry are kept; a plain scan finds its SKU from the order', async () => {
    const gs1Serial = unique('G');
    const plain = unique('P');
    const order = await shipped([
      ['CAM', gs1Serial],
      ['LENS', plain],
    ]);
    const res = await returnOf(order, [{ scan: `(01)${CAM_GTIN}(21)${gs1Serial}(10)LOT7(17)271231` }, { scan: plain }]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().items).toEqual([
      expect.objectContaining({ sku: 'CAM', serial: gs1Serial, verdict: 'match', lot: 'LOT7', expiry: '2027-12-31', captureMethod: 'scanned' }),
      expect.objectContaining({ sku: 'LENS', serial: plain, verdict: 'match', captureMethod: 'scanned' }),
    ]);
  });

  it('judges the items of one return in order: the same unit twice is a match, then already_returned', async () => {
    const serial = unique('DOUBLE');
    const order = await shipped([['CAM', serial]]);
    const res = await returnOf(order, [{ sku: 'CAM', serial }, { scan: serial }]);
    expect(res.json().items.map((i: { verdict: string }) => i.verdict)).toEqual(['match', 'already_returned']);
  });

  it('adds the next scans to a return, numbering the items on', async () => {
    const a = unique('N1');
    const b = unique('N2');
    const order = await shipped([
      ['CAM', a],
      ['CAM', b],
    ]);
    const created = (await returnOf(order, [{ scan: a }])).json();
    const added = await post(`/returns/${created.id}/items`, packer, { items: [{ scan: b, condition: 'damaged' }] });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().added).toEqual([1]);
    expect(added.json().items.map((i: { index: number; verdict: string }) => [i.index, i.verdict])).toEqual([
      [0, 'match'],
      [1, 'match'],
    ]);
  });
});

describe('what a return refuses', () => {
  it('refuses a return of an order that has not shipped with 409 ORDER_NOT_SHIPPED, and an unknown order with 404', async () => {
    const open = unique('OPEN');
    await createOrder(t.db, actor, { orderNumber: open, type: 'B2C', customer: ADA, lines: [{ sku: 'CAM', quantity: 1 }] });
    const res = await returnOf(open, [{ sku: 'CAM', serial: 'X' }]);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ORDER_NOT_SHIPPED', details: { status: 'open' } });
    await cancelOrder(t.db, actor, open);
    expect((await returnOf(open, [{ sku: 'CAM', serial: 'X' }])).json().error).toMatchObject({ code: 'ORDER_NOT_SHIPPED', details: { status: 'cancelled' } });
    const missing = await returnOf('NO-SUCH-ORDER', [{ sku: 'CAM', serial: 'X' }]);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ORDER_NOT_FOUND');
  });

  it("answers a bad single item with its own code, and several with 422 BATCH_REJECTED, recording nothing", async () => {
    const order = await shipped([['CAM', unique('B')]]);
    const before = (await get(`/returns?orderNumber=${order}`, viewer)).json().items.length;
    const scan = await returnOf(order, [{ scan: '(01)09501101530004(21)X' }]);
    expect(scan.statusCode).toBe(422);
    expect(scan.json().error).toMatchObject({ code: 'SCAN_INVALID', message: expect.stringMatching(/^items\[0\]\.scan: /) });
    const batch = await returnOf(order, [{ sku: 'CAM', serial: 'OK-1' }, { sku: 'NOPE', serial: 'X' }, { serial: ' ' }]);
    expect(batch.statusCode).toBe(422);
    expect(batch.json().error.code).toBe('BATCH_REJECTED');
    expect(batch.json().error.details.items.map((i: { index: number; code: string }) => [i.index, i.code])).toEqual([
      [1, 'PRODUCT_NOT_FOUND'],
      [2, 'SERIAL_INVALID'],
    ]);
    const both = await returnOf(order, [{ sku: 'CAM', serial: 'A', scan: 'A' }]);
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toContain('items[0]: give either serial or scan');
    const bag = await returnOf(order, [{ sku: 'BAG', serial: 'BAG-1' }]);
    expect(bag.json().error.code).toBe('SERIAL_NOT_REQUIRED');
    const condition = await returnOf(order, [{ sku: 'CAM', serial: 'A', condition: 'broken' }]);
    expect(condition.statusCode).toBe(400);
    expect(condition.json().error.message).toContain('items[0].condition: must be equal to constant');
    expect((await get(`/returns?orderNumber=${order}`, viewer)).json().items.length).toBe(before);
  });
});

describe('restock, scrap and review', () => {
  it('restocks a match (in stock, restocked) once; a second restock is 409 RETURN_ITEM_NOT_PENDING', async () => {
    const serial = unique('RS');
    const order = await shipped([['CAM', serial]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    const res = await post(`/returns/${ret.id}/items/0/restock`, packer, { note: 'shelf B4' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({ disposition: 'restocked', disposal: { note: 'shelf B4', by: expect.stringMatching(/^key:/) } });
    expect(await unitRow('CAM', serial)).toEqual({ status: 'in_stock', hold: 'none', disposition: 'restocked' });
    const events = (await get(`/serials/${serial}`, viewer)).json().units[0].events.map((e: { type: string }) => e.type);
    expect(events).toEqual(['packed', 'shipped', 'returned', 'restocked']);
    const twice = await post(`/returns/${ret.id}/items/0/scrap`, packer, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'RETURN_ITEM_NOT_PENDING', details: { disposition: 'restocked' } });
  });

  it('scraps a match for good: the unit is never packed again', async () => {
    const serial = unique('SC');
    const order = await shipped([['CAM', serial]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    const scrapped = await post(`/returns/${ret.id}/items/0/scrap`, packer);
    expect(scrapped.statusCode, scrapped.body).toBe(200);
    expect(await unitRow('CAM', serial)).toEqual({ status: 'scrapped', hold: 'none', disposition: 'scrapped' });
    const next = unique('SO');
    await createOrder(t.db, actor, { orderNumber: next, type: 'B2C', customer: ADA, lines: [{ sku: 'CAM', quantity: 1 }] });
    const pack = await post(`/orders/${next}/serials`, packer, { sku: 'CAM', serial });
    expect(pack.json().error.code).toBe('SERIAL_SCRAPPED');
  });

  it('never restocks a mismatch: 422 SERIAL_ON_HOLD, packing refuses it too, until an admin accepts it', async () => {
    const wrong = unique('HELD');
    await inStock('CAM', wrong);
    const order = await shipped([['CAM', unique('OK')]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial: wrong }])).json();
    for (const action of ['restock', 'scrap']) {
      const res = await post(`/returns/${ret.id}/items/0/${action}`, packer, {});
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('SERIAL_ON_HOLD');
    }
    const next = unique('SO');
    await createOrder(t.db, actor, { orderNumber: next, type: 'B2C', customer: ADA, lines: [{ sku: 'CAM', quantity: 1 }] });
    expect((await post(`/orders/${next}/serials`, packer, { sku: 'CAM', serial: wrong })).json().error.code).toBe('SERIAL_ON_HOLD');

    expect((await post(`/returns/${ret.id}/items/0/review`, packer, { decision: 'accept', note: 'ok' })).statusCode).toBe(403);
    const noNote = await post(`/returns/${ret.id}/items/0/review`, admin, { decision: 'accept', note: '  ' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.message).toBe('note: required');

    const accepted = await post(`/returns/${ret.id}/items/0/review`, admin, { decision: 'accept', note: 'customer sent a replacement unit; ours now' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().items[0]).toMatchObject({
      verdict: 'wrong_serial',
      disposition: 'pending',
      heldForReview: false,
      review: { decision: 'accept', note: 'customer sent a replacement unit; ours now', by: expect.stringMatching(/^key:/) },
    });
    expect(await unitRow('CAM', wrong)).toEqual({ status: 'returned', hold: 'none', disposition: 'pending' });
    expect((await post(`/returns/${ret.id}/items/0/review`, admin, { decision: 'reject', note: 'again' })).json().error.code).toBe(
      'RETURN_ITEM_NOT_IN_REVIEW',
    );
    expect((await post(`/returns/${ret.id}/items/0/restock`, packer, {})).statusCode).toBe(200);
    expect(await unitRow('CAM', wrong)).toMatchObject({ status: 'in_stock', hold: 'none' });
    const types = (await get(`/serials/${wrong}`, viewer)).json().units[0].events.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(['return_held', 'return_accepted', 'restocked']);
  });

  it('rejects a mismatch: the unit stays where it was, its hold and disposition as before, and the item is closed', async () => {
    const serial = unique('REJ');
    await shipped([['CAM', serial]], BOB);
    const order = await shipped([['CAM', unique('A')]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    const res = await post(`/returns/${ret.id}/items/0/review`, admin, { decision: 'reject', note: 'sent back to the returner' });
    expect(res.json().items[0]).toMatchObject({ disposition: 'rejected', review: { decision: 'reject' } });
    expect(await unitRow('CAM', serial)).toEqual({ status: 'shipped', hold: 'none', disposition: null });
    expect((await post(`/returns/${ret.id}/items/0/restock`, packer, {})).json().error.code).toBe('RETURN_ITEM_NOT_PENDING');
  });

  it('takes in an unknown serial an admin accepts: it is registered as returned', async () => {
    const serial = unique('NEW');
    const order = await shipped([['CAM', unique('A')]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    await post(`/returns/${ret.id}/items/0/review`, admin, { decision: 'accept', note: 'shipped before serials were tracked' });
    expect(await unitRow('CAM', serial)).toEqual({ status: 'returned', hold: 'none', disposition: 'pending' });
  });

  it('keeps a unit quarantined while another return of it still waits for review', async () => {
    const serial = unique('Q2');
    const order = await shipped([['CAM', serial]]);
    await returnOf(order, [{ sku: 'CAM', serial }]);
    const second = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    const third = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    await post(`/returns/${second.id}/items/0/review`, admin, { decision: 'reject', note: 'double scan' });
    expect(await unitRow('CAM', serial)).toMatchObject({ hold: 'quarantined', disposition: 'review' });
    await post(`/returns/${third.id}/items/0/review`, admin, { decision: 'reject', note: 'double scan' });
    expect(await unitRow('CAM', serial)).toEqual({ status: 'returned', hold: 'none', disposition: 'pending' });
  });

  it('refuses to restock a recalled unit with 422 SERIAL_RECALLED, and scraps it', async () => {
    const serial = unique('RECALL');
    const order = await shipped([['CAM', serial]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    // Recalls are built elsewhere: the hold is set as a recall would set it.
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE serial = ${serial}`.execute(t.db);
    const res = await post(`/returns/${ret.id}/items/0/restock`, packer, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('SERIAL_RECALLED');
    expect(await unitRow('CAM', serial)).toMatchObject({ status: 'returned', hold: 'recalled' });
    expect((await post(`/returns/${ret.id}/items/0/scrap`, packer, {})).statusCode).toBe(200);
    expect(await unitRow('CAM', serial)).toMatchObject({ status: 'scrapped', hold: 'recalled' });
  });

  it('answers 404 for an unknown return or item index', async () => {
    expect((await post('/returns/999999/items/0/restock', packer, {})).json().error.code).toBe('RETURN_NOT_FOUND');
    const order = await shipped([['CAM', unique('I')]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial: unique('X') }])).json();
    const res = await post(`/returns/${ret.id}/items/5/restock`, packer, {});
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('RETURN_ITEM_NOT_FOUND');
    expect((await get('/returns/999999', viewer)).statusCode).toBe(404);
  });
});

describe('restocked units ship again', () => {
  it('with requireReceivedSerials on: packing a returned unit is refused before restock and allowed after', async () => {
    const tenant = await createTenant(t.db, { name: unique('Strict') });
    const strict: Actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
    const key = bearer(tenant.apiKey);
    await createProduct(t.db, strict, { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    const serial = unique('AGAIN');
    const order = await shipped([['CAM', serial]], ADA, strict);
    await changeSettings(t.db, strict, { requireReceivedSerials: true });
    const ret = (await post('/returns', key, { orderNumber: order, items: [{ sku: 'CAM', serial }] })).json();
    expect(ret.items[0].verdict).toBe('match');
    const next = unique('SO');
    await createOrder(t.db, strict, { orderNumber: next, type: 'B2C', customer: ADA, lines: [{ sku: 'CAM', quantity: 1 }] });
    const before = await post(`/orders/${next}/serials`, key, { sku: 'CAM', serial });
    expect(before.statusCode).toBe(422);
    expect(before.json().error).toMatchObject({ code: 'SERIAL_NOT_IN_STOCK', details: { status: 'returned' } });
    expect((await post(`/returns/${ret.id}/items/0/restock`, key, {})).statusCode).toBe(200);
    expect((await post(`/orders/${next}/serials`, key, { sku: 'CAM', serial })).statusCode).toBe(201);
    expect((await post(`/orders/${next}/ship`, key, {})).statusCode).toBe(200);
    // shipped again, to the next customer: a return against the first order is no longer a match
    const late = (await post('/returns', key, { orderNumber: order, items: [{ sku: 'CAM', serial }] })).json();
    expect(late.items[0].verdict).toBe('shipped_in_other_order');
  });
});

describe('two returns of the same unit at the same moment', () => {
  it('gives exactly one a match; the others get already_returned', async () => {
    const serial = unique('RACE');
    const order = await shipped([['CAM', serial]]);
    const results = await Promise.all(Array.from({ length: 6 }, () => returnOf(order, [{ sku: 'CAM', serial }])));
    expect(results.map((r) => r.statusCode)).toEqual(Array(6).fill(201));
    const verdicts = results.map((r) => r.json().items[0].verdict).sort();
    expect(verdicts).toEqual(['already_returned', 'already_returned', 'already_returned', 'already_returned', 'already_returned', 'match']);
    const matches = await sql<{ n: number }>`SELECT count(*)::int AS n FROM return_items WHERE serial = ${serial} AND verdict = 'match'`.execute(t.db);
    expect(matches.rows[0].n).toBe(1);
  });

  it('refuses a second match of one capture in the database itself (partial unique index)', async () => {
    const serial = unique('IDX');
    const order = await shipped([['CAM', serial]]);
    const ret = (await returnOf(order, [{ sku: 'CAM', serial }])).json();
    await expect(
      sql`INSERT INTO return_items (tenant_id, return_id, item_index, order_id, product_id, serial, verdict, unit_existed, scanned, disposition)
          SELECT tenant_id, return_id, 1, order_id, product_id, serial, 'match', true, false, 'pending'
          FROM return_items WHERE return_id = ${ret.id}::bigint`.execute(t.db),
    ).rejects.toMatchObject({ code: '23505', constraint: 'return_items_one_match' });
  });
});

describe('reading returns', () => {
  it('lists returns newest first, filtered by order, RMA and the review queue', async () => {
    const order = await shipped([['CAM', unique('L1')]]);
    const first = (await returnOf(order, [{ sku: 'CAM', serial: unique('LX') }], { rmaNumber: 'RMA-LIST' })).json();
    const page = await get(`/returns?orderNumber=${order}`, viewer);
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toEqual([
      expect.objectContaining({ id: first.id, orderNumber: order, rmaNumber: 'RMA-LIST', items: 1, matched: 0, inReview: 1, pending: 0 }),
    ]);
    expect((await get('/returns?rmaNumber=RMA-LIST', viewer)).json().items.map((r: { id: number }) => r.id)).toEqual([first.id]);
    const queue = (await get('/returns?disposition=review&limit=500', viewer)).json().items.map((r: { id: number }) => r.id);
    expect(queue).toContain(first.id);
    const viewerCannot = await returnOf(order, [{ sku: 'CAM', serial: 'V' }], {}, viewer);
    expect(viewerCannot.statusCode).toBe(403);
  });

  it('pages with a cursor', async () => {
    const order = await shipped([['CAM', unique('PG')]]);
    for (let i = 0; i < 3; i += 1) await returnOf(order, [{ sku: 'CAM', serial: unique('PX') }]);
    const one = (await get(`/returns?orderNumber=${order}&limit=2`, viewer)).json();
    expect(one.items).toHaveLength(2);
    const two = (await get(`/returns?orderNumber=${order}&limit=2&cursor=${one.nextCursor}`, viewer)).json();
    expect(two.items).toHaveLength(1);
    expect(two.nextCursor).toBeNull();
  });
});
