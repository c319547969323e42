import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/storage/embedded-postgres.ts';

// The real command line, as a user runs it: its own embedded PostgreSQL in a fresh data folder.
const dataDir = mkdtempSync(join(tmpdir(), 'unitrace-cli-'));
const env = { ...process.env, DATABASE_URL: '', UNITRACE_DATA_DIR: dataDir };
delete (env as Record<string, string | undefined>).DATABASE_URL;

function unitrace(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['bin/unitrace.js', ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let server: ChildProcess | null = null;
afterAll(async () => {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the unitrace command line', () => {
  let tenantId = '';

  it('creates a tenant without a running server and prints its id and admin key as JSON', () => {
    const out = unitrace(['tenants', 'create', '--name', 'CLI shop']);
    expect(out.code, out.stderr).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.apiKey).toMatch(/^ut_[0-9a-f]{32}_/);
    tenantId = json.tenantId;
  });

  it('refuses an unknown role and a missing tenant with exit code 1 and a message', () => {
    const role = unitrace(['keys', 'create', '--tenant', tenantId, '--role', 'boss']);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('Allowed choices are viewer, packer, admin');
    const tenant = unitrace(['keys', 'create', '--tenant', '00000000-0000-0000-0000-000000000000', '--role', 'viewer']);
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toContain('TENANT_NOT_FOUND');
  });

  it('creates a web user with the password read from stdin, and refuses a short or common one', () => {
    const short = unitrace(['users', 'create', '--tenant', tenantId, '--email', 'a@example.com', '--role', 'packer'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: must be 10 to 200 characters');
    const common = unitrace(['users', 'create', '--tenant', tenantId, '--email', 'a@example.com', '--role', 'packer'], 'Password123\n');
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('PASSWORD_TOO_COMMON');
    expect(common.stderr).toContain('password: is one of the most common passwords');
    const ok = unitrace(['users', 'create', '--tenant', tenantId, '--email', 'A@Example.com', '--role', 'packer'], 'a long enough password\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ email: 'a@example.com', role: 'packer' });
    const disabled = unitrace(['users', 'disable', '--tenant', tenantId, '--email', 'a@example.com']);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ email: 'a@example.com', disabledAt: expect.any(String) });
    const unknown = unitrace(['users', 'disable', '--tenant', tenantId, '--email', 'nobody@example.com']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('USER_NOT_FOUND');
  });

  it('imports products from a CSV file and reports bad lines by number', () => {
    const file = join(dataDir, 'products.csv');
    writeFileSync(file, 'sku,name,needsSerialNumber\nCLI-1,Camera,yes\nCLI-2,,no\n');
    const bad = unitrace(['import', 'products', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3: name: required');
    const good = unitrace(['import', 'products', file, '--skip-bad-rows']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ created: 1, skipped: 1 });
  });

  it('receives units from a CSV file with `import receipts`, refusing a bad line by number unless --skip-bad-rows', () => {
    const file = join(dataDir, 'receipts.csv');
    writeFileSync(file, 'reference,sku,serial\nDN-1,CLI-1,CLI-SN-1\nDN-1,CLI-NOPE,CLI-SN-2\nDN-1,CLI-1,CLI-SN-3\n');
    const bad = unitrace(['import', 'receipts', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3: sku: no product with SKU CLI-NOPE');
    const dry = unitrace(['import', 'receipts', file, '--dry-run']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, received: 2, skipped: 1 });
    const good = unitrace(['import', 'receipts', file, '--skip-bad-rows']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ created: 1, received: 2, skipped: 1, receipts: [{ reference: 'DN-1', received: 2 }] });
  });

  it('works the same while the server runs on the same data folder', async () => {
    const port = await freePort();
    server = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], { env, stdio: 'ignore' });
    let up = false;
    for (let i = 0; i < 300 && !up; i += 1) {
      up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    expect(up).toBe(true);
    const key = unitrace(['keys', 'create', '--tenant', tenantId, '--role', 'viewer']);
    expect(key.code, key.stderr).toBe(0);
    const { apiKey } = JSON.parse(key.stdout);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/products/CLI-1`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).needsSerialNumber).toBe(true);
    const report = unitrace(['export', 'serial-report']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout.split('\n')[0]).toBe(
      'serial,sku,productName,orderNumber,orderType,customerName,customerEmail,customerCompany,shippedAt,captureMethod',
    );
  }, 120_000);

  it('serves the web app on a first start, prints the admin key once and how to create the first web user', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'unitrace-first-'));
    const freshEnv = { ...env, UNITRACE_DATA_DIR: fresh };
    const port = await freePort();
    const first = spawn(process.execPath, ['bin/unitrace.js', 'serve', '--port', String(port)], { env: freshEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    first.stdout!.on('data', (chunk) => (stdout += chunk));
    try {
      for (let i = 0; i < 600 && !stdout.includes('--role admin'); i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain('Unitrace is running');
      expect(stdout).toMatch(/API key: ut_[0-9a-f]{32}_/);
      expect(stdout).toContain('Nobody can sign in to the web app yet');
      expect(stdout).toContain('npx unitrace users create --email you@example.com --role admin');
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
      expect(await home.text()).toContain('<div id="root">');
      // The hint works as printed: --tenant defaults to the only tenant there is.
      const user = spawnSync(process.execPath, ['bin/unitrace.js', 'users', 'create', '--email', 'first@example.com', '--role', 'admin'], {
        env: freshEnv,
        input: 'a long enough password\n',
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(user.status, user.stderr).toBe(0);
      const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first@example.com', password: 'a long enough password' }),
      });
      expect(signIn.status).toBe(200);
    } finally {
      first.kill('SIGTERM');
      await new Promise((r) => first.once('exit', r));
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 120_000);

  it("captures a supplier's EPCIS document from a file and reports what it could not map", () => {
    const file = join(dataDir, 'announce.jsonld');
    writeFileSync(
      file,
      JSON.stringify({
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: '2026-11-01T10:00:00Z',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              eventTime: '2026-11-01T09:00:00Z',
              eventTimeZoneOffset: '+00:00',
              epcList: ['https://id.gs1.org/01/09501101530003/21/SUP-1'],
              action: 'OBSERVE',
              bizStep: 'shipping',
            },
          ],
        },
      }),
    );
    const out = unitrace(['import', 'epcis', file]);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ events: 1, epcs: 1, registered: 0, unmapped: [{ reason: 'no product with GTIN 09501101530003' }] });
  });

  it('parses a GS1 scan without a database', () => {
    const out = unitrace(['scan', 'parse', '(01)09501101530003(21)ABC']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ gtin: '09501101530003', serial: 'ABC' });
  });
});
