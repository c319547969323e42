import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeApp } from '../../../test/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { makeTenant } from '../../../test/factories.ts';
import { buildApp } from '../app.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let devApp: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  devApp = await buildApp({ db: t.db, pool: t.pool, webhooks: { allowHttp: true } });
  await devApp.ready();
  admin = bearer((await makeTenant(t.db)).apiKey);
});
afterAll(async () => {
  await app.close();
  await devApp.close();
  await t.close();
});

const create = (payload: object, on = app) => on.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin, payload });

describe('POST /api/v1/webhooks', () => {
  it('registers an https endpoint with 201 and shows its signing secret only in that answer', async () => {
    const res = await create({ url: 'https://hooks.example.com/unitrace', events: ['serial.captured', 'order.shipped'], description: 'ERP' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: 'https://hooks.example.com/unitrace',
      events: ['serial.captured', 'order.shipped'],
      description: 'ERP',
      enabled: true,
      previousSecretExpiresAt: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    const got = await app.inject({ method: 'GET', url: `/api/v1/webhooks/${body.id}`, headers: admin });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    expect(got.body).not.toContain(body.secret);
    const list = await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: admin });
    expect(list.json().items.map((w: { id: string }) => w.id)).toContain(body.id);
    expect(list.body).not.toContain(body.secret);
  });

  it('refuses http:// with 422 WEBHOOK_URL_REFUSED naming url, unless the dev setting is on', async () => {
    const res = await create({ url: 'http://hooks.example.com/unitrace', events: ['order.shipped'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', message: expect.stringMatching(/^url: must use https:\/\//), details: { field: 'url' } });
    const dev = await create({ url: 'http://127.0.0.1:9/hooks', events: ['order.shipped'] }, devApp);
    expect(dev.statusCode, dev.body).toBe(201);
  });

  it.each([
    'https://127.0.0.1/hooks',
    'https://10.1.2.3/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hooks',
    'https://[::ffff:192.168.0.1]/hooks',
    'https://localhost/hooks',
    'https://printer.local/hooks',
  ])('refuses %s (a loopback, private or link-local target) with 422 WEBHOOK_URL_REFUSED', async (url) => {
    const res = await create({ url, events: ['order.shipped'] });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', details: { field: 'url' } });
  });

  it.each([
    [{ url: 'not a url', events: ['order.shipped'] }, 'url'],
    [{ url: 'ftp://example.com/x', events: ['order.shipped'] }, 'url'],
    [{ url: 'https://user:pw@example.com/x', events: ['order.shipped'] }, 'url'],
    [{ url: 'https://example.com/x', events: ['order.exploded'] }, 'events'],
    [{ url: 'https://example.com/x', events: [] }, 'events'],
    [{ url: 'https://example.com/x' }, 'events'],
    [{ url: 'https://example.com/x', events: ['order.shipped'], secret: 'mine' }, 'secret'],
  ])('refuses %j with 400 VALIDATION_FAILED naming %s', async (payload, field) => {
    const res = await create(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.body).toContain(field);
  });
});

describe('changing, rotating and deleting an endpoint', () => {
  it('patches url, events and enabled, rotates the secret, deletes, and answers 404 after', async () => {
    const { id, secret } = (await create({ url: 'https://a.example.com/h', events: ['order.shipped'] })).json();
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${id}`,
      headers: admin,
      payload: { url: 'https://b.example.com/h', events: ['serial.recalled', 'serial.returned'], enabled: false },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ url: 'https://b.example.com/h', events: ['serial.recalled', 'serial.returned'], enabled: false });
    const refused = await app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: admin, payload: { url: 'http://b.example.com/h' } });
    expect(refused.json().error.code).toBe('WEBHOOK_URL_REFUSED');

    const rotated = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/rotate-secret`, headers: admin, payload: { previousSecretValidSeconds: 600 } });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(secret);
    expect(Date.parse(rotated.json().previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    const bare = await app.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/rotate-secret`, headers: admin });
    expect(bare.statusCode, bare.body).toBe(200);
    expect(bare.json().previousSecretExpiresAt).toBeNull();

    const deliveries = await app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries?status=failed`, headers: admin });
    expect(deliveries.statusCode).toBe(200);
    expect(deliveries.json()).toEqual({ items: [], nextCursor: null });

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: admin })).statusCode).toBe(204);
    for (const [method, url] of [
      ['GET', `/api/v1/webhooks/${id}`],
      ['DELETE', `/api/v1/webhooks/${id}`],
      ['GET', `/api/v1/webhooks/${id}/deliveries`],
      ['POST', `/api/v1/webhooks/${id}/rotate-secret`],
    ] as const) {
      const res = await app.inject({ method, url, headers: admin });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('WEBHOOK_NOT_FOUND');
    }
  });

  it('answers 404 WEBHOOK_DELIVERY_NOT_FOUND for an unknown delivery and 400 for an id that is not a UUID', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/webhooks/deliveries/00000000-0000-4000-8000-000000000000/redeliver', headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/webhooks/not-a-uuid', headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});
