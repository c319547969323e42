import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../http/app.ts';
import { ensureDefaultTenant, ensureDemoUser, loadDemoData } from '../services/demo.service.ts';
import { getTenants } from '../services/tenants.service.ts';
import { startWebhookWorker, type WebhookWorker } from '../services/webhook-delivery.service.ts';
import { anyoneCanSignIn } from '../services/users.service.ts';
import { openRuntime } from './runtime.ts';

export type ServeOptions = { dataDir?: string; port: number; host: string; demo: boolean; trustProxy?: string };

/**
 * The web app is built into dist/web from web/; build it when it is missing or older than its
 * sources, so `unitrace serve` right after `npm ci` serves the app. Without Vite (a production
 * install without dev dependencies) a prebuilt dist/web is used as it is.
 */
async function ensureWebApp(webRoot: string): Promise<boolean> {
  try {
    const builder = new URL('../../scripts/build-web-if-stale.mjs', import.meta.url).href;
    const { buildWebIfStale } = (await import(builder)) as {
      buildWebIfStale: () => Promise<boolean>;
    };
    await buildWebIfStale();
  } catch (error) {
    if (!existsSync(`${webRoot}index.html`)) {
      process.stderr.write(`the web app could not be built: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    }
  }
  return existsSync(`${webRoot}index.html`);
}

/**
 * A diagnostic for soak runs (bench/soak.ts): with UNITRACE_MEMORY_LOG_MS=N the server writes its
 * process.memoryUsage() to stderr every N ms as one line `unitrace-memory {json}`. When node runs
 * with --expose-gc, a full collection runs first, so heapUsed is the live heap, not garbage.
 */
function startMemoryLog(): void {
  const ms = Number(process.env.UNITRACE_MEMORY_LOG_MS);
  if (!Number.isFinite(ms) || ms <= 0) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  const timer = setInterval(() => {
    gc?.();
    const m = process.memoryUsage();
    process.stderr.write(
      `unitrace-memory ${JSON.stringify({ at: Date.now(), gc: !!gc, rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`,
    );
  }, ms);
  timer.unref();
}

export async function serve(options: ServeOptions): Promise<void> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`--port: expected a port number from 0 to 65535, got ${options.port}`);
  }
  const webRoot = fileURLToPath(new URL('../../dist/web/', import.meta.url));
  const webReady = await ensureWebApp(webRoot);
  // A server outlives its database: the embedded PostgreSQL is restarted if it dies, and requests
  // meanwhile are answered 503 DATABASE_UNAVAILABLE (storage/database.ts, http/errors.ts).
  const rt = await openRuntime({
    ...options,
    keepAlive: true,
    onEvent: (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`),
  });
  if (rt.warning) process.stderr.write(`warning: ${rt.warning}\n`);
  startMemoryLog();
  // Development and tests only: webhooks to http:// and to loopback or private addresses.
  const allowHttp = process.env.UNITRACE_WEBHOOKS_ALLOW_HTTP === '1';
  const app = await buildApp({
    db: rt.db,
    pool: rt.pool,
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
    webRoot: webReady ? webRoot : undefined,
    trustProxy: options.trustProxy,
    webhooks: { allowHttp },
  });
  let worker: WebhookWorker | null = null;

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Deliveries in flight finish (or are released to run again) before the database goes.
    await worker?.stop();
    await app.close();
    await rt.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    const first = await ensureDefaultTenant(rt.db);
    if (first) {
      process.stdout.write(
        [
          '',
          'Created the default tenant. Its admin API key is shown only this once; keep it:',
          `  tenant:  ${first.tenantId}`,
          `  API key: ${first.apiKey}`,
          '',
        ].join('\n'),
      );
    }
    if (options.demo) {
      const [tenant] = await getTenants(rt.db);
      const loaded = await loadDemoData(rt.db, tenant.id);
      process.stdout.write(loaded ? 'Loaded demo products and orders (DEMO-1001 ...).\n' : 'Demo data is already loaded.\n');
      const user = await ensureDemoUser(rt.db, tenant.id);
      if (user) {
        process.stdout.write(`Sign in to the web app as ${user.email} with the password ${user.password} (shown once).\n`);
      }
    }
    const address = await app.listen({ port: options.port, host: options.host });
    // After the app: it delivers webhooks from the queue in this database; it never throws here,
    // and a queue that fails is logged and started again, never taking the server down.
    worker = await startWebhookWorker({ connectionString: rt.connectionString, allowHttp, log: app.log });
    process.stdout.write(`Unitrace is running at ${address}  (API ${address}/api/v1, docs ${address}/docs; ${rt.where})\n`);
    if (!webReady) {
      process.stdout.write('The web app is not built, so only the API is served: run `npm run build:web` (it needs the dev dependencies).\n');
    } else if (!(await anyoneCanSignIn(rt.db))) {
      process.stdout.write(
        [
          'Nobody can sign in to the web app yet. Create the first admin (the password is asked for):',
          `  npx unitrace users create --email you@example.com --role admin${options.dataDir ? ` --data-dir ${options.dataDir}` : ''}`,
          '',
        ].join('\n'),
      );
    }
  } catch (error) {
    await worker?.stop();
    await app.close();
    await rt.shutdown();
    throw error;
  }
}
