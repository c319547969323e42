import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createTenant } from '../services/tenants.service.ts';

// Correcting a shipped order's serial, through the HTTP API on a real PostgreSQL: the right serial
// takes the wrong one's place, the history is appended to and never edited, and the registry's rules
// judge the new serial as they judge a capture. The races are real concurrent requests.

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

type Shop = { key: Record<string, string>; tenantId: string };
let shops = 0;

async function shop(settings: Record<string, unknown> = {}): Promise<Shop> {
  shops += 1;
  const { tenantId, apiKey } = await createTenant(t.db, { name: `Correction shop ${shops}` });
  const s = { key: bearer(apiKey), tenantId };
  if (Object.keys(settings).length > 0) expect((await call(s, 'PATCH', '/settings', settings)).statusCode).toBe(200);
  return s;
}

function call(s: Shop, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown) {
  return app.inject({ method, url: `/api/v1${url}`, headers: s.key, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function ok(s: Shop, method: 'POST' | 'PATCH', url: string, payload: unknown, status = 201) {
  const res = await call(s, method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

/** An order of `serials.length` units of `sku`, captured with those serials and shipped. */
async function shipped(s: Shop, orderNumber: string, sku: string, serials: string[]) {
  await ok(s, 'POST', '/orders', {
    orderNumber,
    type: 'B2C',
    customer: { name: `Customer of ${orderNumber}`, email: 'c@example.com' },
    lines: [{ sku, quantity: serials.length }],
  });
  for (const serial of serials) await ok(s, 'POST', `/orders/${orderNumber}/serials`, { sku, serial });
  await ok(s, 'POST', `/orders/${orderNumber}/ship`, { carrier: 'DHL' }, 200);
}

const correct = (s: Shop, orderNumber: string, body: Record<string, unknown>) =>
  call(s, 'POST', `/orders/${orderNumber}/corrections`, { reason: 'packer scanned the label of the unit beside it', ...body });

type Event = { id: number; type: string; actor: string; orderNumber: string | null; details: Record<string, unknown>; correctsEventId: number | null };
type Unit = { sku: string; status: string; orderNumber: string | null; events: Event[] };

async function unit(s: Shop, serial: string): Promise<Unit> {
  const res = await call(s, 'GET', `/serials/${encodeURIComponent(serial)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().units[0];
}

/** Every history row of the tenant, as the database has it. */
async function history(s: Shop) {
  const rows = await sql<{ id: number; row: string }>`
    SELECT id, to_jsonb(e)::text AS row FROM serial_events e WHERE tenant_id = ${s.tenantId}::uuid ORDER BY id`.execute(t.db);
  return rows.rows;
}

describe('correcting a serial of a shipped order', () => {
  it('puts the new serial in the old one’s place, shipped, and sends the wrong unit back to stock', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001', 'CAM-002']);

    const res = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-009' });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order.status).toBe('shipped');
    const line = order.lines[0];
    expect(line.serials).toEqual(['CAM-009', 'CAM-002']); // the correction takes the old serial's slot
    expect(line.captured).toBe(2);
    expect(line.corrections).toEqual([
      {
        serial: 'CAM-001',
        newSerial: 'CAM-009',
        reason: 'packer scanned the label of the unit beside it',
        correctedAt: expect.any(String),
        correctedBy: 'first admin key (API key)',
      },
    ]);
    expect(line.captures[0]).toMatchObject({ serial: 'CAM-009', captureMethod: 'typed', correctionReason: 'packer scanned the label of the unit beside it' });

    const wrong = await unit(s, 'CAM-001');
    expect(wrong).toMatchObject({ status: 'in_stock', orderNumber: null });
    expect(wrong.events.map((e) => e.type)).toEqual(['packed', 'shipped', 'corrected']);
    const [, shippedEvent, corrected] = wrong.events;
    expect(corrected).toMatchObject({
      orderNumber: 'SO-1',
      actor: 'first admin key (API key)',
      correctsEventId: shippedEvent.id,
      details: { newSerial: 'CAM-009', reason: 'packer scanned the label of the unit beside it', restoredStatus: 'in_stock' },
    });

    const right = await unit(s, 'CAM-009');
    expect(right).toMatchObject({ status: 'shipped', orderNumber: 'SO-1' });
    expect(right.events.map((e) => e.type)).toEqual(['correction']);
    expect(right.events[0]).toMatchObject({
      orderNumber: 'SO-1',
      correctsEventId: shippedEvent.id,
      details: { correctsSerial: 'CAM-001', reason: 'packer scanned the label of the unit beside it' },
    });
    expect(corrected.details.correctiveEventId).toBe(right.events[0].id);

    // The order page, the search and the report know the new serial only.
    const again = (await call(s, 'GET', '/orders/SO-1')).json();
    expect(again.lines[0].serials).toEqual(['CAM-009', 'CAM-002']);
    const search = (await call(s, 'GET', '/serials?prefix=CAM-')).json().items as Array<{ serial: string; status: string }>;
    expect(search.map((u) => [u.serial, u.status])).toEqual([
      ['CAM-001', 'in_stock'],
      ['CAM-002', 'shipped'],
      ['CAM-009', 'shipped'],
    ]);
    const report = (await call(s, 'GET', '/reports/serial-numbers')).json().items as Array<{ serial: string; orderNumber: string }>;
    expect(report.map((r) => r.serial).sort()).toEqual(['CAM-002', 'CAM-009']);
    const csv = (await call(s, 'GET', '/reports/serial-numbers?format=csv')).body;
    expect(csv).toContain('CAM-009');
    expect(csv).not.toContain('CAM-001');
    const daily = (await call(s, 'GET', '/reports/serial-numbers/daily')).json().days as Array<{ units: number }>;
    expect(daily.reduce((n, d) => n + d.units, 0)).toBe(2);
  });

  it('exports the correction as EPCIS: the new unit shipping, and the wrong shipping event declared in error', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    const shippedAt = (await call(s, 'GET', '/orders/SO-1')).json().shippedAt as string;
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' })).statusCode).toBe(201);

    const doc = JSON.parse((await call(s, 'GET', '/epcis/events')).body) as {
      epcisBody: { eventList: Array<{ eventID: string; eventTime: string; epcList: string[]; bizStep?: string; errorDeclaration?: Record<string, unknown> }> };
    };
    const events = doc.epcisBody.eventList;
    const original = events.find((e) => e.bizStep === 'shipping' && e.epcList[0].endsWith('CAM-001') && !e.errorDeclaration)!;
    const declared = events.find((e) => e.errorDeclaration)!;
    const corrective = events.find((e) => e.epcList[0].endsWith('CAM-002'))!;
    expect(declared).toMatchObject({ eventID: original.eventID, eventTime: original.eventTime, bizStep: 'shipping', epcList: original.epcList });
    expect(declared.errorDeclaration).toEqual({
      declarationTime: expect.any(String),
      reason: 'incorrect_data',
      correctiveEventIDs: [corrective.eventID],
    });
    expect(corrective).toMatchObject({ bizStep: 'shipping', disposition: 'in_transit', eventTime: new Date(shippedAt).toISOString() });
  });

  it('appends to the history and updates none of its rows', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001', 'CAM-002']);
    const before = await history(s);
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-003' })).statusCode).toBe(201);
    const after = await history(s);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 2);
    expect(Math.min(...after.slice(before.length).map((r) => r.id))).toBeGreaterThan(Math.max(...before.map((r) => r.id)));
  });

  it('refuses a new serial shipped in another order with 409 SERIAL_ALREADY_SHIPPED, and one packed elsewhere with SERIAL_ALREADY_PACKED, changing nothing', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    await shipped(s, 'SO-2', 'CAM', ['CAM-002']);
    await ok(s, 'POST', '/orders', { orderNumber: 'SO-3', type: 'B2C', customer: { name: 'Open' }, lines: [{ sku: 'CAM', quantity: 1 }] });
    await ok(s, 'POST', '/orders/SO-3/serials', { sku: 'CAM', serial: 'CAM-003' });
    const before = await history(s);

    const out = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' });
    expect(out.statusCode).toBe(409);
    expect(out.json().error).toMatchObject({
      code: 'SERIAL_ALREADY_SHIPPED',
      message: 'newSerial: CAM-002 of CAM shipped in order SO-2 and has not come back',
      details: { orderNumber: 'SO-2' },
    });
    const packed = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-003' });
    expect(packed.statusCode).toBe(409);
    expect(packed.json().error).toMatchObject({ code: 'SERIAL_ALREADY_PACKED', details: { orderNumber: 'SO-3' } });

    expect(await history(s)).toEqual(before);
    expect((await call(s, 'GET', '/orders/SO-1')).json().lines[0].serials).toEqual(['CAM-001']);
  });

  it('refuses a recalled new serial with 422 SERIAL_RECALLED, and one not in stock under requireReceivedSerials', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true, serialFormat: 'CAM-{###}' });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    await ok(s, 'POST', '/products/CAM/serials/generate', { count: 2, mode: 'sequence' });
    const units = (await call(s, 'GET', '/serials?prefix=CAM-')).json().items as Array<{ serial: string; status: string }>;
    const [held, free] = units.filter((u) => u.status === 'in_stock').map((u) => u.serial);
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${s.tenantId}::uuid AND serial = ${held}`.execute(t.db);

    const recalled = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: held });
    expect(recalled.statusCode).toBe(422);
    expect(recalled.json().error.code).toBe('SERIAL_RECALLED');

    await ok(s, 'PATCH', '/settings', { requireReceivedSerials: true }, 200);
    const unknown = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-777' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('SERIAL_NOT_IN_STOCK');
    const format = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'XYZ' });
    expect(format.json().error).toMatchObject({ code: 'SERIAL_FORMAT_MISMATCH', message: expect.stringMatching(/^newSerial: XYZ does not match/) });
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: free })).statusCode).toBe(201);
  });

  it('is for shipped orders only, and names what is wrong with the request', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001', 'CAM-002']);
    await ok(s, 'POST', '/orders', { orderNumber: 'SO-2', type: 'B2C', customer: { name: 'Open' }, lines: [{ sku: 'CAM', quantity: 1 }] });
    await ok(s, 'POST', '/orders/SO-2/serials', { sku: 'CAM', serial: 'CAM-010' });

    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['SO-2', { sku: 'CAM', serial: 'CAM-010', newSerial: 'CAM-011' }, 409, 'ORDER_NOT_SHIPPED'],
      ['SO-9', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-011' }, 404, 'ORDER_NOT_FOUND'],
      ['SO-1', { sku: 'LENS', serial: 'CAM-001', newSerial: 'CAM-011' }, 404, 'ORDER_LINE_NOT_FOUND'],
      ['SO-1', { sku: 'CAM', serial: 'CAM-404', newSerial: 'CAM-011' }, 404, 'SERIAL_NOT_FOUND'],
      ['SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-001' }, 400, 'VALIDATION_FAILED'],
      ['SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' }, 409, 'SERIAL_DUPLICATE_IN_ORDER'],
      ['SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'bad\u0007' }, 400, 'SERIAL_INVALID'],
      ['SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-011', reason: '   ' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [orderNumber, body, status, code] of cases) {
      const res = await correct(s, orderNumber, body);
      expect([res.statusCode, res.json().error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const missing = await call(s, 'POST', '/orders/SO-1/corrections', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-011' });
    expect(missing.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('reason') });
  });

  it('corrects a correction (a chain), refuses the first serial again naming its replacement, and may go back to the first unit', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002', reason: 'first try' })).statusCode).toBe(201);
    const second = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-002', newSerial: 'CAM-003', reason: 'second try' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().lines[0].serials).toEqual(['CAM-003']);
    expect(second.json().lines[0].corrections.map((c: { serial: string; newSerial: string; reason: string }) => [c.serial, c.newSerial, c.reason])).toEqual([
      ['CAM-001', 'CAM-002', 'first try'],
      ['CAM-002', 'CAM-003', 'second try'],
    ]);

    const stale = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-004' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'SERIAL_ALREADY_CORRECTED', details: { newSerial: 'CAM-002' } });

    const middle = await unit(s, 'CAM-002');
    expect(middle).toMatchObject({ status: 'in_stock', orderNumber: null });
    expect(middle.events.map((e) => e.type)).toEqual(['correction', 'corrected']);
    expect(middle.events[1].correctsEventId).toBe(middle.events[0].id);
    expect(await unit(s, 'CAM-003')).toMatchObject({ status: 'shipped', orderNumber: 'SO-1' });

    // The first unit was the right one after all.
    const back = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-003', newSerial: 'CAM-001', reason: 'it was right' });
    expect(back.statusCode, back.body).toBe(201);
    expect(await unit(s, 'CAM-001')).toMatchObject({ status: 'shipped', orderNumber: 'SO-1' });
    expect((await call(s, 'GET', '/reports/serial-numbers')).json().items.map((r: { serial: string }) => r.serial)).toEqual(['CAM-001']);
  });

  it('goes back to the first unit under duplicate scope order too (its old capture no longer counts in the order)', async () => {
    const s = await shop({ duplicateScope: 'order' });
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' })).statusCode).toBe(201);
    const back = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-002', newSerial: 'CAM-001' });
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json().lines[0].serials).toEqual(['CAM-001']);
  });

  it('lets one of two corrections of the same capture sent at once win; the other is told what replaced it', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    const answers = await Promise.all(
      ['CAM-X', 'CAM-Y', 'CAM-Z'].map((newSerial) => correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial })),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const winner = answers.find((a) => a.statusCode === 201)!.json().lines[0].serials[0] as string;
    for (const loser of answers.filter((a) => a.statusCode === 409)) {
      expect(loser.json().error).toMatchObject({ code: 'SERIAL_ALREADY_CORRECTED', details: { newSerial: winner } });
    }
    const order = (await call(s, 'GET', '/orders/SO-1')).json();
    expect(order.lines[0].serials).toEqual([winner]);
    expect(order.lines[0].corrections).toHaveLength(1);
    const shippedUnits = (await call(s, 'GET', '/serials?prefix=CAM-')).json().items.filter((u: { status: string }) => u.status === 'shipped');
    expect(shippedUnits.map((u: { serial: string }) => u.serial)).toEqual([winner]);
  });

  it('lets one of a correction and a capture racing for the same new unit have it', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    await ok(s, 'POST', '/orders', { orderNumber: 'SO-2', type: 'B2C', customer: { name: 'Open' }, lines: [{ sku: 'CAM', quantity: 1 }] });
    const [corrected, captured] = await Promise.all([
      correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-RACE' }),
      call(s, 'POST', '/orders/SO-2/serials', { sku: 'CAM', serial: 'CAM-RACE' }),
    ]);
    expect([corrected.statusCode, captured.statusCode].filter((c) => c === 201)).toHaveLength(1);
    const race = await unit(s, 'CAM-RACE');
    expect(race.orderNumber).toBe(corrected.statusCode === 201 ? 'SO-1' : 'SO-2');
    const holders = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM order_serials WHERE tenant_id = ${s.tenantId}::uuid AND serial = 'CAM-RACE' AND unit_active`.execute(t.db);
    expect(holders.rows[0].n).toBe(1);
  });

  it('takes the new serial back as a match in a return and the corrected one as a wrong serial; a returned serial is not corrected', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' })).statusCode).toBe(201);
    const res = await call(s, 'POST', '/returns', {
      orderNumber: 'SO-1',
      items: [
        { sku: 'CAM', serial: 'CAM-001' },
        { sku: 'CAM', serial: 'CAM-002' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().items.map((i: { serial: string; verdict: string }) => [i.serial, i.verdict])).toEqual([
      ['CAM-001', 'wrong_serial'],
      ['CAM-002', 'match'],
    ]);
    // CAM-002 came back from this order: it was the unit shipped, and is not corrected any more.
    const late = await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-002', newSerial: 'CAM-003' });
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'SERIAL_ALREADY_RETURNED']);
  });

  it('records the correction in the audit trail', async () => {
    const s = await shop();
    await ok(s, 'POST', '/products', { sku: 'CAM', name: 'Camera', needsSerialNumber: true });
    await shipped(s, 'SO-1', 'CAM', ['CAM-001']);
    expect((await correct(s, 'SO-1', { sku: 'CAM', serial: 'CAM-001', newSerial: 'CAM-002' })).statusCode).toBe(201);
    const audit = (await call(s, 'GET', '/audit?subject=order:SO-1')).json().items;
    expect(audit[0]).toMatchObject({
      action: 'order.serial_corrected',
      actor: 'first admin key (API key)',
      subject: { type: 'order', id: 'SO-1' },
      before: { sku: 'CAM', serial: 'CAM-001' },
      after: { sku: 'CAM', serial: 'CAM-002', reason: 'packer scanned the label of the unit beside it' },
    });
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['order.serial_corrected', 'order.shipped', 'order.created']);
  });
});
