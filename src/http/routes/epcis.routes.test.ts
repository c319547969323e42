import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/db.ts';
import { bearer, makeApp } from '../../../test/app.ts';
import { makeOrder, makeProduct } from '../../../test/factories.ts';
import { captureSerial } from '../../services/packing.service.ts';
import { createApiKey, createTenant } from '../../services/tenants.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let packer: Record<string, string>;
let viewer: Record<string, string>;

const GTIN = '09506000134352';

function captureBody(epcList: string[]) {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-23T10:00:00Z',
    epcisBody: {
      eventList: [{ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', eventTime: '2026-11-20T08:00:00Z', eventTimeZoneOffset: '+00:00', epcList }],
    },
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Acme' });
  admin = bearer(tenant.apiKey);
  packer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'packer' })).apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'viewer' })).apiKey);
  const actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' as const };
  const product = await makeProduct(t.db, actor, { gtin: GTIN });
  const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
  await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'HTTP-1' });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('GET /api/v1/epcis/events', () => {
  it('answers a viewer with an EPCIS document as application/ld+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/epcis/events?sku=&serial=HTTP-1', headers: viewer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    const doc = res.json();
    expect(doc).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0' });
    expect(doc.epcisBody.eventList).toHaveLength(1);
    expect(doc.epcisBody.eventList[0]).toMatchObject({ bizStep: 'packing', epcList: [`https://id.gs1.org/01/${GTIN}/21/HTTP-1`] });
  });

  it('refuses a request without a key with 401 UNAUTHENTICATED', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/epcis/events' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a malformed date with 400 VALIDATION_FAILED naming the parameter, before any body is sent', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/epcis/events?from=last-week', headers: viewer });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^from: /) });
  });

  it('refuses an unknown query parameter with 400 VALIDATION_FAILED', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/epcis/events?customer=x', headers: viewer });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('customer: unknown field');
  });
});

describe('POST /api/v1/epcis/capture', () => {
  it('captures a JSON-LD document for an admin and reports what it registered and could not map', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/epcis/capture',
      headers: { ...admin, 'content-type': 'application/ld+json' },
      payload: JSON.stringify(captureBody([`https://id.gs1.org/01/${GTIN}/21/HTTP-1`, `https://id.gs1.org/01/${GTIN}/21/HTTP-2`, 'urn:epc:id:sscc:0614141.1234567890'])),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      events: 1,
      epcs: 3,
      registered: 1,
      alreadyKnown: 1,
      unmapped: [{ eventIndex: 0, epc: 'urn:epc:id:sscc:0614141.1234567890', reason: 'not an SGTIN or GS1 Digital Link with (01) and (21)' }],
    });
  });

  it('refuses a packer or a viewer with 403 FORBIDDEN', async () => {
    for (const headers of [packer, viewer]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/epcis/capture', headers, payload: captureBody([]) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('refuses a body that is not an EPCIS document with 400 VALIDATION_FAILED naming the JSON path', async () => {
    const body = captureBody([`https://id.gs1.org/01/${GTIN}/21/HTTP-3`]);
    (body.epcisBody.eventList[0] as Record<string, unknown>).eventTime = 'yesterday';
    const res = await app.inject({ method: 'POST', url: '/api/v1/epcis/capture', headers: admin, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('epcisBody.eventList[0].eventTime: must be a date-time'),
      details: { errors: [{ field: 'epcisBody.eventList[0].eventTime' }] },
    });
    const wrongShape = await app.inject({ method: 'POST', url: '/api/v1/epcis/capture', headers: admin, payload: { hello: 'world' } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().error.message).toContain('type: must be "EPCISDocument"');
  });

  it('refuses JSON-LD that is not valid JSON with 400 VALIDATION_FAILED', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/epcis/capture',
      headers: { ...admin, 'content-type': 'application/ld+json' },
      payload: '{"type": "EPCISDocument",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
