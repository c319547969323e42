/**
 * Soak test: a real `unitrace serve` process on a fresh embedded PostgreSQL, driven by several
 * concurrent clients with mixed traffic for a bounded time, its memory sampled throughout. After a
 * warm-up the server's memory must be flat; the run fails (exit 1) when it is not, when any request
 * gets a 5xx or an answer other than the one the scenario expects, or when the server dies. The
 * server and its PostgreSQL are always stopped and the data folder removed.
 *
 *   npm run soak                                   10 minutes, 4 clients
 *   npm run soak -- --minutes 0.5                  a short smoke (env SOAK_MINUTES works too)
 *
 * Options (each also as env SOAK_<NAME>, e.g. SOAK_CLIENTS=6):
 *   --minutes N        how long traffic runs (default 10)
 *   --warmup N         minutes of warm-up left out of the verdict (default 2, at most half the run)
 *   --clients N        concurrent clients (default 4)
 *   --sample N         seconds between memory samples (default 10, less for short runs)
 *   --max-slope N      most RSS growth after warm-up, MiB per minute, by least squares (default 2)
 *   --max-growth N     most the end level of RSS may be above the post-warm-up level, MiB (default 32)
 *   --max-heap-slope N most live-heap growth after warm-up, MiB per minute (default 0.5)
 *   --mix a=N,b=M      scenario weights (packOrder lookUp report epcis labels webUser catalogue browse badRequest)
 *   --snapshots DIR    write V8 heap snapshots of the server there after warm-up and at the end
 *                      (compare them with bench/heap-diff.ts). Writing one leaves the server's RSS
 *                      about 200 MiB higher for good (the writer's malloc'd memory stays in glibc's
 *                      arenas), so with snapshots only the heap is judged, not RSS.
 *   --keep             keep the data folder (its path is printed)
 *
 * Memory: RSS (and its anonymous part) comes from /proc/<pid>/status of the server process (node;
 * its PostgreSQL is a separate process and not counted). The heap comes from the server itself:
 * UNITRACE_MEMORY_LOG_MS makes it print process.memoryUsage(), and the soak starts it with
 * --expose-gc so that each sample follows a full collection (heapUsed is then the live heap).
 *
 * The verdict, over the samples after warm-up: the least-squares slope of the RSS floor (see
 * Sample) at most --max-slope MiB/min; the end level (median of the last minute's samples) at most
 * --max-growth MiB above the post-warm-up level (median of the first minute's after warm-up); the
 * slope of the live heap at most --max-heap-slope MiB/min. The RSS limits are wide because V8 sizes
 * its heap with the load (heapTotal moved between 80 and 120 MiB in a 10-minute run, and the RSS
 * floor with it); the live heap is steady to about 1 MiB, so its limit is tight. Runs whose
 * post-warm-up window is under 2 minutes (smoke runs) check the answers but do not judge memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gs1CheckDigit } from '../src/core/check-digits.ts';
import { freePort } from '../src/storage/embedded-postgres.ts';

// ---- options --------------------------------------------------------------------------------

function option(name: string, fallback: number): number;
function option(name: string, fallback: string | undefined): string | undefined;
function option(name: string, fallback: number | string | undefined) {
  const at = process.argv.indexOf(`--${name}`);
  const env = process.env[`SOAK_${name.toUpperCase().replaceAll('-', '_')}`];
  const raw = at >= 0 ? process.argv[at + 1] : env;
  if (raw === undefined) return fallback;
  if (typeof fallback === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number, got ${raw}`);
    return n;
  }
  return raw;
}

const MINUTES = option('minutes', 10);
const WARMUP = Math.min(option('warmup', 2), MINUTES / 2);
const CLIENTS = Math.max(1, Math.round(option('clients', 4)));
const SAMPLE_S = option('sample', Math.max(1, Math.min(10, (MINUTES * 60) / 40)));
const MAX_SLOPE = option('max-slope', 2);
const MAX_GROWTH = option('max-growth', 32);
const MAX_HEAP_SLOPE = option('max-heap-slope', 0.5);
const SNAPSHOTS = option('snapshots', undefined);
const KEEP = process.argv.includes('--keep');
const MiB = 1024 * 1024;
/** Slopes over a shorter post-warm-up window say nothing (GC and allocator noise): not judged. */
const MIN_JUDGED_MINUTES = 2;

// ---- the server process -----------------------------------------------------------------------

// The server serves the web app as `npm start` does: build it first when it is missing or stale.
const { buildWebIfStale } = (await import(new URL('../scripts/build-web-if-stale.mjs', import.meta.url).href)) as {
  buildWebIfStale(options?: { quiet?: boolean }): Promise<boolean>;
};
await buildWebIfStale();

const dataDir = mkdtempSync(join(tmpdir(), 'unitrace-soak-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const snapshotDir = SNAPSHOTS ? resolve(SNAPSHOTS) : null;
if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });

type HeapLine = { at: number; rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
let lastHeap: HeapLine | null = null;
const heapListeners: Array<(line: HeapLine) => void> = [];

const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', UNITRACE_MEMORY_LOG_MS: String(Math.round(SAMPLE_S * 1000)) };
delete env.DATABASE_URL;
delete env.PORT;
delete env.NODE_OPTIONS;
const nodeFlags = ['--expose-gc', ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [])];
const server: ChildProcess = spawn(
  process.execPath,
  [...nodeFlags, 'bin/unitrace.js', 'serve', '--data-dir', dataDir, '--port', String(port)],
  { env, stdio: ['ignore', 'pipe', 'pipe'] },
);
const serverPid = server.pid!;
let serverExit: string | null = null;
server.once('exit', (code, signal) => {
  serverExit = `exit code ${code ?? '-'}, signal ${signal ?? '-'}`;
});

