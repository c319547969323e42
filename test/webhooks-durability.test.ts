import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../src/core/webhooks.ts';
import { freePort } from '../src/storage/embedded-postgres.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

// The real server as a user runs it (`unitrace serve`, its own embedded PostgreSQL in a fresh data
// folder), with the dev setting so it may deliver to a receiver on 127.0.0.1.
// The data folder is made when the test runs (not when the file is collected and maybe skipped).
let dataDir = '';
const env: Record<string, string | undefined> = { ...process.env, UNITRACE_WEBHOOKS_ALLOW_HTTP: '1' };
delete env.DATABASE_URL;

let server: ChildProcess | null = null;
let receiver: Receiver | null = null;

/** Starts `unitrace serve` as the leader of its own process group (PostgreSQL runs inside it). */
async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  for (let i = 0; i < 600; i += 1) {
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return child;
    if (child.exitCode !== null) throw new Error(`unitrace serve exited with ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('unitrace serve did not start');
}

/** kill -9 of the server and everything it started (its embedded PostgreSQL too). */
async function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    return;
  }
  await exited;
  // PostgreSQL's processes are in the group too: wait until every one of them is gone.
  for (let i = 0; i < 300; i += 1) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  if (server) {
    // A clean stop first (it stops its PostgreSQL), then make sure nothing is left.
    server.kill('SIGTERM');
    await Promise.race([new Promise((r) => server!.once('exit', r)), new Promise((r) => setTimeout(r, 20_000))]);
    await killGroup(server, 'SIGKILL');
  }
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('webhooks survive kill -9', () => {
  it('delivers exactly one event for every change the server answered 2xx, after being killed mid-burst and started again', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'unitrace-webhooks-'));
    env.UNITRACE_DATA_DIR = dataDir;
    const tenant = spawnSync(process.execPath, ['bin/unitrace.js', 'tenants', 'create', '--name', 'Durable'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(tenant.status, tenant.stderr).toBe(0);
    const { apiKey } = JSON.parse(tenant.stdout) as { apiKey: string };
    receiver = await startReceiver();
    const port = await freePort();
    server = await startServer(port);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    expect((await api('POST', '/products', { sku: 'DUR', name: 'Durable unit', needsSerialNumber: true })).status).toBe(201);
    const hook = await api('POST', '/webhooks', { url: receiver.url('/durable'), events: ['serial.captured', 'order.shipped'] });
    expect(hook.status).toBe(201);
    const { id: webhookId, secret } = (await hook.json()) as { id: string; secret: string };
    const ORDERS = 40;
    for (let i = 0; i < ORDERS; i += 1) {
      const res = await api('POST', '/orders', { orderNumber: `SO-${i}`, type: 'B2C', customer: { name: `C${i}` }, lines: [{ sku: 'DUR', quantity: 2 }] });
      expect(res.status).toBe(201);
    }

    // The burst: per order a batch capture, then the shipment; 8 orders at a time. After 30 answers
    // with 2xx the server is killed (-9, PostgreSQL with it), whatever is in flight.
    const committed: string[] = [];
    const unknown: string[] = [];
    let killed = false;
    let killing: Promise<void> | null = null;
    const change = async (key: string, method: string, path: string, body: unknown) => {
      if (killed) return false;
      try {
        const res = await api(method, path, body);
        if (res.status >= 200 && res.status < 300) {
          committed.push(key);
          if (committed.length === 30 && !killed) {
            killed = true;
            killing = killGroup(server!, 'SIGKILL');
          }
          return true;
        }
        throw new Error(`${key}: ${res.status} ${await res.text()}`);
      } catch (error) {
        if (!killed) throw error;
        unknown.push(key);
        return false;
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < ORDERS && !killed) {
          const i = next++;
          const items = [1, 2].map((n) => ({ sku: 'DUR', serial: `D-${i}-${n}` }));
          if (await change(`serial.captured SO-${i}`, 'POST', `/orders/SO-${i}/serials/batch`, { items })) {
            await change(`order.shipped SO-${i}`, 'POST', `/orders/SO-${i}/ship`, {});
          }
        }
      }),
    );
    expect(killed, 'the server was killed mid-burst').toBe(true);
    await killing;
    expect(committed.length).toBeGreaterThanOrEqual(30);

    // Started again on the same data folder: PostgreSQL recovers, the worker picks the queue up,
    // including jobs the killed process held locked.
    // (A start right after the crash can find PostgreSQL still going down; it is tried again, as a
    // supervisor would, and what it said is printed.)
    for (let attempt = 1; ; attempt += 1) {
      try {
        server = await startServer(port);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        console.log(`restart ${attempt} failed, trying again: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    const keyOf = (r: Receiver['received'][number]) => `${r.json.type} ${String(r.json.data.orderNumber)}`;
    const eventsBy = () => {
      const ids = new Map<string, Set<string>>();
      for (const r of receiver!.received) ids.set(keyOf(r), (ids.get(keyOf(r)) ?? new Set()).add(r.json.id));
      return ids;
    };
    await receiver.waitFor(() => committed.every((key) => eventsBy().has(key)), 120_000, 'an event for every committed change');

    const ids = eventsBy();
    // Exactly one event per committed change (at-least-once delivery: duplicates share the event id).
    for (const key of committed) expect(ids.get(key)?.size, key).toBe(1);
    // A change whose answer was lost may or may not have committed: at most one event for it.
    for (const key of unknown) expect(ids.get(key)?.size ?? 0, key).toBeLessThanOrEqual(1);
    expect([...ids.keys()].every((key) => committed.includes(key) || unknown.includes(key))).toBe(true);
    for (const r of receiver.received) {
      const check = verifySignature({ secret, header: r.headers['unitrace-signature'] as string, body: r.body, nowSeconds: Math.floor(Date.now() / 1000) });
      expect(check.ok).toBe(true);
    }
    const captured = receiver.received.find((r) => r.json.type === 'serial.captured' && r.json.data.orderNumber === 'SO-0');
    expect(captured?.json.data.serials).toEqual([
      { sku: 'DUR', serial: 'D-0-1', scanned: false, lot: null, expiry: null },
      { sku: 'DUR', serial: 'D-0-2', scanned: false, lot: null, expiry: null },
    ]);

    // Every delivery ends delivered (none left pending or failed).
    const until = Date.now() + 60_000;
    let deliveries: Array<{ status: string }> = [];
    do {
      deliveries = ((await (await api('GET', `/webhooks/${webhookId}/deliveries?limit=500`)).json()) as { items: Array<{ status: string }> }).items;
      if (deliveries.every((d) => d.status === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < until);
    expect(deliveries.length).toBe(eventsBy().size);
    console.log(
      `kill -9 after ${committed.length} changes answered 2xx (${unknown.length} in flight, answer lost); ` +
        `${receiver.received.length} requests received for ${eventsBy().size} events`,
    );
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
  }, 300_000);
});
