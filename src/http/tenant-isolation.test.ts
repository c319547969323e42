import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { makeTenant } from '../../test/factories.ts';
import { captureSerial, shipOrder } from '../services/packing.service.ts';
import { createOrder } from '../services/orders.service.ts';
import { createProduct } from '../services/products.service.ts';
import { createNotice, createReceipt } from '../services/receiving.service.ts';
import { createReturn } from '../services/returns.service.ts';
import { createWebhook } from '../services/webhooks.service.ts';
import { createRecall } from '../services/recalls.service.ts';
import { createUser } from '../services/users.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let foreignKey: Record<string, string>;
let tenantA: string;
let keyOfA: string;
let returnA: number;

/** Every row of tenant A in every table that has a tenant_id, as text: to prove a walk changed nothing. */
async function snapshotOfTenantA(): Promise<Record<string, string[]>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`.execute(t.db);
  const snapshot: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`
      SELECT to_jsonb(x)::text AS row FROM ${sql.table(table_name)} x WHERE tenant_id = ${tenantA}::uuid ORDER BY 1`.execute(t.db);
    snapshot[table_name] = rows.rows.map((r) => r.row);
  }
  return snapshot;
}

// Tenant A's identifiers, which tenant B will try to reach.
const A = {
  sku: 'A-SECRET-SKU',
  orderNumber: 'A-SECRET-ORDER',
  openOrder: 'A-OPEN-ORDER',
  serial: 'A-SECRET-SERIAL',
  userEmail: 'a-secret-user@example.com',
  notice: 'A-SECRET-ASN',
  receiptId: '',
  openReceiptId: '',
  webhookId: '',
  deliveryId: '',
  recallId: 0,
};

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const a = await makeTenant(t.db, 'Tenant A');
  tenantA = a.actor.tenantId;
  // An endpoint of A's, so the captures and the shipment below leave deliveries to reach for.
  A.webhookId = (await createWebhook(t.db, a.actor, { url: 'https://hooks.example.com/a', events: ['serial.captured', 'order.shipped'] }, { allowHttp: false })).id;
  await createUser(t.db, { tenantId: tenantA, email: A.userEmail, password: 'a long secret phrase', role: 'packer' });
  keyOfA = (await sql<{ id: string }>`SELECT id::text FROM api_keys WHERE tenant_id = ${tenantA}::uuid`.execute(t.db)).rows[0].id;
  await createProduct(t.db, a.actor, { sku: A.sku, name: 'Secret', needsSerialNumber: true });
  for (const orderNumber of [A.orderNumber, A.openOrder]) {
    await createOrder(t.db, a.actor, {
      orderNumber,
      type: 'B2C',
      customer: { name: 'A customer', email: 'a@example.com' },
      lines: [{ sku: A.sku, quantity: 1 }],
    });
  }
  await captureSerial(t.db, a.actor, A.orderNumber, { sku: A.sku, serial: A.serial });
  await shipOrder(t.db, a.actor, A.orderNumber, {});
  await captureSerial(t.db, a.actor, A.openOrder, { sku: A.sku, serial: `${A.serial}-2` });
  await createNotice(t.db, a.actor, { reference: A.notice, lines: [{ sku: A.sku, serials: [`${A.serial}-3`, `${A.serial}-4`] }] });
  A.receiptId = (await createReceipt(t.db, a.actor, { noticeReference: A.notice, lines: [{ sku: A.sku, serials: [`${A.serial}-3`] }] })).receipt.id;
  A.openReceiptId = (await createReceipt(t.db, a.actor, { noticeReference: A.notice, open: true })).receipt.id;
  // a return with a match and an item held for review
  returnA = (
    await createReturn(t.db, a.actor, { orderNumber: A.orderNumber, items: [{ sku: A.sku, serial: A.serial }, { sku: A.sku, serial: 'A-UNKNOWN' }] })
  ).id;
  A.deliveryId = (await sql<{ id: string }>`SELECT id FROM webhook_deliveries WHERE tenant_id = ${tenantA}::uuid LIMIT 1`.execute(t.db)).rows[0].id;
  A.recallId = (await createRecall(t.db, a.actor, { name: 'A recall', reason: 'secret', sku: A.sku, serials: [A.serial] })).id;
  const b = await makeTenant(t.db, 'Tenant B');
  foreignKey = bearer(b.apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

type Spec = { paths: Record<string, Record<string, unknown>> };

const bodies: Record<string, unknown> = {
  'POST /api/v1/orders/{orderNumber}/serials': { sku: A.sku, serial: 'B-TRY' },
  'POST /api/v1/orders/{orderNumber}/scans': { data: 'B-TRY', sku: A.sku },
  'POST /api/v1/orders/{orderNumber}/serials/batch': { items: [{ sku: A.sku, serial: 'B-TRY' }] },
  'DELETE /api/v1/orders/{orderNumber}/serials': { sku: A.sku, serial: `${A.serial}-2` },
  'POST /api/v1/orders/{orderNumber}/ship': {},
  'POST /api/v1/orders/{orderNumber}/cancel': undefined,
  'POST /api/v1/orders/{orderNumber}/corrections': { sku: A.sku, serial: A.serial, newSerial: 'B-TRY', reason: 'stealing' },
  'PATCH /api/v1/products/{sku}': { name: 'stolen' },
  'POST /api/v1/products/{sku}/serials/generate': { count: 1, mode: 'sequence' },
  'POST /api/v1/products/{sku}/labels': { serials: ['X1'], symbology: 'code128' },
  'POST /api/v1/receipts/{id}/scans': { data: `${A.serial}-4`, sku: A.sku },
  'POST /api/v1/returns/{returnId}/items': { items: [{ sku: A.sku, serial: 'B-TRY' }] },
  'POST /api/v1/returns/{returnId}/items/{index}/restock': {},
  'POST /api/v1/returns/{returnId}/items/{index}/scrap': {},
  'POST /api/v1/returns/{returnId}/items/{index}/review': { decision: 'accept', note: 'tenant B tries' },
  'PATCH /api/v1/webhooks/{webhookId}': { url: 'https://hooks.example.com/stolen', enabled: false },
  'POST /api/v1/webhooks/{webhookId}/rotate-secret': { previousSecretValidSeconds: 60 },
  'POST /api/v1/recalls/{recallId}/clear': { serials: [A.serial], reason: 'B-TRY' },
  'POST /api/v1/recalls/{recallId}/close': { note: 'B-TRY' },
  'PATCH /api/v1/users/{email}': { role: 'admin' },
};

function fill(path: string, openOrder: boolean): string {
  return path
    .replace('{id}', path.startsWith('/api/v1/keys/') ? keyOfA : openOrder ? A.openReceiptId : A.receiptId)
    .replace('{reference}', encodeURIComponent(A.notice))
    .replace('{sku}', encodeURIComponent(A.sku))
    .replace('{orderNumber}', encodeURIComponent(openOrder ? A.openOrder : A.orderNumber))
    .replace('{serial}', encodeURIComponent(A.serial))
    .replace('{returnId}', String(returnA))
    .replace('{index}', path.endsWith('/review') ? '1' : '0')
    .replace('{webhookId}', A.webhookId)
    .replace('{deliveryId}', A.deliveryId)
    .replace('{recallId}', String(A.recallId))
    .replace('{email}', encodeURIComponent(A.userEmail));
}

describe("one tenant's key against another tenant's data", () => {
  it('gets 404 on every route that names a foreign product, order or serial, and changes nothing', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as Spec;
    const before = await snapshotOfTenantA();
    expect(before.serial_events.length, 'tenant A has history to protect').toBeGreaterThan(0);
    const walked: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (!path.includes('{')) continue;
      for (const method of Object.keys(methods)) {
        const key = `${method.toUpperCase()} ${path}`;
        // orders and receipts are walked both open and finished
        for (const openOrder of path.includes('{orderNumber}') || path.includes('{id}') ? [false, true] : [false]) {
          const res = await app.inject({
            method: method.toUpperCase() as 'GET',
            url: fill(path, openOrder),
            headers: foreignKey,
            ...(bodies[key] !== undefined ? { payload: bodies[key] as object } : {}),
          });
          expect(res.statusCode, `${key} (${openOrder ? 'open' : 'shipped or finished'})`).toBe(404);
        }
        walked.push(key);
      }
    }
    // The walk must really cover the routes that take ids (a new route is walked automatically).
    expect(walked).toEqual(
      expect.arrayContaining([
        'GET /api/v1/products/{sku}',
        'PATCH /api/v1/products/{sku}',
        'GET /api/v1/orders/{orderNumber}',
        'POST /api/v1/orders/{orderNumber}/serials',
        'POST /api/v1/orders/{orderNumber}/serials/batch',
        'DELETE /api/v1/orders/{orderNumber}/serials',
        'POST /api/v1/orders/{orderNumber}/ship',
        'POST /api/v1/orders/{orderNumber}/cancel',
        'GET /api/v1/serials/{serial}',
        'POST /api/v1/orders/{orderNumber}/corrections',
        'DELETE /api/v1/keys/{id}',
        'GET /api/v1/receipts/{id}',
        'POST /api/v1/receipts/{id}/scans',
        'POST /api/v1/receipts/{id}/close',
        'GET /api/v1/receipts/notices/{reference}',
        'POST /api/v1/receipts/notices/{reference}/close',
        'GET /api/v1/returns/{returnId}',
        'POST /api/v1/returns/{returnId}/items',
        'POST /api/v1/returns/{returnId}/items/{index}/restock',
        'POST /api/v1/returns/{returnId}/items/{index}/scrap',
        'POST /api/v1/returns/{returnId}/items/{index}/review',
        'GET /api/v1/webhooks/{webhookId}',
        'PATCH /api/v1/webhooks/{webhookId}',
        'DELETE /api/v1/webhooks/{webhookId}',
        'POST /api/v1/webhooks/{webhookId}/rotate-secret',
        'GET /api/v1/webhooks/{webhookId}/deliveries',
        'POST /api/v1/webhooks/deliveries/{deliveryId}/redeliver',
        'GET /api/v1/recalls/{recallId}',
        'POST /api/v1/recalls/{recallId}/clear',
        'POST /api/v1/recalls/{recallId}/close',
        'GET /api/v1/recalls/{recallId}/customers',
      ]),
    );
    const own = await app.inject({ method: 'GET', url: `/api/v1/orders/${A.openOrder}`, headers: foreignKey });
    expect(own.statusCode).toBe(404);
    const returned = await app.inject({
      method: 'POST',
      url: '/api/v1/returns',
      headers: foreignKey,
      payload: { orderNumber: A.orderNumber, items: [{ sku: A.sku, serial: A.serial }] },
    });
    expect(returned.statusCode).toBe(404);
    expect(returned.json().error.code).toBe('ORDER_NOT_FOUND');
    // Not one row of tenant A's changed: products, orders, captures, units, history, settings, keys.
    expect(await snapshotOfTenantA()).toEqual(before);
  });

  it("sees none of the other tenant's rows in lists, search and the report", async () => {
    const lists = [
      '/api/v1/webhooks',
      '/api/v1/products',
      '/api/v1/products?needsSerialNumber=true',
      '/api/v1/orders',
      `/api/v1/serials?prefix=A-`,
      '/api/v1/reports/serial-numbers',
      '/api/v1/receipts',
      '/api/v1/receipts/notices',
      '/api/v1/returns',
      '/api/v1/returns?disposition=review',
      `/api/v1/reports/serial-numbers?serials=${encodeURIComponent(A.serial)}`,
      '/api/v1/recalls',
    ];
    for (const url of lists) {
      const res = await app.inject({ method: 'GET', url, headers: foreignKey });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().items, url).toEqual([]);
    }
    const csv = await app.inject({ method: 'GET', url: '/api/v1/reports/serial-numbers?format=csv', headers: foreignKey });
    expect(csv.body.trim().split('\n')).toHaveLength(1);
    const daily = await app.inject({ method: 'GET', url: '/api/v1/reports/serial-numbers/daily', headers: foreignKey });
    expect(daily.json().days).toEqual([]);
    const epcis = await app.inject({ method: 'GET', url: '/api/v1/epcis/events', headers: foreignKey });
    expect(epcis.statusCode).toBe(200);
    expect(JSON.parse(epcis.body).epcisBody.eventList).toEqual([]);
    expect(epcis.body).not.toContain(A.serial);
    // Tenant B's own audit trail (its first key) and key list, and nothing of A's.
    for (const url of ['/api/v1/audit', '/api/v1/keys']) {
      const res = await app.inject({ method: 'GET', url, headers: foreignKey });
      expect(res.statusCode, url).toBe(200);
      expect(res.json().items.length, url).toBeGreaterThan(0);
      for (const secret of [A.sku, A.orderNumber, A.openOrder, keyOfA]) expect(res.body, url).not.toContain(secret);
    }
  });

  it("cannot preview or recall another tenant's SKU, nor download its recall's contact list", async () => {
    for (const [url, extra] of [['/api/v1/recalls/preview', {}], ['/api/v1/recalls', { name: 'B', reason: 'B' }]] as const) {
      const res = await app.inject({ method: 'POST', url, headers: foreignKey, payload: { ...extra, sku: A.sku, serials: [A.serial] } });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('PRODUCT_NOT_FOUND');
    }
    const csv = await app.inject({ method: 'GET', url: `/api/v1/recalls/${A.recallId}/customers?format=csv`, headers: foreignKey });
    expect(csv.statusCode).toBe(404);
    expect(csv.body).not.toContain('A customer');
  });

  it("refuses to bulk-edit another tenant's SKU as unknown", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk-edit',
      headers: foreignKey,
      payload: { skus: [A.sku], set: { needsSerialNumber: false } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.skus).toEqual([A.sku]);
  });
});
