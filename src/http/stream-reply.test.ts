import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../test/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { DomainError } from '../core/errors.ts';
import { captureSerialBatch, shipOrder } from '../services/packing.service.ts';
import { buildApp } from './app.ts';
import { errorHandler } from './errors.ts';
import { streamStarted } from './stream-reply.ts';

/** Log lines of level warn and above, parsed. */
function captureLogs() {
  const lines: Array<{ level: number; msg: string; reqId?: string; err?: { message: string } }> = [];
  return { lines, logger: { level: 'warn', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } } };
}

describe('streamStarted, between a streamed body and its response', () => {
  async function appSending(makeStream: () => Readable) {
    const logs = captureLogs();
    const app = Fastify({ logger: logs.logger });
    app.setErrorHandler(errorHandler);
    app.get('/export', async (request, reply) => {
      const body = makeStream();
      await streamStarted(request, body);
      return reply.type('text/plain').send(body);
    });
    await app.ready();
    return { app, logs: logs.lines };
  }

  it('sends a stream that works, whole', async () => {
    const { app } = await appSending(() => Readable.from(['a', 'b', 'c']));
    const res = await app.inject({ url: '/export' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('abc');
  });

  it('answers a stream that fails before its first chunk as an error: a domain error keeps its code', async () => {
    const { app } = await appSending(() => new Readable({ read() { this.destroy(new DomainError('VALIDATION_FAILED', 'sku: bad')); } }));
    const res = await app.inject({ url: '/export' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', message: 'sku: bad' });
  });

  it('answers a stream that fails before its first chunk for another reason with a logged 500', async () => {
    const { app, logs } = await appSending(() =>
      Readable.from(
        (async function* () {
          throw new Error('connection refused');
        })(),
      ),
    );
    const res = await app.inject({ url: '/export' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL');
    expect(logs.some((l) => l.level === 50 && l.err?.message === 'connection refused')).toBe(true);
  });

  it('aborts the response of a stream that fails part-way (the client sees it cut off) and logs the failure at error with the request id', async () => {
    const { app, logs } = await appSending(() =>
      Readable.from(
        (async function* () {
          yield 'first rows\n';
          throw new Error('database went away');
        })(),
      ),
    );
    // app.inject rejects when the response is destroyed before it completes: a dropped connection.
    await expect(app.inject({ url: '/export' })).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
    const logged = logs.find((l) => l.msg === 'streamed response failed part-way; response aborted');
    expect(logged).toMatchObject({ level: 50, err: { message: 'database went away' } });
    expect(logged?.reqId).toEqual(expect.any(String));
  });
});

describe('the serial report CSV when its database connection dies part-way', () => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  let key: Record<string, string>;
  const logs = captureLogs();
  // About 1 KB a row: enough that PostgreSQL is still writing when the client stops reading.
  const ROWS = 20_000;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { actor, apiKey } = await makeTenant(t.db);
    key = bearer(apiKey);
    const product = await makeProduct(t.db, actor, { sku: `W-${'S'.repeat(60)}`, name: 'N'.repeat(200) });
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: ROWS }], {
      customer: { name: 'C'.repeat(200), email: `${'e'.repeat(240)}@example.com`, company: 'K'.repeat(200) },
    });
    const items = Array.from({ length: ROWS }, (_, i) => ({ sku: product.sku, serial: `${'X'.repeat(56)}${String(i).padStart(8, '0')}` }));
    expect((await captureSerialBatch(t.db, actor, order.orderNumber, items)).captured).toBe(ROWS);
    expect((await shipOrder(t.db, actor, order.orderNumber, {})).status).toBe('shipped');
    app = await buildApp({ db: t.db, pool: t.pool, logger: logs.logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/reports/serial-numbers?format=csv`;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('sends 200 headers, then cuts the body off unfinished and logs the failure, when PostgreSQL ends the COPY', async () => {
    const res = await fetch(url, { headers: key });
    expect(res.status).toBe(200);
    // Not reading the body: backpressure holds the COPY, which waits to write to us.
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const found = await t.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ~ '^\\s*COPY \\(' AND state = 'active' AND wait_event = 'ClientWrite'`,
      );
      pid = found.rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(pid, 'the COPY should be waiting for us to read').toBeDefined();
    await t.pool.query('SELECT pg_terminate_backend($1)', [pid]);

    await expect(res.text()).rejects.toThrow();
    await expect.poll(() => logs.lines.find((l) => l.msg === 'streamed response failed part-way; response aborted')).toMatchObject({
      level: 50,
      reqId: expect.any(String),
    });
  });
});
