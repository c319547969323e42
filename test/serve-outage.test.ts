import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres } from '../src/storage/embedded-postgres.ts';

// The real server, as `npm start` runs it, on its own embedded PostgreSQL; then the postmaster is
// killed with SIGKILL in the middle of a burst of writes.
const dataDir = mkdtempSync(join(tmpdir(), 'unitrace-outage-'));
const env: Record<string, string | undefined> = { ...process.env, UNITRACE_DATA_DIR: dataDir, LOG_LEVEL: 'error' };
delete env.DATABASE_URL;
delete env.DATABASE_MIGRATION_URL;

let server: ChildProcess | null = null;
let stdout = '';
let stderr = '';
afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const postmasterPid = () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

type Outcome = { kind: 'order' | 'product'; id: string; status: number; code?: string; at: number } | { dropped: string; at: number };

describe('unitrace serve when its PostgreSQL is killed', () => {
  it('stays up, answers 503 DATABASE_UNAVAILABLE (never 500, never a dropped connection), restarts PostgreSQL and keeps every acknowledged write', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk) => (stdout += chunk));
    server.stderr!.on('data', (chunk) => (stderr += chunk));
    for (let i = 0; i < 600 && !/Unitrace is running/.test(stdout); i += 1) await sleep(50);
    expect(stdout, stderr).toMatch(/Unitrace is running/);
    const apiKey = /API key: (\S+)/.exec(stdout)?.[1];
    expect(apiKey).toBeTruthy();
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/products`, { method: 'POST', headers, body: JSON.stringify({ sku: 'OUT-1', name: 'Lamp' }) });
    expect(created.status).toBe(201);

    const outcomes: Outcome[] = [];
    const health: { status: number; at: number }[] = [];
    let killedAt = 0;
    let running = true;

    const writer = async (w: number) => {
      for (let i = 0; running; i += 1) {
        const asProduct = i % 3 === 2;
        const id = asProduct ? `P-${w}-${i}` : `O-${w}-${i}`;
        const body = asProduct
          ? { sku: id, name: `Part ${id}` }
          : { orderNumber: id, type: 'B2C', customer: { name: 'Ada' }, lines: [{ sku: 'OUT-1', quantity: 1 }] };
        try {
          const res = await fetch(`${base}/api/v1/${asProduct ? 'products' : 'orders'}`, { method: 'POST', headers, body: JSON.stringify(body) });
          const json = (await res.json()) as { error?: { code: string } };
          outcomes.push({ kind: asProduct ? 'product' : 'order', id, status: res.status, code: json.error?.code, at: Date.now() });
          if (res.status === 503) await sleep(5);
        } catch (error) {
          outcomes.push({ dropped: String((error as { cause?: unknown }).cause ?? error), at: Date.now() });
          await sleep(5);
        }
      }
    };
    const prober = async () => {
      while (running) {
        try {
          const res = await fetch(`${base}/health`);
          await res.arrayBuffer();
          health.push({ status: res.status, at: Date.now() });
        } catch {
          health.push({ status: 0, at: Date.now() });
        }
        await sleep(20);
      }
    };

    const load = [...Array.from({ length: 6 }, (_, w) => writer(w)), prober()];
    const ok = () => outcomes.filter((o) => 'status' in o && o.status < 300).length;
    for (let i = 0; i < 400 && ok() < 40; i += 1) await sleep(25);
    const killed = postmasterPid();
    process.kill(killed, 'SIGKILL');
    killedAt = Date.now();

    // Recovered: /health is 200 again and writes succeed, within a bounded time.
    let recoveredAt = 0;
    const before = ok();
    for (let i = 0; i < 600 && !recoveredAt; i += 1) {
      await sleep(25);
      const healthy = health.some((h) => h.at > killedAt && h.status === 200 && health.some((x) => x.at > killedAt && x.at < h.at && x.status === 503));
      if (healthy && ok() > before + 20) recoveredAt = Date.now();
    }
    running = false;
    await Promise.all(load);

    expect(server.exitCode, stderr).toBeNull();
    expect(server.signalCode).toBeNull();
    expect(recoveredAt - killedAt, stderr).toBeGreaterThan(0);
    expect(recoveredAt - killedAt).toBeLessThan(15_000);

    const dropped = outcomes.filter((o) => 'dropped' in o);
    const answered = outcomes.filter((o): o is Extract<Outcome, { status: number }> => 'status' in o);
    const backAt = health.find((h) => h.at > killedAt && h.status === 200 && health.some((x) => x.at > killedAt && x.at < h.at && x.status === 503))?.at;
    console.log(
      `outage: ${answered.filter((o) => o.status === 503).length} writes answered 503 DATABASE_UNAVAILABLE, ` +
        `${answered.filter((o) => o.status < 300).length} acknowledged; /health was 200 again ${(backAt ?? 0) - killedAt} ms after the kill`,
    );
    expect(dropped).toEqual([]);
    const unexpected = answered.filter((o) => !(o.status === 200 || o.status === 201 || (o.status === 503 && o.code === 'DATABASE_UNAVAILABLE')));
    expect(unexpected).toEqual([]);
    expect(answered.filter((o) => o.status === 503).length, 'requests during the outage got 503').toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200 || h.status === 503)).toBe(true);
    expect(health.some((h) => h.status === 503)).toBe(true);
    expect(stderr).toMatch(/PostgreSQL stopped unexpectedly \(SIGKILL\); restarting it/);
    expect(stderr).toMatch(/PostgreSQL is running again/);

    const restarted = postmasterPid();
    expect(restarted).not.toBe(killed);
    expect(alive(restarted)).toBe(true);

    // Every write that was acknowledged is there.
    const acknowledged = answered.filter((o) => o.status < 300);
    const missing: string[] = [];
    for (const o of acknowledged) {
      const path = o.kind === 'order' ? `orders/${o.id}` : `products/${o.id}`;
      const res = await fetch(`${base}/api/v1/${path}`, { headers });
      if (res.status !== 200) missing.push(`${path}: ${res.status}`);
      await res.arrayBuffer();
    }
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(60);

    // And it still stops cleanly, taking its PostgreSQL with it.
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    for (let i = 0; i < 100 && alive(restarted); i += 1) await sleep(50);
    expect(alive(restarted)).toBe(false);
  }, 90_000);

  it('starts again over a stale postmaster.pid whose pid now belongs to another program', async () => {
    // What a kill -9 of the whole machine or container leaves: the file, naming a pid that is reused.
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const port = await freePort();
      writeFileSync(join(dataDir, 'pg', 'postmaster.pid'), `${other.pid}\n${join(dataDir, 'pg')}\n1700000000\n${port}\n/tmp\n127.0.0.1\n  9999999    99\nready   \n`);
      const out = spawnSync(process.execPath, ['bin/unitrace.js', 'tenants', 'list'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(out.status, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toHaveLength(1);
      expect(alive(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  }, 60_000);

  it('starts its own PostgreSQL when the one another process had started (and it was using) stops', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'unitrace-adopt-'));
    const borrowed = await startEmbeddedPostgres(otherDir);
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], {
      env: { ...env, UNITRACE_DATA_DIR: otherDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (err += chunk));
    try {
      for (let i = 0; i < 600 && !/Unitrace is running/.test(out); i += 1) await sleep(50);
      expect(out, err).toMatch(/already running/);
      const headers = { authorization: `Bearer ${/API key: (\S+)/.exec(out)?.[1]}`, 'content-type': 'application/json' };
      await borrowed.stop(); // the CLI command that had started it ends
      let back = false;
      for (let i = 0; i < 300 && !back; i += 1) {
        await sleep(50);
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        expect([200, 503]).toContain(res.status);
        await res.arrayBuffer();
        back = res.status === 200 && /starting our own/.test(err);
      }
      expect(back, err).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/products`, { method: 'POST', headers, body: JSON.stringify({ sku: 'ADOPT-1', name: 'x' }) });
      expect(res.status).toBe(201);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, 90_000);
});
