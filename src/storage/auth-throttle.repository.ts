import { type RawBuilder, sql } from 'kysely';
import type { Db } from './database.ts';

// Fixed-window failure counters (migration 0006). A row's window opens at its first failure and
// closes `windowSeconds` later; the database clock (now()) is the one clock, so API nodes with
// skewed clocks still agree. Counting is one upsert per counter, atomic under concurrency.

/** A counter after counting: its failures in the open window and the seconds until it closes. */
export type WindowCount = { failures: number; secondsLeft: number };

export type AddressKind = 'sign-in' | 'api-key';

const expired = (table: string, windowSeconds: number) =>
  sql`${sql.ref(`${table}.window_start`)} <= now() - make_interval(secs => ${windowSeconds})`;

/** SET clause: a closed window restarts at now() with this failure; an open one counts it. */
const countOne = (table: string, windowSeconds: number) => sql`
  window_start = CASE WHEN ${expired(table, windowSeconds)} THEN now() ELSE ${sql.ref(`${table}.window_start`)} END,
  failures = CASE WHEN ${expired(table, windowSeconds)} THEN 1 ELSE ${sql.ref(`${table}.failures`)} + 1 END`;

const windowCount = (windowSeconds: number) => sql<WindowCount>`
  failures, extract(epoch FROM window_start + make_interval(secs => ${windowSeconds}) - now())::float8 AS "secondsLeft"`;

async function firstRow(db: Db, query: RawBuilder<WindowCount>): Promise<WindowCount | undefined> {
  const { rows } = await query.execute(db);
  return rows[0];
}

// The first key of the two-key advisory lock space, so these locks meet no one else's.
const SIGN_IN_LOCK_CLASS = 0x5349474e; // 'SIGN'

/**
 * Holds, until the caller's transaction ends, the lock that orders everything done to one email's
 * sign-in counters (counting an attempt, forgetting them after a success), so that concurrent
 * attempts are judged one after another and never deadlock over its rows.
 */
export async function lockSignInCounters(db: Db, email: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SIGN_IN_LOCK_CLASS}, hashtext(${email}))`.execute(db);
}

/**
 * Counts one sign-in attempt for `email` from `address` (`'*'`: from every address), unless the
 * counter already holds `limit` failures in its open window: then nothing changes and `counted`
 * is false. The row stays locked until the caller's transaction ends.
 */
export async function countSignInAttempt(
  db: Db,
  key: { email: string; address: string },
  windowSeconds: number,
  limit: number,
): Promise<WindowCount & { counted: boolean }> {
  const t = 'sign_in_failures';
  const counted = await firstRow(
    db,
    sql<WindowCount>`
      INSERT INTO sign_in_failures (email, address, window_start, failures) VALUES (${key.email}, ${key.address}, now(), 1)
      ON CONFLICT (email, address) DO UPDATE SET ${countOne(t, windowSeconds)}
      WHERE ${expired(t, windowSeconds)} OR sign_in_failures.failures < ${limit}
      RETURNING ${windowCount(windowSeconds)}`,
  );
  if (counted) return { ...counted, counted: true };
  const held = await firstRow(
    db,
    sql<WindowCount>`SELECT ${windowCount(windowSeconds)} FROM sign_in_failures WHERE email = ${key.email} AND address = ${key.address}`,
  );
  return { failures: held?.failures ?? limit, secondsLeft: held?.secondsLeft ?? windowSeconds, counted: false };
}

/** Forgets every sign-in failure counted for `email` (after a successful sign-in). */
export async function deleteSignInFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}

/** Counts one attempt from `address`, like countSignInAttempt; with `limit` null it always counts. */
export async function countAddressAttempt(
  db: Db,
  key: { address: string; kind: AddressKind },
  windowSeconds: number,
  limit: number | null,
): Promise<WindowCount & { counted: boolean }> {
  const t = 'address_failures';
  const counted = await firstRow(
    db,
    sql<WindowCount>`
      INSERT INTO address_failures (address, kind, window_start, failures) VALUES (${key.address}, ${key.kind}, now(), 1)
      ON CONFLICT (address, kind) DO UPDATE SET ${countOne(t, windowSeconds)}
      ${limit === null ? sql`` : sql`WHERE ${expired(t, windowSeconds)} OR address_failures.failures < ${limit}`}
      RETURNING ${windowCount(windowSeconds)}`,
  );
  if (counted) return { ...counted, counted: true };
  const held = await firstRow(
    db,
    sql<WindowCount>`SELECT ${windowCount(windowSeconds)} FROM address_failures WHERE address = ${key.address} AND kind = ${key.kind}`,
  );
  return { failures: held?.failures ?? limit ?? 0, secondsLeft: held?.secondsLeft ?? windowSeconds, counted: false };
}

/**
 * Takes back one attempt counted from `address` (a sign-in that turned out right), if its window
 * is still open; a window that has closed since holds nothing of it.
 */
export async function uncountAddressAttempt(db: Db, key: { address: string; kind: AddressKind }, windowSeconds: number): Promise<void> {
  await sql`
    UPDATE address_failures SET failures = failures - 1
    WHERE address = ${key.address} AND kind = ${key.kind} AND failures > 0 AND NOT ${expired('address_failures', windowSeconds)}`.execute(db);
}

/** Counts one wrong API key naming `tenantId`; undefined (nothing counted) when no such tenant exists. */
export async function countApiKeyFailure(db: Db, tenantId: string, windowSeconds: number): Promise<WindowCount | undefined> {
  const t = 'api_key_failures';
  return firstRow(
    db,
    sql<WindowCount>`
      INSERT INTO api_key_failures (tenant_id, window_start, failures)
      SELECT id, now(), 1 FROM tenants WHERE id = ${tenantId}
      ON CONFLICT (tenant_id) DO UPDATE SET ${countOne(t, windowSeconds)}
      RETURNING ${windowCount(windowSeconds)}`,
  );
}

/**
 * Deletes up to `batch` counters per table whose window has closed; returns how many rows went.
 * Rows another transaction holds are skipped (SKIP LOCKED): the clean-up never waits for, nor
 * deadlocks with, an attempt being counted, and the next run takes what it skipped.
 */
export async function deleteClosedWindows(db: Db, windowSeconds: number, batch: number): Promise<number> {
  const tables = [
    ['sign_in_failures', sql`email, address`],
    ['address_failures', sql`address, kind`],
    ['api_key_failures', sql`tenant_id`],
  ] as const;
  let deleted = 0;
  for (const [table, key] of tables) {
    const result = await sql`
      DELETE FROM ${sql.table(table)} WHERE (${key}) IN (
        SELECT ${key} FROM ${sql.table(table)}
        WHERE window_start <= now() - make_interval(secs => ${windowSeconds})
        LIMIT ${batch} FOR UPDATE SKIP LOCKED)`.execute(db);
    deleted += Number(result.numAffectedRows ?? 0);
  }
  return deleted;
}