let apiKey = '';
let tenantId = '';
const serverLog: string[] = [];
const started = new Promise<void>((resolveStarted, reject) => {
  server.once('exit', () => reject(new Error(`server exited while starting (${serverExit}):\n${serverLog.join('\n')}`)));
  createInterface({ input: server.stdout! }).on('line', (line) => {
    const key = /API key:\s+(ut_\S+)/.exec(line);
    if (key) apiKey = key[1];
    const tenant = /tenant:\s+([0-9a-f-]{36})/.exec(line);
    if (tenant) tenantId = tenant[1];
    if (line.startsWith('Unitrace is running')) resolveStarted();
    else if (!key && !tenant && line.trim() && !line.startsWith('Created the default tenant')) {
      // pino's warnings and errors (LOG_LEVEL=warn): shown, and kept for the report.
      serverLog.push(line);
      console.error(`[server] ${line.slice(0, 500)}`);
    }
  });
});
createInterface({ input: server.stderr! }).on('line', (line) => {
  if (line.startsWith('unitrace-memory ')) {
    lastHeap = JSON.parse(line.slice('unitrace-memory '.length)) as HeapLine;
    for (const listener of heapListeners) listener(lastHeap);
    return;
  }
  serverLog.push(line);
  console.error(`[server] ${line.slice(0, 500)}`);
});

/** Stops the server (it stops its PostgreSQL), or kills both, and removes the data folder. */
async function cleanUp(): Promise<void> {
  const exited = new Promise<void>((r) => (serverExit !== null ? r() : server.once('exit', () => r())));
  if (serverExit === null) {
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  // A server that died or was killed leaves its PostgreSQL running: stop it by its pid file.
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGINT');
        for (let i = 0; i < 100 && existsSync(pidFile); i += 1) await new Promise((r) => setTimeout(r, 100));
      } catch {}
    }
  }
  if (KEEP) console.log(`data folder kept: ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('interrupted: stopping');
});

try {
  await started;
} catch (error) {
  await cleanUp();
  throw error;
}
if (!apiKey || !tenantId) {
  await cleanUp();
  throw new Error('the server did not print the admin API key and tenant on its first start');
}

// ---- HTTP -------------------------------------------------------------------------------------

type Auth = { key?: string; cookie?: string; origin?: string };
type Expect = number | number[];

const stats = { requests: 0, bytes: 0, byStatus: new Map<number, number>(), byRoute: new Map<string, number>() };
const problems: string[] = [];
let serverErrors = 0;
let unexpected = 0;
let transportErrors = 0;

function problem(text: string) {
  if (problems.length < 30) problems.push(text);
  console.error(`!! ${text}`);
}

class SoakStop extends Error {}

async function call(
  method: string,
  path: string,
  options: { auth?: Auth; json?: unknown; body?: string; type?: string; expect?: Expect; route?: string; stream?: boolean } = {},
): Promise<{ status: number; text: string; json: any; headers: Headers; lines: number }> {
  if (serverExit !== null) throw new SoakStop('server is gone');
  const headers: Record<string, string> = {};
  const auth = options.auth ?? { key: apiKey };
  if (auth.key) headers.authorization = `Bearer ${auth.key}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    headers['content-type'] = options.type ?? 'application/json';
    body = options.body;
  }
  const route = `${method} ${options.route ?? path.split('?')[0]}`;
  let res: Response;
  let text = '';
  let lines = 0;
  try {
    res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
    if (options.stream) {
      // Read a streamed export to its end in chunks, as a client saving it would.
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stats.bytes += value.length;
        for (let i = 0; i < value.length; i += 1) if (value[i] === 10) lines += 1;
        if (res.status >= 300 && text.length < 2000) text += Buffer.from(value).toString('utf8');
      }
    } else {
      text = await res.text();
      stats.bytes += text.length;
    }
  } catch (error) {
    if (serverExit !== null) throw new SoakStop('server is gone');
    transportErrors += 1;
    problem(`${route}: request failed: ${(error as Error).message}`);
    throw new SoakStop('transport error');
  }
  stats.requests += 1;
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  stats.byRoute.set(route, (stats.byRoute.get(route) ?? 0) + 1);
  const expected = options.expect ?? [200, 201, 204];
  const ok = Array.isArray(expected) ? expected.includes(res.status) : expected === res.status;
  if (res.status >= 500) {
    serverErrors += 1;
    problem(`${route}: ${res.status} ${text.slice(0, 300)}`);
  } else if (!ok) {
    unexpected += 1;
    problem(`${route}: expected ${JSON.stringify(expected)}, got ${res.status} ${text.slice(0, 300)}`);
  }
  let json: any = null;
  if (!options.stream && text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      unexpected += 1;
      problem(`${route}: answer is not JSON: ${text.slice(0, 200)}`);
    }
  }
  if (!ok || res.status >= 500) throw new SoakStop('unexpected answer');
  return { status: res.status, text, json, headers: res.headers, lines };
}

