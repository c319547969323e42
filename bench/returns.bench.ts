/**
 * Benchmark of return verdicts against a large registry, through a real server process on embedded
 * PostgreSQL: 1,000,000 units shipped in 1,000 orders (1,000 each, each order its own customer),
 * then returns of 1, 100 and 1,000 units, a mismatch, a scan without SKU, and a restock. Prints the
 * server's own time (Server-Timing) per request.
 * Run alone: node bin/run-ts.js bench/returns.bench.ts [--units 1000000]
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

const UNITS = Number(process.argv[process.argv.indexOf('--units') + 1]) || 1_000_000;
const PER_ORDER = 1000;
const ORDERS = Math.ceil(UNITS / PER_ORDER);

const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);
const { db } = handle;
await migrateToLatest(handle);
const { tenantId, apiKey } = await createTenant(db, { name: 'Bench' });

const port = await freePort();
const server = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], {
  env: { ...process.env, DATABASE_URL: postgres.connectionString, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => server.kill('SIGTERM'));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i += 1) {
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  if (i > 200) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { server: Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]), json: JSON.parse(text) };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const slowest = (xs: number[]) => Math.max(...xs);

const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  console.log(line);
};

// ---- set-up, with SQL: not what is measured ------------------------------------------------------
await call('POST', '/products', { sku: 'CAM', name: 'Camera', gtin: '09501101530003', needsSerialNumber: true });
await call('POST', '/products', { sku: 'LENS', name: 'Lens', needsSerialNumber: true });
{
  const started = performance.now();
  await sql`
    INSERT INTO orders (tenant_id, order_number, type, status, customer_name, customer_email, shipped_at)
    SELECT ${tenantId}::uuid, 'SO-' || g, 'B2C', 'shipped', 'Customer ' || g, 'c' || g || '@example.com', now()
    FROM generate_series(1, ${ORDERS}) g`.execute(db);
  await sql`
    INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity)
    SELECT o.tenant_id, o.id, 1, p.id, ${PER_ORDER} FROM orders o, products p
    WHERE o.tenant_id = ${tenantId}::uuid AND p.sku = 'CAM'`.execute(db);
  await sql`
    INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
    SELECT l.tenant_id, l.order_id, 1, l.product_id, 'SN' || lpad(l.order_id::text, 6, '0') || '-' || lpad(s::text, 4, '0'), true, false, 'sku', now(), 'bench'
    FROM order_lines l, generate_series(1, ${PER_ORDER}) s WHERE l.tenant_id = ${tenantId}::uuid`.execute(db);
  await sql`
    INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at)
    SELECT tenant_id, product_id, serial, 'shipped', order_id, now(), now() FROM order_serials WHERE tenant_id = ${tenantId}::uuid`.execute(db);
  await sql`ANALYZE`.execute(db);
  say(`(set-up: ${ORDERS} shipped orders, ${ORDERS * PER_ORDER} units in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
const ids = await sql<{ id: number; order_number: string }>`SELECT id, order_number FROM orders WHERE tenant_id = ${tenantId}::uuid ORDER BY id`.execute(db);
const orders = ids.rows;
const serial = (order: { id: number }, n: number) => `SN${String(order.id).padStart(6, '0')}-${String(n).padStart(4, '0')}`;

// ---- 1. one unit per return, the right serial --------------------------------------------------
{
  const times: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const order = orders[i];
    const res = await call('POST', '/returns', { orderNumber: order.order_number, items: [{ sku: 'CAM', serial: serial(order, 1) }] });
    if (res.json.items[0].verdict !== 'match') throw new Error(`expected a match, got ${res.json.items[0].verdict}`);
    if (i >= 5) times.push(res.server); // the first few warm the server's caches
  }
  say(`return of 1 unit (match), registry of ${UNITS.toLocaleString('en-US')} units: median ${median(times).toFixed(1)} ms, slowest ${slowest(times).toFixed(1)} ms of server time (${times.length} returns)`);
}

// ---- 2. a mismatch: a unit that shipped to another customer -------------------------------------
{
  const times: number[] = [];
  for (let i = 0; i < 30; i += 1) {
    const order = orders[100 + i];
    const other = orders[500 + i];
    const res = await call('POST', '/returns', { orderNumber: order.order_number, items: [{ sku: 'CAM', serial: serial(other, 2) }] });
    if (res.json.items[0].verdict !== 'shipped_to_other_customer') throw new Error(`unexpected ${res.json.items[0].verdict}`);
    times.push(res.server);
  }
  say(`return of 1 unit shipped to another customer (held, quarantined): median ${median(times).toFixed(1)} ms, slowest ${slowest(times).toFixed(1)} ms`);
}

// ---- 3. a scan without SKU, and a GS1 scan -------------------------------------------------------
{
  const plain: number[] = [];
  const gs1: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const order = orders[200 + i];
    plain.push((await call('POST', '/returns', { orderNumber: order.order_number, items: [{ scan: serial(order, 3) }] })).server);
    gs1.push((await call('POST', '/returns', { orderNumber: order.order_number, items: [{ scan: `(01)09501101530003(21)${serial(order, 4)}` }] })).server);
  }
  say(`return of 1 unit from a plain scan (SKU found from the registry): median ${median(plain).toFixed(1)} ms; from a GS1 scan: median ${median(gs1).toFixed(1)} ms`);
}

// ---- 4. restock ----------------------------------------------------------------------------------
{
  const times: number[] = [];
  const list = await call('GET', '/returns?disposition=pending&limit=30');
  for (const r of list.json.items.slice(0, 20)) times.push((await call('POST', `/returns/${r.id}/items/0/restock`, {})).server);
  say(`restock of a returned unit: median ${median(times).toFixed(1)} ms, slowest ${slowest(times).toFixed(1)} ms`);
}

// ---- 5. large returns: 100 and 1,000 units in one request ---------------------------------------
for (const size of [100, 1000]) {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const order = orders[300 + i + (size === 1000 ? 10 : 0)];
    const items = Array.from({ length: size }, (_, n) => ({ sku: 'CAM', serial: serial(order, PER_ORDER - n) }));
    const res = await call('POST', '/returns', { orderNumber: order.order_number, items });
    if (res.json.items.some((it: { verdict: string }) => it.verdict !== 'match')) throw new Error('expected matches');
    times.push(res.server);
  }
  say(`return of ${size} units in one request: median ${median(times).toFixed(0)} ms (${((median(times) * 1000) / size).toFixed(0)} µs/unit), slowest ${slowest(times).toFixed(0)} ms`);
}

// ---- 6. what any request costs here: a plain read through the same server ----------------------
{
  const times: number[] = [];
  const recent = (await call('GET', '/returns?limit=30')).json.items as Array<{ id: number }>;
  for (const r of recent) times.push((await call('GET', `/returns/${r.id}`)).server);
  say(`baseline, a read through the same server (GET /returns/<id>, key check and two statements): median ${median(times).toFixed(1)} ms`);
}

// ---- 6b. what any write costs here: a bare transaction that locks an order and writes one row -----
{
  await sql`CREATE TABLE bench_baseline (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL)`.execute(db);
  const times: number[] = [];
  for (let i = 0; i < 30; i += 1) {
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM orders WHERE tenant_id = ${tenantId}::uuid AND id = ${orders[900].id}::bigint FOR UPDATE`.execute(trx);
      await sql`INSERT INTO bench_baseline (at) VALUES (now())`.execute(trx);
    });
    times.push(performance.now() - started);
  }
  say(`baseline, a bare write transaction (lock an order, insert a row, commit) from this process: median ${median(times).toFixed(1)} ms`);
}

// ---- 7. the read behind a verdict, as PostgreSQL runs it ----------------------------------------
{
  const order = orders[700];
  const plan = await sql<{ 'QUERY PLAN': string }>`
    EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON)
    SELECT u.product_id, u.serial, u.status,
           EXISTS (SELECT 1 FROM order_serials s WHERE s.tenant_id = u.tenant_id AND s.order_id = ${order.id}::bigint AND s.serial = u.serial AND s.product_id = u.product_id AND s.unit_active) AS active_here
    FROM serial_units u JOIN products p ON p.tenant_id = u.tenant_id AND p.id = u.product_id
    LEFT JOIN orders o ON o.tenant_id = u.tenant_id AND o.id = u.order_id
    WHERE u.tenant_id = ${tenantId}::uuid AND u.serial = any(${[serial(order, 1), serial(order, 2), serial(orders[800], 1)]}::text[])`.execute(db);
  const lines = plan.rows.map((r) => r['QUERY PLAN']);
  const uses = lines.filter((l) => /Index (Only )?Scan/.test(l)).map((l) => l.trim().replace(/\s+\(actual.*$/, ''));
  say(`the units read for 3 serials: ${lines.find((l) => l.startsWith('Execution Time'))?.trim()}; ${[...new Set(uses)].join('; ')}`);
}

console.log(`\n${out.join('\n')}`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await handle.close();
await postgres.stop();
rmSync(dir, { recursive: true, force: true });
