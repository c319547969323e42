import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeApp } from '../../../test/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { unique } from '../../../test/factories.ts';
import { createApiKey, createTenant } from '../../services/tenants.service.ts';
import { createWebhook } from '../../services/webhooks.service.ts';

// Receiving over HTTP on a real PostgreSQL: receipts, advance notices, station scans, CSV import.

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

type Headers = Record<string, string>;
type Tenant = { tenantId: string; admin: Headers; packer: Headers; viewer: Headers };

/** A tenant of its own per test, with a product CAM (serialized, GTIN) and BAG (not serialized). */
async function tenant(settings: Record<string, unknown> = {}): Promise<Tenant> {
  const created = await createTenant(t.db, { name: unique('Receiving') });
  const admin = bearer(created.apiKey);
  const packer = bearer((await createApiKey(t.db, { tenantId: created.tenantId, role: 'packer' })).apiKey);
  const viewer = bearer((await createApiKey(t.db, { tenantId: created.tenantId, role: 'viewer' })).apiKey);
  await call('POST', '/products', admin, { sku: 'CAM', name: 'Camera', needsSerialNumber: true, gtin: '09501101530003' });
  await call('POST', '/products', admin, { sku: 'LENS', name: 'Lens', needsSerialNumber: true, serialFormat: 'L-{####}' });
  await call('POST', '/products', admin, { sku: 'BAG', name: 'Bag' });
  if (Object.keys(settings).length > 0) expect((await call('PATCH', '/settings', admin, settings)).statusCode).toBe(200);
  return { tenantId: created.tenantId, admin, packer, viewer };
}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: unknown) {
  return app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function order(x: Tenant, lines: Array<{ sku: string; quantity: number }>) {
  const orderNumber = unique('SO');
  const res = await call('POST', '/orders', x.admin, { orderNumber, type: 'B2C', customer: { name: 'Ada' }, lines });
  expect(res.statusCode, res.body).toBe(201);
  return orderNumber;
}

const unitRow = async (tenantId: string, serial: string) =>
  (
    await sql<{ status: string; events: number }>`
      SELECT u.status, (SELECT count(*)::int FROM serial_events e
        WHERE e.tenant_id = u.tenant_id AND e.product_id = u.product_id AND e.serial = u.serial AND e.type = 'received') AS events
      FROM serial_units u WHERE u.tenant_id = ${tenantId}::uuid AND u.serial = ${serial}`.execute(t.db)
  ).rows;

describe('POST /receipts', () => {
  it('receives units in stock with a received event naming who, when, the station and the receipt; packing with requireReceivedSerials then accepts them', async () => {
    const x = await tenant({ requireReceivedSerials: true });
    const res = await call('POST', '/receipts', x.packer, {
      reference: 'DN-1',
      station: 'dock-1',
      lines: [{ sku: 'CAM', serials: ['C-1', 'C-2'] }, { sku: 'LENS', serialList: 'L-0001-L-0003' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ reference: 'DN-1', status: 'closed', station: 'dock-1', received: 5, alreadyInStock: 0, refused: [], notice: null });
    expect(body.lines).toEqual([
      { sku: 'CAM', received: 2, alreadyInStock: 0, alreadyInStockSerials: [], unexpectedSerials: null },
      { sku: 'LENS', received: 3, alreadyInStock: 0, alreadyInStockSerials: [], unexpectedSerials: null },
    ]);

    const unit = (await call('GET', '/serials/L-0002', x.viewer)).json().units[0];
    expect(unit.status).toBe('in_stock');
    expect(unit.events).toHaveLength(1);
    expect(unit.events[0]).toMatchObject({
      type: 'received',
      station: 'dock-1',
      actor: expect.stringMatching(/^API key created \d{4}-\d{2}-\d{2}$/),
      details: { receiptId: body.id, reference: 'DN-1', scanned: false },
    });
    expect(Date.parse(unit.events[0].at)).toBeGreaterThan(Date.now() - 60_000);

    // packing now takes the received serials, and still refuses one that was never received
    const orderNumber = await order(x, [{ sku: 'CAM', quantity: 2 }]);
    expect((await call('POST', `/orders/${orderNumber}/serials`, x.packer, { sku: 'CAM', serial: 'C-1' })).statusCode).toBe(201);
    const never = await call('POST', `/orders/${orderNumber}/serials`, x.packer, { sku: 'CAM', serial: 'C-9' });
    expect(never.statusCode).toBe(422);
    expect(never.json().error.code).toBe('SERIAL_NOT_IN_STOCK');
  });

  it('refuses a recalled unit with SERIAL_RECALLED and receives nothing of that receipt (all or nothing)', async () => {
    const x = await tenant();
    expect((await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['R-1'] }] })).statusCode).toBe(201);
    // recalls are built elsewhere: hold the unit as a recall would
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'R-1'`.execute(t.db);
    const res = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['R-2', 'R-1', 'R-3'] }] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'BATCH_REJECTED',
      message: expect.stringMatching(/^lines\[0\]\.serials\[1\]: serial: R-1 of CAM is recalled; .*nothing was received$/),
      details: { items: [{ index: 1, path: 'lines[0].serials[1]', sku: 'CAM', serial: 'R-1', code: 'SERIAL_RECALLED' }] },
    });
    expect(await unitRow(x.tenantId, 'R-2')).toEqual([]);
    expect(await unitRow(x.tenantId, 'R-3')).toEqual([]);
    expect((await call('GET', '/receipts', x.viewer)).json().items).toHaveLength(1);
  });

  it('refuses a unit shipped to a customer (409 SERIAL_ALREADY_SHIPPED naming the order) and one packed in an open order (SERIAL_ALREADY_PACKED)', async () => {
    const x = await tenant();
    const shipped = await order(x, [{ sku: 'CAM', quantity: 1 }]);
    await call('POST', `/orders/${shipped}/serials`, x.packer, { sku: 'CAM', serial: 'S-1' });
    expect((await call('POST', `/orders/${shipped}/ship`, x.packer, {})).statusCode).toBe(200);
    const packed = await order(x, [{ sku: 'CAM', quantity: 1 }]);
    await call('POST', `/orders/${packed}/serials`, x.packer, { sku: 'CAM', serial: 'P-1' });

    const res = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['S-1', 'P-1', 'OK-1'] }] });
    expect(res.statusCode).toBe(422);
    const items = res.json().error.details.items;
    expect(items).toEqual([
      expect.objectContaining({ index: 0, code: 'SERIAL_ALREADY_SHIPPED', details: { orderNumber: shipped }, message: expect.stringContaining(shipped) }),
      expect.objectContaining({ index: 1, code: 'SERIAL_ALREADY_PACKED', details: { orderNumber: packed }, message: expect.stringContaining(packed) }),
    ]);

    // with skipRefused the good one is received and the refused ones are answered
    const partial = await call('POST', '/receipts', x.packer, { skipRefused: true, lines: [{ sku: 'CAM', serials: ['S-1', 'P-1', 'OK-1'] }] });
    expect(partial.statusCode).toBe(201);
    expect(partial.json()).toMatchObject({ received: 1, refused: [{ code: 'SERIAL_ALREADY_SHIPPED' }, { code: 'SERIAL_ALREADY_PACKED' }] });
    expect((await unitRow(x.tenantId, 'S-1'))[0].status).toBe('shipped');
  });

  it('refuses a returned unit awaiting its disposition (409 SERIAL_RETURN_PENDING), a quarantined one and a scrapped one', async () => {
    const x = await tenant();
    await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['B-1', 'B-2', 'B-3'] }] });
    await sql`UPDATE serial_units SET status = 'returned', disposition = 'pending' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'B-1'`.execute(t.db);
    await sql`UPDATE serial_units SET hold = 'quarantined' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'B-2'`.execute(t.db);
    await sql`UPDATE serial_units SET status = 'scrapped' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'B-3'`.execute(t.db);
    const res = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['B-1', 'B-2', 'B-3'] }] });
    expect(res.json().error.details.items.map((i: { code: string }) => i.code)).toEqual(['SERIAL_RETURN_PENDING', 'SERIAL_ON_HOLD', 'SERIAL_SCRAPPED']);
  });

  it('refuses a unit back from a customer until its return restocks it; then it is already in stock', async () => {
    const x = await tenant();
    const orderNumber = await order(x, [{ sku: 'CAM', quantity: 1 }]);
    await call('POST', `/orders/${orderNumber}/serials`, x.packer, { sku: 'CAM', serial: 'RT-1' });
    await call('POST', `/orders/${orderNumber}/ship`, x.packer, {});
    const returned = await call('POST', '/returns', x.packer, { orderNumber, items: [{ sku: 'CAM', serial: 'RT-1' }] });
    expect(returned.statusCode, returned.body).toBe(201);
    const pending = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['RT-1'] }] });
    expect(pending.json().error.details.items).toEqual([
      expect.objectContaining({ code: 'SERIAL_RETURN_PENDING', details: { orderNumber } }),
    ]);
    const restocked = await call('POST', `/returns/${returned.json().id}/items/0/restock`, x.packer, {});
    expect(restocked.statusCode, restocked.body).toBe(200);
    const again = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['RT-1'] }] });
    expect(again.json()).toMatchObject({ received: 0, alreadyInStock: 1 });
  });

  it('reports a unit already in stock per line without refusing the receipt, and gives it no second received event', async () => {
    const x = await tenant();
    await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['A-1'] }] });
    const res = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['A-1', 'A-2'] }] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      received: 1,
      alreadyInStock: 1,
      lines: [{ sku: 'CAM', received: 1, alreadyInStock: 1, alreadyInStockSerials: ['A-1'] }],
    });
    expect(await unitRow(x.tenantId, 'A-1')).toEqual([{ status: 'in_stock', events: 1 }]);
  });

  it('judges every item: syntax, an unknown or unserialized SKU, the SKU format, the product barcode, a serial listed twice', async () => {
    const x = await tenant();
    const res = await call('POST', '/receipts', x.packer, {
      lines: [
        { sku: 'CAM', serials: ['ok-1', 'bad\u0007', '09501101530003', 'ok-1'] },
        { sku: 'GHOST', serials: ['G-1'] },
        { sku: 'BAG', serials: ['B-1'] },
        { sku: 'LENS', serials: ['X-1'] },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.items.map((i: { path: string; code: string }) => [i.path, i.code])).toEqual([
      ['lines[0].serials[1]', 'SERIAL_INVALID'],
      ['lines[0].serials[2]', 'SCANNED_PRODUCT_BARCODE'],
      ['lines[0].serials[3]', 'SERIAL_DUPLICATE_IN_RECEIPT'],
      ['lines[1].serials[0]', 'PRODUCT_NOT_FOUND'],
      ['lines[2].serials[0]', 'SERIAL_NOT_REQUIRED'],
      ['lines[3].serials[0]', 'SERIAL_FORMAT_MISMATCH'],
    ]);
    const empty = await call('POST', '/receipts', x.packer, { lines: [] });
    expect(empty.statusCode).toBe(400);
    const badList = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serialList: 'SN9-SN1' }] });
    expect(badList.statusCode).toBe(400);
    expect(badList.json().error.message).toMatch(/^lines\[0\]\.serialList: .*reversed range/);
  });

  it('refuses more than 50,000 serials in one request', async () => {
    const x = await tenant();
    const res = await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serialList: 'N1-N50000' }, { sku: 'CAM', serials: ['N50001'] }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^lines: at most 50000 serials/);
  });

  it('lets two receipts of the same serials at once make one unit each with one received event; the later one finds them in stock', async () => {
    const x = await tenant();
    const serials = Array.from({ length: 500 }, (_, i) => `RACE-${i}`);
    const [a, b] = await Promise.all([
      call('POST', '/receipts', x.packer, { reference: 'A', lines: [{ sku: 'CAM', serials }] }),
      call('POST', '/receipts', x.packer, { reference: 'B', lines: [{ sku: 'CAM', serials: [...serials].reverse() }] }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().received + b.json().received).toBe(500);
    expect(a.json().alreadyInStock + b.json().alreadyInStock).toBe(500);
    const counts = await sql<{ units: number; events: number }>`
      SELECT (SELECT count(*)::int FROM serial_units WHERE tenant_id = ${x.tenantId}::uuid AND serial LIKE 'RACE-%') AS units,
             (SELECT count(*)::int FROM serial_events WHERE tenant_id = ${x.tenantId}::uuid AND serial LIKE 'RACE-%' AND type = 'received') AS events`.execute(t.db);
    expect(counts.rows[0]).toEqual({ units: 500, events: 500 });
  });

  it('lists receipts newest first and shows one with its units per SKU in scan order', async () => {
    const x = await tenant();
    const first = (await call('POST', '/receipts', x.packer, { reference: 'R-1', lines: [{ sku: 'CAM', serials: ['Z-2', 'Z-1'] }] })).json();
    const second = (await call('POST', '/receipts', x.packer, { reference: 'R-2', lines: [{ sku: 'CAM', serials: ['Z-1', 'Z-3'] }] })).json();
    const page = await call('GET', '/receipts?limit=1', x.viewer);
    expect(page.json().items).toEqual([expect.objectContaining({ id: second.id, reference: 'R-2', received: 1, alreadyInStock: 1 })]);
    const next = await call('GET', `/receipts?limit=1&cursor=${page.json().nextCursor}`, x.viewer);
    expect(next.json().items.map((r: { id: string }) => r.id)).toEqual([first.id]);
    const one = await call('GET', `/receipts/${second.id}`, x.viewer);
    expect(one.json()).toMatchObject({
      id: second.id,
      received: 1,
      alreadyInStock: 1,
      lines: [{ sku: 'CAM', name: 'Camera', serials: ['Z-1', 'Z-3'], alreadyInStockSerials: ['Z-1'], unexpected: null }],
    });
    const missing = await call('GET', '/receipts/00000000-0000-4000-8000-000000000000', x.viewer);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('RECEIPT_NOT_FOUND');
  });

  it('needs the packer role to receive; a viewer is refused', async () => {
    const x = await tenant();
    const res = await call('POST', '/receipts', x.viewer, { lines: [{ sku: 'CAM', serials: ['V-1'] }] });
    expect(res.statusCode).toBe(403);
  });
});

describe('advance notices (ASN)', () => {
  it('checks a receipt against its notice: matched, missing and unexpected per SKU, in the answer and on GET; unexpected units are received and flagged', async () => {
    const x = await tenant();
    const created = await call('POST', '/receipts/notices', x.admin, {
      reference: 'ASN-1',
      supplier: 'Acme Supply',
      expectedAt: '2026-12-01',
      lines: [{ sku: 'CAM', serialList: 'E-1-E-4' }, { sku: 'LENS', serials: ['L-0001'] }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ reference: 'ASN-1', status: 'open', totals: { expected: 5, matched: 0, missing: 5, unexpected: 0 } });

    const res = await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-1', lines: [{ sku: 'CAM', serials: ['E-1', 'E-2', 'E-9'] }] });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.lines).toEqual([{ sku: 'CAM', received: 3, alreadyInStock: 0, alreadyInStockSerials: [], unexpectedSerials: ['E-9'] }]);
    expect(body.notice.totals).toEqual({ expected: 5, matched: 2, missing: 3, unexpected: 1 });
    expect(body.notice.lines).toEqual([
      { sku: 'CAM', name: 'Camera', expected: 4, matched: 2, missing: 2, unexpected: 1, matchedSerials: ['E-1', 'E-2'], missingSerials: ['E-3', 'E-4'], unexpectedSerials: ['E-9'] },
      { sku: 'LENS', name: 'Lens', expected: 1, matched: 0, missing: 1, unexpected: 0, matchedSerials: [], missingSerials: ['L-0001'], unexpectedSerials: [] },
    ]);
    const unexpected = (await call('GET', '/serials/E-9', x.viewer)).json().units[0];
    expect(unexpected).toMatchObject({ status: 'in_stock', events: [{ type: 'received', details: { noticeReference: 'ASN-1', expected: false } }] });

    const notice = (await call('GET', '/receipts/notices/ASN-1', x.viewer)).json();
    expect(notice).toMatchObject({ supplier: 'Acme Supply', expectedAt: '2026-12-01T00:00:00.000Z', totals: body.notice.totals, discrepancy: null });
    expect(notice.receipts).toEqual([expect.objectContaining({ id: body.id, received: 3 })]);
    expect((await call('GET', `/receipts/${body.id}`, x.viewer)).json().lines[0]).toMatchObject({ unexpected: 1, unexpectedSerials: ['E-9'] });
    expect((await call('GET', '/receipts/notices?status=open', x.viewer)).json().items).toEqual([
      expect.objectContaining({ reference: 'ASN-1', expected: 5, receipts: 1 }),
    ]);
  });

  it('records the discrepancy when the notice is closed and refuses further receipts against it (409 NOTICE_CLOSED)', async () => {
    const x = await tenant();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-2', lines: [{ sku: 'CAM', serials: ['K-1', 'K-2'] }] });
    await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-2', lines: [{ sku: 'CAM', serials: ['K-1', 'K-7'] }] });
    const closed = await call('POST', '/receipts/notices/ASN-2/close', x.packer);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      closedBy: expect.stringMatching(/^API key created \d{4}-\d{2}-\d{2}$/),
      discrepancy: { expected: 2, matched: 1, missing: 1, unexpected: 1, lines: [{ sku: 'CAM', missing: 1, unexpected: 1 }] },
      lines: [{ sku: 'CAM', missingSerials: ['K-2'], unexpectedSerials: ['K-7'] }],
    });
    const late = await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-2', lines: [{ sku: 'CAM', serials: ['K-2'] }] });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('NOTICE_CLOSED');
    expect((await call('POST', '/receipts/notices/ASN-2/close', x.packer)).statusCode).toBe(409);
  });

  it('sends the webhook receipt.discrepancy in the closing transaction when the notice closes with missing or unexpected units, and none without', async () => {
    const x = await tenant();
    await createWebhook(t.db, { tenantId: x.tenantId, id: 'test', role: 'admin' }, { url: 'http://127.0.0.1:9/hook', events: ['receipt.discrepancy'] }, { allowHttp: true });
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-W', supplier: 'Acme', lines: [{ sku: 'CAM', serials: ['W-1', 'W-2'] }] });
    const receipt = (await call('POST', '/receipts', x.packer, { reference: 'DN-W', noticeReference: 'ASN-W', lines: [{ sku: 'CAM', serials: ['W-1', 'W-9'] }] })).json();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-OK', lines: [{ sku: 'CAM', serials: ['W-5'] }] });
    await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-OK', lines: [{ sku: 'CAM', serials: ['W-5'] }] });
    expect((await call('POST', '/receipts/notices/ASN-W/close', x.packer)).statusCode).toBe(200);
    expect((await call('POST', '/receipts/notices/ASN-OK/close', x.packer)).statusCode).toBe(200);
    const events = await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM webhook_events WHERE tenant_id = ${x.tenantId}::uuid`.execute(t.db);
    expect(events.rows).toEqual([
      {
        type: 'receipt.discrepancy',
        data: {
          noticeReference: 'ASN-W',
          supplier: 'Acme',
          receipts: [{ receiptId: receipt.id, reference: 'DN-W' }],
          closedAt: expect.any(String),
          closedBy: expect.stringMatching(/^key:/),
          expected: 2,
          matched: 1,
          missing: [{ sku: 'CAM', serial: 'W-2' }],
          missingCount: 1,
          unexpected: [{ sku: 'CAM', serial: 'W-9' }],
          unexpectedCount: 1,
        },
      },
    ]);
  });

  it('refuses a taken reference (409), an unknown notice (404), a notice with bad items (422) and a packer creating one (403)', async () => {
    const x = await tenant();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-3', lines: [{ sku: 'CAM', serials: ['Q-1'] }] });
    const again = await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-3', lines: [{ sku: 'CAM', serials: ['Q-2'] }] });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'NOTICE_ALREADY_EXISTS']);
    const unknown = await call('POST', '/receipts', x.packer, { noticeReference: 'NOPE', lines: [{ sku: 'CAM', serials: ['Q-3'] }] });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'NOTICE_NOT_FOUND']);
    expect((await call('GET', '/receipts/notices/NOPE', x.viewer)).statusCode).toBe(404);
    const bad = await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-4', lines: [{ sku: 'LENS', serials: ['L-0001', 'nope', 'L-0001'] }] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.items.map((i: { code: string }) => i.code)).toEqual(['SERIAL_FORMAT_MISMATCH', 'SERIAL_DUPLICATE_IN_RECEIPT']);
    expect((await call('POST', '/receipts/notices', x.packer, { reference: 'ASN-5', lines: [{ sku: 'CAM', serials: ['Q-4'] }] })).statusCode).toBe(403);
  });
});

