import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';
import { createUser, disableUser } from '../services/users.service.ts';

// The audit trail through the HTTP API on a real PostgreSQL: every change of products, settings,
// orders, API keys and users leaves one entry, in the change's own transaction; entries cannot be
// changed or removed; people and keys are named, never shown by id.

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

type Who = Record<string, string>;
type Entry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

let shops = 0;
const PASSWORD = 'correct horse battery';

/** A tenant with its admin key, and an admin user signed in (cookie headers). */
async function shop() {
  shops += 1;
  const { tenantId, apiKey } = await createTenant(t.db, { name: `Audit shop ${shops}` });
  const email = `admin${shops}@example.com`;
  await createUser(t.db, { tenantId, email, password: PASSWORD, role: 'admin' });
  const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: PASSWORD, tenantId } });
  const cookie = signIn.cookies.find((c) => c.name === 'unitrace_session')!;
  return { tenantId, key: bearer(apiKey), user: { cookie: `unitrace_session=${cookie.value}` } as Who, email };
}

function call(who: Who, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown, contentType?: string) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...who, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
  });
}

async function ok(who: Who, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, contentType?: string) {
  const res = await call(who, method, url, payload, contentType);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

async function audit(who: Who, query = ''): Promise<{ items: Entry[]; nextCursor: string | null }> {
  const res = await call(who, 'GET', `/audit${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-|^(key|user):/;

describe('the audit trail', () => {
  it('records every change of products, settings, orders, keys and users, newest first, by name', async () => {
    const s = await shop();
    await ok(s.user, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await ok(s.user, 'PATCH', '/products/CAM', { name: 'Action camera', gtin: null });
    await ok(s.key, 'POST', '/products', { sku: 'LENS', name: 'Lens' });
    await ok(s.key, 'POST', '/products/bulk-edit', { skus: ['CAM', 'LENS'], set: { needsSerialNumber: true } });
    await ok(s.user, 'POST', '/products/import', 'sku,name\nSTRAP,Strap\nLENS,Wide lens\n', 'text/csv');
    await ok(s.user, 'PATCH', '/settings', { duplicateScope: 'tenant', gs1Fnc1Substitute: '^' });
    await ok(s.user, 'POST', '/orders', { orderNumber: 'SO-1', type: 'B2C', customer: { name: 'Ada' }, lines: [{ sku: 'CAM', quantity: 1 }] });
    await ok(s.user, 'POST', '/orders/import', 'orderNumber,customerName,sku,quantity\nSO-2,Grace,LENS,1\nSO-3,Alan,LENS,2\n', 'text/csv');
    await ok(s.user, 'POST', '/orders/SO-2/cancel');
    await ok(s.user, 'POST', '/orders/SO-1/serials', { sku: 'CAM', serial: 'CAM-1' });
    await ok(s.user, 'POST', '/orders/SO-1/ship', { carrier: 'DHL', trackingNumber: 'T1' });
    const created = await ok(s.user, 'POST', '/keys', { role: 'packer', label: 'Shop sync' });
    await ok(s.user, 'DELETE', `/keys/${created.id}`);
    await createUser(t.db, { tenantId: s.tenantId, email: 'packer@example.com', password: PASSWORD, role: 'packer', by: 'cli' });
    await disableUser(t.db, { tenantId: s.tenantId, id: 'cli', role: 'admin' }, 'packer@example.com');

    const { items } = await audit(s.key, '?limit=100');
    const summary = items.map((e) => [e.action, e.subject.type, e.subject.name, e.actor]);
    expect(summary).toEqual([
      ['user.disabled', 'user', 'packer@example.com', 'command line'],
      ['user.created', 'user', 'packer@example.com', 'command line'],
      ['api_key.revoked', 'api_key', 'Shop sync (API key)', s.email],
      ['api_key.created', 'api_key', 'Shop sync (API key)', s.email],
      ['order.shipped', 'order', 'SO-1', s.email],
      ['order.cancelled', 'order', 'SO-2', s.email],
      ['order.imported', 'order', null, s.email],
      ['order.created', 'order', 'SO-1', s.email],
      ['settings.updated', 'settings', null, s.email],
      ['product.imported', 'product', null, s.email],
      ['product.updated', 'product', 'LENS', 'first admin key (API key)'], // the bulk edit: only what changed
      ['product.created', 'product', 'LENS', 'first admin key (API key)'],
      ['product.updated', 'product', 'CAM', s.email],
      ['product.created', 'product', 'CAM', s.email],
      ['user.created', 'user', s.email, 'command line'],
      ['api_key.created', 'api_key', 'first admin key (API key)', 'command line'],
    ]);
    const by = (action: string) => items.find((e) => e.action === action)!;
    expect(by('product.updated')).toMatchObject({ before: { needsSerialNumber: false }, after: { needsSerialNumber: true, via: 'bulk edit' } });
    expect(items.at(-4)).toMatchObject({ before: { name: 'Camera' }, after: { name: 'Action camera' } }); // gtin was null already
    expect(by('product.imported').after).toEqual({ rows: 2, created: 1, updated: 1, skipped: 0 });
    expect(by('order.imported').after).toEqual({ rows: 2, created: 2, updated: 0, skipped: 0 });
    expect(by('settings.updated')).toMatchObject({
      before: { duplicateScope: 'sku', gs1Fnc1Substitute: null },
      after: { duplicateScope: 'tenant', gs1Fnc1Substitute: '^' },
    });
    expect(by('order.shipped').after).toEqual({ status: 'shipped', carrier: 'DHL', trackingNumber: 'T1' });
    expect(by('order.cancelled').after).toEqual({ status: 'cancelled', unitsReleased: 0 });
    expect(by('api_key.created').after).toEqual({ role: 'packer', label: 'Shop sync' });
    // Never an actor id, and never a key's secret or hash.
    for (const entry of items) expect(entry.actor, entry.action).not.toMatch(ID);
    expect(JSON.stringify(items)).not.toContain(created.apiKey);
    expect(JSON.stringify(items)).not.toMatch(/hash/i);
  });

  it('filters by subject, action, actor and day, and pages newest first with a cursor', async () => {
    const s = await shop();
    await ok(s.user, 'POST', '/products', { sku: 'A', name: 'A' });
    await ok(s.key, 'POST', '/products', { sku: 'B', name: 'B' });
    for (const name of ['A1', 'A2', 'A3']) await ok(s.user, 'PATCH', '/products/A', { name });
    await ok(s.user, 'PATCH', '/settings', { requireReceivedSerials: true });

    const ofA = await audit(s.key, '?subject=product:A');
    expect(ofA.items.map((e) => e.action)).toEqual(['product.updated', 'product.updated', 'product.updated', 'product.created']);
    expect((await audit(s.key, '?subject=product')).items).toHaveLength(5);
    expect((await audit(s.key, '?subject=settings')).items.map((e) => e.action)).toEqual(['settings.updated']);
    expect((await audit(s.key, '?action=product.created')).items.map((e) => e.subject.id)).toEqual(['B', 'A']);
    expect((await audit(s.key, '?action=product')).items).toHaveLength(5);
    expect((await audit(s.key, `?actor=${encodeURIComponent(s.email.toUpperCase())}`)).items).toHaveLength(5);
    expect((await audit(s.key, '?actor=nobody@example.com')).items).toEqual([]);
    expect((await audit(s.key, `?subject=user:${s.email}`)).items.map((e) => e.action)).toEqual(['user.created']);
    expect((await audit(s.key, '?actor=cli')).items.map((e) => e.action)).toEqual(['user.created', 'api_key.created']);
    const today = new Date().toISOString().slice(0, 10);
    expect((await audit(s.key, `?from=${today}&to=${today}`)).items).toHaveLength(8);
    expect((await audit(s.key, '?to=2000-01-01')).items).toEqual([]);

    const first = await audit(s.key, '?subject=product:A&limit=2');
    expect(first.items.map((e) => e.after)).toEqual([{ name: 'A3' }, { name: 'A2' }]);
    const second = await audit(s.key, `?subject=product:A&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((e) => e.action)).toEqual(['product.updated', 'product.created']);
    expect(second.nextCursor).toBeNull();

    for (const query of ['?subject=planet', '?from=yesterday', '?cursor=nope']) {
      const res = await call(s.key, 'GET', `/audit${query}`);
      expect([res.statusCode, res.json().error.code], query).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('records nothing for a change that changes nothing or is refused', async () => {
    const s = await shop();
    await ok(s.user, 'POST', '/products', { sku: 'A', name: 'A', needsSerialNumber: true });
    const before = (await audit(s.key)).items.length;
    await ok(s.user, 'PATCH', '/products/A', { name: 'A' });
    await ok(s.user, 'PATCH', '/settings', { duplicateScope: 'sku' });
    await ok(s.user, 'POST', '/products/bulk-edit', { skus: ['A'], set: { needsSerialNumber: true } });
    expect((await call(s.user, 'POST', '/products/bulk-edit', { skus: ['A', 'NOPE'], set: { needsSerialNumber: false } })).statusCode).toBe(422);
    expect((await call(s.user, 'POST', '/products/import', 'sku,name\n,missing\n', 'text/csv')).statusCode).toBe(400);
    await ok(s.user, 'POST', '/products/import?dryRun=true', 'sku,name\nB,B\n', 'text/csv');
    expect((await audit(s.key)).items.length).toBe(before);
  });

  it('writes the entry in the change’s transaction: when the entry cannot be written, the change is not made either', async () => {
    const s = await shop();
    await sql`ALTER TABLE audit_events ADD CONSTRAINT refuse_for_test CHECK (action <> 'product.created') NOT VALID`.execute(t.owner);
    try {
      const res = await call(s.user, 'POST', '/products', { sku: 'GHOST', name: 'Ghost' });
      expect(res.statusCode).toBe(500);
      expect((await call(s.user, 'GET', '/products/GHOST')).statusCode).toBe(404);
    } finally {
      await sql`ALTER TABLE audit_events DROP CONSTRAINT refuse_for_test`.execute(t.owner);
    }
  });

  it('cannot be changed or removed: the app’s role may only append (42501), and the trigger binds even the owner', async () => {
    const s = await shop();
    await ok(s.user, 'POST', '/products', { sku: 'A', name: 'A' });
    const attempt = async (db: typeof t.db, statement: string) => {
      try {
        await sql.raw(statement).execute(db);
        return 'accepted';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(await attempt(t.db, `UPDATE audit_events SET actor = 'someone else'`)).toBe('42501');
    expect(await attempt(t.db, `DELETE FROM audit_events`)).toBe('42501');
    expect(await attempt(t.db, `TRUNCATE audit_events`)).toBe('42501');
    expect(await attempt(t.owner, `UPDATE audit_events SET actor = 'someone else'`)).toBe('23001');
    expect(await attempt(t.owner, `DELETE FROM audit_events`)).toBe('23001');
    expect(await attempt(t.owner, `TRUNCATE audit_events`)).toBe('23001');
    expect((await audit(s.key)).items[0]).toMatchObject({ action: 'product.created', actor: s.email });
  });

  it('is for admins only', async () => {
    const s = await shop();
    const viewer = bearer((await createApiKey(t.db, { tenantId: s.tenantId, role: 'viewer' })).apiKey);
    expect((await call(viewer, 'GET', '/audit')).statusCode).toBe(403);
  });
});

describe('API keys over HTTP', () => {
  it('lists keys without their secrets, creates one shown once, and revokes it so it stops working', async () => {
    const s = await shop();
    const created = await ok(s.key, 'POST', '/keys', { role: 'viewer', label: 'Dashboard' });
    expect(created).toMatchObject({ id: expect.any(String), role: 'viewer', label: 'Dashboard', revokedAt: null, apiKey: expect.stringMatching(/^ut_/) });
    const works = await call(bearer(created.apiKey), 'GET', '/orders');
    expect(works.statusCode).toBe(200);

    const list = (await call(s.key, 'GET', '/keys')).json().items as Array<Record<string, unknown>>;
    expect(list.map((k) => k.label)).toEqual(['Dashboard', 'first admin key']);
    for (const key of list) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'label', 'revokedAt', 'role']);

    const revoked = await ok(s.key, 'DELETE', `/keys/${created.id}`);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await call(bearer(created.apiKey), 'GET', '/orders')).statusCode).toBe(401);
    const twice = await ok(s.key, 'DELETE', `/keys/${created.id}`);
    expect(twice.revokedAt).toBe(revoked.revokedAt);
    expect((await audit(s.key, '?action=api_key.revoked')).items).toHaveLength(1);

    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await call(s.key, 'DELETE', `/keys/${id}`);
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'API_KEY_NOT_FOUND']);
    }
    const other = await shop();
    const foreign = await call(other.key, 'DELETE', `/keys/${created.id}`);
    expect(foreign.statusCode).toBe(404);
  });
});

