/**
 * Receiving on a real PostgreSQL (embedded, in a temporary folder, removed afterwards):
 *   node bin/run-ts.js bench/receiving.bench.ts [count]
 *  1. one receipt of `count` (default 100,000) new serials through the service: judged, registered
 *     in stock with a received event each, and recorded in the receipt (set-based: a few statements);
 *  2. the same serials again in a second receipt: every one judged "already in stock";
 *  3. a CSV import of `count` rows, one receipt, over HTTP (the server in this process, on loopback);
 *  4. an advance notice of 50,000 units, a 50,000-serial JSON receipt against it (the most one
 *     request takes), and the notice's progress (matched, missing, unexpected with lists);
 *  5. single station scans into an open receipt of that notice (each answers the notice's counts).
 * Figures are kept in docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/http/app.ts';
import { createProduct } from '../src/services/products.service.ts';
import { createReceipt } from '../src/services/receiving.service.ts';
import { createTenant } from '../src/services/tenants.service.ts';
import { openDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const count = Number(process.argv[2] ?? 100_000);
const NOTICE_UNITS = 50_000;
const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-receiving-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);

const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en-US')} serials/s`;
function line(label: string, n: number, ms: number): void {
  console.log(`${label.padEnd(58)} ${n.toLocaleString('en-US').padStart(8)}  ${(ms / 1000).toFixed(2).padStart(6)} s  ${rate(n, ms).padStart(18)}`);
}
const serials = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);

try {
  await migrateToLatest(handle);
  const { tenantId, apiKey } = await createTenant(handle.db, { name: 'Bench' });
  const actor = { tenantId, id: 'bench', role: 'admin' } as const;
  await createProduct(handle.db, actor, { sku: 'BENCH-1', name: 'Bench product', needsSerialNumber: true, serialFormat: 'SN{9:9}' });
  console.log(`node ${process.version}, ${cpus().length} CPUs, embedded PostgreSQL`);

  // 1 and 2: the service, one receipt of `count` serials
  const first = serials('SN1', count);
  let start = performance.now();
  const received = await createReceipt(handle.db, actor, { reference: 'DN-1', lines: [{ sku: 'BENCH-1', serials: first }] }, { maxSerials: count });
  line('one receipt, new serials (service)', received.received, performance.now() - start);
  start = performance.now();
  const again = await createReceipt(handle.db, actor, { reference: 'DN-2', lines: [{ sku: 'BENCH-1', serials: first }] }, { maxSerials: count });
  line('the same serials again: all already in stock (service)', again.alreadyInStock, performance.now() - start);

  // 3: CSV import over HTTP
  const app = await buildApp({ db: handle.db, pool: handle.pool });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1`;
  const auth = { authorization: `Bearer ${apiKey}` };
  const csv = `reference,sku,serial\n${serials('SN9', count).map((s) => `DN-3,BENCH-1,${s}`).join('\n')}\n`;
  start = performance.now();
  const imported = await fetch(`${base}/receipts/import`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
  const importBody = (await imported.json()) as { received: number };
  if (!imported.ok) throw new Error(`import: ${imported.status} ${JSON.stringify(importBody).slice(0, 500)}`);
  line(`CSV import, one receipt, over HTTP (${(csv.length / 1024 / 1024).toFixed(1)} MiB)`, importBody.received, performance.now() - start);

  // 4: a notice and a receipt against it
  const json = (body: unknown) => ({ method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const expected = serials('SN7', NOTICE_UNITS);
  start = performance.now();
  const notice = await fetch(`${base}/receipts/notices`, json({ reference: 'ASN-1', lines: [{ sku: 'BENCH-1', serials: expected }] }));
  if (!notice.ok) throw new Error(`notice: ${notice.status} ${await notice.text()}`);
  await notice.arrayBuffer();
  line('advance notice over HTTP (JSON)', NOTICE_UNITS, performance.now() - start);
  const scannedSerials = [...expected.slice(0, NOTICE_UNITS - 1000), ...serials('SN6', 1000)];
  start = performance.now();
  const receipt = await fetch(`${base}/receipts`, json({ noticeReference: 'ASN-1', lines: [{ sku: 'BENCH-1', serials: scannedSerials }] }));
  const receiptBody = (await receipt.json()) as { received: number; notice: { totals: Record<string, number> } };
  if (!receipt.ok) throw new Error(`receipt: ${receipt.status} ${JSON.stringify(receiptBody).slice(0, 300)}`);
  line('receipt against the notice over HTTP (JSON, answer with lists)', receiptBody.received, performance.now() - start);
  console.log(`  notice totals: ${JSON.stringify(receiptBody.notice.totals)}`);
  const gets: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    start = performance.now();
    const res = await fetch(`${base}/receipts/notices/ASN-1`, { headers: auth });
    await res.arrayBuffer();
    gets.push(performance.now() - start);
  }
  gets.sort((a, b) => a - b);
  console.log(`GET the notice's progress (${NOTICE_UNITS.toLocaleString('en-US')} expected, lists of 1,000): median ${gets[2].toFixed(0)} ms`);

  // 5: station scans
  const open = (await (await fetch(`${base}/receipts`, json({ noticeReference: 'ASN-1', open: true }))).json()) as { id: string };
  const scans: number[] = [];
  for (const serial of expected.slice(NOTICE_UNITS - 1000, NOTICE_UNITS - 900)) {
    start = performance.now();
    const res = await fetch(`${base}/receipts/${open.id}/scans`, json({ data: serial, scanned: true }));
    if (res.status !== 201) throw new Error(`scan: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    scans.push(performance.now() - start);
  }
  scans.sort((a, b) => a - b);
  console.log(
    `station scans into a receipt of that notice (each answers its counts): median ${scans[50].toFixed(1)} ms, slowest ${scans[99].toFixed(1)} ms (100 scans)`,
  );
  await app.close();
} finally {
  await handle.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
