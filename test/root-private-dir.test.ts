import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLUSTERS_DIR } from '../src/storage/embedded-postgres.ts';

// As root, PostgreSQL runs as the `postgres` user, which cannot enter a mode-700 folder (root's
// home, or any `mktemp -d`). The CLI must still work with its data folder inside one.
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('skipped the mode-700 data folder test: it needs to run as root (PostgreSQL then runs as the postgres user)');

const parent = mkdtempSync(join(tmpdir(), 'unitrace-private-'));
const dataDir = join(parent, 'data');
const env: Record<string, string | undefined> = { ...process.env };
delete env.DATABASE_URL;
delete env.DATABASE_MIGRATION_URL;
delete env.UNITRACE_DATA_DIR;

function unitrace(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/unitrace.js', ...args, '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let cluster: string | null = null;
afterAll(() => {
  // The cluster lives outside the data folder: remove both.
  if (cluster) rmSync(cluster, { recursive: true, force: true });
  rmSync(parent, { recursive: true, force: true });
});

describe('the CLI as root with its data folder in a mode-700 directory', () => {
  it.skipIf(!isRoot)('creates a tenant, keeping the cluster where the postgres user can reach it and pointing to it from the data folder', () => {
    expect(statSync(parent).mode & 0o777).toBe(0o700);
    const created = unitrace(['tenants', 'create', '--name', 'Private shop']);
    expect(created.code, created.stderr).toBe(0);
    const { tenantId } = JSON.parse(created.stdout);
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);

    const link = join(dataDir, 'pg');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    cluster = resolve(dataDir, readlinkSync(link));
    expect(cluster.startsWith(`${CLUSTERS_DIR}/`)).toBe(true);
    // Root's folder stays closed: nothing was opened up to make this work.
    expect(statSync(parent).mode & 0o777).toBe(0o700);

    // The next command finds the same database through the pointer.
    const listed = unitrace(['tenants', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ id: tenantId, name: 'Private shop' })]));
  }, 120_000);
});
