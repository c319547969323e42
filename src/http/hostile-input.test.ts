import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createTenant } from '../services/tenants.service.ts';
import { encodeCursor } from '../core/cursor.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let key: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  key = bearer((await createTenant(t.db, { name: 'Hostile' })).apiKey);
  // Without these the properties below would pass on 404s alone.
  const product = await app.inject({ method: 'POST', url: '/api/v1/products', headers: key, payload: { sku: 'H-1', name: 'H', needsSerialNumber: true } });
  expect(product.statusCode, product.body).toBe(201);
  const order = await app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: key,
    payload: { orderNumber: 'H-O', type: 'B2C', customer: { name: 'H' }, lines: [{ sku: 'H-1', quantity: 2 }] },
  });
  expect(order.statusCode, order.body).toBe(201);
  const scan = await app.inject({ method: 'POST', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1', serial: 'H-SN-1' } });
  expect(scan.statusCode, scan.body).toBe(201);
});

/** A 400 VALIDATION_FAILED whose message and details name exactly these fields. */
function expectRefused(res: { statusCode: number; body: string; json: () => unknown }, fields: string[], reason: RegExp) {
  expect(res.statusCode, res.body).toBe(400);
  const error = (res.json() as { error: { code: string; message: string; details: { errors: Array<{ field: string; message: string }> } } }).error;
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.details.errors.map((e) => e.field)).toEqual(fields);
  for (const e of error.details.errors) expect(e.message).toMatch(new RegExp(`^${e.field.replace(/[[\].]/g, '\\$&')}: ${reason.source}`));
}
afterAll(async () => {
  await app.close();
  await t.close();
});

const weird = ['%00', 'a%00b', '%F0%9F%92%A9', '..%2F..%2Fetc', "x'%3B DROP TABLE orders;--", '%ED%A0%80', 'A'.repeat(70)];

describe('hostile input never gets a 500', () => {
  it('answers odd path parameters on every route with a coded 4xx', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (!path.includes('{')) continue;
      for (const method of Object.keys(methods)) {
        for (const value of weird) {
          const res = await app.inject({
            method: method.toUpperCase() as 'GET',
            url: path.replace(/\{[^}]+\}/g, value),
            headers: key,
            payload: method === 'get' ? undefined : { sku: 'H-1', serial: 'x' },
          });
          expect(res.statusCode, `${method} ${path} ${value}: ${res.body}`).toBeLessThan(500);
          expect(String(res.json().error?.code), `${method} ${path} ${value}: ${res.statusCode} ${res.body.slice(0, 200)}`).toMatch(/^[A-Z_]+$/);
        }
      }
    }
  });

  it('refuses a NUL in a body field with 400 VALIDATION_FAILED naming the field, before the handler looks for the SKU', async () => {
    const nul = await app.inject({ method: 'POST', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1\u0000', serial: 'a' } });
    expectRefused(nul, ['sku'], /must not contain NUL/);
  });

  it('refuses a lone surrogate in an order number with 400 VALIDATION_FAILED naming orderNumber, and creates nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...key, 'content-type': 'application/json' },
      payload: '{"orderNumber":"LS-\\ud800-1","type":"B2C","customer":{"name":"H"},"lines":[{"sku":"H-1","quantity":1}]}',
    });
    expectRefused(res, ['orderNumber'], /must be valid Unicode text/);
    const found = await app.inject({ method: 'GET', url: '/api/v1/orders?q=LS-', headers: key });
    expect(found.json().items).toEqual([]);
  });

  it('names every unstorable string of a nested body, field names included', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { ...key, 'content-type': 'application/json' },
      payload: '{"orderNumber":"X\\u0000","type":"B2C","customer":{"name":"\\udc00","a\\u0000":1},"lines":[{"sku":"H-1","quantity":1},{"sku":"\\ud800x","quantity":1}]}',
    });
    expectRefused(res, ['orderNumber', 'customer.name', 'customer', 'lines[1].sku'], /(a field name )?must/);
  });

  it('refuses NUL in a query string and in a path parameter with 400 VALIDATION_FAILED naming the parameter', async () => {
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/products?q=%00', headers: key }), ['q'], /must not contain NUL/);
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/orders/H-%00', headers: key }), ['orderNumber'], /must not contain NUL/);
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/serials/%00', headers: key }), ['serial'], /must not contain NUL/);
  });

  it('refuses NUL in the Authorization header with 400 VALIDATION_FAILED naming it, before authentication', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/settings', headers: { authorization: `${key.authorization}\u0000` } });
    expectRefused(res, ['authorization'], /must not contain NUL/);
  });

  it.each([
    '/api/v1/reports/serial-numbers?format=csv&sku=%00',
    '/api/v1/reports/serial-numbers?format=csv&customer=%00',
    '/api/v1/reports/serial-numbers?format=csv&orderNumber=%00',
    '/api/v1/epcis/events?sku=%00',
    '/api/v1/epcis/events?serial=%00',
  ])('refuses a NUL filter of a streamed export (%s) with 400 before streaming starts', async (url) => {
    // app.inject rejects (LIGHT_ECONNRESET) when a response is cut off after its headers.
    const res = await app.inject({ method: 'GET', url, headers: key });
    expectRefused(res, [[...new URLSearchParams(url.split('?')[1]).keys()].at(-1)!], /must not contain NUL/);
  });

  it('refuses a cursor with a huge number, or whose text the database cannot take, with 400 naming cursor', async () => {
    for (const cursor of [encodeCursor([1e300]), encodeCursor(['H-1\u0000']), encodeCursor(['0000-01-01T00:00:00.000Z', 1, 1])]) {
      for (const list of ['orders', 'products', 'reports/serial-numbers']) {
        const res = await app.inject({ method: 'GET', url: `/api/v1/${list}?cursor=${cursor}`, headers: key });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'cursor: not a cursor this list returned' });
      }
    }
  });

  it('answers random JSON bodies on the capture route with a coded 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/orders/H-O/serials',
          headers: { ...key, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode, res.body).toBeLessThan(500);
        expect(String(res.json().error?.code ?? 'none'), res.body).toMatch(res.statusCode < 300 ? /.*/ : /^[A-Z_]+$/);
      }),
      { numRuns: 150 },
    );
  });

  it('answers random strings as serials with 201 or a coded 4xx, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80, unit: 'binary' }), async (serial) => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1', serial } });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode === 201) {
          const removed = await app.inject({ method: 'DELETE', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1', serial } });
          expect(removed.statusCode, removed.body).toBe(200);
        } else {
          expect(String(res.json().error?.code), res.body).toMatch(/^[A-Z_]+$/);
        }
      }),
      { numRuns: 150 },
    );
  });
});
