/**
 * The registry judges every capture; this measures what that costs, against a real server process
 * on embedded PostgreSQL:
 *  1. a 100,000-unit order captured (two batch requests of 50,000) and shipped, side by side with
 *     plain PostgreSQL writing the same rows set-based (captures, units, events; then the shipped
 *     units and their events) in the same database;
 *  2. single station scans (POST /orders/{n}/scans) with --units stored serials (default
 *     10,000,000 shipped units), accepted and refused (a unit shipped elsewhere), in server time.
 * Run alone: node bin/run-ts.js bench/registry.bench.ts [--units 10000000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../src/storage/database.ts';
import { freePort, startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { createTenant } from '../src/services/tenants.service.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const STORED = arg('--units', 10_000_000);
const BIG = 100_000;
const BATCH = 50_000;

const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);
const { db } = handle;
await migrateToLatest(handle);
const { tenantId, apiKey } = await createTenant(db, { name: 'Bench' });

const port = await freePort();
const server = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], {
  env: { ...process.env, DATABASE_URL: postgres.connectionString, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.on('exit', () => server.kill('SIGTERM'));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i += 1) {
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
async function call(method: string, path: string, body?: unknown, ok = true) {
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (ok && !res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, server: Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]), json: JSON.parse(text) };
}
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

await call('POST', '/products', { sku: 'REG-1', name: 'Registry bench', needsSerialNumber: true });

// ---- 1. a 100,000-unit order, and plain PostgreSQL doing the same rows -------------------------
await call('POST', '/orders', { orderNumber: 'BIG-1', type: 'B2B', customer: { name: 'Big customer' }, lines: [{ sku: 'REG-1', quantity: BIG }] });
const serials = Array.from({ length: BIG }, (_, i) => `BIG${String(i).padStart(8, '0')}`);
let captureMs = 0;
for (let i = 0; i < BIG; i += BATCH) {
  const items = serials.slice(i, i + BATCH).map((serial) => ({ sku: 'REG-1', serial, scanned: true }));
  captureMs += (await call('POST', '/orders/BIG-1/serials/batch', { items })).server;
}
const shipMs = (await call('POST', '/orders/BIG-1/ship', { carrier: 'DHL' })).server;
console.log(`Unitrace: capture ${BIG} units (2 requests): server ${ms(captureMs)}; ship: ${ms(shipMs)}; together ${ms(captureMs + shipMs)}`);

// Plain PostgreSQL: the same tables' shapes (columns with their generated range key, checks,
// indexes; no triggers), the same rows, set-based statements from unnest arrays in one transaction
// each. Twice: bare tables (no foreign keys), and with the foreign keys our tables have, pointing at
// a real order, its line and the product, so the difference left is the registry's own work.
await call('POST', '/orders', { orderNumber: 'PLAIN-1', type: 'B2B', customer: { name: 'Plain' }, lines: [{ sku: 'REG-1', quantity: BIG }] });
const ref = (
  await sql<{ order_id: number; product_id: number }>`
    SELECT o.id AS order_id, l.product_id FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
    WHERE o.tenant_id = ${tenantId}::uuid AND o.order_number = 'PLAIN-1'`.execute(db)
).rows[0];
async function plainRun(foreignKeys: boolean): Promise<{ capture: number; ship: number }> {
  await sql`
    CREATE TABLE plain_captures (LIKE order_serials INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES);
    CREATE TABLE plain_units (LIKE serial_units INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES);
    CREATE TABLE plain_events (LIKE serial_events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES);
  `.execute(db);
  if (foreignKeys) {
    await sql`
      ALTER TABLE plain_captures ADD FOREIGN KEY (tenant_id, order_id, line_no) REFERENCES order_lines (tenant_id, order_id, line_no);
      ALTER TABLE plain_captures ADD FOREIGN KEY (tenant_id, order_id, replaced_by) REFERENCES plain_captures (tenant_id, order_id, id);
      ALTER TABLE plain_units ADD FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id);
      ALTER TABLE plain_units ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);
      ALTER TABLE plain_events ADD FOREIGN KEY (tenant_id, product_id, serial) REFERENCES plain_units (tenant_id, product_id, serial);
      ALTER TABLE plain_events ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);
      ALTER TABLE plain_events ADD FOREIGN KEY (tenant_id, corrects_event_id) REFERENCES plain_events (tenant_id, id);
    `.execute(db);
  }
  const { order_id: orderId, product_id: productId } = ref;
  const at = new Date();
  let capture = 0;
  for (let i = 0; i < BIG; i += BATCH) {
    const chunk = serials.slice(i, i + BATCH);
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO plain_captures (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
        SELECT ${tenantId}::uuid, ${orderId}::bigint, 1, ${productId}::bigint, s, true, false, 'sku', ${at}::timestamptz, 'bench' FROM unnest(${chunk}::text[]) s`.execute(trx);
      await sql`INSERT INTO plain_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at)
        SELECT ${tenantId}::uuid, ${productId}::bigint, s, 'packed', ${orderId}::bigint, ${at}::timestamptz, ${at}::timestamptz FROM unnest(${chunk}::text[]) s
        ON CONFLICT (tenant_id, product_id, serial) DO UPDATE SET status = 'packed', order_id = EXCLUDED.order_id`.execute(trx);
      await sql`INSERT INTO plain_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor)
        SELECT ${tenantId}::uuid, ${productId}::bigint, s, 'packed', ${orderId}::bigint, ${at}::timestamptz, 'bench' FROM unnest(${chunk}::text[]) s`.execute(trx);
    });
    capture += performance.now() - started;
  }
  const shipStarted = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE plain_units SET status = 'shipped', updated_at = now() WHERE tenant_id = ${tenantId}::uuid AND order_id = ${orderId}::bigint`.execute(trx);
    await sql`INSERT INTO plain_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor)
      SELECT tenant_id, product_id, serial, 'shipped', order_id, now(), 'bench' FROM plain_units WHERE tenant_id = ${tenantId}::uuid AND order_id = ${orderId}::bigint`.execute(trx);
  });
  const ship = performance.now() - shipStarted;
  await sql`DROP TABLE plain_events, plain_units, plain_captures`.execute(db);
  return { capture, ship };
}
const ours = captureMs + shipMs;
for (const foreignKeys of [false, true]) {
  const plain = await plainRun(foreignKeys);
  const label = foreignKeys ? 'plain PostgreSQL, the same rows into tables with our foreign keys' : 'plain PostgreSQL, the same rows into bare tables (no foreign keys)';
  console.log(`${label}: capture ${ms(plain.capture)}; ship ${ms(plain.ship)}; together ${ms(plain.capture + plain.ship)}; Unitrace / this: ${(ours / (plain.capture + plain.ship)).toFixed(2)}`);
}

// ---- 2. single scans with many stored serials --------------------------------------------------
// Set-up (not measured): STORED shipped units in orders of 1,000, written with SQL as packing would
// have left them: an order, its line, one active capture per unit (scope sku) and the unit.
{
  const started = performance.now();
  const perOrder = 1000;
  const orders = Math.ceil(STORED / perOrder);
  const product = await sql<{ id: number }>`SELECT id FROM products WHERE tenant_id = ${tenantId}::uuid AND sku = 'REG-1'`.execute(db);
  const productId = product.rows[0].id;
  for (let from = 1; from <= orders; from += 1000) {
    const to = Math.min(orders, from + 999);
    await sql`
      INSERT INTO orders (tenant_id, order_number, type, status, customer_name, customer_email, shipped_at)
      SELECT ${tenantId}::uuid, 'H-' || g, 'B2C', 'shipped', 'Customer ' || g, 'c' || g || '@example.com', now()
      FROM generate_series(${from}::int, ${to}::int) g`.execute(db);
    await sql`
      INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity)
      SELECT tenant_id, id, 1, ${productId}::bigint, ${perOrder} FROM orders
      WHERE tenant_id = ${tenantId}::uuid AND order_number = ANY(SELECT 'H-' || g FROM generate_series(${from}::int, ${to}::int) g)`.execute(db);
    await sql`
      WITH o AS (
        SELECT id, substr(order_number, 3)::int AS g FROM orders
        WHERE tenant_id = ${tenantId}::uuid AND order_number = ANY(SELECT 'H-' || g FROM generate_series(${from}::int, ${to}::int) g)
      ),
      s AS (SELECT o.id AS order_id, 'S' || lpad(((o.g - 1) * ${perOrder} + n)::text, 9, '0') AS serial FROM o, generate_series(1, ${perOrder}) n),
      caps AS (
        INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
        SELECT ${tenantId}::uuid, order_id, 1, ${productId}::bigint, serial, true, false, 'sku', now(), 'bench' FROM s
      )
      INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at)
      SELECT ${tenantId}::uuid, ${productId}::bigint, serial, 'shipped', order_id, now(), now() FROM s`.execute(db);
    if (to % 2000 === 0 || to === orders) process.stdout.write(`\r(set-up: ${(to * perOrder).toLocaleString('en-US')} of ${STORED.toLocaleString('en-US')} units)`);
  }
  await sql`VACUUM ANALYZE`.execute(db);
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM serial_units`.execute(db);
  console.log(`\n(set-up: ${n.rows[0].n.toLocaleString('en-US')} units stored in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

const SCANS = 300;
await call('POST', '/orders', { orderNumber: 'SCAN-1', type: 'B2C', customer: { name: 'Scanner' }, lines: [{ sku: 'REG-1', quantity: SCANS }] });
const accepted: number[] = [];
for (let i = 0; i < SCANS; i += 1) accepted.push((await call('POST', '/orders/SCAN-1/scans', { data: `NEW${i}`, sku: 'REG-1' })).server);
const refused: number[] = [];
for (let i = 0; i < 100; i += 1) {
  const serial = `S${String(1 + Math.floor((i * STORED) / 100)).padStart(9, '0')}`;
  const res = await call('POST', '/orders/SCAN-1/serials', { sku: 'REG-1', serial }, false);
  if (res.json.error?.code !== 'SERIAL_ALREADY_SHIPPED' && res.json.error?.code !== 'LINE_FULLY_SERIALIZED') {
    throw new Error(`expected SERIAL_ALREADY_SHIPPED for ${serial}, got ${JSON.stringify(res.json)}`);
  }
  refused.push(res.server);
}
// The floor under any write: plain PostgreSQL committing one one-row INSERT (the commit waits for
// the WAL to reach the disk, as every capture's does).
await sql`CREATE TABLE plain_commit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, serial text)`.execute(db);
const commits: number[] = [];
for (let i = 0; i < 300; i += 1) {
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO plain_commit (serial) VALUES (${`C${i}`})`.execute(trx);
  });
  commits.push(performance.now() - started);
}
console.log(`plain PostgreSQL, BEGIN + one-row INSERT + COMMIT from the bench process: median ${ms(quantile(commits, 0.5))}, p95 ${ms(quantile(commits, 0.95))}`);
const stored = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM serial_units`.execute(db)).rows[0].n;
console.log(
  `single station scans with ${stored.toLocaleString('en-US')} units stored: accepted median ${ms(quantile(accepted, 0.5))}, p95 ${ms(quantile(accepted, 0.95))}, p99 ${ms(quantile(accepted, 0.99))} of server time (${SCANS} scans)`,
);
console.log(`refused as shipped elsewhere: median ${ms(quantile(refused, 0.5))}, p95 ${ms(quantile(refused, 0.95))} (100 scans)`);

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await handle.close();
await postgres.stop();
rmSync(dir, { recursive: true, force: true });