/** Runs a CLI command against the server's data folder (it connects to the running PostgreSQL). */
async function cli(args: string[], stdin = ''): Promise<string> {
  const child = spawn(process.execPath, ['bin/unitrace.js', '--data-dir', dataDir, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(stdin);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`unitrace ${args.join(' ')}: exit ${code}\n${err}`);
  return out;
}

// ---- the catalogue and people -----------------------------------------------------------------

const gtin = (item: number) => {
  const body = `0950600${String(item).padStart(6, '0')}`;
  return body + gs1CheckDigit(body);
};

type Product = { sku: string; gtin: string | null; serialized: boolean; format: string | null; generate: 'sequence' | 'random' | null };
const catalogue: Product[] = [
  { sku: 'CAM-100', gtin: gtin(101), serialized: true, format: 'SN-{YYYY}-{#:7}', generate: 'sequence' },
  { sku: 'LENS-50', gtin: gtin(102), serialized: true, format: '{X:12}', generate: 'random' },
  { sku: 'DRONE-7', gtin: gtin(103), serialized: true, format: '{9:15} ; check=luhn', generate: 'random' },
  { sku: 'TAB-10', gtin: gtin(104), serialized: true, format: null, generate: null },
  { sku: 'PHONE-X', gtin: null, serialized: true, format: null, generate: null },
  { sku: 'ROUTER-2', gtin: null, serialized: true, format: 're:RT[0-9]{8}', generate: null },
  { sku: 'STRAP-1', gtin: null, serialized: false, format: null, generate: null },
  { sku: 'CARD-64', gtin: gtin(105), serialized: false, format: null, generate: null },
];
const bySku = new Map(catalogue.map((p) => [p.sku, p]));

const setupStarted = performance.now();
for (const p of catalogue) {
  await call('POST', '/api/v1/products', { json: { sku: p.sku, name: `Soak ${p.sku}`, gtin: p.gtin, needsSerialNumber: p.serialized, serialFormat: p.format }, expect: 201 });
}
const viewerKey = (JSON.parse(await cli(['keys', 'create', '--tenant', tenantId, '--role', 'viewer', '--label', 'soak viewer'])) as { apiKey: string }).apiKey;
const packerKey = (JSON.parse(await cli(['keys', 'create', '--tenant', tenantId, '--role', 'packer', '--label', 'soak packer'])) as { apiKey: string }).apiKey;
const WEB_EMAIL = 'packer@soak.example';
const WEB_PASSWORD = 'soak-password-1234';
await cli(['users', 'create', '--tenant', tenantId, '--email', WEB_EMAIL, '--role', 'packer'], `${WEB_PASSWORD}\n`);
console.log(`set-up: ${catalogue.length} products, a viewer and a packer key, a web user, in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

// ---- traffic ----------------------------------------------------------------------------------

const runId = Date.now().toString(36).toUpperCase();
const today = new Date().toISOString().slice(0, 10);
const yymmdd = (d: Date) => d.toISOString().slice(2, 10).replaceAll('-', '');
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];
const chance = (p: number) => Math.random() < p;
/** Serials of shipped units, for look-ups (a bounded window of recent ones). */
const shipped: Array<{ sku: string; serial: string; orderNumber: string }> = [];
const remember = (entry: { sku: string; serial: string; orderNumber: string }) => {
  shipped.push(entry);
  if (shipped.length > 2000) shipped.splice(0, 1000);
};

class Client {
  n = 0;
  /** Generated serials in stock per SKU, not yet packed. */
  stock = new Map<string, string[]>();
  /** An open order kept for bad requests: one PHONE-X serial captured, ROUTER-2 and CAM-100 empty. */
  badOrder = '';
  session: string | null = null;

  constructor(readonly id: number) {}

  next(prefix: string) {
    this.n += 1;
    return `${prefix}${runId}-${this.id}-${this.n}`;
  }

  /** A fresh serial for a product: generated ones from stock (generating more when short). */
  async serialFor(p: Product): Promise<string> {
    if (p.generate) {
      const stock = this.stock.get(p.sku) ?? [];
      if (stock.length === 0) await this.generate(p, 20 + randomInt(31));
      return this.stock.get(p.sku)!.shift()!;
    }
    this.n += 1;
    if (p.format?.startsWith('re:RT')) return `RT${String((this.id * 10_000_000 + this.n) % 100_000_000).padStart(8, '0')}`;
    return `${p.sku.slice(0, 2)}${runId}${this.id}X${this.n}`;
  }

  async generate(p: Product, count: number): Promise<string[]> {
    const res = await call('POST', `/api/v1/products/${p.sku}/serials/generate`, { json: { count, mode: p.generate }, expect: 201, route: '/products/:sku/serials/generate' });
    const serials = res.json.serials as string[];
    this.stock.set(p.sku, [...(this.stock.get(p.sku) ?? []), ...serials]);
    return serials;
  }

  async setUp() {
    this.badOrder = this.next('BAD');
    await call('POST', '/api/v1/orders', {
      json: { orderNumber: this.badOrder, type: 'B2C', customer: { name: 'Bad Requests' }, lines: [{ sku: 'PHONE-X', quantity: 1000 }, { sku: 'ROUTER-2', quantity: 10 }, { sku: 'CAM-100', quantity: 10 }] },
      expect: 201,
    });
    await call('POST', `/api/v1/orders/${this.badOrder}/serials`, { json: { sku: 'PHONE-X', serial: `DUP-${runId}-${this.id}` }, expect: 201, route: '/orders/:n/serials' });
  }

  // A packer's order from creation to shipping: single captures, GS1 scans, batches.
  async packOrder(auth: Auth = { key: packerKey }) {
    const orderNumber = this.next('SO');
    const skus = [...new Set(Array.from({ length: 1 + randomInt(3) }, () => pick(catalogue).sku))];
    const lines = skus.map((sku) => ({ sku, quantity: 1 + randomInt(bySku.get(sku)!.serialized ? 6 : 3) }));
    const b2b = chance(0.3);
    await call('POST', '/api/v1/orders', {
      json: {
        orderNumber,
        type: b2b ? 'B2B' : 'B2C',
        customer: { name: `Customer ${this.id}-${this.n}`, email: `c${this.n}@example.com`, company: b2b ? 'Acme GmbH' : null, externalId: chance(0.5) ? `CUST-${this.n % 50}` : null },
        lines,
      },
      expect: 201,
    });
    await call('GET', `/api/v1/orders/${orderNumber}`, { auth, route: '/orders/:n' });
    const packed: Array<{ sku: string; serial: string }> = [];
    for (const line of lines) {
      const p = bySku.get(line.sku)!;
      if (!p.serialized) continue;
      const serials: string[] = [];
      for (let i = 0; i < line.quantity; i += 1) serials.push(await this.serialFor(p));
      if (line.quantity >= 3 && chance(0.5)) {
        await call('POST', `/api/v1/orders/${orderNumber}/serials/batch`, {
          auth,
          json: { items: serials.map((serial) => ({ sku: p.sku, serial, scanned: true })), station: `station-${this.id}` },
          expect: 201,
          route: '/orders/:n/serials/batch',
        });
      } else {
        for (const serial of serials) {
          if (p.gtin && chance(0.7)) {
            const lot = `L${randomInt(100)}`;
            const expiry = yymmdd(new Date(Date.now() + (100 + randomInt(600)) * 86_400_000));
            const data = pick([
              `(01)${p.gtin}(17)${expiry}(10)${lot}(21)${serial}`,
              `]d201${p.gtin}17${expiry}10${lot}\x1d21${serial}`,
              `]C101${p.gtin}21${serial}\x1d10${lot}`,
              `https://id.gs1.org/01/${p.gtin}/21/${encodeURIComponent(serial)}?10=${lot}`,
            ]);
            await call('POST', `/api/v1/orders/${orderNumber}/scans`, { auth, json: { data, station: `station-${this.id}` }, expect: 201, route: '/orders/:n/scans' });
          } else if (chance(0.3)) {
            await call('POST', `/api/v1/orders/${orderNumber}/scans`, { auth, json: { data: serial, sku: p.sku, scanned: true }, expect: 201, route: '/orders/:n/scans' });
          } else {
            await call('POST', `/api/v1/orders/${orderNumber}/serials`, { auth, json: { sku: p.sku, serial, scanned: chance(0.8) }, expect: 201, route: '/orders/:n/serials' });
          }
        }
      }
      // A mis-scan now and then: captured, then removed again before shipping.
      if (chance(0.1)) {
        const extra = serials.pop()!;
        await call('DELETE', `/api/v1/orders/${orderNumber}/serials`, { auth, json: { sku: p.sku, serial: extra }, route: '/orders/:n/serials' });
        await call('POST', `/api/v1/orders/${orderNumber}/serials`, { auth, json: { sku: p.sku, serial: extra }, expect: 201, route: '/orders/:n/serials' });
        serials.push(extra);
      }
      for (const serial of serials) packed.push({ sku: p.sku, serial });
    }
    if (chance(0.05)) {
      await call('POST', `/api/v1/orders/${orderNumber}/cancel`, { route: '/orders/:n/cancel' });
      return;
    }
    await call('POST', `/api/v1/orders/${orderNumber}/ship`, { auth, json: { carrier: pick(['DHL', 'UPS', 'DPD']), trackingNumber: `TRK${this.n}` }, route: '/orders/:n/ship' });
    for (const unit of packed) remember({ ...unit, orderNumber });
  }

  // A customer-service person looking things up (viewer key).
  async lookUp() {
    const auth = { key: viewerKey };
    const unit = shipped.length > 0 ? pick(shipped) : null;
    if (unit) {
      const found = await call('GET', `/api/v1/serials/${encodeURIComponent(unit.serial)}`, { auth, route: '/serials/:serial' });
      if (!found.json.units.some((u: { sku: string }) => u.sku === unit.sku)) problem(`serial ${unit.serial} not found by look-up`);
      await call('GET', `/api/v1/orders/${unit.orderNumber}`, { auth, route: '/orders/:n' });
    }
    await call('GET', `/api/v1/serials?prefix=${encodeURIComponent(unit ? unit.serial.slice(0, 3) : 'SN')}&limit=20`, { auth });
    let cursor: string | null = null;
    for (let page = 0; page < 1 + randomInt(3); page += 1) {
      const res = await call('GET', `/api/v1/orders?status=${pick(['shipped', 'open'])}&limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { auth });
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    await call('GET', `/api/v1/orders?q=Customer%20${this.id}&limit=10`, { auth });
    await call('GET', `/api/v1/products?needsSerialNumber=true`, { auth });
    await call('GET', `/api/v1/products/${pick(catalogue).sku}`, { auth, route: '/products/:sku' });
    await call('GET', '/api/v1/settings', { auth });
  }

  // The Serial Number Report: a JSON page or two, the chart, and the CSV export read to its end.
  async report() {
    const auth = { key: viewerKey };
    const filter = pick([
      '',
      `shippedFrom=${today}&shippedTo=${today}`,
      `sku=${pick(catalogue).sku}`,
      `customer=Customer%20${this.id}`,
      shipped.length > 0 ? `orderNumber=${pick(shipped).orderNumber}` : '',
    ]);
    const first = await call('GET', `/api/v1/reports/serial-numbers?${filter}&limit=50`, { auth });
    if (first.json.nextCursor) await call('GET', `/api/v1/reports/serial-numbers?${filter}&limit=50&cursor=${encodeURIComponent(first.json.nextCursor)}`, { auth });
    await call('GET', `/api/v1/reports/serial-numbers/daily?${filter}`, { auth });
    const csv = await call('GET', `/api/v1/reports/serial-numbers?${filter}&format=csv`, { auth, stream: true, route: '/reports/serial-numbers?format=csv' });
    if (csv.lines < 1) problem('report CSV without its header line');
  }

  // EPCIS: an export (usually filtered; now and then the whole history) and a supplier's capture.
  async epcis() {
    const auth = { key: viewerKey };
    const unit = shipped.length > 0 ? pick(shipped) : null;
    const query = chance(0.15) ? '' : unit && chance(0.6) ? `serial=${encodeURIComponent(unit.serial)}` : `sku=${pick(catalogue).sku}&from=${new Date(Date.now() - 60_000).toISOString()}`;
    const doc = await call('GET', `/api/v1/epcis/events?${query}`, { auth, stream: true, route: '/epcis/events' });
    if (doc.lines < 1) problem('EPCIS export is empty');
    const p = pick(catalogue.filter((c) => c.gtin && c.serialized && !c.generate));
    const epcList = Array.from({ length: 5 + randomInt(16) }, () => `https://id.gs1.org/01/${p.gtin}/21/${this.next('EP')}`);
    const res = await call('POST', '/api/v1/epcis/capture', {
      body: JSON.stringify({
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: new Date().toISOString(),
        epcisBody: { eventList: [{ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', eventTime: new Date().toISOString(), eventTimeZoneOffset: '+00:00', epcList }] },
      }),
      type: 'application/ld+json',
    });
    if (res.json.registered !== epcList.length) problem(`EPCIS capture registered ${res.json.registered} of ${epcList.length}`);
  }

  // Generation and label sheets.
  async labels() {
    const p = pick(catalogue.filter((c) => c.generate));
    const serials = await this.generate(p, 10 + randomInt(41));
    const symbology = p.gtin ? pick(['code128', 'gs1-128', 'gs1datamatrix'] as const) : 'code128';
    const sheet = await call('POST', `/api/v1/products/${p.sku}/labels`, {
      auth: { key: viewerKey },
      json: { serials: serials.slice(0, 10 + randomInt(30)), symbology, columns: 1 + randomInt(4) },
      route: '/products/:sku/labels',
    });
    if (!sheet.text.startsWith('<svg')) problem('label sheet is not SVG');
    await call('POST', '/api/v1/serials/expand', { auth: { key: viewerKey }, json: { text: `SN${this.n}0001-SN${this.n}0050\nXY-1, XY-2`, sku: 'PHONE-X' } });
  }

  // A person at the web app: signs in (or keeps a session), reads, packs an order by cookie.
  async webUser() {
    const origin = base;
    if (!this.session || chance(0.3)) {
      // Now and then a mistyped password or email first (both cost a full scrypt hash).
      if (chance(0.2)) await call('POST', '/api/v1/auth/sign-in', { auth: {}, json: { email: WEB_EMAIL, password: `wrong-${this.n}` }, expect: 401 });
      if (chance(0.1)) await call('POST', '/api/v1/auth/sign-in', { auth: {}, json: { email: `nobody${this.n}@soak.example`, password: 'whatever-it-is' }, expect: 401 });
      const res = await call('POST', '/api/v1/auth/sign-in', { auth: {}, json: { email: WEB_EMAIL, password: WEB_PASSWORD } });
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('unitrace_session='));
      if (!cookie) throw new Error('sign-in set no session cookie');
      this.session = cookie.split(';')[0];
    }
    const auth = { cookie: this.session, origin };
    await call('GET', '/api/v1/auth/me', { auth });
    await call('GET', '/api/v1/orders?status=open&limit=20', { auth });
    await call('POST', '/api/v1/scans/parse', { auth, json: { data: `(01)${gtin(101)}(21)WEB${this.n}(10)LOT7` } });
    await this.packOrder(auth);
    // A change from another site's page carrying the cookie is refused.
    await call('POST', `/api/v1/orders/${this.badOrder}/ship`, { auth: { cookie: this.session, origin: 'https://evil.example' }, json: {}, expect: 403, route: '/orders/:n/ship' });
    if (chance(0.3)) {
      await call('POST', '/api/v1/auth/sign-out', { auth });
      await call('GET', '/api/v1/auth/me', { auth, expect: 401 });
      this.session = null;
    }
  }

  // The catalogue changes: new products (some with their own serial format), edits, CSV imports.
  async catalogue() {
    const sku = this.next('NEW');
    const format = pick([null, 'SN-{YYYY}-{#:6}', `P${this.n}-{9:6}`, `{A:2}{9:${4 + randomInt(8)}}`, `re:N${this.n % 100}[0-9]{4,8}`]);
    await call('POST', '/api/v1/products', { json: { sku, name: `New ${sku}`, gtin: null, needsSerialNumber: true, serialFormat: format }, expect: 201 });
    await call('PATCH', `/api/v1/products/${sku}`, { json: { name: `Renamed ${sku}` }, route: '/products/:sku' });
    if (chance(0.3)) {
      const rows = Array.from({ length: 3 }, (_, i) => `${this.next('IMP')},B2C,Import ${i},imp${i}@example.com,,,STRAP-1,${1 + i}`);
      const res = await call('POST', '/api/v1/orders/import', { body: `orderNumber,type,customerName,customerEmail,customerCompany,customerExternalId,sku,quantity\n${rows.join('\n')}\n`, type: 'text/csv' });
      if (res.json?.imported === 0) problem(`order import imported nothing: ${res.text.slice(0, 200)}`);
    }
  }

  // A browser opening the web app (its page, scripts and styles, a deep link) and the API docs.
  async browse() {
    const page = await call('GET', '/', { auth: {} });
    for (const [, asset] of page.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) await call('GET', asset, { auth: {}, route: '/assets/*' });
    await call('GET', `/orders/SO-${this.n}`, { auth: {}, route: '/orders/:n (web app)' });
    if (chance(0.2)) await call('GET', '/docs/json', { auth: {} });
    await call('GET', '/health', { auth: {} });
  }

  // Requests that must be refused with the right 4xx.
  async badRequest() {
    const viewer = { key: viewerKey };
    const bad = this.badOrder;
    const cases: Array<() => Promise<unknown>> = [
      () => call('GET', '/api/v1/no-such-thing', { expect: 404 }),
      () => call('GET', `/api/v1/orders/NOPE-${this.n}`, { expect: 404, route: '/orders/:n' }),
      () => call('POST', '/api/v1/orders', { body: '{"orderNumber":', expect: 400 }),
      () => call('POST', '/api/v1/orders', { json: { orderNumber: 'X', type: 'B2C', customer: { name: 'x' }, lines: [{ sku: 'STRAP-1', quantity: 1 }], colour: 'red' }, expect: 400 }),
      () => call('POST', '/api/v1/orders', { body: '<order/>', type: 'application/xml', expect: 415 }),
      () => call('GET', '/api/v1/orders', { auth: { key: `ut_${'0'.repeat(32)}_${'A'.repeat(43)}` }, expect: 401 }),
      () => call('GET', '/api/v1/orders', { auth: {}, expect: 401 }),
      () => call('POST', '/api/v1/orders', { auth: viewer, json: { orderNumber: 'X', type: 'B2C', customer: { name: 'x' }, lines: [{ sku: 'STRAP-1', quantity: 1 }] }, expect: 403 }),
      () => call('POST', `/api/v1/orders/${bad}/serials`, { json: { sku: 'PHONE-X', serial: `DUP-${runId}-${this.id}` }, expect: 409, route: '/orders/:n/serials' }),
      () => call('POST', `/api/v1/orders/${bad}/serials`, { json: { sku: 'ROUTER-2', serial: `XX${this.n}` }, expect: 422, route: '/orders/:n/serials' }),
      () => call('POST', `/api/v1/orders/${bad}/serials`, { json: { sku: 'CAM-100', serial: `SN-${this.n}` }, expect: 422, route: '/orders/:n/serials' }),
      () => call('POST', `/api/v1/orders/${bad}/scans`, { json: { data: `(01)${gtin(101).slice(0, 13)}${(Number(gtin(101).at(-1)) + 1) % 10}(21)X${this.n}` }, expect: 422, route: '/orders/:n/scans' }),
      () => call('POST', `/api/v1/orders/${bad}/ship`, { json: {}, expect: 422, route: '/orders/:n/ship' }),
      () => call('GET', '/api/v1/reports/serial-numbers?cursor=not-a-cursor', { auth: viewer, expect: 400 }),
      () => call('GET', '/api/v1/reports/serial-numbers?shippedFrom=yesterday', { auth: viewer, expect: 400 }),
      () => call('GET', '/api/v1/orders?limit=100000', { auth: viewer, expect: 400 }),
      () => call('GET', '/api/v1/epcis/events?from=2026-02-31', { auth: viewer, expect: 400 }),
      () => call('POST', '/api/v1/products', { json: { sku: 'CAM-100', name: 'again', needsSerialNumber: true }, expect: 409 }),
      () => call('POST', '/api/v1/products', { json: { sku: this.next('BADFMT'), name: 'bad format', needsSerialNumber: true, serialFormat: `{Q:${this.n}}` }, expect: 422 }),
      () => call('POST', '/api/v1/products/PHONE-X/labels', { auth: viewer, json: { serials: ['A1'], symbology: 'gs1-128' }, expect: 422, route: '/products/:sku/labels' }),
      () => call('POST', '/api/v1/scans/parse', { auth: viewer, json: { data: `(01)123(21)${this.n}` }, expect: 422 }),
    ];
    this.n += 1;
    await pick(cases)();
  }
}

const scenarios: Array<[keyof Client & string, number]> = [
  ['packOrder', 30],
  ['lookUp', 18],
  ['report', 10],
  ['epcis', 6],
  ['labels', 8],
  ['webUser', 6],
  ['catalogue', 4],
  ['browse', 4],
  ['badRequest', 18],
];
// --mix webUser=0,report=20 changes the weights (webUser=0: no sign-ins, so no scrypt).
for (const part of (option('mix', undefined) ?? '').split(',').filter(Boolean)) {
  const [name, weight] = part.split('=');
  const entry = scenarios.find(([n]) => n === name);
  if (!entry || !(Number(weight) >= 0)) throw new Error(`--mix: expected name=weight with a name of ${scenarios.map(([n]) => n).join(', ')}, got ${part}`);
  entry[1] = Number(weight);
}
const totalWeight = scenarios.reduce((s, [, w]) => s + w, 0);
const scenarioCount = new Map<string, number>();
function pickScenario(): string {
  let r = randomInt(totalWeight);
  for (const [name, w] of scenarios) {
    if (r < w) return name;
    r -= w;
  }
  return scenarios[0][0];
}

// ---- sampling ---------------------------------------------------------------------------------

/**
 * One row of the table. RSS is read from /proc every 200 ms; a sample keeps the lowest (rss, anon)
 * and the highest (peak) reading since the previous sample. The lowest is what the verdict uses: a
 * leak raises the floor, while a transient allocation (scrypt takes 32 MiB for each sign-in, for
 * tens of milliseconds) only makes a peak.
 */
type Sample = { t: number; rss: number; anon: number; peak: number; heapUsed: number; heapTotal: number; external: number; requests: number };
const samples: Sample[] = [];
const t0 = performance.now();
const elapsedMin = () => (performance.now() - t0) / 60_000;

function procStatus(pid: number): { rss: number; anon: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

let windowMin: { rss: number; anon: number } | null = null;
let windowPeak = 0;
const poller = setInterval(() => {
  if (serverExit !== null) return;
  try {
    const now = procStatus(serverPid);
    if (!windowMin || now.rss < windowMin.rss) windowMin = now;
    windowPeak = Math.max(windowPeak, now.rss);
  } catch {}
}, 200);

const fmt = (n: number, w = 7) => n.toFixed(1).padStart(w);
console.log(`\nsoak: ${MINUTES} min of traffic from ${CLIENTS} clients, warm-up ${WARMUP} min, a sample every ${SAMPLE_S} s; server pid ${serverPid}, Node ${process.version}`);
console.log('  min   RSS floor  anon floor  RSS peak  heapUsed  heapTotal  external     other  requests    req/s   (MiB)');
let lastRequests = 0;
let lastT = 0;
heapListeners.push((heap) => {
  if (serverExit !== null) return;
  let proc: { rss: number; anon: number };
  try {
    proc = procStatus(serverPid);
  } catch {
    return;
  }
  const floor = windowMin && windowMin.rss < proc.rss ? windowMin : proc;
  const peak = Math.max(windowPeak, proc.rss);
  windowMin = null;
  windowPeak = 0;
  const t = elapsedMin();
  const sample = { t, rss: floor.rss, anon: floor.anon, peak, heapUsed: heap.heapUsed / MiB, heapTotal: heap.heapTotal / MiB, external: heap.external / MiB, requests: stats.requests };
  samples.push(sample);
  const rate = t > lastT ? (stats.requests - lastRequests) / ((t - lastT) * 60) : 0;
  lastRequests = stats.requests;
  lastT = t;
  console.log(
    `${fmt(t, 5)}  ${fmt(sample.rss, 9)} ${fmt(sample.anon, 11)} ${fmt(sample.peak, 9)} ${fmt(sample.heapUsed, 9)} ${fmt(sample.heapTotal, 10)} ${fmt(sample.external, 9)} ${fmt(sample.rss - sample.heapTotal, 9)} ${String(stats.requests).padStart(9)} ${fmt(rate, 8)}`,
  );
});

async function snapshot(label: string) {
  if (!snapshotDir || serverExit !== null) return;
  const before = new Set(readdirSync(snapshotDir));
  server.kill('SIGUSR2');
  for (let i = 0; i < 600; i += 1) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = readdirSync(snapshotDir).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    // Written when its size stops changing.
    if (fresh.length > 0) {
      const file = join(snapshotDir, fresh[0]);
      let last = -1;
      for (let size = statSync(file).size; size === 0 || size !== last; size = statSync(file).size) {
        last = size;
        await new Promise((r) => setTimeout(r, 1000));
      }
      console.log(`heap snapshot (${label}): ${file} (${(last / MiB).toFixed(0)} MiB)`);
      return;
    }
  }
}

// ---- run --------------------------------------------------------------------------------------

const deadline = t0 + MINUTES * 60_000;
let stopping = false;
const clients = Array.from({ length: CLIENTS }, (_, i) => new Client(i + 1));
for (const c of clients) await c.setUp();

async function drive(client: Client) {
  while (!stopping && !interrupted && performance.now() < deadline && serverExit === null) {
    const name = pickScenario();
    scenarioCount.set(name, (scenarioCount.get(name) ?? 0) + 1);
    try {
      await (client[name as keyof Client] as () => Promise<void>).call(client);
    } catch (error) {
      if (!(error instanceof SoakStop)) {
        unexpected += 1;
        problem(`${name}: ${(error as Error).stack ?? error}`);
      }
      if (serverExit !== null) break;
    }
  }
}

let snapshotTaken: Promise<void> = Promise.resolve();
const warmupTimer = setTimeout(() => {
  snapshotTaken = snapshot('after warm-up');
}, WARMUP * 60_000);
// A server that stops reporting its memory is stuck or gone.
const watchdog = setInterval(() => {
  if (lastHeap && Date.now() - lastHeap.at > Math.max(30_000, SAMPLE_S * 5000)) {
    problem(`the server reported no memory for ${((Date.now() - lastHeap.at) / 1000).toFixed(0)} s`);
  }
}, 5000);

await Promise.all(clients.map((c) => drive(c)));
stopping = true;
clearTimeout(warmupTimer);
await snapshotTaken;
// One last sample with the traffic stopped.
await new Promise<void>((r) => {
  const done = () => r();
  heapListeners.push(done);
  setTimeout(done, SAMPLE_S * 2000 + 1000);
});
await snapshot('at the end');
clearInterval(watchdog);
clearInterval(poller);
const died = serverExit;
await cleanUp();

// ---- verdict ----------------------------------------------------------------------------------

function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const during = samples.filter((s) => s.t <= MINUTES + 0.05);
const post = during.filter((s) => s.t >= WARMUP);
// Levels: medians over a minute of samples (a quarter of the post-warm-up window when shorter).
const span = post.length > 0 ? post[post.length - 1].t - post[0].t : 0;
const levelMinutes = Math.min(1, span / 4);
const level = (xs: Sample[], f: (s: Sample) => number) => median(xs.map(f));
const startS = during.filter((s) => s.t <= during[0].t + levelMinutes);
const warmS = post.filter((s) => s.t <= post[0].t + levelMinutes);
const endS = post.filter((s) => s.t >= post[post.length - 1].t - levelMinutes);
const rssSlope = post.length >= 2 ? slope(post.map((s) => [s.t, s.rss])) : NaN;
const heapSlope = post.length >= 2 ? slope(post.map((s) => [s.t, s.heapUsed])) : NaN;
const otherSlope = post.length >= 2 ? slope(post.map((s) => [s.t, s.rss - s.heapTotal])) : NaN;
const growth = level(endS, (s) => s.rss) - level(warmS, (s) => s.rss);

console.log('\nrequests by status:', [...stats.byStatus.entries()].sort().map(([s, n]) => `${s}: ${n}`).join(', '));
console.log('scenarios run:', [...scenarioCount.entries()].map(([s, n]) => `${s} ${n}`).join(', '));
console.log(`routes exercised: ${stats.byRoute.size}; ${stats.requests} requests, ${(stats.bytes / MiB).toFixed(0)} MiB read, in ${elapsedMin().toFixed(1)} min`);
console.log(`levels are medians over ${levelMinutes.toFixed(1)} min of samples (RSS is the floor; "other" is RSS floor minus heapTotal):`);
for (const [label, xs] of [['start', startS], ['after warm-up', warmS], ['end', endS]] as const) {
  console.log(
    `  ${label.padEnd(14)} RSS ${fmt(level(xs, (s) => s.rss), 6)} MiB (peak ${fmt(Math.max(...xs.map((s) => s.peak)), 6)})   anon ${fmt(level(xs, (s) => s.anon), 6)} MiB   heapUsed ${fmt(level(xs, (s) => s.heapUsed), 6)} MiB   heapTotal ${fmt(level(xs, (s) => s.heapTotal), 6)} MiB   other ${fmt(level(xs, (s) => s.rss - s.heapTotal), 6)} MiB`,
  );
}
if (samples.length > during.length) {
  const idle = samples[samples.length - 1];
  console.log(`  idle after     RSS ${fmt(idle.rss, 6)} MiB                  anon ${fmt(idle.anon, 6)} MiB   heapUsed ${fmt(idle.heapUsed, 6)} MiB   heapTotal ${fmt(idle.heapTotal, 6)} MiB   other ${fmt(idle.rss - idle.heapTotal, 6)} MiB`);
}
console.log(`highest RSS seen: ${Math.max(...samples.map((s) => s.peak)).toFixed(1)} MiB`);
console.log(`after warm-up (${post.length} samples): RSS floor slope ${rssSlope.toFixed(2)} MiB/min (limit ${MAX_SLOPE}), heapUsed slope ${heapSlope.toFixed(2)} MiB/min (limit ${MAX_HEAP_SLOPE}), other slope ${otherSlope.toFixed(2)} MiB/min, end RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB over the post-warm-up level (limit ${MAX_GROWTH})`);

const failures: string[] = [];
if (died) failures.push(`the server died (${died})`);
if (interrupted) failures.push('interrupted');
if (serverErrors > 0) failures.push(`${serverErrors} answers were 5xx`);
if (unexpected > 0) failures.push(`${unexpected} answers were not what the scenario expects`);
if (transportErrors > 0) failures.push(`${transportErrors} requests failed on the wire`);
const judged = post.length >= 5 && post[post.length - 1].t - post[0].t >= MIN_JUDGED_MINUTES;
if (!judged) {
  console.log(`memory not judged: the post-warm-up window is under ${MIN_JUDGED_MINUTES} min (a smoke run); run --minutes 5 or more for a verdict on memory`);
} else {
  if (snapshotDir) console.log('RSS not judged: heap snapshots were written, and writing one leaves RSS high; only the live heap is judged');
  else {
    if (!(rssSlope <= MAX_SLOPE)) failures.push(`RSS grows ${rssSlope.toFixed(2)} MiB/min after warm-up (limit ${MAX_SLOPE})`);
    if (!(growth <= MAX_GROWTH)) failures.push(`RSS ended ${growth.toFixed(1)} MiB above its post-warm-up level (limit ${MAX_GROWTH})`);
  }
  if (!(heapSlope <= MAX_HEAP_SLOPE)) failures.push(`the live heap grows ${heapSlope.toFixed(2)} MiB/min after warm-up (limit ${MAX_HEAP_SLOPE})`);
}
if (problems.length > 0) console.log(`first problems:\n  ${problems.slice(0, 10).join('\n  ')}`);
if (failures.length === 0) {
  console.log(`verdict: PASS: ${judged ? 'memory is flat after warm-up, ' : ''}no 5xx, every answer as expected`);
} else {
  console.log(`verdict: FAIL: ${failures.join('; ')}`);
}
process.exit(failures.length === 0 ? 0 : 1);
