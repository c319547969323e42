import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { bearer, makeApp } from '../../../test/app.ts';
import { makeProduct } from '../../../test/factories.ts';
import type { Actor } from '../../core/model.ts';
import { createApiKey, createTenant } from '../../services/tenants.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let packer: Record<string, string>;
let viewer: Record<string, string>;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Labels Ltd' });
  actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
  admin = bearer(tenant.apiKey);
  packer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'packer' })).apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'viewer' })).apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const post = (url: string, headers: Record<string, string>, payload: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });

describe('POST /products/{sku}/serials/generate', () => {
  it('generates the next serials in sequence with 201 and lists them', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: 'SN-{YYYY}-{#:5}' });
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 3, mode: 'sequence', year: 2025 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      sku: p.sku,
      mode: 'sequence',
      count: 3,
      serials: ['SN-2025-00001', 'SN-2025-00002', 'SN-2025-00003'],
      first: 'SN-2025-00001',
      last: 'SN-2025-00003',
      skipped: 0,
    });
    const next = await post(`/products/${p.sku}/serials/generate`, admin, { count: 1, mode: 'sequence', year: 2025 });
    expect(next.json().serials).toEqual(['SN-2025-00004']);
    const unit = await app.inject({ method: 'GET', url: '/api/v1/serials/SN-2025-00002', headers: viewer });
    expect(unit.statusCode).toBe(200);
    expect(unit.json().units[0].status).toBe('in_stock');
  });

  it('generates random serials', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: '{X:12}' });
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 5, mode: 'random' });
    expect(res.statusCode).toBe(201);
    const { serials } = res.json() as { serials: string[] };
    expect(new Set(serials).size).toBe(5);
    for (const s of serials) expect(s).toMatch(/^[0-9A-Z]{12}$/);
  });

  it('refuses a packer with 403 FORBIDDEN', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: 'SN-{9:5}' });
    const res = await post(`/products/${p.sku}/serials/generate`, packer, { count: 1, mode: 'sequence' });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a count over 100000, a bad mode and an unknown field with 400 naming each', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: 'SN-{9:5}' });
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 100_001, mode: 'next', colour: 'red' });
    expect(res.statusCode).toBe(400);
    const { code, message } = res.json().error;
    expect(code).toBe('VALIDATION_FAILED');
    expect(message).toContain('count: must be <= 100000');
    expect(message).toContain('mode: must be one of sequence, random');
    expect(message).toContain('colour: unknown field');
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown SKU', async () => {
    const res = await post('/products/NOPE/serials/generate', admin, { count: 1, mode: 'sequence' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('answers 422 SERIAL_FORMAT_MISSING for a product without a serial format, saying to set one', async () => {
    const p = await makeProduct(t.db, actor);
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 1, mode: 'random' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'SERIAL_FORMAT_MISSING', message: expect.stringContaining('set one') });
  });

  it('answers 422 SERIAL_CAPACITY_EXCEEDED when the counter would overflow', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: 'B{9:2}' });
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 100, mode: 'sequence' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'SERIAL_CAPACITY_EXCEEDED', details: { next: '1', capacity: '100', left: '99' } });
  });

  it('answers 422 SERIAL_FORMAT_INVALID for a re: format', async () => {
    const p = await makeProduct(t.db, actor, { serialFormat: 're:[A-Z]{4}' });
    const res = await post(`/products/${p.sku}/serials/generate`, admin, { count: 1, mode: 'random' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('SERIAL_FORMAT_INVALID');
  });
});

describe('POST /products/{sku}/labels', () => {
  it('answers an SVG sheet with one barcode per serial for a viewer', async () => {
    const p = await makeProduct(t.db, actor, { gtin: '09506000134352' });
    const res = await post(`/products/${p.sku}/labels`, viewer, { serials: ['A1', 'A2', 'A3'], symbology: 'gs1-128', columns: 2 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`inline; filename="labels-${p.sku}.svg"`);
    expect(res.body.match(/<svg class="barcode"/g)).toHaveLength(3);
    expect(res.body).toContain('(01)09506000134352(21)A2');
  });

  it('answers 422 GTIN_MISSING for GS1 labels of a product without a GTIN', async () => {
    const p = await makeProduct(t.db, actor);
    const res = await post(`/products/${p.sku}/labels`, viewer, { serials: ['A1'], symbology: 'gs1datamatrix' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('GTIN_MISSING');
  });

  it('answers 422 BARCODE_NOT_ENCODABLE for a serial GS1 does not allow', async () => {
    const p = await makeProduct(t.db, actor, { gtin: '09506000134352' });
    const res = await post(`/products/${p.sku}/labels`, viewer, { serials: ['A B'], symbology: 'gs1-128' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'BARCODE_NOT_ENCODABLE', message: expect.stringMatching(/^serials\[0\]: "A B"/) });
  });

  it('refuses an unknown symbology, too many serials and too many columns with 400', async () => {
    const p = await makeProduct(t.db, actor);
    const res = await post(`/products/${p.sku}/labels`, viewer, {
      serials: Array.from({ length: 501 }, (_, i) => `S${i}`),
      symbology: 'qr',
      columns: 7,
    });
    expect(res.statusCode).toBe(400);
    const { message } = res.json().error;
    expect(message).toContain('symbology: must be one of code128, gs1-128, gs1datamatrix');
    expect(message).toContain('serials: must NOT have more than 500 items');
    expect(message).toContain('columns: must be <= 6');
  });
});

describe('POST /serials/expand', () => {
  it('expands ranges and runs for a viewer', async () => {
    const res = await post('/serials/expand', viewer, { text: 'SN0001-SN0003\n10+2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ serials: ['SN0001', 'SN0002', 'SN0003', '10', '11'], count: 5 });
  });

  it('answers 400 VALIDATION_FAILED naming the bad item', async () => {
    const res = await post('/serials/expand', viewer, { text: 'A1, SN0001-XY0005' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('serials: "SN0001-XY0005" at line 1, column 5'),
      details: { item: 'SN0001-XY0005', line: 1, column: 5 },
    });
  });

  it('answers 400 when text is missing', async () => {
    const res = await post('/serials/expand', viewer, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('text: required');
  });

  it('refuses a request without a key with 401', async () => {
    const res = await post('/serials/expand', {}, { text: 'A1' });
    expect(res.statusCode).toBe(401);
  });
});
