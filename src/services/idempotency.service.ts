import { randomUUID } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import type { Db } from '../storage/database.ts';
import {
  claimIdempotencyKey,
  deleteExpiredIdempotencyKeys,
  deleteIdempotencyClaim,
  findIdempotencyKey,
  type StoredAnswer,
  storeIdempotentAnswer,
} from '../storage/idempotency.repository.ts';

export type { StoredAnswer };

/** How long a key's answer is replayed: a retry after this runs the request again. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a running request holds its key. A request that ends releases or completes its key at
 * once; this only frees the key of a request whose process died mid-way (then a retry of the same
 * request may run after this long). It is far longer than any request takes.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 10 * 60;
/** Expired keys deleted per newly claimed key: bounded work that outpaces the growth. */
const SWEEP_LIMIT = 100;

export type IdempotentRequest = {
  key: string;
  method: string;
  path: string;
  /** Fingerprint of everything that makes the request this request: method, path and query, body. */
  requestHash: Buffer;
  /**
   * For a body that is streamed to the handler (CSV imports), which cannot be part of requestHash:
   * reads the rest of this request's body and returns its SHA-256. Called only to compare a retry
   * with the finished request it repeats.
   */
  bodyHash?: () => Promise<Buffer>;
};

export type IdempotencyStart = { kind: 'run'; owner: string } | { kind: 'replay'; answer: StoredAnswer };

function reused(): DomainError {
  return new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'idempotency-key: was already used for a different request (method, path or body); send a new key for a new request',
    { field: 'idempotency-key' },
  );
}

function inProgress(): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_IN_PROGRESS', 'idempotency-key: a request with this key is still running; retry when it has finished', {
    field: 'idempotency-key',
  });
}

/**
 * The start of a request that carries an idempotency key, scoped to the actor's tenant. The first
 * request with a key claims it (`run`: the caller runs the request and then calls finish or release
 * with `owner`); a retry of a finished request gets its stored answer (`replay`). The same key with a
 * different request is IDEMPOTENCY_KEY_REUSED; a retry while the first still runs is
 * IDEMPOTENCY_KEY_IN_PROGRESS. The database decides who claims a key, so of two concurrent requests
 * with one key exactly one runs.
 */
export async function startIdempotentRequest(db: Db, actor: Actor, request: IdempotentRequest): Promise<IdempotencyStart> {
  // The second round covers a key released (its request failed) between the claim and the read.
  for (let round = 0; round < 3; round += 1) {
    const owner = randomUUID();
    const claimed = await claimIdempotencyKey(db, {
      tenantId: actor.tenantId,
      key: request.key,
      requestHash: request.requestHash,
      method: request.method,
      path: request.path,
      actor: actor.id,
      owner,
      leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
      ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
    });
    if (claimed) {
      await deleteExpiredIdempotencyKeys(db, actor.tenantId, SWEEP_LIMIT);
      return { kind: 'run', owner };
    }
    const row = await findIdempotencyKey(db, actor.tenantId, request.key);
    if (!row) continue;
    if (!row.requestHash.equals(request.requestHash)) throw reused();
    if (!row.answer) throw inProgress();
    if (row.bodyHash && !(request.bodyHash && row.bodyHash.equals(await request.bodyHash()))) throw reused();
    return { kind: 'replay', answer: row.answer };
  }
  throw inProgress();
}

/** Stores the answer of a request that ran under its key, for retries to replay. */
export async function finishIdempotentRequest(
  db: Db,
  actor: Actor,
  claim: { key: string; owner: string; answer: StoredAnswer; bodyHash?: Buffer | null },
): Promise<void> {
  await storeIdempotentAnswer(db, actor.tenantId, claim.key, claim.owner, claim.answer, claim.bodyHash ?? null);
}

/** Gives up the key of a request whose answer must not be replayed (a 5xx), so a retry runs. */
export async function releaseIdempotencyKey(db: Db, actor: Actor, claim: { key: string; owner: string }): Promise<void> {
  await deleteIdempotencyClaim(db, actor.tenantId, claim.key, claim.owner);
}
