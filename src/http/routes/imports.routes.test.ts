import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { bearer, makeApp } from '../../../test/app.ts';
import { createTenant } from '../../services/tenants.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  admin = bearer((await createTenant(t.db, { name: 'Imports' })).apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const post = (path: string, headers: Record<string, string>, payload?: string) =>
  app.inject({ method: 'POST', url: `/api/v1${path}`, headers: { ...admin, ...headers }, payload });

describe.each(['/products/import', '/orders/import'])('POST %s', (path) => {
  it.each([
    ['application/json', '{"a":1}', 'content-type: send the file as text/csv, not application/json'],
    ['application/json', 'null', 'content-type: send the file as text/csv, not application/json'],
    ['text/plain', 'sku,name\nA,B\n', 'content-type: send the file as text/csv, not text/plain'],
    ['application/xml', '<a/>', 'content-type: send the file as text/csv, not application/xml'],
  ])('refuses a %s body (%s) with 415 UNSUPPORTED_MEDIA_TYPE', async (contentType, body, message) => {
    const res = await post(path, { 'content-type': contentType }, body);
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().error).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message });
  });

  it('refuses a request without a body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post(path, {});
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().error).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type: send the file as text/csv' });
  });

  it.each([
    ['JSON sent as CSV', '{"a":1}', 1, /^line 1: Invalid Opening Quote/],
    ['a quote opened inside a cell', 'sku,name\nA,B\n x"y,z\n', 3, /^line 3: Invalid Opening Quote/],
    ['an unclosed quote', 'sku,name\nA,"B\n', 2, /^line \d: Quote Not Closed/],
    ['a row with too many cells', 'sku,name\nA,B,C\n', 2, /^line 2: Invalid Record Length/],
  ])('refuses malformed CSV (%s) with 400 CSV_INVALID naming the line', async (_name, body, line, message) => {
    const res = await post(path, { 'content-type': 'text/csv' }, body);
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('CSV_INVALID');
    expect(error.message).toMatch(message);
    expect(error.details.line).toBe(line);
  });

  it('refuses a row longer than 1 MiB with 400 CSV_INVALID instead of holding the upload in memory', async () => {
    const res = await post(path, { 'content-type': 'text/csv' }, `sku,name\n"${'x'.repeat(1_100_000)}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'CSV_INVALID', message: expect.stringMatching(/^line 2: Max Record Size/) });
  });
});

describe('a CSV import over HTTP', () => {
  it('imports text/csv and application/csv', async () => {
    const csv = await post('/products/import', { 'content-type': 'text/csv; charset=utf-8' }, 'sku,name\nIMP-1,One\n');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.json()).toMatchObject({ rows: 1, created: 1 });
    const orders = await post('/orders/import', { 'content-type': 'application/csv' }, 'orderNumber,customerName,sku,quantity\nIMP-O,Ada,IMP-1,2\n');
    expect(orders.statusCode, orders.body).toBe(200);
    expect(orders.json()).toMatchObject({ rows: 1, created: 1 });
  });

  it('reports a NUL in a cell as a bad row with its line, importing nothing', async () => {
    const res = await post('/products/import', { 'content-type': 'text/csv' }, 'sku,name\nIMP-2,Two\nIMP-\u00003,Three\n');
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'CSV_INVALID', details: { errors: [{ line: 3, message: 'sku: must not contain control characters' }] } });
    const found = await app.inject({ method: 'GET', url: '/api/v1/products/IMP-2', headers: admin });
    expect(found.statusCode).toBe(404);
  });
});
