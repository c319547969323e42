import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeApp } from '../../test/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, unique } from '../../test/factories.ts';
import type { Actor } from '../core/model.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';
import { parseIdempotencyKey } from './idempotency.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let packer: Record<string, string>;
let actor: Actor;
let sku: string;

const GTIN = '09506000134352';

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Retry Ltd' });
  actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
  admin = bearer(tenant.apiKey);
  packer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'packer' })).apiKey);
  sku = (await makeProduct(t.db, actor, { gtin: GTIN })).sku;
  // With duplicates allowed (duplicate scope order), every capture that runs adds a row: a retry that ran twice shows.
  const res = await app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: admin, payload: { allowDuplicateSerialsInOrder: true, duplicateScope: 'order' } });
  expect(res.statusCode).toBe(200);
}, 60_000);
afterAll(async () => {
  await app.close();
  await t.close();
});

const withKey = (headers: Record<string, string>, key: string) => ({ ...headers, 'idempotency-key': key });

/** A client that retries while the first request with its key still runs, as a client should. */
async function send(options: InjectOptions): Promise<LightMyRequestResponse & { waited: number }> {
  for (let waited = 0; ; waited += 1) {
    const res = await app.inject(options);
    if (res.statusCode !== 409 || res.json().error.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS') return Object.assign(res, { waited });
    expect(res.headers['retry-after']).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Runs `count` calls, `concurrency` at a time, and returns their results in order. */
async function inParallel<T>(count: number, concurrency: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

async function newOrder(quantity = 2000) {
  return (await makeOrder(t.db, actor, [{ sku, quantity }])).orderNumber;
}

async function capturesIn(orderNumber: string): Promise<{ captures: number; events: number }> {
  const { rows } = await sql<{ captures: number; events: number }>`
    SELECT (SELECT count(*)::int FROM order_serials s WHERE s.tenant_id = o.tenant_id AND s.order_id = o.id) AS captures,
           (SELECT count(*)::int FROM serial_events e WHERE e.tenant_id = o.tenant_id AND e.order_id = o.id AND e.type = 'packed') AS events
    FROM orders o WHERE o.tenant_id = ${actor.tenantId} AND o.order_number = ${orderNumber}
  `.execute(t.db);
  return rows[0];
}

const capture = (orderNumber: string, key: string | null, serial = 'SN-1', headers = packer): InjectOptions => ({
  method: 'POST',
  url: `/api/v1/orders/${orderNumber}/serials`,
  headers: key === null ? headers : withKey(headers, key),
  payload: { sku, serial },
});

/** The parts of an answer a retry must get back unchanged. */
const answerOf = (res: LightMyRequestResponse) => ({ status: res.statusCode, contentType: res.headers['content-type'], body: res.body });

describe('Idempotency-Key on POST /orders/{orderNumber}/serials', () => {
  it('captures twice for two identical requests without a key (the tenant allows duplicates)', async () => {
    const orderNumber = await newOrder();
    for (let i = 0; i < 2; i += 1) expect((await app.inject(capture(orderNumber, null))).statusCode).toBe(201);
    expect(await capturesIn(orderNumber)).toEqual({ captures: 2, events: 2 });
  });

  it('runs 1,000 retries of one capture, 50 at a time, exactly once and answers every retry the same', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    const responses = await inParallel(1000, 50, () => send(capture(orderNumber, key)));

    expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
    const first = responses.filter((r) => r.headers['idempotent-replayed'] === undefined);
    expect(first).toHaveLength(1);
    expect(answerOf(first[0])).toEqual({ status: 201, contentType: 'application/json; charset=utf-8', body: first[0].body });
    expect(first[0].json()).toEqual({ sku, serial: 'SN-1', captured: 1, quantity: 2000 });
    for (const res of responses) {
      expect(answerOf(res)).toEqual(answerOf(first[0]));
      if (res !== first[0]) expect(res.headers['idempotent-replayed']).toBe('true');
    }
    // The race path ran: requests arrived while the first still ran, and were told to retry.
    expect(responses.reduce((sum, r) => sum + r.waited, 0)).toBeGreaterThan(0);
  }, 120_000);

  it('runs 200 retries over a real socket, 20 at a time, exactly once', async () => {
    const server = await makeApp(t);
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const orderNumber = await newOrder();
      const key = randomUUID();
      const post = async () => {
        for (;;) {
          const res = await fetch(`${address}/api/v1/orders/${orderNumber}/serials`, {
            method: 'POST',
            headers: { ...withKey(packer, key), 'content-type': 'application/json' },
            body: JSON.stringify({ sku, serial: 'SOCKET-1' }),
          });
          const body = await res.text();
          if (res.status === 409 && body.includes('IDEMPOTENCY_KEY_IN_PROGRESS')) continue;
          return { status: res.status, body, replayed: res.headers.get('idempotent-replayed') };
        }
      };
      const answers = await inParallel(200, 20, post);
      expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
      expect(answers.filter((a) => a.replayed === null)).toHaveLength(1);
      expect(new Set(answers.map((a) => `${a.status} ${a.body}`))).toEqual(new Set([`201 ${JSON.stringify({ sku, serial: 'SOCKET-1', captured: 1, quantity: 2000 })}`]));
    } finally {
      await server.close();
    }
  }, 120_000);

  it('replays to a client that gave up waiting (closed the socket) and retried', async () => {
    const server = await makeApp(t);
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      const orderNumber = await newOrder();
      const key = randomUUID();
      const post = (signal?: AbortSignal) =>
        fetch(`${address}/api/v1/orders/${orderNumber}/serials`, {
          method: 'POST',
          headers: { ...withKey(packer, key), 'content-type': 'application/json' },
          body: JSON.stringify({ sku, serial: 'GAVE-UP' }),
          signal,
        });
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM orders WHERE tenant_id = $1 AND order_number = $2 FOR UPDATE', [actor.tenantId, orderNumber]);
      const abort = new AbortController();
      const first = post(abort.signal).catch((error: Error) => error.name);
      await expect.poll(async () => (await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`.execute(t.db)).rows.length).toBe(1);
      abort.abort();
      expect(await first).toBe('AbortError');
      expect((await post()).status).toBe(409);
      await blocker.query('COMMIT');
      // The abandoned request still finishes and stores its answer.
      await expect
        .poll(async () => (await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key} AND response_status = 201`.execute(t.db)).rows.length)
        .toBe(1);
      const retry = await post();
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toEqual({ sku, serial: 'GAVE-UP', captured: 1, quantity: 2000 });
      expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
    } finally {
      await blocker.end();
      await server.close();
    }
  }, 60_000);

  it('refuses the key with a different body, path or method with 422 IDEMPOTENCY_KEY_REUSED and runs nothing', async () => {
    const orderNumber = await newOrder();
    const other = await newOrder();
    const key = randomUUID();
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
    const attempts: InjectOptions[] = [
      capture(orderNumber, key, 'SN-2'),
      capture(other, key),
      { ...capture(orderNumber, key), method: 'DELETE' },
      { ...capture(orderNumber, key), url: `/api/v1/orders/${orderNumber}/serials?x=1` },
    ];
    for (const attempt of attempts) {
      const res = await app.inject(attempt);
      expect(res.statusCode, String(attempt.url)).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.stringMatching(/^idempotency-key: /) });
    }
    expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
    expect(await capturesIn(other)).toEqual({ captures: 0, events: 0 });
  });

  it('answers a retry while the first request runs with 409 IDEMPOTENCY_KEY_IN_PROGRESS, and replays once it has finished', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    // Hold the order row locked, so the first capture waits inside its transaction.
    const blocker = new pg.Client({ connectionString: t.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM orders WHERE tenant_id = $1 AND order_number = $2 FOR UPDATE', [actor.tenantId, orderNumber]);
      const first = app.inject(capture(orderNumber, key));
      await expect.poll(async () => (await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`.execute(t.db)).rows.length).toBe(1);

      const retry = await app.inject(capture(orderNumber, key));
      expect(retry.statusCode).toBe(409);
      expect(retry.headers['retry-after']).toBe('1');
      expect(retry.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS', details: { field: 'idempotency-key' } });
      // A different request with the running key is still a reuse.
      expect((await app.inject(capture(orderNumber, key, 'SN-OTHER'))).json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');

      await blocker.query('COMMIT');
      const done = await first;
      expect(done.statusCode).toBe(201);
      const replay = await app.inject(capture(orderNumber, key));
      expect(answerOf(replay)).toEqual(answerOf(done));
      expect(replay.headers['idempotent-replayed']).toBe('true');
    } finally {
      await blocker.end();
    }
    expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
  });

  it("lets tenant B use tenant A's key string for its own request", async () => {
    const key = `shared-${randomUUID()}`;
    const orderNumber = await newOrder();
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);

    const b = await createTenant(t.db, { name: 'Other Ltd' });
    const bActor: Actor = { tenantId: b.tenantId, id: 'test', role: 'admin' };
    const bProduct = await makeProduct(t.db, bActor);
    const bOrder = await makeOrder(t.db, bActor, [{ sku: bProduct.sku, quantity: 1 }]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/orders/${bOrder.orderNumber}/serials`,
      headers: withKey(bearer(b.apiKey), key),
      payload: { sku: bProduct.sku, serial: 'B-1' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(res.json()).toEqual({ sku: bProduct.sku, serial: 'B-1', captured: 1, quantity: 1 });
    // And A's key still replays A's answer.
    expect((await app.inject(capture(orderNumber, key))).headers['idempotent-replayed']).toBe('true');
  });

  it('replays to another API key of the same tenant: keys are scoped to the tenant', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    const otherPacker = bearer((await createApiKey(t.db, { tenantId: actor.tenantId, role: 'packer' })).apiKey);
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
    const res = await app.inject(capture(orderNumber, key, 'SN-1', otherPacker));
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
  });

  it('runs the request again once its key has expired, and sweeps expired keys', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
    // 24 hours later (the row back-dated rather than the test sleeping).
    await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = ${actor.tenantId} AND key = ${key}`.execute(t.db);
    const again = await app.inject(capture(orderNumber, key));
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json().captured).toBe(2);
    expect(await capturesIn(orderNumber)).toEqual({ captures: 2, events: 2 });
    // The new claim has a fresh 24 hours.
    const { rows } = await sql<{ hours: number }>`
      SELECT round(extract(epoch FROM expires_at - now()) / 3600)::int AS hours FROM idempotency_keys WHERE tenant_id = ${actor.tenantId} AND key = ${key}
    `.execute(t.db);
    expect(rows[0].hours).toBe(24);

    const stale = [randomUUID(), randomUUID()];
    for (const k of stale) expect((await app.inject(capture(orderNumber, k))).statusCode).toBe(201);
    await sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE tenant_id = ${actor.tenantId} AND key IN (${sql.join(stale)})`.execute(t.db);
    expect((await app.inject(capture(orderNumber, randomUUID()))).statusCode).toBe(201);
    const left = await sql`SELECT key FROM idempotency_keys WHERE tenant_id = ${actor.tenantId} AND key IN (${sql.join(stale)})`.execute(t.db);
    expect(left.rows).toEqual([]);
  });

  it('does not keep a 5xx: the key is released and a retry runs', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    await sql`
      CREATE FUNCTION fail_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.serial = 'BOOM' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_boom BEFORE INSERT ON order_serials FOR EACH ROW EXECUTE FUNCTION fail_boom();
    `.execute(t.owner);
    try {
      const failed = await app.inject(capture(orderNumber, key, 'BOOM'));
      expect(failed.statusCode).toBe(500);
      expect(failed.json().error.code).toBe('INTERNAL');
      expect((await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`.execute(t.db)).rows).toEqual([]);
    } finally {
      await sql`DROP TRIGGER fail_boom ON order_serials; DROP FUNCTION fail_boom();`.execute(t.owner);
    }
    const retry = await app.inject(capture(orderNumber, key, 'BOOM'));
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((await app.inject(capture(orderNumber, key, 'BOOM'))).headers['idempotent-replayed']).toBe('true');
    expect(await capturesIn(orderNumber)).toEqual({ captures: 1, events: 1 });
  });

  it('keeps a 4xx answer of the handler and replays it (send a new key after fixing the request)', async () => {
    const orderNumber = unique('SO-LATER');
    const key = randomUUID();
    const missing = await app.inject(capture(orderNumber, key));
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ORDER_NOT_FOUND');
    await makeOrder(t.db, actor, [{ sku, quantity: 1 }], { orderNumber });
    const retry = await app.inject(capture(orderNumber, key));
    expect(answerOf(retry)).toEqual(answerOf(missing));
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const fresh = await app.inject(capture(orderNumber, randomUUID()));
    expect(fresh.statusCode).toBe(201);
  });

  it('stores nothing for a request refused before its handler ran (validation, role)', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    const bad = await app.inject({ ...capture(orderNumber, key), payload: { sku, serial: 'SN-1', colour: 'red' } });
    expect(bad.statusCode).toBe(400);
    const viewer = bearer((await createApiKey(t.db, { tenantId: actor.tenantId, role: 'viewer' })).apiKey);
    expect((await app.inject(capture(orderNumber, key, 'SN-1', viewer))).statusCode).toBe(403);
    expect((await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`.execute(t.db)).rows).toEqual([]);
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
  });

  it('runs the request again when the process that claimed the key died and its claim lapsed', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
    // As a claim left behind by a process that died before storing the answer.
    const crashed = (lockedFor: string) => sql`
      UPDATE idempotency_keys SET owner = gen_random_uuid(), locked_until = now() + ${lockedFor}::interval,
        response_status = NULL, response_headers = NULL, response_body = NULL
      WHERE tenant_id = ${actor.tenantId} AND key = ${key}
    `.execute(t.db);
    await crashed('5 minutes');
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(409);
    await crashed('-1 second');
    const retry = await app.inject(capture(orderNumber, key));
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await capturesIn(orderNumber)).toEqual({ captures: 2, events: 2 });
  });
});

