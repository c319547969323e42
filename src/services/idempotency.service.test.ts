import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeTenant } from '../../test/factories.ts';
import type { Actor } from '../core/model.ts';
import { isDomainError } from '../core/errors.ts';
import {
  finishIdempotentRequest,
  type IdempotentRequest,
  releaseIdempotencyKey,
  startIdempotentRequest,
} from './idempotency.service.ts';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  actor = (await makeTenant(t.db)).actor;
});
afterAll(async () => {
  await t.close();
});

const hash = (text: string) => createHash('sha256').update(text).digest();
const request = (key: string, body = 'body'): IdempotentRequest => ({ key, method: 'POST', path: '/x', requestHash: hash(body) });
const answer = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from('{"ok":true}') };

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    const start = (await promise) as { kind: string };
    return start.kind;
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
}

describe('startIdempotentRequest', () => {
  it('lets exactly one of 20 concurrent requests with one key run; the others are IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    const key = randomUUID();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcome(startIdempotentRequest(t.db, actor, request(key)))));
    expect(outcomes.filter((o) => o === 'run')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'IDEMPOTENCY_KEY_IN_PROGRESS')).toHaveLength(19);
  });

  it('replays the stored answer once the request finished, and refuses another request with IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    const start = await startIdempotentRequest(t.db, actor, request(key));
    if (start.kind !== 'run') throw new Error('expected to run');
    await finishIdempotentRequest(t.db, actor, { key, owner: start.owner, answer });
    expect(await startIdempotentRequest(t.db, actor, request(key))).toEqual({ kind: 'replay', answer });
    expect(await outcome(startIdempotentRequest(t.db, actor, request(key, 'other body')))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets a retry run after the first released its key (a 5xx)', async () => {
    const key = randomUUID();
    const start = await startIdempotentRequest(t.db, actor, request(key));
    if (start.kind !== 'run') throw new Error('expected to run');
    await releaseIdempotencyKey(t.db, actor, { key, owner: start.owner });
    expect(await outcome(startIdempotentRequest(t.db, actor, request(key)))).toBe('run');
  });

  it('compares a streamed body only when the retry is of a finished request', async () => {
    const key = randomUUID();
    const start = await startIdempotentRequest(t.db, actor, request(key, 'stream'));
    if (start.kind !== 'run') throw new Error('expected to run');
    let reads = 0;
    const streamed = (body: string): IdempotentRequest => ({ ...request(key, 'stream'), bodyHash: async () => (reads++, hash(body)) });
    expect(await outcome(startIdempotentRequest(t.db, actor, streamed('a,b')))).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    expect(reads).toBe(0);
    await finishIdempotentRequest(t.db, actor, { key, owner: start.owner, answer, bodyHash: hash('a,b') });
    expect(await outcome(startIdempotentRequest(t.db, actor, streamed('a,b')))).toBe('replay');
    expect(await outcome(startIdempotentRequest(t.db, actor, streamed('a,c')))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('does not store the answer of a request whose claim was taken over', async () => {
    const key = randomUUID();
    const start = await startIdempotentRequest(t.db, actor, request(key));
    if (start.kind !== 'run') throw new Error('expected to run');
    await sql`UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = ${key}`.execute(t.db);
    const second = await startIdempotentRequest(t.db, actor, request(key));
    if (second.kind !== 'run') throw new Error('expected the lapsed claim to be taken over');
    await finishIdempotentRequest(t.db, actor, { key, owner: start.owner, answer: { ...answer, status: 200 } });
    expect(await outcome(startIdempotentRequest(t.db, actor, request(key)))).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    await finishIdempotentRequest(t.db, actor, { key, owner: second.owner, answer });
    expect(await startIdempotentRequest(t.db, actor, request(key))).toEqual({ kind: 'replay', answer });
  });

  it('deletes at most 100 expired keys of the tenant per new key, and none of another tenant', async () => {
    const other = (await makeTenant(t.db)).actor;
    for (const who of [actor, other]) {
      await sql`
        INSERT INTO idempotency_keys (tenant_id, key, request_hash, method, path, actor, response_status, response_headers, response_body, expires_at)
        SELECT ${who.tenantId}::uuid, 'old-' || i, '\\x00'::bytea, 'POST', '/x', 'test', 201, '{}'::jsonb, ''::bytea, now() - interval '1 minute'
        FROM generate_series(1, 150) AS i
      `.execute(t.db);
    }
    const count = async (who: Actor) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_keys WHERE tenant_id = ${who.tenantId} AND key LIKE 'old-%'`.execute(t.db)).rows[0].n;
    expect(await outcome(startIdempotentRequest(t.db, actor, request(randomUUID())))).toBe('run');
    expect(await count(actor)).toBe(50);
    expect(await outcome(startIdempotentRequest(t.db, actor, request(randomUUID())))).toBe('run');
    expect(await count(actor)).toBe(0);
    expect(await count(other)).toBe(150);
  });
});
