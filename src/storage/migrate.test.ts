import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

async function migrateAsOwner() {
  const owner = openDatabase(t.ownerUrl, { max: 2 });
  try {
    return await migrateToLatest(owner);
  } finally {
    await owner.close();
  }
}

describe('migrateToLatest', () => {
  it('runs a migration that landed after a higher-numbered one (0006 on a database already at 0007)', async () => {
    // A database migrated before 0006 was merged: everything up to 0007, without 0006.
    await sql`DROP TABLE api_key_failures, address_failures, sign_in_failures`.execute(t.owner);
    await sql`DELETE FROM unitrace_migrations WHERE name = '0006-auth-throttle'`.execute(t.owner);
    expect(await migrateAsOwner()).toEqual(['0006-auth-throttle']);
    const tables = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables
      WHERE table_name IN ('sign_in_failures', 'address_failures', 'api_key_failures')`.execute(t.owner);
    expect(tables.rows[0].n).toBe(3);
    expect(await migrateAsOwner()).toEqual([]);
  });
});
