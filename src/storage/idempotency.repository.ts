import { sql } from 'kysely';
import type { Db } from './database.ts';

export type StoredAnswer = { status: number; headers: Record<string, string>; body: Buffer };

export type IdempotencyKeyRow = {
  requestHash: Buffer;
  bodyHash: Buffer | null;
  /** null while the request that claimed the key still runs */
  answer: StoredAnswer | null;
};

/**
 * Claims a key for a request in one statement: inserts the key's row, or takes over a row whose key
 * has expired, or a claim that lapsed (its request crashed without releasing it) for the same
 * request. Returns false when the key belongs to another request (running or finished); the row
 * lock taken by the conflict makes two concurrent claims of one key queue, so exactly one wins.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: {
    tenantId: string;
    key: string;
    requestHash: Buffer;
    method: string;
    path: string;
    actor: string;
    owner: string;
    leaseSeconds: number;
    ttlSeconds: number;
  },
): Promise<boolean> {
  const result = await sql<{ owner: string }>`
    INSERT INTO idempotency_keys AS k (tenant_id, key, request_hash, method, path, actor, owner, locked_until, expires_at)
    VALUES (
      ${claim.tenantId}::uuid, ${claim.key}, ${claim.requestHash}, ${claim.method}, ${claim.path}, ${claim.actor}, ${claim.owner}::uuid,
      now() + make_interval(secs => ${claim.leaseSeconds}), now() + make_interval(secs => ${claim.ttlSeconds})
    )
    ON CONFLICT (tenant_id, key) DO UPDATE SET
      request_hash = EXCLUDED.request_hash, body_hash = NULL, method = EXCLUDED.method, path = EXCLUDED.path,
      actor = EXCLUDED.actor, owner = EXCLUDED.owner, locked_until = EXCLUDED.locked_until,
      response_status = NULL, response_headers = NULL, response_body = NULL,
      created_at = now(), expires_at = EXCLUDED.expires_at
    WHERE k.expires_at <= now()
       OR (k.owner IS NOT NULL AND k.locked_until <= now() AND k.request_hash = EXCLUDED.request_hash)
    RETURNING k.owner
  `.execute(db);
  return result.rows.length > 0;
}

export async function findIdempotencyKey(db: Db, tenantId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'body_hash', 'response_status', 'response_headers', 'response_body'])
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    requestHash: row.request_hash,
    bodyHash: row.body_hash,
    answer:
      row.response_status === null
        ? null
        : { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body ?? Buffer.alloc(0) },
  };
}

/** Stores the answer of the request holding the claim `owner`; false when it no longer holds it. */
export async function storeIdempotentAnswer(
  db: Db,
  tenantId: string,
  key: string,
  owner: string,
  answer: StoredAnswer,
  bodyHash: Buffer | null,
): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      response_status: answer.status,
      response_headers: JSON.stringify(answer.headers),
      response_body: answer.body,
      body_hash: bodyHash,
      owner: null,
      locked_until: null,
    })
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Forgets the key of the request holding the claim `owner`, so that a retry runs. */
export async function deleteIdempotencyClaim(db: Db, tenantId: string, key: string, owner: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).where('owner', '=', owner).execute();
}

/**
 * Deletes up to `limit` of the tenant's expired keys, oldest first, skipping rows another request
 * has locked: a bounded, index-driven statement that keeps the table from growing. The keys are
 * picked once (ARRAY (...) is an init plan): as `IN (subquery)` the planner may rescan the LIMIT
 * subquery for every row and delete them all.
 */
export async function deleteExpiredIdempotencyKeys(db: Db, tenantId: string, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM idempotency_keys
    WHERE tenant_id = ${tenantId}::uuid AND expires_at <= now() AND key = ANY (ARRAY (
      SELECT key FROM idempotency_keys
      WHERE tenant_id = ${tenantId}::uuid AND expires_at <= now()
      ORDER BY expires_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ))
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
