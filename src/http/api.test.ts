import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let packer: Record<string, string>;
let viewer: Record<string, string>;
let tenantId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Acme' });
  tenantId = tenant.tenantId;
  admin = bearer(tenant.apiKey);
  packer = bearer((await createApiKey(t.db, { tenantId, role: 'packer' })).apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId, role: 'viewer' })).apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const post = (url: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });
const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

describe('the HTTP boundary', () => {
  it('answers /health with 200 without a key', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toContain('/api/v1/orders/{orderNumber}/serials');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
  });

  it('refuses a request without a key with 401 UNAUTHENTICATED', async () => {
    const res = await get('/products', {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a made-up key with 401 UNAUTHENTICATED', async () => {
    const res = await get('/products', bearer(`ut_${tenantId.replaceAll('-', '')}_${'a'.repeat(43)}`));
    expect(res.statusCode).toBe(401);
  });

  it('refuses a viewer creating a product with 403 FORBIDDEN', async () => {
    const res = await post('/products', viewer, { sku: 'V-1', name: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('refuses malformed JSON with 400 VALIDATION_FAILED', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"sku": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an unknown field, a wrong type and an oversize string, naming each field', async () => {
    const res = await post('/products', admin, { sku: 'X'.repeat(65), name: 5, colour: 'red' });
    expect(res.statusCode).toBe(400);
    const { code, message } = res.json().error;
    expect(code).toBe('VALIDATION_FAILED');
    expect(message).toContain('sku: must be at most 64 characters');
    expect(message).toContain('name: must be string');
    expect(message).toContain('colour: unknown field');
  });

  it('names a nested field in an order line', async () => {
    const res = await post('/orders', admin, {
      orderNumber: 'N-1',
      type: 'B2C',
      customer: { name: 'A' },
      lines: [{ sku: 'A', quantity: 0 }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('lines[0].quantity');
  });

  it('refuses a cursor it did not make with 400 naming cursor', async () => {
    const res = await get('/products?cursor=not-a-cursor', admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^cursor:/);
  });

  it('answers an unknown route with a coded 404', async () => {
    const res = await get('/nope', admin);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('products, orders, packing and search over HTTP', () => {
  it('runs the whole flow: mark serialized, order, scan, duplicate refused, ship, search, report', async () => {
    expect((await post('/products', admin, { sku: 'CAM-1', name: 'Camera', gtin: '4006381333931' })).statusCode).toBe(201);
    expect((await post('/products', admin, { sku: 'BAG-1', name: 'Bag' })).statusCode).toBe(201);
    const dup = await post('/products', admin, { sku: 'CAM-1', name: 'Camera' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('PRODUCT_ALREADY_EXISTS');

    const bulkBad = await post('/products/bulk-edit', admin, { skus: ['CAM-1', 'GHOST'], set: { needsSerialNumber: true } });
    expect(bulkBad.statusCode).toBe(422);
    expect(bulkBad.json().error).toMatchObject({ code: 'PRODUCTS_NOT_FOUND', details: { skus: ['GHOST'] } });
    expect((await get('/products/CAM-1', admin)).json().needsSerialNumber).toBe(false);

    const bulk = await post('/products/bulk-edit', admin, { skus: ['CAM-1'], set: { needsSerialNumber: true } });
    expect(bulk.json()).toEqual({ updated: 1 });
    const serialized = await get('/products?needsSerialNumber=true', viewer);
    expect(serialized.json().items.map((p: { sku: string }) => p.sku)).toEqual(['CAM-1']);
    expect((await get('/products/CAM-1', admin)).json().gtin).toBe('04006381333931');

    const order = await post('/orders', admin, {
      orderNumber: 'SO-1',
      type: 'B2B',
      customer: { name: 'Grace Hopper', email: 'grace@example.com', company: 'Navy' },
      lines: [
        { sku: 'CAM-1', quantity: 2 },
        { sku: 'BAG-1', quantity: 1 },
      ],
    });
    expect(order.statusCode).toBe(201);
    expect(order.json().lines[0]).toMatchObject({ sku: 'CAM-1', quantity: 2, needsSerialNumber: true, serials: [] });

    const scan = await post('/orders/SO-1/serials', packer, { sku: 'CAM-1', serial: 'CAM-0001', scanned: true });
    expect(scan.statusCode).toBe(201);
    expect(scan.json()).toEqual({ sku: 'CAM-1', serial: 'CAM-0001', captured: 1, quantity: 2 });

    const again = await post('/orders/SO-1/serials', packer, { sku: 'CAM-1', serial: 'CAM-0001' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SERIAL_DUPLICATE_IN_ORDER');

    const notSerialized = await post('/orders/SO-1/serials', packer, { sku: 'BAG-1', serial: 'B1' });
    expect(notSerialized.statusCode).toBe(422);
    expect(notSerialized.json().error.code).toBe('SERIAL_NOT_REQUIRED');

    const invalid = await post('/orders/SO-1/serials', packer, { sku: 'CAM-1', serial: 'A\u0007B' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('SERIAL_INVALID');

    const short = await post('/orders/SO-1/ship', packer, {});
    expect(short.statusCode).toBe(422);
    expect(short.json().error).toMatchObject({ code: 'SERIALS_MISSING', details: { lines: [{ sku: 'CAM-1', missing: 1 }] } });

    expect((await post('/orders/SO-1/serials', packer, { sku: 'CAM-1', serial: 'CAM-0002' })).statusCode).toBe(201);
    const full = await post('/orders/SO-1/serials', packer, { sku: 'CAM-1', serial: 'CAM-0003' });
    expect(full.statusCode).toBe(422);
    expect(full.json().error.code).toBe('LINE_FULLY_SERIALIZED');

    const shipped = await post('/orders/SO-1/ship', packer, { carrier: 'UPS', trackingNumber: '1Z999' });
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json()).toMatchObject({ status: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' });

    const late = await app.inject({
      method: 'DELETE',
      url: '/api/v1/orders/SO-1/serials',
      headers: packer,
      payload: { sku: 'CAM-1', serial: 'CAM-0001' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('ORDER_ALREADY_SHIPPED');

    const found = await get('/serials/CAM-0001', viewer);
    expect(found.statusCode).toBe(200);
    expect(found.json().units[0]).toMatchObject({
      sku: 'CAM-1',
      status: 'shipped',
      orderNumber: 'SO-1',
      orderType: 'B2B',
      customer: { name: 'Grace Hopper', email: 'grace@example.com' },
    });
    expect(found.json().units[0].events.map((e: { type: string }) => e.type)).toEqual(['packed', 'shipped']);

    const byPrefix = await get('/serials?prefix=CAM-', viewer);
    expect(byPrefix.json().items.map((u: { serial: string }) => u.serial)).toEqual(['CAM-0001', 'CAM-0002']);
    const lower = await get('/serials/cam-0001', viewer);
    expect(lower.statusCode).toBe(404);
    expect(lower.json().error.code).toBe('SERIAL_NOT_FOUND');

    const report = await get('/reports/serial-numbers?customer=grace', viewer);
    expect(report.json().items).toHaveLength(2);
    expect(report.json().items[0]).toMatchObject({
      serial: 'CAM-0001',
      sku: 'CAM-1',
      productName: 'Camera',
      orderNumber: 'SO-1',
      orderType: 'B2B',
      customerName: 'Grace Hopper',
      captureMethod: 'scanned',
    });
    const csv = await get('/reports/serial-numbers?format=csv&sku=CAM-1', viewer);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('serial,sku,productName,orderNumber,orderType,customerName,customerEmail,customerCompany,shippedAt,captureMethod');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^CAM-0002,CAM-1,Camera,SO-1,B2B,Grace Hopper,grace@example.com,Navy,\d{4}-\d\d-\d\dT[\d:.]+Z,typed$/);
  });
});

describe('two packers scanning the same serial into one order at the same moment', () => {
  it('lets exactly one request win with 201; the others get 409 SERIAL_DUPLICATE_IN_ORDER', async () => {
    await post('/products', admin, { sku: 'RACE-SKU', name: 'Racer', needsSerialNumber: true });
    await post('/orders', admin, {
      orderNumber: 'RACE-1',
      type: 'B2C',
      customer: { name: 'R' },
      lines: [{ sku: 'RACE-SKU', quantity: 4 }],
    });
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => post('/orders/RACE-1/serials', packer, { sku: 'RACE-SKU', serial: 'SAME-SERIAL' })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const order = (await get('/orders/RACE-1', viewer)).json();
    expect(order.lines[0].serials).toEqual(['SAME-SERIAL']);
  });
});
