/**
 * Benchmark for the core paths, against a real server process on embedded PostgreSQL:
 *  1. capture 10,000 serials of one order in one batch request, then ship it (server time per unit),
 *     side by side with plain PostgreSQL inserting the same rows (multi-row INSERT and COPY);
 *  2. export a 1,000,000-row Serial Number Report as CSV over HTTP (rows/s and the server's peak
 *     memory), side by side with plain PostgreSQL running the same COPY.
 * Run alone: node bin/run-ts.js bench/capture-and-report.bench.ts [--rows 1000000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { openDatabase } from '../src/storage/database.ts';
import { freePort, startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { createTenant } from '../src/services/tenants.service.ts';

const REPORT_ROWS = Number(process.argv[process.argv.indexOf('--rows') + 1]) || 1_000_000;
const UNITS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);
const { db, pool } = handle;
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
  const started = performance.now();
  const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const wall = performance.now() - started;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  const server = Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]);
  return { wall, server, json: JSON.parse(text) };
}

const status = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  console.log(line);
};

// ---- 1. capture and ship 10,000 units --------------------------------------------------------
await call('POST', '/products', { sku: 'BENCH-1', name: 'Bench product', needsSerialNumber: true });
await call('POST', '/orders', { orderNumber: 'BIG-1', type: 'B2B', customer: { name: 'Big customer' }, lines: [{ sku: 'BENCH-1', quantity: UNITS }] });
const items = Array.from({ length: UNITS }, (_, i) => ({ sku: 'BENCH-1', serial: `SN${String(i).padStart(8, '0')}`, scanned: true }));
const capture = await call('POST', '/orders/BIG-1/serials/batch', { items });
const ship = await call('POST', '/orders/BIG-1/ship', { carrier: 'DHL' });
say(`capture ${UNITS} serials in one request: server ${capture.server.toFixed(0)} ms (${((capture.server * 1000) / UNITS).toFixed(1)} µs/unit), round trip ${capture.wall.toFixed(0)} ms`);
say(`ship the ${UNITS}-unit order: server ${ship.server.toFixed(0)} ms (${((ship.server * 1000) / UNITS).toFixed(1)} µs/unit)`);
say(`capture + ship: ${(((capture.server + ship.server) * 1000) / UNITS).toFixed(1)} µs of server time per unit`);

// A packer scanning one unit at a time into a large order: each scan must stay quick at the end too.
await call('POST', '/orders', { orderNumber: 'BIG-2', type: 'B2B', customer: { name: 'Big customer' }, lines: [{ sku: 'BENCH-1', quantity: UNITS }] });
await call('POST', '/orders/BIG-2/serials/batch', { items: items.slice(0, UNITS - 20).map((it) => ({ ...it, serial: `B2-${it.serial}` })) });
const single: number[] = [];
for (let i = UNITS - 20; i < UNITS; i += 1) {
  single.push((await call('POST', '/orders/BIG-2/serials', { sku: 'BENCH-1', serial: `B2-${items[i].serial}`, scanned: true })).server);
}
single.sort((a, b) => a - b);
say(`single scans into an order already holding ${UNITS - 20} serials: median ${single[10].toFixed(1)} ms, slowest ${single[19].toFixed(1)} ms of server time`);

// Plain PostgreSQL doing the same inserts: the capture, the unit and the history event per serial.
await sql`
  CREATE TABLE plain_captures (LIKE order_serials INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES);
  CREATE TABLE plain_units (LIKE serial_units INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES);
  CREATE TABLE plain_events (LIKE serial_events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES);
`.execute(db);
const client = await pool.connect();
const now = new Date().toISOString();
{
  const started = performance.now();
  await client.query('BEGIN');
  for (let i = 0; i < UNITS; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    const rows = (f: (s: string, n: number) => string) => chunk.map((it, j) => f(it.serial, i + j)).join(',');
    await client.query(
      `INSERT INTO plain_captures (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by) VALUES ${rows((s) => `('${tenantId}', 1, 1, 1, '${s}', true, false, 'sku', '${now}', 'bench')`)}`,
    );
    await client.query(
      `INSERT INTO plain_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at) VALUES ${rows((s) => `('${tenantId}', 1, '${s}', 'packed', 1, '${now}', '${now}')`)}`,
    );
    await client.query(
      `INSERT INTO plain_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor) VALUES ${rows((s) => `('${tenantId}', 1, '${s}', 'packed', 1, '${now}', 'bench')`)}`,
    );
  }
  await client.query('COMMIT');
  say(`plain PostgreSQL, multi-row INSERT of the same ${UNITS} captures + units + events: ${(performance.now() - started).toFixed(0)} ms (${(((performance.now() - started) * 1000) / UNITS).toFixed(1)} µs/unit)`);
}
{
  await client.query('TRUNCATE plain_captures, plain_units, plain_events');
  const started = performance.now();
  await client.query('BEGIN');
  const copy = async (statement: string, line: (s: string) => string) => {
    const stream = client.query(copyFrom(statement));
    await pipeline(async function* () {
      for (let i = 0; i < UNITS; i += 1000) yield items.slice(i, i + 1000).map((it) => line(it.serial)).join('');
    }, stream);
  };
  await copy(`COPY plain_captures (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by) FROM STDIN`, (s) => `${tenantId}\t1\t1\t1\t${s}\tt\tf\tsku\t${now}\tbench\n`);
  await copy(`COPY plain_units (tenant_id, product_id, serial, status, order_id, first_seen_at, updated_at) FROM STDIN`, (s) => `${tenantId}\t1\t${s}\tpacked\t1\t${now}\t${now}\n`);
  await copy(`COPY plain_events (tenant_id, product_id, serial, type, order_id, occurred_at, actor) FROM STDIN`, (s) => `${tenantId}\t1\t${s}\tpacked\t1\t${now}\tbench\n`);
  await client.query('COMMIT');
  say(`plain PostgreSQL, COPY of the same ${UNITS} captures + units + events: ${(performance.now() - started).toFixed(0)} ms (${(((performance.now() - started) * 1000) / UNITS).toFixed(1)} µs/unit)`);
}

// ---- 2. a 1,000,000-row report ---------------------------------------------------------------
// Data set-up is not what is measured: shipped orders of 1,000 units each, written with SQL.
{
  const started = performance.now();
  const perOrder = 1000;
  const orders = Math.ceil(REPORT_ROWS / perOrder);
  await sql`
    INSERT INTO orders (tenant_id, order_number, type, status, customer_name, customer_email, shipped_at)
    SELECT ${tenantId}::uuid, 'R-' || g, CASE WHEN g % 3 = 0 THEN 'B2B' ELSE 'B2C' END, 'shipped',
           'Customer ' || g, 'c' || g || '@example.com', now() - (g || ' minutes')::interval
    FROM generate_series(1, ${orders}) g`.execute(db);
  await sql`
    INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity)
    SELECT o.tenant_id, o.id, 1, p.id, ${perOrder} FROM orders o, products p
    WHERE o.tenant_id = ${tenantId}::uuid AND o.order_number LIKE 'R-%' AND p.sku = 'BENCH-1'`.execute(db);
  await sql`
    INSERT INTO order_serials (tenant_id, order_id, line_no, product_id, serial, scanned, unique_in_order, unique_scope, captured_at, captured_by)
    SELECT l.tenant_id, l.order_id, 1, l.product_id, 'R' || l.order_id || '-' || s, s % 2 = 0, false, 'sku', now(), 'bench'
    FROM order_lines l, generate_series(1, ${perOrder}) s
    WHERE l.tenant_id = ${tenantId}::uuid AND l.quantity = ${perOrder} AND l.order_id IN (SELECT id FROM orders WHERE order_number LIKE 'R-%')`.execute(db);
  await sql`ANALYZE`.execute(db);
  console.log(`(set-up: ${orders} shipped orders, ${orders * perOrder} serials in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

const rssBefore = status(server.pid!, 'VmRSS');
let peak = rssBefore;
const sampler = setInterval(() => {
  peak = Math.max(peak, status(server.pid!, 'VmRSS'));
}, 20);
let bytes = 0;
let lines = 0;
const started = performance.now();
const res = await fetch(`${base}/api/v1/reports/serial-numbers?format=csv`, { headers });
await pipeline(
  res.body as unknown as AsyncIterable<Uint8Array>,
  new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i += 1) if (chunk[i] === 10) lines += 1;
      done();
    },
  }),
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const rows = lines - 1;
say(`report CSV over HTTP: ${rows} rows, ${(bytes / 1048576).toFixed(0)} MiB in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
say(`server memory (RSS): ${rssBefore.toFixed(0)} MiB before the export, peak ${peak.toFixed(0)} MiB during it (+${(peak - rssBefore).toFixed(0)} MiB)`);

{
  const started = performance.now();
  let n = 0;
  const stream = client.query(
    copyTo(`COPY (SELECT s.serial, p.sku, p.name, o.order_number, o.type, o.customer_name, o.customer_email, o.customer_company, o.shipped_at, s.scanned
      FROM orders o JOIN order_serials s ON s.tenant_id = o.tenant_id AND s.order_id = o.id
      JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
      WHERE o.tenant_id = '${tenantId}' AND o.status = 'shipped' ORDER BY o.shipped_at, o.id, s.id) TO STDOUT WITH (FORMAT csv)`),
  );
  for await (const chunk of stream as AsyncIterable<Buffer>) for (let i = 0; i < chunk.length; i += 1) if (chunk[i] === 10) n += 1;
  const s = (performance.now() - started) / 1000;
  say(`plain PostgreSQL, the same COPY ... TO STDOUT straight to a client: ${n} rows in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en-US')} rows/s`);
}

client.release();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await handle.close();
await postgres.stop();
rmSync(dir, { recursive: true, force: true });
