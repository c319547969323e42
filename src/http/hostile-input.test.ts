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
  await app.inject({ method: 'POST', url: '/api/v1/products', headers: key, payload: { sku: 'H-1', name: 'H', needsSerialNumber: true } });
  await app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: key,
    payload: { orderNumber: 'H-O', type: 'B2C', customer: { name: 'H' }, lines: [{ sku: 'H-1', quantity: 2 }] },
  });
});
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

  it('answers NUL characters and huge cursor numbers with 400', async () => {
    const nul = await app.inject({ method: 'POST', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1\u0000', serial: 'a' } });
    expect(nul.statusCode).toBe(404);
    const cursor = await app.inject({ method: 'GET', url: `/api/v1/orders?cursor=${encodeCursor([1e300])}`, headers: key });
    expect(cursor.statusCode).toBe(400);
    const q = await app.inject({ method: 'GET', url: '/api/v1/products?q=%00', headers: key });
    expect(q.statusCode).toBe(400);
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
        expect(res.statusCode).toBeLessThan(500);
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
          await app.inject({ method: 'DELETE', url: '/api/v1/orders/H-O/serials', headers: key, payload: { sku: 'H-1', serial } });
        }
      }),
      { numRuns: 150 },
    );
  });
});
