import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { roles, type Role } from '../core/model.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';
import { routeAccessOf } from './app.ts';

/**
 * The least role of every route, written out by hand: a route whose role is lowered (or raised) in
 * code, or a new route not listed here, turns this file red. HEAD routes follow their GET.
 */
const leastRole: Record<string, Role | 'public'> = {
  'GET /health': 'public',
  'POST /api/v1/auth/sign-in': 'public',
  'GET /api/v1/auth/me': 'public',
  'POST /api/v1/auth/sign-out': 'public',
  'POST /api/v1/auth/password': 'viewer',

  'GET /api/v1/products': 'viewer',
  'GET /api/v1/products/:sku': 'viewer',
  'POST /api/v1/products': 'admin',
  'PATCH /api/v1/products/:sku': 'admin',
  'POST /api/v1/products/bulk-edit': 'admin',
  'POST /api/v1/products/import': 'admin',
  'POST /api/v1/products/:sku/serials/generate': 'admin',
  'POST /api/v1/products/:sku/labels': 'viewer',

  'GET /api/v1/settings': 'viewer',
  'PATCH /api/v1/settings': 'admin',

  'GET /api/v1/orders': 'viewer',
  'GET /api/v1/orders/:orderNumber': 'viewer',
  'POST /api/v1/orders': 'admin',
  'POST /api/v1/orders/import': 'admin',
  'POST /api/v1/orders/:orderNumber/cancel': 'admin',
  'POST /api/v1/orders/:orderNumber/serials': 'packer',
  'POST /api/v1/orders/:orderNumber/scans': 'packer',
  'POST /api/v1/orders/:orderNumber/serials/batch': 'packer',
  'DELETE /api/v1/orders/:orderNumber/serials': 'packer',
  'POST /api/v1/orders/:orderNumber/ship': 'packer',
  'POST /api/v1/orders/:orderNumber/corrections': 'admin',

  'GET /api/v1/serials': 'viewer',
  'GET /api/v1/serials/:serial': 'viewer',
  'POST /api/v1/serials/expand': 'viewer',
  'POST /api/v1/scans/parse': 'viewer',

  'GET /api/v1/returns': 'viewer',
  'GET /api/v1/returns/:returnId': 'viewer',
  'POST /api/v1/returns': 'packer',
  'POST /api/v1/returns/:returnId/items': 'packer',
  'POST /api/v1/returns/:returnId/items/:index/restock': 'packer',
  'POST /api/v1/returns/:returnId/items/:index/scrap': 'packer',
  'POST /api/v1/returns/:returnId/items/:index/review': 'admin',

  'GET /api/v1/reports/serial-numbers': 'viewer',
  'GET /api/v1/reports/serial-numbers/daily': 'viewer',
  'GET /api/v1/epcis/events': 'viewer',
  'POST /api/v1/epcis/capture': 'admin',

  'POST /api/v1/receipts': 'packer',
  'GET /api/v1/receipts': 'viewer',
  'GET /api/v1/receipts/:id': 'viewer',
  'POST /api/v1/receipts/:id/scans': 'packer',
  'POST /api/v1/receipts/:id/close': 'packer',
  'POST /api/v1/receipts/import': 'packer',
  'POST /api/v1/receipts/notices': 'admin',
  'GET /api/v1/receipts/notices': 'viewer',
  'GET /api/v1/receipts/notices/:reference': 'viewer',
  'POST /api/v1/receipts/notices/:reference/close': 'packer',

  'POST /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks/:webhookId': 'admin',
  'PATCH /api/v1/webhooks/:webhookId': 'admin',
  'DELETE /api/v1/webhooks/:webhookId': 'admin',
  'POST /api/v1/webhooks/:webhookId/rotate-secret': 'admin',
  'GET /api/v1/webhooks/:webhookId/deliveries': 'admin',
  'POST /api/v1/webhooks/deliveries/:deliveryId/redeliver': 'admin',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/keys': 'admin',
  'POST /api/v1/keys': 'admin',
  'DELETE /api/v1/keys/:id': 'admin',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'POST /api/v1/users/:email/disable': 'admin',
  'PATCH /api/v1/users/:email': 'admin',
  'POST /api/v1/recalls/preview': 'admin',
  'POST /api/v1/recalls': 'admin',
  'GET /api/v1/recalls': 'viewer',
  'GET /api/v1/recalls/:recallId': 'viewer',
  'POST /api/v1/recalls/:recallId/clear': 'admin',
  'POST /api/v1/recalls/:recallId/close': 'admin',
  'GET /api/v1/recalls/:recallId/customers': 'viewer',
};

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
const keys = {} as Record<Role, Record<string, string>>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const { tenantId, apiKey } = await createTenant(t.db, { name: 'Access' });
  keys.admin = bearer(apiKey);
  keys.packer = bearer((await createApiKey(t.db, { tenantId, role: 'packer' })).apiKey);
  keys.viewer = bearer((await createApiKey(t.db, { tenantId, role: 'viewer' })).apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

function call(route: string, headers: Record<string, string>) {
  const [method, url] = route.split(' ');
  return app.inject({
    method: method as 'GET',
    url: url.replace(/:[a-zA-Z]+/g, 'NO-SUCH-ID'),
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }),
  });
}

describe('who may call each route', () => {
  it('lists every registered route in the table with the least role the app enforces', () => {
    const registered = Object.fromEntries(
      app.routeAccess.filter((r) => r.method !== 'HEAD').map((r) => [`${r.method} ${r.url}`, r.access]),
    );
    expect(registered).toEqual(leastRole);
    for (const head of app.routeAccess.filter((r) => r.method === 'HEAD')) {
      expect(head.access, head.url).toBe(leastRole[`GET ${head.url}`]);
    }
  });

  for (const [route, least] of Object.entries(leastRole)) {
    if (least === 'public') {
      it(`lets anyone call ${route} without a key`, async () => {
        const res = await call(route, {});
        expect(res.statusCode, res.body).not.toBe(403);
        if (res.statusCode === 401) expect(res.json().error.message).not.toMatch(/^authorization:/);
      });
      continue;
    }
    const below = roles.slice(0, roles.indexOf(least));
    it(`refuses ${route} without a key (401)${below.length ? `, to ${below.join(' and ')} (403)` : ''}, and lets ${least} through`, async () => {
      const anonymous = await call(route, {});
      expect(anonymous.statusCode, anonymous.body).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
      for (const role of below) {
        const res = await call(route, keys[role]);
        expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
        expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`needs the ${least} role`) });
      }
      for (const role of roles.slice(roles.indexOf(least))) {
        const res = await call(route, keys[role]);
        expect([401, 403], `${role}: ${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
      }
    });
  }
});

describe('access is denied by default', () => {
  it('refuses at start-up a route that names neither a role nor public', () => {
    expect(() => routeAccessOf({ method: 'POST', url: '/api/v1/x', config: {} })).toThrow(/names no role/);
    expect(() => routeAccessOf({ method: 'POST', url: '/api/v1/x' })).toThrow(/names no role/);
    expect(() => routeAccessOf({ method: 'POST', url: '/api/v1/x', config: { role: 'viewer', public: true } })).toThrow(/choose one/);
    expect(routeAccessOf({ method: 'GET', url: '/api/v1/x', config: { role: 'packer' } })).toBe('packer');
    expect(routeAccessOf({ method: 'GET', url: '/health', config: { public: true } })).toBe('public');
  });
});
