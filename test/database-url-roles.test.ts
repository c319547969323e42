import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

// An operator's own server: DATABASE_URL is the runtime role, DATABASE_MIGRATION_URL the owner.
const ownerTemplate = inject('templateDatabaseUrl');
const runtimeTemplate = inject('runtimeTemplateUrl');
const sameRole = new URL(ownerTemplate).username === new URL(runtimeTemplate).username;
if (sameRole) console.log('skipped the DATABASE_MIGRATION_URL test: no runtime role could be created on this server');

function unitrace(args: string[], urls: { DATABASE_URL: string; DATABASE_MIGRATION_URL?: string }) {
  const env: Record<string, string | undefined> = { ...process.env, ...urls };
  if (!urls.DATABASE_MIGRATION_URL) delete env.DATABASE_MIGRATION_URL;
  const result = spawnSync(process.execPath, ['bin/unitrace.js', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('DATABASE_URL as the runtime role with DATABASE_MIGRATION_URL as the owner', () => {
  it.skipIf(sameRole)('migrates as the owner, grants the runtime role, and runs as it; without the owner it stops and says what to set', async () => {
    const name = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ownerTemplate.replace(/\/unitrace_template$/, '/postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const owner = ownerTemplate.replace(/\/unitrace_template$/, `/${name}`);
    const runtime = runtimeTemplate.replace(/\/unitrace_template$/, `/${name}`);

    const refused = unitrace(['migrate'], { DATABASE_URL: runtime });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('set DATABASE_MIGRATION_URL to the owner role');

    const migrated = unitrace(['tenants', 'create', '--name', 'Ops'], { DATABASE_URL: runtime, DATABASE_MIGRATION_URL: owner });
    expect(migrated.code, migrated.stderr).toBe(0);
    // Later commands need only the runtime role once the schema is current.
    const listed = unitrace(['tenants', 'list'], { DATABASE_URL: runtime });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((t: { name: string }) => t.name)).toEqual(['Ops']);

    const app = new pg.Client({ connectionString: runtime });
    await app.connect();
    try {
      const who = await app.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
      expect(who.rows).toEqual([{ rolsuper: false }]);
      await expect(app.query('TRUNCATE serial_events')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query('ALTER TABLE serial_events DISABLE TRIGGER ALL')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
  }, 120_000);
});
