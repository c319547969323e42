import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, isDomainError } from '../core/errors.ts';
import {
  finishIdempotentRequest,
  IDEMPOTENCY_TTL_SECONDS,
  releaseIdempotencyKey,
  type StoredAnswer,
  startIdempotentRequest,
} from '../services/idempotency.service.ts';
import type { Db } from '../storage/database.ts';

// Safe retries (the IETF draft "The Idempotency-Key HTTP Header Field", with Stripe's behaviour):
// a change sent with `Idempotency-Key: <key>` runs once per tenant and key; retries get the first
// answer back, marked `Idempotent-Replayed: true`. What is stored and when is the service's
// business (services/idempotency.service.ts); this file reads the header, fingerprints the request
// and captures the answer.

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Response headers that belong to the answer and are replayed with it (never set-cookie). */
const REPLAYED_HEADERS = ['content-type', 'content-disposition', 'location'];

/** SHA-256 of the bytes that flow through; `digest` is set once the whole body has passed. */
type BodyHasher = { stream: Transform; digest: Buffer | null };

type Claim = { key: string; hasher: BodyHasher; owner: string | null; streamed: boolean };

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's idempotency key, once read; `owner` is set when this request runs under it. */
    idempotency: Claim | null;
  }
}

function keyError(problem: string): DomainError {
  const message = `${IDEMPOTENCY_KEY_HEADER}: ${problem}`;
  return new DomainError('VALIDATION_FAILED', message, { errors: [{ field: IDEMPOTENCY_KEY_HEADER, message }] });
}

/**
 * The key of an Idempotency-Key header, or undefined without one. The draft's form is a structured
 * field string ("..."), Stripe's the bare value; both are accepted and name the same key. A key is 1
 * to 255 printable ASCII characters (a UUID, say); anything else is VALIDATION_FAILED.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header.join(', ') : header;
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : raw;
  if (key.trim().length === 0) throw keyError('must not be empty');
  if (!/^[\x20-\x7E]+$/.test(key)) throw keyError('must be printable ASCII characters only (a UUID, say)');
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) throw keyError(`must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  return key;
}

function bodyHasher(): BodyHasher {
  const hash = createHash('sha256');
  const hasher: BodyHasher = {
    digest: null,
    stream: new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        hasher.digest = hash.digest();
        callback();
      },
    }),
  };
  return hasher;
}

/** Reads what is left of a streamed body (perhaps nothing) and returns the SHA-256 of all of it. */
async function drain(hasher: BodyHasher): Promise<Buffer> {
  for await (const _chunk of hasher.stream) {
    // only the hash is wanted
  }
  return hasher.digest ?? createHash('sha256').digest();
}

/**
 * What makes a request the same request: method, path with query, and the body's bytes. A body the
 * parser read (JSON) is hashed by now; a body streamed to the handler (CSV imports) is not read yet:
 * its hash is compared separately (`bodyHash` of the service) so that the import still streams.
 */
function fingerprint(request: FastifyRequest, claim: Claim): Buffer {
  const hash = createHash('sha256').update(`${request.method}\n${request.url}\n`);
  if (request.body === undefined) hash.update('no body');
  else if (claim.streamed) hash.update('streamed body');
  else hash.update('body\n').update(claim.hasher.digest ?? Buffer.alloc(0));
  return hash.digest();
}

/** The bytes of an answer to store, or null for one that cannot be stored (a stream). */
function answerBytes(payload: unknown): Buffer | null {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (Buffer.isBuffer(payload)) return payload;
  return null;
}

/**
 * Adds Idempotency-Key handling to every route of `app` that changes data (POST, PUT, PATCH,
 * DELETE) and needs a role: the header is optional, documented in the OpenAPI description of each
 * such route. Sign-in and sign-out (no role, no tenant yet) do not take part.
 */
export function addIdempotency(app: FastifyInstance, { db }: { db: Db }): void {
  app.decorateRequest('idempotency', null);

  const applies = (request: FastifyRequest) =>
    MUTATING_METHODS.has(request.method) && request.routeOptions.config?.role !== undefined;

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!route.config?.role || !methods.some((m) => MUTATING_METHODS.has(m)) || route.schema?.headers) return;
    route.schema = {
      ...route.schema,
      headers: Type.Object({
        [IDEMPOTENCY_KEY_HEADER]: Type.Optional(
          Type.String({
            description: `Optional: 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters (a UUID) naming this change, so that a retry with the same key and request replays the first answer (marked \`Idempotent-Replayed: true\`) for ${IDEMPOTENCY_TTL_SECONDS / 3600} hours instead of running again. The same key with another request: 422 IDEMPOTENCY_KEY_REUSED; while the first still runs: 409 IDEMPOTENCY_KEY_IN_PROGRESS.`,
          }),
        ),
      }),
    };
  });

  // After authentication (onRequest), before the body is read: check the key and hash the body as
  // the parser (or, for CSV, the import) reads it.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!applies(request)) return payload;
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) return payload;
    const hasher = bodyHasher();
    request.idempotency = { key, hasher, owner: null, streamed: false };
    pipeline(payload, hasher.stream, () => {});
    return hasher.stream;
  });

  // After the body was parsed and validated (a malformed request stores nothing): claim the key,
  // or answer the retry from what is stored.
  app.addHook('preHandler', async (request, reply) => {
    const claim = request.idempotency;
    if (!claim) return;
    const hasher = claim.hasher;
    // Whether the body goes to the handler as a stream depends on the route only (its content-type
    // parser), never on how much of it has arrived, so a retry is fingerprinted like the first.
    claim.streamed = request.body === hasher.stream;
    try {
      const start = await startIdempotentRequest(db, request.actor, {
        key: claim.key,
        method: request.method,
        path: request.url,
        requestHash: fingerprint(request, claim),
        bodyHash: claim.streamed ? () => drain(hasher) : undefined,
      });
      if (start.kind === 'run') {
        claim.owner = start.owner;
        return;
      }
      reply.status(start.answer.status);
      for (const [name, value] of Object.entries(start.answer.headers)) reply.header(name, value);
      reply.header(REPLAYED_HEADER, 'true');
      return reply.send(start.answer.body);
    } catch (error) {
      if (isDomainError(error) && error.code === 'IDEMPOTENCY_KEY_IN_PROGRESS') reply.header('retry-after', '1');
      throw error;
    }
  });

  // The answer of a request that ran under its key is stored before the client sees it, so that a
  // retry sent the moment the answer arrives is replayed. A 5xx (or an answer that cannot be
  // stored) gives the key back instead, so that a retry runs.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim?.owner) return payload;
    request.idempotency = null;
    const owned = { key: claim.key, owner: claim.owner };
    const body = answerBytes(payload);
    const bodyHash = claim.streamed ? claim.hasher.digest : null;
    try {
      // A streamed body the handler did not read to its end cannot be fingerprinted: not stored.
      if (reply.statusCode >= 500 || body === null || (claim.streamed && bodyHash === null)) {
        await releaseIdempotencyKey(db, request.actor, owned);
        return payload;
      }
      const headers: StoredAnswer['headers'] = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await finishIdempotentRequest(db, request.actor, { ...owned, answer: { status: reply.statusCode, headers, body }, bodyHash });
    } catch (error) {
      request.log.error({ err: error, reqId: request.id }, 'idempotency key: could not store the answer');
      await releaseIdempotencyKey(db, request.actor, owned).catch(() => {});
    }
    return payload;
  });
}
