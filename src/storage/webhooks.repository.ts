import { sql } from 'kysely';
import type { DeliveryStatus, WebhookEventType } from '../core/webhooks.ts';
import { type Db, type DbHandle, openDatabase } from './database.ts';

/** The queue's task that delivers one webhook delivery (graphile-worker job identifier). */
export const DELIVER_TASK = 'webhook-deliver';

/** A pending delivery has at most one waiting job: its key, so a redelivery replaces it. */
const jobKey = sql`'webhook-delivery:' || t.delivery_id`;

export type EndpointRow = {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type DeliveryRow = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

const endpointColumns = [
  'id',
  'url',
  'events',
  'description',
  'enabled',
  'previous_secret_expires_at',
  'created_at',
  'updated_at',
] as const;

function toEndpoint(r: {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}): EndpointRow {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    description: r.description,
    enabled: r.enabled,
    // An expired previous secret no longer signs anything: it is not worth showing.
    previousSecretExpiresAt: r.previous_secret_expires_at && r.previous_secret_expires_at > new Date() ? r.previous_secret_expires_at : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertEndpoint(
  db: Db,
  tenantId: string,
  input: { url: string; events: WebhookEventType[]; description: string | null; secret: string },
): Promise<EndpointRow> {
  const row = await db
    .insertInto('webhook_endpoints')
    .values({ tenant_id: tenantId, url: input.url, events: input.events, description: input.description, secret: input.secret })
    .returning(endpointColumns)
    .executeTakeFirstOrThrow();
  return toEndpoint(row);
}

export async function listEndpoints(db: Db, tenantId: string): Promise<EndpointRow[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(endpointColumns)
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toEndpoint);
}

export async function findEndpoint(db: Db, tenantId: string, id: string): Promise<EndpointRow | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select(endpointColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toEndpoint(row);
}

export async function updateEndpoint(
  db: Db,
  tenantId: string,
  id: string,
  change: { url?: string; events?: WebhookEventType[]; enabled?: boolean; description?: string | null },
): Promise<EndpointRow | undefined> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set({ ...change, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(endpointColumns)
    .executeTakeFirst();
  return row && toEndpoint(row);
}

export async function deleteEndpoint(db: Db, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Sets a new secret; the current one keeps signing too for `previousValidSeconds` (0: not at all). */
export async function rotateEndpointSecret(
  db: Db,
  tenantId: string,
  id: string,
  secret: string,
  previousValidSeconds: number,
): Promise<EndpointRow | undefined> {
  const keep = previousValidSeconds > 0;
  const row = await db
    .updateTable('webhook_endpoints')
    .set({
      previous_secret: keep ? sql<string>`secret` : null,
      previous_secret_expires_at: keep ? sql<Date>`now() + make_interval(secs => ${previousValidSeconds})` : null,
      secret,
      updated_at: sql<Date>`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(endpointColumns)
    .executeTakeFirst();
  return row && toEndpoint(row);
}

/**
 * The outbox, set-based: one statement writes every event that an enabled endpoint of the tenant
 * subscribes to, one delivery per (event, endpoint), and one queue job per delivery
 * (graphile_worker.add_jobs), whatever the number of events. Run inside the transaction of the
 * change the events report, so they commit or roll back with it; jobs become visible to the worker
 * at commit. Events nobody subscribes to are not written. Returns the number of deliveries.
 */
export async function insertEventsAndEnqueue(
  db: Db,
  tenantId: string,
  events: ReadonlyArray<{ type: WebhookEventType; data: unknown }>,
  maxAttempts: number,
): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql<{ deliveries: number }>`
    WITH input AS MATERIALIZED (
      SELECT gen_random_uuid() AS id, e->>'type' AS type, e->'data' AS data
      FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) AS e
    ),
    t AS MATERIALIZED (
      SELECT i.id AS event_id, w.id AS endpoint_id, gen_random_uuid() AS delivery_id
      FROM input i
      JOIN webhook_endpoints w ON w.tenant_id = ${tenantId}::uuid AND w.enabled AND i.type = any (w.events)
    ),
    written AS (
      INSERT INTO webhook_events (tenant_id, id, type, data, occurred_at)
      SELECT ${tenantId}::uuid, i.id, i.type, i.data, now()
      FROM input i WHERE i.id IN (SELECT event_id FROM t)
    ),
    deliveries AS (
      INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, created_at, updated_at, next_attempt_at)
      SELECT ${tenantId}::uuid, t.delivery_id, t.endpoint_id, t.event_id, now(), now(), now()
      FROM t
    )
    SELECT (SELECT count(*) FROM graphile_worker.add_jobs(array(
             SELECT row(${DELIVER_TASK}, json_build_object('tenantId', ${tenantId}::text, 'deliveryId', t.delivery_id), NULL,
                        NULL, ${maxAttempts}::int, ${jobKey}, NULL, NULL)::graphile_worker.job_spec
             FROM t
           )))::int AS deliveries
    WHERE EXISTS (SELECT 1 FROM t)
  `.execute(db);
  return result.rows[0]?.deliveries ?? 0;
}

/**
 * Makes deliveries pending again and queues a job for each, due now (a waiting job of the same
 * delivery is replaced, so a redelivery never leaves two).
 */
export async function requeueDeliveries(db: Db, tenantId: string, deliveryIds: string[], maxAttempts: number): Promise<number> {
  if (deliveryIds.length === 0) return 0;
  const result = await sql<{ queued: number }>`
    WITH t AS (
      UPDATE webhook_deliveries
      SET status = 'pending', delivered_at = NULL, next_attempt_at = now(), updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND id = any (${deliveryIds}::uuid[])
      RETURNING id AS delivery_id
    )
    SELECT (SELECT count(*) FROM graphile_worker.add_jobs(array(
             SELECT row(${DELIVER_TASK}, json_build_object('tenantId', ${tenantId}::text, 'deliveryId', t.delivery_id), NULL,
                        NULL, ${maxAttempts}::int, ${jobKey}, NULL, NULL)::graphile_worker.job_spec
             FROM t
           )))::int AS queued
    WHERE EXISTS (SELECT 1 FROM t)
  `.execute(db);
  return result.rows[0]?.queued ?? 0;
}

const deliverySelect = sql`
  SELECT d.id, d.endpoint_id, d.event_id, ev.type AS event_type, d.status, d.attempts, d.last_status_code, d.last_error,
         d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at
  FROM webhook_deliveries d
  JOIN webhook_events ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
`;

type DeliveryDbRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
};

function toDelivery(r: DeliveryDbRow): DeliveryRow {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}

/** An endpoint's deliveries, newest first, keyset-paged on (created_at, id). */
export async function listDeliveries(
  db: Db,
  tenantId: string,
  endpointId: string,
  query: { status?: DeliveryStatus; before?: { createdAt: Date; id: string }; limit: number },
): Promise<DeliveryRow[]> {
  const before = query.before;
  const rows = await sql<DeliveryDbRow>`
    ${deliverySelect}
    WHERE d.tenant_id = ${tenantId}::uuid AND d.endpoint_id = ${endpointId}::uuid
      AND (${query.status ?? null}::text IS NULL OR d.status = ${query.status ?? null})
      AND (${before?.createdAt ?? null}::timestamptz IS NULL
           OR (d.created_at, d.id) < (${before?.createdAt ?? null}::timestamptz, ${before?.id ?? null}::uuid))
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${query.limit}
  `.execute(db);
  return rows.rows.map(toDelivery);
}

export async function findDelivery(db: Db, tenantId: string, id: string): Promise<DeliveryRow | undefined> {
  const rows = await sql<DeliveryDbRow>`${deliverySelect} WHERE d.tenant_id = ${tenantId}::uuid AND d.id = ${id}::uuid`.execute(db);
  return rows.rows[0] && toDelivery(rows.rows[0]);
}

/** What one attempt needs: the delivery's state, its endpoint's URL and secrets, its event. */
export type DeliveryToSend = {
  status: DeliveryStatus;
  url: string;
  enabled: boolean;
  secrets: string[];
  event: { id: string; type: WebhookEventType; occurredAt: Date; data: unknown };
};

export async function findDeliveryToSend(db: Db, tenantId: string, deliveryId: string): Promise<DeliveryToSend | undefined> {
  const rows = await sql<{
    status: DeliveryStatus;
    url: string;
    enabled: boolean;
    secret: string;
    previous_secret: string | null;
    event_id: string;
    type: WebhookEventType;
    occurred_at: Date;
    data: unknown;
  }>`
    SELECT d.status, w.url, w.enabled, w.secret,
           CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret,
           ev.id AS event_id, ev.type, ev.occurred_at, ev.data
    FROM webhook_deliveries d
    JOIN webhook_endpoints w ON w.tenant_id = d.tenant_id AND w.id = d.endpoint_id
    JOIN webhook_events ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
    WHERE d.tenant_id = ${tenantId}::uuid AND d.id = ${deliveryId}::uuid
  `.execute(db);
  const r = rows.rows[0];
  if (!r) return undefined;
  return {
    status: r.status,
    url: r.url,
    enabled: r.enabled,
    secrets: r.previous_secret ? [r.secret, r.previous_secret] : [r.secret],
    event: { id: r.event_id, type: r.type, occurredAt: r.occurred_at, data: r.data },
  };
}

/**
 * Records one attempt of a pending delivery (`sent: false` when it was not even sent: a disabled
 * endpoint). `retryInSeconds` is when the queue will try again (only for a pending outcome); a
 * delivery that is no longer pending is left as it is.
 */
export async function recordAttempt(
  db: Db,
  tenantId: string,
  deliveryId: string,
  attempt: { sent: boolean; status: DeliveryStatus; statusCode: number | null; error: string | null; retryInSeconds: number | null },
): Promise<void> {
  await sql`
    UPDATE webhook_deliveries
    SET status = ${attempt.status},
        attempts = attempts + CASE WHEN ${attempt.sent} THEN 1 ELSE 0 END,
        last_attempt_at = CASE WHEN ${attempt.sent} THEN now() ELSE last_attempt_at END,
        last_status_code = ${attempt.statusCode}::smallint, last_error = ${attempt.error},
        delivered_at = CASE WHEN ${attempt.status} = 'delivered' THEN now() END,
        next_attempt_at = CASE WHEN ${attempt.status} = 'pending' THEN now() + make_interval(secs => ${attempt.retryInSeconds ?? 0}) END,
        updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid AND id = ${deliveryId}::uuid AND status = 'pending'
  `.execute(db);
}

/**
 * The queue pools that hold delivery jobs locked for at least `olderThanSeconds`, other than
 * `ownPoolId`: candidates for a crashed process (the caller checks whether their owner lives).
 */
export async function findDeliveryLockHolders(db: Db, ownPoolId: string, olderThanSeconds: number): Promise<string[]> {
  const rows = await sql<{ locked_by: string }>`
    SELECT DISTINCT locked_by FROM graphile_worker.jobs
    WHERE task_identifier = ${DELIVER_TASK} AND locked_by IS NOT NULL AND locked_by <> ${ownPoolId}
      AND locked_at < now() - make_interval(secs => ${olderThanSeconds})
  `.execute(db);
  return rows.rows.map((r) => r.locked_by);
}

// Liveness of delivery workers. Each running worker holds a session-level advisory lock named
// after its queue pool on a connection of its own; PostgreSQL releases it when that process dies
// (its connection closes). A job locked by a pool whose lock can be taken belongs to a dead process.

const livenessName = (poolId: string) => `unitrace-webhook-worker:${poolId}`;

/**
 * A one-connection session for the liveness lock of the pool `poolId`: `hold()` takes it (again,
 * if the connection was ever replaced); it is held until `close()`. Its `db` runs the dead-pool
 * checks.
 */
export function openWorkerLiveness(connectionString: string, poolId: string): DbHandle & { hold(): Promise<void> } {
  const handle = openDatabase(connectionString, { max: 1, keepIdle: true });
  let held = false;
  // A new connection holds nothing yet.
  handle.pool.on('connect', () => {
    held = false;
  });
  return {
    ...handle,
    async hold() {
      if (held) return;
      await sql`SELECT pg_advisory_lock(hashtextextended(${livenessName(poolId)}, 0))`.execute(handle.db);
      held = true;
    },
  };
}

/**
 * When the pool `poolId` is dead (nobody holds its liveness lock), unlocks the jobs it held so
 * they run again, and says so. A live pool's jobs are left alone.
 */
export async function unlockJobsOfDeadPool(session: Db, poolId: string): Promise<boolean> {
  const key = sql`hashtextextended(${livenessName(poolId)}, 0)`;
  const claimed = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${key}) AS ok`.execute(session);
  if (!claimed.rows[0]?.ok) return false;
  try {
    await sql`SELECT graphile_worker.force_unlock_workers(${[poolId]}::text[])`.execute(session);
  } finally {
    await sql`SELECT pg_advisory_unlock(${key})`.execute(session);
  }
  return true;
}
