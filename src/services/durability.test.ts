import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { captureSerial, captureSerialBatch } from './packing.service.ts';
import { getOrder } from './orders.service.ts';
import { findSerial } from './serials.service.ts';
import { changeSettings } from './tenants.service.ts';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
});
afterAll(async () => t.close());

describe('what the database guarantees', () => {
  it('leaves no half-written capture when the request fails part-way (history write fails)', async () => {
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 3 }]);
    // Make the last of the three writes of a capture fail, as a crash between statements would.
    await sql`
      CREATE FUNCTION fail_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$;
      CREATE TRIGGER fail_events BEFORE INSERT ON serial_events FOR EACH STATEMENT EXECUTE FUNCTION fail_events();
    `.execute(t.owner);
    try {
      await expect(
        captureSerialBatch(t.db, actor, order.orderNumber, [
          { sku: product.sku, serial: 'CRASH-1' },
          { sku: product.sku, serial: 'CRASH-2' },
        ]),
      ).rejects.toThrow('simulated crash');
    } finally {
      await sql`DROP TRIGGER fail_events ON serial_events; DROP FUNCTION fail_events();`.execute(t.owner);
    }
    expect((await getOrder(t.db, actor, order.orderNumber)).lines[0].captured).toBe(0);
    await expect(findSerial(t.db, actor, 'CRASH-1')).rejects.toMatchObject({ code: 'SERIAL_NOT_FOUND' });
  });

  it('refuses to update or delete a history event even for the tables\' owner (the trigger)', async () => {
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'HIST-1' });
    await expect(sql`UPDATE serial_events SET type = 'forged' WHERE serial = 'HIST-1'`.execute(t.owner)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM serial_events WHERE serial = 'HIST-1'`.execute(t.owner)).rejects.toThrow(/append-only/);
  });

  it('refuses a duplicate serial in one order at the database even when the service check is bypassed (scope order)', async () => {
    const { actor: seed } = await makeTenant(t.db);
    await changeSettings(t.db, seed, { duplicateScope: 'order' });
    const product = await makeProduct(t.db, seed);
    const order = await makeOrder(t.db, seed, [{ sku: product.sku, quantity: 2 }]);
    await captureSerial(t.db, seed, order.orderNumber, { sku: product.sku, serial: 'UNIQ-1' });
    await expect(
      sql`INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
          SELECT tenant_id, order_id, line_no, product_id, serial, false, unique_in_order, unique_scope, now(), 'test'
          FROM order_serials WHERE serial = 'UNIQ-1' AND tenant_id = ${seed.tenantId}::uuid`.execute(t.db),
    ).rejects.toMatchObject({ code: '23505', constraint: 'order_serials_unique_in_order' });
  });

  it('refuses a second order holding the same unit at the database even when the service check is bypassed (scope sku)', async () => {
    const product = await makeProduct(t.db, actor);
    const first = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    const second = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, first.orderNumber, { sku: product.sku, serial: 'UNIT-1' });
    await expect(
      sql`INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
          SELECT s.tenant_id, o.id, s.line_no, s.product_id, s.serial, false, false, 'sku', now(), 'test'
          FROM order_serials s JOIN orders o ON o.tenant_id = s.tenant_id AND o.order_number = ${second.orderNumber}
          WHERE s.serial = 'UNIT-1' AND s.tenant_id = ${actor.tenantId}::uuid`.execute(t.db),
    ).rejects.toMatchObject({ code: '23505', constraint: 'order_serials_active_unit' });
  });

  it('refuses one serial held for two SKUs at the database even when the service check is bypassed (scope tenant)', async () => {
    const { actor: strict } = await makeTenant(t.db);
    await changeSettings(t.db, strict, { duplicateScope: 'tenant' });
    const a = await makeProduct(t.db, strict);
    const b = await makeProduct(t.db, strict);
    const order = await makeOrder(t.db, strict, [{ sku: a.sku, quantity: 1 }, { sku: b.sku, quantity: 1 }]);
    await captureSerial(t.db, strict, order.orderNumber, { sku: a.sku, serial: 'ONE-SERIAL' });
    await expect(
      sql`INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
          SELECT s.tenant_id, s.order_id, 2, ${b.id}::bigint, s.serial, false, false, 'tenant', now(), 'test'
          FROM order_serials s WHERE s.serial = 'ONE-SERIAL' AND s.tenant_id = ${strict.tenantId}::uuid`.execute(t.db),
    ).rejects.toMatchObject({ code: '23505', constraint: 'order_serials_active_serial' });
  });

  it('refuses at the database a line counted past its quantity, even when the service is bypassed', async () => {
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'ONLY-1' });
    await expect(
      sql`UPDATE order_lines l SET captured = captured + 1 FROM orders o
          WHERE o.tenant_id = l.tenant_id AND o.id = l.order_id AND o.order_number = ${order.orderNumber}`.execute(t.db),
    ).rejects.toMatchObject({ code: '23514', constraint: 'order_lines_captured_within_quantity' });
  });

  it('captures each of many concurrent scans of different serials exactly once, never past the quantity', async () => {
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 5 }]);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: `CONC-${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => r.reason.code)).toEqual(['LINE_FULLY_SERIALIZED', 'LINE_FULLY_SERIALIZED', 'LINE_FULLY_SERIALIZED']);
    expect((await getOrder(t.db, actor, order.orderNumber)).lines[0].captured).toBe(5);
  });
});
