/**
 * Serial generation through the service, on a real PostgreSQL:
 *   node bin/run-ts.js bench/generation.bench.ts [count]
 * Starts its own embedded PostgreSQL in a temporary folder (removed afterwards), migrates it, and
 * generates and registers `count` (default 1,000,000) sequential serials in one call: counter
 * reservation, serial_units rows and one serial_events row each, in chunks of 10,000, one
 * transaction. Then a tenth as many random serials. Figures are kept in docs/serial-formats.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSerials } from '../src/services/generation.service.ts';
import { createProduct } from '../src/services/products.service.ts';
import { createTenant } from '../src/services/tenants.service.ts';
import { openDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-generation-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);

function line(label: string, n: number, ms: number): void {
  const seconds = ms / 1000;
  console.log(`${label.padEnd(44)} ${n.toLocaleString('en-US').padStart(10)} serials  ${seconds.toFixed(2).padStart(7)} s  ${Math.round(n / seconds).toLocaleString('en-US').padStart(9)} serials/s`);
}

try {
  await migrateToLatest(handle);
  const { tenantId } = await createTenant(handle.db, { name: 'Bench' });
  const actor = { tenantId, id: 'bench', role: 'admin' } as const;
  const sequence = await createProduct(handle.db, actor, { sku: 'BENCH-SEQ', name: 'Bench sequence', serialFormat: 'SN-{YYYY}-{#:8}' });
  const random = await createProduct(handle.db, actor, { sku: 'BENCH-RND', name: 'Bench random', serialFormat: '{X:12}' });

  console.log(`node ${process.version}, ${cpus().length} CPUs, embedded PostgreSQL, chunks of 10,000 in one transaction`);

  let start = performance.now();
  const seq = await generateSerials(handle.db, actor, { sku: sequence.sku, count, mode: 'sequence', year: 2026 });
  line(`sequence  ${sequence.serialFormat}`, seq.count, performance.now() - start);
  if (seq.count !== count || seq.first !== 'SN-2026-00000001') throw new Error(`unexpected result ${seq.first} .. ${seq.last}`);

  const small = Math.max(1, Math.round(count / 10));
  start = performance.now();
  const more = await generateSerials(handle.db, actor, { sku: sequence.sku, count: small, mode: 'sequence', year: 2026 });
  line(`sequence  ${sequence.serialFormat} (continued)`, more.count, performance.now() - start);

  start = performance.now();
  const rnd = await generateSerials(handle.db, actor, { sku: random.sku, count: small, mode: 'random' });
  line(`random    ${random.serialFormat}`, rnd.count, performance.now() - start);

  start = performance.now();
  const rnd2 = await generateSerials(handle.db, actor, { sku: random.sku, count: small, mode: 'random' });
  line(`random    ${random.serialFormat} (against ${small.toLocaleString('en-US')} registered)`, rnd2.count, performance.now() - start);
} finally {
  await handle.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
