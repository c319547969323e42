import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { type Receiver, type Received, startReceiver } from '../../test/webhook-receiver.ts';
import type { Actor } from '../core/model.ts';
import { verifySignature, WEBHOOK_MAX_ATTEMPTS } from '../core/webhooks.ts';
import { captureSerial, captureSerialBatch, recordScan, shipOrder } from './packing.service.ts';
import { createRecall } from './recalls.service.ts';
import { createReturn } from './returns.service.ts';
import { startWebhookWorker, type WebhookWorker } from './webhook-delivery.service.ts';
import {
  changeWebhook,
  createWebhook,
  emitEvents,
  findWebhookDeliveries,
  redeliverWebhook,
  removeWebhook,
  rotateWebhookSecret,
} from './webhooks.service.ts';

const dev = { allowHttp: true };
let t: TestDatabase;
let receiver: Receiver;
let worker: WebhookWorker;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startReceiver();
  // In-process, against this file's database, as `unitrace serve` runs it.
  worker = await startWebhookWorker({ connectionString: t.url, allowHttp: true, pollIntervalMs: 200, recoverIntervalMs: 500, timeoutMs: 3000 });
  ({ actor } = await makeTenant(t.db));
});
afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
  await t?.close();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

function at(path: string) {
  return (all: Received[]) => all.filter((r) => r.path === path);
}

async function deliveriesOf(webhookId: string, a: Actor = actor) {
  return (await findWebhookDeliveries(t.db, a, webhookId, { limit: 100 })).items;
}