describe('people shown by name', () => {
  it('names who captured, shipped and did each event: an email, an API key label, or its creation day', async () => {
    const s = await shop();
    const unlabelled = await createApiKey(t.db, { tenantId: s.tenantId, role: 'packer' });
    await ok(s.user, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await ok(s.user, 'POST', '/orders', { orderNumber: 'SO-1', type: 'B2C', customer: { name: 'Ada' }, lines: [{ sku: 'CAM', quantity: 2 }] });
    await ok(s.user, 'POST', '/orders/SO-1/serials', { sku: 'CAM', serial: 'CAM-1' });
    await ok(bearer(unlabelled.apiKey), 'POST', '/orders/SO-1/serials', { sku: 'CAM', serial: 'CAM-2' });
    await ok(s.key, 'POST', '/orders/SO-1/ship', {});

    const order = (await call(s.user, 'GET', '/orders/SO-1')).json();
    const today = new Date().toISOString().slice(0, 10);
    expect(order.shippedBy).toBe('first admin key (API key)');
    expect(order.lines[0].captures.map((c: { capturedBy: string }) => c.capturedBy)).toEqual([s.email, `API key created ${today}`]);
    const units = (await call(s.user, 'GET', '/serials?prefix=CAM-')).json().items as Array<{ events: Array<{ type: string; actor: string }> }>;
    expect(units.map((u) => u.events.map((e) => `${e.type} by ${e.actor}`))).toEqual([
      [`packed by ${s.email}`, 'shipped by first admin key (API key)'],
      [`packed by API key created ${today}`, 'shipped by first admin key (API key)'],
    ]);
    const everything = JSON.stringify([order, units]);
    expect(everything).not.toContain(unlabelled.keyId);
    expect(everything).not.toMatch(/"(key|user):/);
  });
});