describe('station scans into an open receipt', () => {
  it('takes serials one at a time: the notice names the SKU, a SKU scan chooses one, a GS1 scan brings lot and expiry; counts are live', async () => {
    const x = await tenant();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-S', lines: [{ sku: 'CAM', serials: ['S-1', 'S-2'] }, { sku: 'LENS', serials: ['L-0001'] }] });
    const opened = await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-S', open: true, station: 'dock-2' });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id;
    const scan = (body: Record<string, unknown>) => call('POST', `/receipts/${id}/scans`, x.packer, body);

    const first = await scan({ data: 'S-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      kind: 'unit',
      outcome: 'received',
      sku: 'CAM',
      serial: 'S-1',
      expected: true,
      receipt: { id, received: 1, alreadyInStock: 0 },
      notice: { reference: 'ASN-S', totals: { expected: 3, matched: 1, missing: 2, unexpected: 0 } },
    });
    // an unexpected serial on a notice of two SKUs needs its SKU: scan the product first
    const unplaced = await scan({ data: 'S-9' });
    expect([unplaced.statusCode, unplaced.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const chosen = await scan({ data: '9501101530003' }); // the camera's EAN-13
    expect([chosen.statusCode, chosen.json()]).toEqual([200, { kind: 'product', sku: 'CAM', name: 'Camera' }]);
    const extra = await scan({ data: 'S-9', sku: 'CAM' });
    expect(extra.json()).toMatchObject({ outcome: 'received', expected: false, notice: { totals: { matched: 1, unexpected: 1 } } });
    const gs1 = await scan({ data: '(01)09501101530003(21)S-2(10)LOT7(17)271231' });
    expect(gs1.json()).toMatchObject({ sku: 'CAM', serial: 'S-2', lot: 'LOT7', expiry: '2027-12-31', expected: true });
    const twice = await scan({ data: 'S-2', sku: 'CAM' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'SERIAL_DUPLICATE_IN_RECEIPT']);
    const broken = await scan({ data: '(01)09501101530004(21)S-3' });
    expect([broken.statusCode, broken.json().error.code]).toEqual([422, 'SCAN_INVALID']);

    const unit = (await call('GET', '/serials/S-2', x.viewer)).json().units[0];
    expect(unit).toMatchObject({ lot: 'LOT7', expiry: '2027-12-31', events: [{ type: 'received', station: 'dock-2', details: { scanned: true } }] });

    const finished = await call('POST', `/receipts/${id}/close`, x.packer);
    expect(finished.json()).toMatchObject({ status: 'closed', received: 3, notice: { totals: { expected: 3, matched: 2, missing: 1, unexpected: 1 } } });
    const after = await scan({ data: 'L-0001' });
    expect([after.statusCode, after.json().error.code]).toEqual([409, 'RECEIPT_CLOSED']);
  });

  it('answers a unit already in stock with 200 already_in_stock and a refused one with its own code', async () => {
    const x = await tenant();
    await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['I-1', 'I-2'] }] });
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'I-2'`.execute(t.db);
    const id = (await call('POST', '/receipts', x.packer, { open: true })).json().id;
    const here = await call('POST', `/receipts/${id}/scans`, x.packer, { data: 'I-1', sku: 'CAM' });
    expect([here.statusCode, here.json().outcome]).toEqual([200, 'already_in_stock']);
    const recalled = await call('POST', `/receipts/${id}/scans`, x.packer, { data: 'I-2', sku: 'CAM' });
    expect([recalled.statusCode, recalled.json().error.code]).toEqual([422, 'SERIAL_RECALLED']);
    const noSku = await call('POST', `/receipts/${id}/scans`, x.packer, { data: 'I-3' });
    expect(noSku.json().error.message).toMatch(/^sku: required/);
  });

  it('closes the open receipts of a notice when the notice is closed', async () => {
    const x = await tenant();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-C', lines: [{ sku: 'CAM', serials: ['C-1'] }] });
    const id = (await call('POST', '/receipts', x.packer, { noticeReference: 'ASN-C', open: true })).json().id;
    await call('POST', '/receipts/notices/ASN-C/close', x.packer);
    expect((await call('GET', `/receipts/${id}`, x.viewer)).json().status).toBe('closed');
    const late = await call('POST', `/receipts/${id}/scans`, x.packer, { data: 'C-1' });
    expect(late.json().error.code).toBe('RECEIPT_CLOSED');
  });
});

describe('POST /receipts/import (CSV)', () => {
  const importCsv = (x: Tenant, body: string, query = '') =>
    app.inject({ method: 'POST', url: `/api/v1/receipts/import${query}`, headers: { ...x.packer, 'content-type': 'text/csv' }, payload: body });

  it('refuses a file with a bad line naming it, and imports nothing', async () => {
    const x = await tenant();
    await call('POST', '/receipts', x.packer, { lines: [{ sku: 'CAM', serials: ['V-0'] }] });
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${x.tenantId}::uuid AND serial = 'V-0'`.execute(t.db);
    const file = 'reference,sku,serial\nDN-7,CAM,V-1\nDN-7,CAM,V-0\nDN-7,GHOST,V-2\nDN-8,CAM,\nDN-8,CAM,V-3\nDN-9,BAG,V-4\n';
    const res = await importCsv(x, file);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'CSV_INVALID',
      details: {
        errors: [
          { line: 3, message: expect.stringContaining('SERIAL_RECALLED') },
          { line: 4, message: expect.stringContaining('PRODUCT_NOT_FOUND') },
          { line: 5, message: 'serial: required' },
          { line: 7, message: expect.stringContaining('SERIAL_NOT_REQUIRED') },
        ],
      },
    });
    expect(await unitRow(x.tenantId, 'V-1')).toEqual([]);
    expect((await call('GET', '/receipts', x.viewer)).json().items).toHaveLength(1);

    const dry = await importCsv(x, file, '?dryRun=true');
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 6, created: 2, received: 2, skipped: 4 });
    expect(await unitRow(x.tenantId, 'V-1')).toEqual([]);

    const skip = await importCsv(x, file, '?skipBadRows=true');
    expect(skip.statusCode, skip.body).toBe(200);
    // DN-9 had no good row: no empty receipt is kept
    expect(skip.json()).toMatchObject({ rows: 6, created: 2, received: 2, alreadyInStock: 0, skipped: 4 });
    expect(skip.json().receipts.map((r: { reference: string; received: number }) => [r.reference, r.received])).toEqual([
      ['DN-7', 1],
      ['DN-8', 1],
    ]);
    expect(await unitRow(x.tenantId, 'V-3')).toEqual([{ status: 'in_stock', events: 1 }]);
    const references = (await call('GET', '/receipts', x.viewer)).json().items.map((r: { reference: string | null }) => r.reference);
    expect(references.sort()).toEqual(['DN-7', 'DN-8', null]);
  });

  it('checks imported rows against a notice named in the file and reports a serial listed twice in one receipt', async () => {
    const x = await tenant();
    await call('POST', '/receipts/notices', x.admin, { reference: 'ASN-F', lines: [{ sku: 'CAM', serials: ['F-1', 'F-2'] }] });
    const res = await importCsv(x, 'reference,sku,serial,noticeReference\nDN-F,CAM,F-1,ASN-F\nDN-F,CAM,F-3,\nDN-F,CAM,F-1,\n', '?skipBadRows=true');
    expect(res.json()).toMatchObject({ received: 2, errors: [{ line: 4, message: expect.stringContaining('SERIAL_DUPLICATE_IN_RECEIPT') }] });
    expect((await call('GET', '/receipts/notices/ASN-F', x.viewer)).json().totals).toEqual({ expected: 2, matched: 1, missing: 1, unexpected: 1 });
  });
});
