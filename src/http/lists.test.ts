import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createTenant } from '../services/tenants.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let key: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  key = bearer((await createTenant(t.db, { name: 'Lists' })).apiKey);
  for (let i = 1; i <= 7; i += 1) {
    await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: key,
      payload: { sku: `L-${i}`, name: i % 2 ? `Red thing ${i}` : `Blue thing ${i}`, needsSerialNumber: i <= 3 },
    });
  }
  for (const [n, name] of [
    ['O-1', 'Ada'],
    ['O-2', 'Grace'],
    ['O-3', 'Alan'],
  ]) {
    await app.inject({ method: 'POST', url: '/api/v1/orders', headers: key, payload: { orderNumber: n, type: 'B2C', customer: { name }, lines: [{ sku: 'L-4', quantity: 1 }] } });
  }
  await app.inject({ method: 'POST', url: '/api/v1/orders/O-2/ship', headers: key, payload: {} });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: key });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('lists', () => {
  it('pages through products by SKU with a cursor, every product once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/products?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((p: { sku: string }) => p.sku));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['L-1', 'L-2', 'L-3', 'L-4', 'L-5', 'L-6', 'L-7']);
  });

  it('filters products by needsSerialNumber and by text in SKU or name', async () => {
    expect((await get('/products?needsSerialNumber=false')).items).toHaveLength(4);
    expect((await get('/products?q=blue')).items.map((p: { sku: string }) => p.sku)).toEqual(['L-2', 'L-4', 'L-6']);
    expect((await get('/products?q=blue&needsSerialNumber=true')).items.map((p: { sku: string }) => p.sku)).toEqual(['L-2']);
  });

  it('filters orders by status and finds them by customer name', async () => {
    expect((await get('/orders?status=shipped')).items.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['O-2']);
    expect((await get('/orders?q=ala')).items.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['O-3']);
    expect((await get('/orders')).items.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(['O-3', 'O-2', 'O-1']);
  });

  it('refuses a limit over 500 and a status it does not know, naming the field', async () => {
    const big = await app.inject({ method: 'GET', url: '/api/v1/products?limit=501', headers: key });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toContain('limit');
    const status = await app.inject({ method: 'GET', url: '/api/v1/orders?status=lost', headers: key });
    expect(status.statusCode).toBe(400);
    expect(status.json().error.message).toContain('status');
  });

  it('reads and changes the duplicate-serials setting', async () => {
    const defaults = {
      allowDuplicateSerialsInOrder: false,
      gs1Fnc1Substitute: null,
      duplicateScope: 'sku',
      requireReceivedSerials: false,
      orderNumberFormat: null,
    };
    expect(await get('/settings')).toEqual(defaults);
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: key,
      payload: { allowDuplicateSerialsInOrder: true, duplicateScope: 'order' },
    });
    const changed = { ...defaults, allowDuplicateSerialsInOrder: true, duplicateScope: 'order' };
    expect(res.json()).toEqual(changed);
    expect(await get('/settings')).toEqual(changed);
    const bad = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: key, payload: { duplicateScope: 'global' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('duplicateScope');
  });

  it('sets the FNC1 substitute, and refuses one made of letters or digits naming the field', async () => {
    const ok = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: key, payload: { gs1Fnc1Substitute: '^' } });
    expect(ok.json().gs1Fnc1Substitute).toBe('^');
    const bad = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: key, payload: { gs1Fnc1Substitute: 'GS' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^gs1Fnc1Substitute:/);
    const cleared = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: key, payload: { gs1Fnc1Substitute: null } });
    expect(cleared.json().gs1Fnc1Substitute).toBeNull();
  });
});
