/**
 * Benchmark for recalls over many shipped units, through the services on embedded PostgreSQL:
 *  1. preview (select and count: units per status, orders, customers) of a recall over every one
 *     of N shipped units, by a serial range and by ship dates; and of narrow selections (a lot, a
 *     five-serial range);
 *  2. save it: hold every unit (one statement: hold, recall_units rows, one event per unit);
 *  3. its progress and its contact list (CSV through COPY) once saved.
 * Every figure is wall time and the CPU time PostgreSQL spent (its backend and parallel workers),
 * with the load average: this machine is shared, and the CPU time is what a quiet one would spend.
 * Run alone: node bin/run-ts.js bench/recalls.bench.ts [--units 10000000] [--per-order 1000] [--preview-only]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { Actor } from '../src/core/model.ts';
import { createProduct } from '../src/services/products.service.ts';
import { createRecall, getRecall, previewRecall, recallCustomersCsv } from '../src/services/recalls.service.ts';
import { createTenant } from '../src/services/tenants.service.ts';
import { openDatabase } from '../src/storage/database.ts';
import { startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const UNITS = arg('--units', 10_000_000);
const PER_ORDER = arg('--per-order', 1000);

const dir = mkdtempSync(join(tmpdir(), 'unitrace-bench-recalls-'));
const postgres = await startEmbeddedPostgres(dir);
const handle = openDatabase(postgres.connectionString);
const { db, pool } = handle;
await migrateToLatest(handle);
const { tenantId } = await createTenant(db, { name: 'Bench' });
const actor: Actor = { tenantId, id: 'bench', role: 'admin' };
await createProduct(db, actor, { sku: 'HEAT-1', name: 'Heater', needsSerialNumber: true });

// CPU seconds of this PostgreSQL: the postmaster (whose children's time, parallel workers included,
// is added to it when they end) and its live children.
const postmaster = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
function pgCpu(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    if (pid !== postmaster && Number(f[1]) !== postmaster) continue;
    ticks += Number(f[11]) + Number(f[12]) + (pid === postmaster ? Number(f[13]) + Number(f[14]) : 0);
  }
  return ticks / 100;
}

async function measure<T>(label: string, run: () => Promise<T>, describe: (r: T) => string = () => ''): Promise<T> {
  const cpu0 = pgCpu();
  const started = performance.now();
  const result = await run();
  const wall = (performance.now() - started) / 1000;
  const cpu = pgCpu() - cpu0;
  console.log(
    `${label.padEnd(52)} ${wall.toFixed(2).padStart(7)} s wall ${cpu.toFixed(2).padStart(7)} s PostgreSQL CPU  load ${loadavg()[0].toFixed(1)}  ${describe(result)}`,
  );
  return result;
}

// ---- set-up (not measured): N shipped units in orders of PER_ORDER, two orders per customer -----
{
  const started = performance.now();
  const orders = Math.ceil(UNITS / PER_ORDER);
  const customers = Math.max(1, Math.floor(orders / 2));
  await sql`
    INSERT INTO orders (tenant_id, order_number, type, status, customer_name, customer_email, shipped_at)
    SELECT ${tenantId}::uuid, 'R-' || g, 'B2C', 'shipped', 'Customer ' || (g % ${customers}), 'c' || (g % ${customers}) || '@example.com',
           timestamptz '2026-01-01' + (((g::bigint * 86400 * 300) / ${orders}) || ' seconds')::interval
    FROM generate_series(1, ${orders}) g`.execute(db);
  // Build the secondary indexes after the rows, as a restore would: the same definitions, faster.
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'serial_units' AND indexname <> 'serial_units_pkey'`.execute(db);
  for (const index of indexes.rows) await sql.raw(`DROP INDEX ${index.indexname}`).execute(db);
  const product = await sql<{ id: number }>`SELECT id FROM products WHERE tenant_id = ${tenantId}::uuid`.execute(db);
  const first = await sql<{ id: number }>`SELECT min(id) AS id FROM orders WHERE tenant_id = ${tenantId}::uuid`.execute(db);
  for (let from = 1; from <= UNITS; from += 1_000_000) {
    await sql`
      INSERT INTO serial_units (tenant_id, product_id, serial, status, order_id, lot, first_seen_at, updated_at)
      SELECT ${tenantId}::uuid, ${product.rows[0].id}::bigint, 'HT' || lpad(g::text, 9, '0'), 'shipped',
             ${first.rows[0].id}::bigint + (g - 1) / ${PER_ORDER}, 'LOT' || (g / 100000), now(), now()
      FROM generate_series(${from}::bigint, ${Math.min(UNITS, from + 999_999)}::bigint) g`.execute(db);
  }
  for (const index of indexes.rows) await sql.raw(index.indexdef).execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
  console.log(
    `(set-up: ${UNITS.toLocaleString('en')} shipped units in ${orders.toLocaleString('en')} orders of ${customers.toLocaleString('en')} customers, in ${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

// ---- 1. preview --------------------------------------------------------------------------------
const all = { sku: 'HEAT-1', ranges: [{ from: 'HT1', to: `HT${UNITS}` }] };
const counted = (r: { units: number; orders: number; customers: number }) =>
  `${r.units.toLocaleString('en')} units, ${r.orders.toLocaleString('en')} orders, ${r.customers.toLocaleString('en')} customers`;
for (let run = 1; run <= 3; run += 1) {
  await measure(`preview, range over all units (run ${run})`, () => previewRecall(db, actor, all), counted);
  await measure(`preview, ship dates over all units (run ${run})`, () => previewRecall(db, actor, { sku: 'HEAT-1', shippedFrom: '2026-01-01', shippedTo: '2026-12-31' }), counted);
}
await measure('preview, one lot (99,999 units)', () => previewRecall(db, actor, { sku: 'HEAT-1', lot: 'LOT0' }), counted);
await measure('preview, range HT998-HT1002 (5 units)', () => previewRecall(db, actor, { sku: 'HEAT-1', ranges: [{ from: 'HT998', to: 'HT1002' }] }), counted);

if (process.argv.includes('--preview-only')) {
  await handle.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// ---- 2. save: hold every unit -----------------------------------------------------------------
const recall = await measure(
  `save, holding all ${UNITS.toLocaleString('en')} units`,
  () => createRecall(db, actor, { name: 'Bench recall', reason: 'bench', ...all }),
  (r) => `${r.unitCount.toLocaleString('en')} units held`,
);
const perUnit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM serial_events WHERE type = 'recalled'`.execute(db);
console.log(`(${perUnit.rows[0].n.toLocaleString('en')} recalled events written)`);

// ---- 3. progress and contact list ---------------------------------------------------------------
// Right after the save every unit row is new and unvacuumed (the first reads also set its hint
// bits); autovacuum would soon tidy it. Measured both ways.
const progress = (label: string) =>
  measure(label, () => getRecall(db, actor, recall.id), (r) => `outstanding ${r.progress.outstanding.toLocaleString('en')}`);
const contactList = (label: string) =>
  measure(
    label,
    async () => {
      const { rows } = await recallCustomersCsv(db, pool, actor, recall.id);
      let bytes = 0;
      let lines = 0;
      await pipeline(
        rows,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            for (const b of chunk) if (b === 10) lines += 1;
            done();
          },
        }),
      );
      return { bytes, lines };
    },
    (r) => `${r.lines.toLocaleString('en')} customers, ${(r.bytes / 2 ** 20).toFixed(0)} MiB`,
  );
await progress('progress, right after the save');
await progress('progress, again');
await measure('(VACUUM ANALYZE)', () => sql`VACUUM ANALYZE`.execute(db));
await progress('progress, after VACUUM');
await contactList('contact list CSV (COPY), after VACUUM');

await handle.close();
await postgres.stop();
rmSync(dir, { recursive: true, force: true });