describe('Idempotency-Key on other changes', () => {
  it('generates serials once for 100 retries of POST /products/{sku}/serials/generate, 20 at a time', async () => {
    const product = await makeProduct(t.db, actor, { serialFormat: 'GEN-{#:6}' });
    const key = randomUUID();
    const request: InjectOptions = {
      method: 'POST',
      url: `/api/v1/products/${product.sku}/serials/generate`,
      headers: withKey(admin, key),
      payload: { count: 5, mode: 'sequence' },
    };
    const responses = await inParallel(100, 20, () => send(request));
    const expected = ['GEN-000001', 'GEN-000002', 'GEN-000003', 'GEN-000004', 'GEN-000005'];
    for (const res of responses) {
      expect(res.statusCode).toBe(201);
      expect(res.json().serials).toEqual(expected);
      expect(res.body).toBe(responses[0].body);
    }
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    const units = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM serial_units WHERE tenant_id = ${actor.tenantId} AND product_id = ${product.id}
    `.execute(t.db);
    expect(units.rows[0].n).toBe(5);
    const next = await app.inject({ ...request, headers: admin, payload: { count: 1, mode: 'sequence' } });
    expect(next.json().serials).toEqual(['GEN-000006']);
  }, 60_000);

  it('captures an EPCIS document once for 100 retries of POST /epcis/capture, 20 at a time', async () => {
    const epcs = ['EP-1', 'EP-2', 'EP-3'].map((s) => `https://id.gs1.org/01/${GTIN}/21/${s}`);
    const document = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-11-23T10:00:00Z',
      epcisBody: {
        eventList: [{ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', eventTime: '2026-11-20T08:00:00Z', eventTimeZoneOffset: '+00:00', epcList: epcs }],
      },
    };
    const request: InjectOptions = {
      method: 'POST',
      url: '/api/v1/epcis/capture',
      headers: { ...withKey(admin, randomUUID()), 'content-type': 'application/ld+json' },
      payload: JSON.stringify(document),
    };
    const responses = await inParallel(100, 20, () => send(request));
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(responses[0].body);
    }
    expect(responses[0].json()).toMatchObject({ events: 1, epcs: 3, registered: 3, alreadyKnown: 0 });
    const events = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM serial_events WHERE tenant_id = ${actor.tenantId} AND type = 'received' AND serial LIKE 'EP-%'
    `.execute(t.db);
    expect(events.rows[0].n).toBe(3);
  }, 60_000);

  it('imports a CSV once and compares the streamed body of a retry', async () => {
    const key = randomUUID();
    const a = unique('CSV');
    const csv = `sku,name\n${a}-1,One\n${a}-2,Two\n`;
    const request = (body: string): InjectOptions => ({
      method: 'POST',
      url: '/api/v1/products/import',
      headers: { ...withKey(admin, key), 'content-type': 'text/csv' },
      payload: body,
    });
    const first = await app.inject(request(csv));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ rows: 2, created: 2, updated: 0 });
    // Run again, the import would report the two as updated: the replay reports the first answer.
    const retry = await app.inject(request(csv));
    expect(answerOf(retry)).toEqual(answerOf(first));
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const changed = await app.inject(request(`${csv}${a}-3,Three\n`));
    expect(changed.statusCode).toBe(422);
    expect(changed.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const dryRun = await app.inject({ ...request(csv), url: '/api/v1/products/import?dryRun=true' });
    expect(dryRun.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const three = await sql<{ n: number }>`SELECT count(*)::int AS n FROM products WHERE tenant_id = ${actor.tenantId} AND sku = ${`${a}-3`}`.execute(t.db);
    expect(three.rows[0].n).toBe(0);
  });

  it('replays a large streamed CSV import and tells a retry with a changed body apart', async () => {
    const key = randomUUID();
    const a = unique('BIG');
    const rows = Array.from({ length: 20_000 }, (_, i) => `${a}-${i},Product number ${i} with a longer name`);
    const csv = `sku,name\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(1_000_000);
    const request: InjectOptions = {
      method: 'POST',
      url: '/api/v1/products/import',
      headers: { ...withKey(admin, key), 'content-type': 'text/csv' },
      payload: csv,
    };
    const first = await app.inject(request);
    expect(first.json()).toMatchObject({ rows: 20_000, created: 20_000 });
    const stored = await sql<{ streamed: boolean }>`
      SELECT body_hash IS NOT NULL AS streamed FROM idempotency_keys WHERE tenant_id = ${actor.tenantId} AND key = ${key}
    `.execute(t.db);
    expect(stored.rows).toEqual([{ streamed: true }]);
    const retry = await app.inject(request);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(first.body);
    const changed = await app.inject({ ...request, payload: csv.replace('with a longer name', 'with a changed name') });
    expect(changed.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  }, 60_000);

  it('answers a retry of a CSV import refused part-way the same way', async () => {
    const request: InjectOptions = {
      method: 'POST',
      url: '/api/v1/products/import',
      headers: { ...withKey(admin, randomUUID()), 'content-type': 'text/csv' },
      payload: 'name\nNo SKU column\n',
    };
    const first = await app.inject(request);
    expect(first.statusCode).toBe(400);
    expect(first.json().error.code).toBe('CSV_INVALID');
    const retry = await app.inject(request);
    expect(answerOf(retry)).toEqual(answerOf(first));
  });

  it('replays PATCH /settings and DELETE /orders/{orderNumber}/serials', async () => {
    const patch: InjectOptions = {
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: withKey(admin, randomUUID()),
      payload: { allowDuplicateSerialsInOrder: true },
    };
    const first = await app.inject(patch);
    expect(first.statusCode).toBe(200);
    expect((await app.inject(patch)).headers['idempotent-replayed']).toBe('true');

    const orderNumber = await newOrder();
    for (let i = 0; i < 2; i += 1) expect((await app.inject(capture(orderNumber, null))).statusCode).toBe(201);
    const remove: InjectOptions = { ...capture(orderNumber, randomUUID()), method: 'DELETE' };
    const removed = await app.inject(remove);
    expect(removed.statusCode).toBe(200);
    const again = await app.inject(remove);
    expect(answerOf(again)).toEqual(answerOf(removed));
    expect((await capturesIn(orderNumber)).captures).toBe(1);
  });

  it('ignores the header on reads and on sign-in', async () => {
    const key = randomUUID();
    expect((await app.inject({ method: 'GET', url: '/api/v1/settings', headers: withKey(admin, key) })).statusCode).toBe(200);
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', headers: { 'idempotency-key': key }, payload: { email: 'no@example.com', password: 'x' } });
    expect(signIn.statusCode).toBe(401);
    expect((await sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`.execute(t.db)).rows).toEqual([]);
  });
});

describe('the Idempotency-Key header', () => {
  it.each([
    ['an empty key', '', 'idempotency-key: must not be empty'],
    ['an empty quoted key', '""', 'idempotency-key: must not be empty'],
    ['a key of 256 characters', 'k'.repeat(256), 'idempotency-key: must be at most 255 characters'],
    ['a control character', 'abc\u0001def', 'idempotency-key: must be printable ASCII characters only (a UUID, say)'],
    ['a non-ASCII character', 'clé', 'idempotency-key: must be printable ASCII characters only (a UUID, say)'],
  ])('refuses %s with 400 VALIDATION_FAILED naming idempotency-key', async (_name, key, message) => {
    const orderNumber = await newOrder();
    const res = await app.inject(capture(orderNumber, key));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message,
      details: { errors: [{ field: 'idempotency-key', message }] },
    });
    expect(await capturesIn(orderNumber)).toEqual({ captures: 0, events: 0 });
  });

  it('reads the bare form and the structured-field string form as one key', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"say \\"hi\\""')).toBe('say "hi"');
    expect(parseIdempotencyKey('k'.repeat(255))).toBe('k'.repeat(255));
  });

  it('replays a retry that sends the key quoted', async () => {
    const orderNumber = await newOrder();
    const key = randomUUID();
    expect((await app.inject(capture(orderNumber, key))).statusCode).toBe(201);
    expect((await app.inject(capture(orderNumber, `"${key}"`))).headers['idempotent-replayed']).toBe('true');
  });

  it('is documented on every route that changes data, and on no read', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const takesKey = (path: string, method: string) =>
      (spec.paths[path][method].parameters ?? []).some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key');
    expect(takesKey('/api/v1/orders/{orderNumber}/serials', 'post')).toBe(true);
    expect(takesKey('/api/v1/orders/{orderNumber}/serials', 'delete')).toBe(true);
    expect(takesKey('/api/v1/products/{sku}/serials/generate', 'post')).toBe(true);
    expect(takesKey('/api/v1/epcis/capture', 'post')).toBe(true);
    expect(takesKey('/api/v1/products/import', 'post')).toBe(true);
    expect(takesKey('/api/v1/settings', 'patch')).toBe(true);
    expect(takesKey('/api/v1/orders', 'get')).toBe(false);
    expect(takesKey('/api/v1/auth/sign-in', 'post')).toBe(false);
    expect(spec.info.description).toContain('Idempotency-Key');
  });
});
