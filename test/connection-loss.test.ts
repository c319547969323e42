import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.ts';
import { createProduct } from '../src/services/products.service.ts';
import { createTenant } from '../src/services/tenants.service.ts';
import { openDatabase } from '../src/storage/database.ts';
import { freePort } from '../src/storage/embedded-postgres.ts';
import { bearer } from './app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  for (const start = Date.now(); !done(); ) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a connection lost under the app', () => {
  it('fails the transaction it was in, keeps the process alive and connects afresh for the next query', async () => {
    const errors: Error[] = [];
    const handle = openDatabase(t.url, { max: 2, onConnectionError: (e) => errors.push(e) });
    try {
      const transaction = handle.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        await sql`SELECT pg_terminate_backend(${rows[0].pid})`.execute(t.owner);
        // The client is checked out and between two statements: pg emits 'error' on it right now,
        // which ends the process unless someone listens.
        await until(() => errors.length > 0);
        await sql`SELECT 1`.execute(trx);
      });
      await expect(transaction).rejects.toThrow(/terminat|not queryable/i);
      expect(errors[0].message).toMatch(/terminating connection/);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });

  it('gives the very next query a working connection after a statement outside a transaction lost its own', async () => {
    const handle = openDatabase(t.url, { max: 1 });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(handle.db);
        const sleeping = sql`SELECT pg_sleep(10)`.execute(handle.db).then(
          () => 'finished',
          (error: { code?: string }) => `failed ${error.code}`,
        );
        await new Promise((r) => setTimeout(r, 20));
        await sql`SELECT pg_terminate_backend(${rows[0].pid})`.execute(t.owner);
        outcomes.push(await sleeping);
        // pg reads the server's FATAL before the socket's end: the pool must not hand that client out.
        outcomes.push(await sql`SELECT 1`.execute(handle.db).then(() => 'next ok', (error: Error) => `next failed: ${error.message}`));
      }
      expect(outcomes).toEqual(Array.from({ length: 5 }, () => ['failed 57P01', 'next ok']).flat());
    } finally {
      await handle.close();
    }
  });

  it('answers a request whose connection is killed while it runs with 503 DATABASE_UNAVAILABLE, and the next one normally', async () => {
    const handle = openDatabase(t.url, { max: 2 });
    const app = await buildApp({ db: handle.db, pool: handle.pool });
    try {
      const tenant = await createTenant(t.db, { name: 'Lost' });
      const actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' as const };
      await createProduct(t.db, actor, { sku: 'LOST-1', name: 'Lamp', needsSerialNumber: true });
      const patch = () =>
        app.inject({ method: 'PATCH', url: '/api/v1/products/LOST-1', headers: bearer(tenant.apiKey), payload: { name: 'Lamp 2' } });
      // Hold the product's row, so the request's UPDATE waits on it; kill the waiting backend.
      const res = await t.owner.transaction().execute(async (trx) => {
        await sql`SELECT 1 FROM products WHERE sku = 'LOST-1' FOR UPDATE`.execute(trx);
        const pending = patch();
        const waiting = async () =>
          (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.owner)).rows;
        let pids: { pid: number }[] = [];
        for (let i = 0; i < 500 && pids.length === 0; i += 1) {
          pids = await waiting();
          if (pids.length === 0) await new Promise((r) => setTimeout(r, 10));
        }
        expect(pids).toHaveLength(1);
        await sql`SELECT pg_terminate_backend(${pids[0].pid})`.execute(t.owner);
        return pending;
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('DATABASE_UNAVAILABLE');
      const again = await patch();
      expect(again.statusCode).toBe(200);
      expect(again.json().name).toBe('Lamp 2');
    } finally {
      await app.close();
      await handle.close();
    }
  });
});

describe('a database that cannot be reached', () => {
  it('gets 503 DATABASE_UNAVAILABLE with Retry-After on every API call, and /health says 503', async () => {
    const port = await freePort();
    const handle = openDatabase(`postgres://nobody:secret@127.0.0.1:${port}/unitrace`);
    const app = await buildApp({ db: handle.db, pool: handle.pool });
    try {
      const key = bearer(`ut_${'0'.repeat(32)}_${'a'.repeat(43)}`);
      const write = await app.inject({ method: 'POST', url: '/api/v1/products', headers: key, payload: { sku: 'X-1', name: 'x' } });
      expect(write.statusCode).toBe(503);
      expect(write.headers['retry-after']).toBe('1');
      expect(write.json()).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: 'database: unavailable for the moment; retry shortly' } });
      const read = await app.inject({ method: 'GET', url: '/api/v1/orders', headers: key });
      expect(read.statusCode).toBe(503);
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'database unavailable' });
    } finally {
      await app.close();
      await handle.close();
    }
  });
});