async function waitForDelivery(webhookId: string, predicate: (d: Awaited<ReturnType<typeof deliveriesOf>>[number]) => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await deliveriesOf(webhookId)).find(predicate);
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out; deliveries: ${JSON.stringify(await deliveriesOf(webhookId))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Time travel for the queue: the delivery's waiting job is due now, as its attempt `attempts + 1`. */
async function fastForward(deliveryId: string, attempts: number) {
  // The attempt is recorded just before the queue takes the job back (unlocks it): wait for that.
  for (let tries = 0; tries < 100; tries += 1) {
    const moved = await sql<{ id: number }>`
      SELECT id FROM graphile_worker.reschedule_jobs(
        array(SELECT id FROM graphile_worker.jobs WHERE key = ${`webhook-delivery:${deliveryId}`}),
        run_at := now(), attempts := ${attempts}::int)`.execute(t.db);
    if (moved.rows.length === 1) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the delivery has no waiting job');
}

describe('webhooks: deliveries from capture and ship', () => {
  it('delivers signed serial.captured and order.shipped events whose signature verifies and whose payload has the serials', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/main'), events: ['serial.captured', 'order.shipped'] }, dev);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 3 }]);
    await captureSerialBatch(t.db, actor, order.orderNumber, [
      { sku: product.sku, serial: 'WH-1' },
      { sku: product.sku, serial: 'WH-2' },
    ]);
    await recordScan(t.db, actor, order.orderNumber, { data: 'WH-3', sku: product.sku }, { station: 'bench-2' });
    await shipOrder(t.db, actor, order.orderNumber, { carrier: 'DHL', trackingNumber: 'JD1' });

    const got = at('/main')(await receiver.waitFor((all) => at('/main')(all).length >= 3));
    expect(got.map((r) => r.json.type)).toEqual(expect.arrayContaining(['serial.captured', 'serial.captured', 'order.shipped']));
    for (const r of got) {
      expect(verifySignature({ secret: hook.secret, header: r.headers['unitrace-signature'] as string, body: r.body, nowSeconds: nowSeconds() })).toMatchObject({ ok: true });
      expect(r.headers['unitrace-event-id']).toBe(r.json.id);
      expect(r.headers['unitrace-event-type']).toBe(r.json.type);
      expect(r.headers['content-type']).toBe('application/json');
    }
    const captured = got.filter((r) => r.json.type === 'serial.captured').map((r) => r.json.data);
    expect(captured).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          orderNumber: order.orderNumber,
          capturedBy: 'test',
          serials: [
            { sku: product.sku, serial: 'WH-1', scanned: false, lot: null, expiry: null },
            { sku: product.sku, serial: 'WH-2', scanned: false, lot: null, expiry: null },
          ],
        }),
        expect.objectContaining({ station: 'bench-2', serials: [{ sku: product.sku, serial: 'WH-3', scanned: true, lot: null, expiry: null }] }),
      ]),
    );
    const shipped = got.find((r) => r.json.type === 'order.shipped')!.json.data;
    expect(shipped).toMatchObject({
      orderNumber: order.orderNumber,
      carrier: 'DHL',
      trackingNumber: 'JD1',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      lines: [{ sku: product.sku, quantity: 3, serials: ['WH-1', 'WH-2', 'WH-3'] }],
    });

    const deliveries = await deliveriesOf(hook.id);
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries) expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    await removeWebhook(t.db, actor, hook.id);
  });

  it('emits one order.shipped event with every serial of a large order (one statement, not one per unit)', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/large'), events: ['order.shipped'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 5000 }]);
    await captureSerialBatch(t.db, actor, order.orderNumber, Array.from({ length: 5000 }, (_, i) => ({ sku: product.sku, serial: `BIG-${i}` })));
    await shipOrder(t.db, actor, order.orderNumber, {});
    const [r] = at('/large')(await receiver.waitFor((all) => at('/large')(all).length >= 1));
    const lines = r.json.data.lines as Array<{ serials: string[] }>;
    expect(lines[0].serials).toHaveLength(5000);
    expect(new Set(lines[0].serials).size).toBe(5000);
    const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_events WHERE tenant_id = ${actor.tenantId}::uuid AND type = 'order.shipped' AND data->>'orderNumber' = ${order.orderNumber}`.execute(t.db);
    expect(events.rows[0].n).toBe(1);
    await removeWebhook(t.db, actor, hook.id);
  });

  it('retries a receiver that answers 500, then marks the delivery delivered with both attempts counted', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/flaky'), events: ['serial.captured'] }, dev);
    let calls = 0;
    receiver.respondWith((r) => (r.path === '/flaky' && ++calls === 1 ? 500 : 200));
    try {
      const product = await makeProduct(t.db, actor);
      const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
      await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'FLAKY-1' });
      const pending = await waitForDelivery(hook.id, (d) => d.attempts === 1);
      expect(pending).toMatchObject({ status: 'pending', lastStatusCode: 500, lastError: expect.stringContaining('HTTP 500') });
      // The queue's backoff: exp(1) ≈ 2.7 s after the first failure.
      expect(pending.nextAttemptAt!.getTime()).toBeGreaterThan(pending.lastAttemptAt!.getTime() + 2000);
      const delivered = await waitForDelivery(hook.id, (d) => d.status === 'delivered');
      expect(delivered).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
      const got = at('/flaky')(receiver.received);
      expect(got).toHaveLength(2);
      // The same event both times: receivers dedupe on Unitrace-Event-Id.
      expect(got[0].headers['unitrace-event-id']).toBe(got[1].headers['unitrace-event-id']);
      expect(got.map((r) => r.headers['unitrace-delivery-attempt'])).toEqual(['1', '2']);
    } finally {
      receiver.respondWith(() => 200);
      await removeWebhook(t.db, actor, hook.id);
    }
  });

  it('marks a delivery failed after its last attempt, lists it as failed, and delivers it when asked to redeliver', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/down'), events: ['serial.captured'] }, dev);
    let down = true;
    receiver.respondWith((r) => (r.path === '/down' && down ? 503 : 200));
    try {
      const product = await makeProduct(t.db, actor);
      const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
      await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'DOWN-1' });
      const first = await waitForDelivery(hook.id, (d) => d.attempts === 1);
      expect(first.status).toBe('pending');
      // Skip the hours of backoff: the next attempt is the last one.
      await fastForward(first.id, WEBHOOK_MAX_ATTEMPTS - 1);
      const failed = await waitForDelivery(hook.id, (d) => d.status === 'failed');
      expect(failed).toMatchObject({ attempts: 2, lastStatusCode: 503, lastError: expect.stringContaining('HTTP 503'), nextAttemptAt: null });
      // The queue keeps no job for it: the delivery row is the record.
      const jobs = await sql`SELECT 1 FROM graphile_worker.jobs WHERE key = ${`webhook-delivery:${first.id}`}`.execute(t.db);
      expect(jobs.rows).toHaveLength(0);
      const listed = await findWebhookDeliveries(t.db, actor, hook.id, { status: 'failed', limit: 10 });
      expect(listed.items.map((d) => d.id)).toEqual([first.id]);
      expect((await findWebhookDeliveries(t.db, actor, hook.id, { status: 'delivered', limit: 10 })).items).toEqual([]);

      down = false;
      const again = await redeliverWebhook(t.db, actor, first.id);
      expect(again.status).toBe('pending');
      const delivered = await waitForDelivery(hook.id, (d) => d.status === 'delivered');
      expect(delivered).toMatchObject({ id: first.id, attempts: 3, lastStatusCode: 200 });
      const got = at('/down')(receiver.received);
      expect(new Set(got.map((r) => r.json.id)).size).toBe(1);
    } finally {
      receiver.respondWith(() => 200);
      await removeWebhook(t.db, actor, hook.id);
    }
  });
});

describe('webhooks: the outbox commits or rolls back with the change', () => {
  async function outbox(tenantId: string) {
    const r = await sql<{ events: number; deliveries: number }>`
      SELECT (SELECT count(*) FROM webhook_events WHERE tenant_id = ${tenantId}::uuid)::int AS events,
             (SELECT count(*) FROM webhook_deliveries WHERE tenant_id = ${tenantId}::uuid)::int AS deliveries`.execute(t.db);
    return r.rows[0];
  }

  it('emits nothing for a refused batch, a refused shipment or a capture that fails part-way', async () => {
    const { actor: quiet } = await makeTenant(t.db);
    await createWebhook(t.db, quiet, { url: receiver.url('/quiet'), events: ['serial.captured', 'order.shipped'] }, dev);
    const product = await makeProduct(t.db, quiet);
    const order = await makeOrder(t.db, quiet, [{ sku: product.sku, quantity: 2 }]);
    const before = await outbox(quiet.tenantId);
    // One good item and one bad one: nothing is captured, so nothing is emitted.
    await expect(
      captureSerialBatch(t.db, quiet, order.orderNumber, [
        { sku: product.sku, serial: 'RB-1' },
        { sku: 'NO-SUCH-SKU', serial: 'RB-2' },
      ]),
    ).rejects.toMatchObject({ code: 'BATCH_REJECTED' });
    await expect(shipOrder(t.db, quiet, order.orderNumber, {})).rejects.toMatchObject({ code: 'SERIALS_MISSING' });
    // A capture whose transaction fails at its very end (at COMMIT, after the outbox rows were
    // written) rolls them back with it.
    await sql`
      CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash at commit'; END $$;
      CREATE CONSTRAINT TRIGGER fail_at_commit AFTER INSERT ON order_serials DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION fail_at_commit();
    `.execute(t.owner);
    try {
      await expect(captureSerial(t.db, quiet, order.orderNumber, { sku: product.sku, serial: 'RB-3' })).rejects.toThrow('simulated crash');
      const product2 = await makeProduct(t.db, quiet, { needsSerialNumber: false });
      const order2 = await makeOrder(t.db, quiet, [{ sku: product2.sku, quantity: 1 }]);
      await sql`
        CREATE CONSTRAINT TRIGGER fail_ship_at_commit AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION fail_at_commit();
      `.execute(t.owner);
      await expect(shipOrder(t.db, quiet, order2.orderNumber, {})).rejects.toThrow('simulated crash');
    } finally {
      await sql`DROP TRIGGER IF EXISTS fail_ship_at_commit ON orders; DROP TRIGGER fail_at_commit ON order_serials; DROP FUNCTION fail_at_commit();`.execute(t.owner);
    }
    await expect(
      t.db.transaction().execute(async (trx) => {
        await emitEvents(trx, quiet.tenantId, [
          { type: 'serial.captured', data: { orderNumber: 'X', capturedAt: new Date().toISOString(), capturedBy: 'test', station: null, serials: [] } },
        ]);
        throw new Error('the change failed after emitting');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outbox(quiet.tenantId)).toEqual(before);
    expect(before.events).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/quiet')(receiver.received)).toEqual([]);
  });

  it('writes one statement for many events: every subscribed event and its deliveries, none for unsubscribed types or disabled endpoints', async () => {
    const { actor: bulk } = await makeTenant(t.db);
    const a = await createWebhook(t.db, bulk, { url: receiver.url('/bulk-a'), events: ['serial.recalled'] }, dev);
    const b = await createWebhook(t.db, bulk, { url: receiver.url('/bulk-b'), events: ['serial.recalled', 'receipt.discrepancy'] }, dev);
    const off = await createWebhook(t.db, bulk, { url: receiver.url('/bulk-off'), events: ['serial.recalled'] }, dev);
    await changeWebhook(t.db, bulk, off.id, { enabled: false }, dev);
    const recalled = (i: number) => ({
      type: 'serial.recalled' as const,
      data: { recallId: `R-${i}`, reason: 'battery', recalledAt: new Date().toISOString(), recalledBy: 'test', unitCount: 0, truncated: false, units: [] },
    });
    await t.db.transaction().execute(async (trx) => {
      await emitEvents(trx, bulk.tenantId, [
        ...Array.from({ length: 200 }, (_, i) => recalled(i)),
        { type: 'return.mismatch', data: { returnId: 'RT-1', orderNumber: null, receivedAt: new Date().toISOString(), unexpected: [], missing: [] } },
      ]);
    });
    expect(await outbox(bulk.tenantId)).toMatchObject({ events: 200, deliveries: 400 });
    await receiver.waitFor((all) => at('/bulk-a')(all).length === 200 && at('/bulk-b')(all).length === 200, 60_000);
    expect(new Set(at('/bulk-a')(receiver.received).map((r) => r.json.data.recallId)).size).toBe(200);
    expect(at('/bulk-off')(receiver.received)).toEqual([]);
    for (const hook of [a, b, off]) await removeWebhook(t.db, bulk, hook.id);
  }, 90_000);
});

describe('webhooks: tenants and secrets', () => {
  it("never sends one tenant's events to another tenant's endpoint", async () => {
    const { actor: other } = await makeTenant(t.db);
    const mine = await createWebhook(t.db, actor, { url: receiver.url('/tenant-a'), events: ['serial.captured'] }, dev);
    const theirs = await createWebhook(t.db, other, { url: receiver.url('/tenant-b'), events: ['serial.captured'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'ISO-A' });
    const otherProduct = await makeProduct(t.db, other);
    const otherOrder = await makeOrder(t.db, other, [{ sku: otherProduct.sku, quantity: 1 }]);
    await captureSerial(t.db, other, otherOrder.orderNumber, { sku: otherProduct.sku, serial: 'ISO-B' });
    await receiver.waitFor((all) => at('/tenant-a')(all).length === 1 && at('/tenant-b')(all).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/tenant-a')(receiver.received).map((r) => (r.json.data.serials as Array<{ serial: string }>)[0].serial)).toEqual(['ISO-A']);
    expect(at('/tenant-b')(receiver.received).map((r) => (r.json.data.serials as Array<{ serial: string }>)[0].serial)).toEqual(['ISO-B']);
    // Each tenant's secret signs only its own deliveries.
    const [b] = at('/tenant-b')(receiver.received);
    expect(verifySignature({ secret: mine.secret, header: b.headers['unitrace-signature'] as string, body: b.body, nowSeconds: nowSeconds() }).ok).toBe(false);
    expect(verifySignature({ secret: theirs.secret, header: b.headers['unitrace-signature'] as string, body: b.body, nowSeconds: nowSeconds() }).ok).toBe(true);
    // Ids of the other tenant are not found.
    await expect(findWebhookDeliveries(t.db, other, mine.id, { limit: 10 })).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    const [delivery] = await deliveriesOf(mine.id);
    await expect(redeliverWebhook(t.db, other, delivery.id)).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_NOT_FOUND' });
    await removeWebhook(t.db, actor, mine.id);
    await removeWebhook(t.db, other, theirs.id);
  });

  it('fails the signature check for a tampered body, another secret, or an old timestamp', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/tamper'), events: ['serial.captured'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'TAMPER-1' });
    const [r] = at('/tamper')(await receiver.waitFor((all) => at('/tamper')(all).length === 1));
    const header = r.headers['unitrace-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const check = (body: string, secret = hook.secret, now = nowSeconds()) => verifySignature({ secret, header, body, nowSeconds: now });
    expect(check(r.body).ok).toBe(true);
    expect(check(r.body.replace('TAMPER-1', 'TAMPER-2'))).toEqual({ ok: false, reason: 'no signature matches' });
    expect(check(`${r.body} `).ok).toBe(false);
    expect(check(r.body, 'whsec_wrong').ok).toBe(false);
    expect(check(r.body, hook.secret, nowSeconds() + 3600)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    await removeWebhook(t.db, actor, hook.id);
  });

  it('signs with the new secret after a rotation, and with the old one too while it is kept', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/rotate'), events: ['serial.captured'] }, dev);
    const rotated = await rotateWebhookSecret(t.db, actor, hook.id, { previousSecretValidSeconds: 3600 });
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 2 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'ROT-1' });
    const [first] = at('/rotate')(await receiver.waitFor((all) => at('/rotate')(all).length === 1));
    const verify = (r: Received, secret: string) =>
      verifySignature({ secret, header: r.headers['unitrace-signature'] as string, body: r.body, nowSeconds: nowSeconds() }).ok;
    expect((first.headers['unitrace-signature'] as string).match(/v1=/g)).toHaveLength(2);
    expect([verify(first, rotated.secret), verify(first, hook.secret)]).toEqual([true, true]);

    const final = await rotateWebhookSecret(t.db, actor, hook.id, {});
    expect(final.previousSecretExpiresAt).toBeNull();
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'ROT-2' });
    const second = at('/rotate')(await receiver.waitFor((all) => at('/rotate')(all).length === 2))[1];
    expect([verify(second, final.secret), verify(second, rotated.secret), verify(second, hook.secret)]).toEqual([true, false, false]);
    await removeWebhook(t.db, actor, hook.id);
  });

  it('marks pending deliveries of a disabled endpoint failed without sending, and refuses to redeliver until it is enabled', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/paused'), events: ['serial.captured'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    // Disabled in the same transaction the event is emitted: the job finds the endpoint disabled.
    await t.db.transaction().execute(async (trx) => {
      await emitEvents(trx, actor.tenantId, [
        { type: 'serial.captured', data: { orderNumber: order.orderNumber, capturedAt: new Date().toISOString(), capturedBy: 'test', station: null, serials: [] } },
      ]);
      await sql`UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = ${actor.tenantId}::uuid AND id = ${hook.id}::uuid`.execute(trx);
    });
    const failed = await waitForDelivery(hook.id, (d) => d.status === 'failed');
    expect(failed).toMatchObject({ attempts: 0, lastError: 'endpoint disabled' });
    await expect(redeliverWebhook(t.db, actor, failed.id)).rejects.toMatchObject({ code: 'WEBHOOK_DISABLED' });
    await changeWebhook(t.db, actor, hook.id, { enabled: true }, dev);
    await redeliverWebhook(t.db, actor, failed.id);
    await waitForDelivery(hook.id, (d) => d.status === 'delivered');
    expect(at('/paused')(receiver.received)).toHaveLength(1);
    await removeWebhook(t.db, actor, hook.id);
  });
});

describe('webhooks: a process that dies mid-delivery', () => {
  it("runs again the jobs a dead process held, and leaves a live process's jobs alone", async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/crash'), events: ['serial.recalled'] }, dev);
    // What a process killed mid-delivery leaves behind: jobs locked by its queue pool. Pool
    // `pool-alive` is a process that still runs (it holds its liveness lock); `pool-dead` is gone.
    const alive = new pg.Client({ connectionString: t.url });
    await alive.connect();
    await alive.query(`SELECT pg_advisory_lock(hashtextextended('unitrace-webhook-worker:pool-alive', 0))`);
    try {
      for (const pool of ['pool-dead', 'pool-alive']) {
        await t.db.transaction().execute(async (trx) => {
          await emitEvents(trx, actor.tenantId, [
            { type: 'serial.recalled', data: { recallId: pool, reason: 'test', recalledAt: new Date().toISOString(), recalledBy: 'test', unitCount: 0, truncated: false, units: [] } },
          ]);
          await sql`UPDATE graphile_worker._private_jobs SET locked_by = ${pool}, locked_at = now() - interval '1 minute', attempts = 1
                    WHERE key IN (SELECT 'webhook-delivery:' || d.id FROM webhook_deliveries d JOIN webhook_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
                                  WHERE e.data->>'recallId' = ${pool})`.execute(trx);
        });
      }
      const recalls = () => at('/crash')(receiver.received).map((r) => r.json.data.recallId);
      await receiver.waitFor(() => recalls().includes('pool-dead'), 20_000, 'the dead pool\'s delivery');
      await new Promise((r) => setTimeout(r, 1500));
      expect(recalls()).toEqual(['pool-dead']);
    } finally {
      await alive.end();
    }
    // Its process is gone now: its delivery runs too.
    await receiver.waitFor(() => at('/crash')(receiver.received).length === 2, 20_000, 'the other delivery');
    await removeWebhook(t.db, actor, hook.id);
  });
});

describe('webhooks: returns', () => {
  it('delivers serial.returned for the units that matched and return.mismatch for the others, in one return', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/returns'), events: ['serial.returned', 'return.mismatch'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 2 }]);
    await captureSerialBatch(t.db, actor, order.orderNumber, [
      { sku: product.sku, serial: 'RT-1' },
      { sku: product.sku, serial: 'RT-2' },
    ]);
    await shipOrder(t.db, actor, order.orderNumber, {});
    const ret = await createReturn(t.db, actor, {
      orderNumber: order.orderNumber,
      rmaNumber: 'RMA-9',
      items: [
        { sku: product.sku, serial: 'RT-1', condition: 'opened' },
        { sku: product.sku, serial: 'NOT-SENT' },
      ],
    });
    const got = at('/returns')(await receiver.waitFor((all) => at('/returns')(all).length >= 2));
    const byType = Object.fromEntries(got.map((r) => [r.json.type, r.json.data]));
    expect(byType['serial.returned']).toMatchObject({
      returnId: String(ret.id),
      orderNumber: order.orderNumber,
      units: [{ sku: product.sku, serial: 'RT-1', disposition: 'pending', condition: 'opened' }],
    });
    expect(byType['return.mismatch']).toMatchObject({
      returnId: String(ret.id),
      unexpected: [{ sku: product.sku, serial: 'NOT-SENT', verdict: 'unknown_serial' }],
    });
    await removeWebhook(t.db, actor, hook.id);
  });
});

describe('webhooks: recalls', () => {
  it('delivers one serial.recalled event with the held units, where each was and who has it', async () => {
    const hook = await createWebhook(t.db, actor, { url: receiver.url('/recalls'), events: ['serial.recalled'] }, dev);
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerialBatch(t.db, actor, order.orderNumber, [{ sku: product.sku, serial: 'RC0001' }]);
    await shipOrder(t.db, actor, order.orderNumber, {});
    const recall = await createRecall(t.db, actor, {
      name: 'Battery',
      reason: 'swelling',
      sku: product.sku,
      ranges: [{ from: 'RC0001', to: 'RC0002' }],
    });
    const [r] = at('/recalls')(await receiver.waitFor((all) => at('/recalls')(all).length >= 1));
    expect(r.json.type).toBe('serial.recalled');
    expect(r.json.data).toMatchObject({
      recallId: String(recall.id),
      reason: 'swelling',
      unitCount: 1,
      truncated: false,
      units: [{ sku: product.sku, serial: 'RC0001', status: 'shipped', orderNumber: order.orderNumber, customer: { name: 'Ada Lovelace' } }],
    });
    await removeWebhook(t.db, actor, hook.id);
  });
});
