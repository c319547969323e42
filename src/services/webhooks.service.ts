import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import {
  checkWebhookUrl,
  type DeliveryStatus,
  isLocalHostName,
  WEBHOOK_MAX_ATTEMPTS,
  type WebhookEvent,
  type WebhookEventType,
} from '../core/webhooks.ts';
import type { Db } from '../storage/database.ts';
import {
  type DeliveryRow,
  deleteEndpoint,
  type EndpointRow,
  findDelivery,
  findEndpoint,
  insertEndpoint,
  insertEventsAndEnqueue,
  listDeliveries,
  listEndpoints,
  requeueDeliveries,
  rotateEndpointSecret,
  updateEndpoint,
} from '../storage/webhooks.repository.ts';
import { isPublicAddress } from './webhook-delivery.service.ts';

export type { DeliveryRow, EndpointRow };

/**
 * Where webhooks may go. `allowHttp` is the development setting (UNITRACE_WEBHOOKS_ALLOW_HTTP=1):
 * it lets plain http:// URLs and loopback or private addresses through, for a receiver on this
 * machine in tests and development. Never set it in production.
 */
export type WebhookPolicy = { allowHttp: boolean };

export const defaultWebhookPolicy: WebhookPolicy = { allowHttp: false };

/**
 * Emits webhook events in the caller's transaction: pass the `trx` of the change the events
 * report, so a change that rolls back emits nothing and one that commits is never lost. One
 * statement whatever the number of events (an event per change, carrying all its serials, not one
 * per serial); it writes nothing when no enabled endpoint of the tenant subscribes to the types.
 * Payload shapes: WebhookEventData in core/webhooks.ts and docs/webhooks.md.
 */
export async function emitEvents(trx: Db, tenantId: string, events: WebhookEvent[]): Promise<void> {
  await insertEventsAndEnqueue(trx, tenantId, events, WEBHOOK_MAX_ATTEMPTS);
}

/** `whsec_` and 32 random bytes: the HMAC key is this whole string. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function checkUrl(raw: string, policy: WebhookPolicy): string {
  const checked = checkWebhookUrl(raw.trim(), policy);
  if ('problem' in checked) throw new DomainError(checked.code, checked.problem, { field: 'url' });
  const host = new URL(checked.url).hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowHttp && (isLocalHostName(host) || !isPublicAddress(host, { hostNamesPass: true }))) {
    throw new DomainError('WEBHOOK_URL_REFUSED', `url: ${host} is a loopback, private or otherwise non-public address; use a public https:// URL`, {
      field: 'url',
    });
  }
  return checked.url;
}

function checkEvents(events: WebhookEventType[]): WebhookEventType[] {
  const unique = [...new Set(events)];
  if (unique.length === 0) throw new DomainError('VALIDATION_FAILED', 'events: list at least one event type', { field: 'events' });
  return unique;
}

async function endpointOrThrow(db: Db, actor: Actor, id: string): Promise<EndpointRow> {
  const endpoint = await findEndpoint(db, actor.tenantId, id);
  if (!endpoint) throw new DomainError('WEBHOOK_NOT_FOUND', `webhookId: no webhook endpoint ${id}`, { webhookId: id });
  return endpoint;
}

export async function createWebhook(
  db: Db,
  actor: Actor,
  input: { url: string; events: WebhookEventType[]; description?: string | null },
  policy: WebhookPolicy,
): Promise<EndpointRow & { secret: string }> {
  const url = checkUrl(input.url, policy);
  const secret = newSecret();
  const endpoint = await insertEndpoint(db, actor.tenantId, {
    url,
    events: checkEvents(input.events),
    description: input.description?.trim() || null,
    secret,
  });
  return { ...endpoint, secret };
}

export async function getWebhooks(db: Db, actor: Actor): Promise<EndpointRow[]> {
  return listEndpoints(db, actor.tenantId);
}

export async function getWebhook(db: Db, actor: Actor, id: string): Promise<EndpointRow> {
  return endpointOrThrow(db, actor, id);
}

export async function changeWebhook(
  db: Db,
  actor: Actor,
  id: string,
  change: { url?: string; events?: WebhookEventType[]; enabled?: boolean; description?: string | null },
  policy: WebhookPolicy,
): Promise<EndpointRow> {
  const updated = await updateEndpoint(db, actor.tenantId, id, {
    ...(change.url !== undefined ? { url: checkUrl(change.url, policy) } : {}),
    ...(change.events !== undefined ? { events: checkEvents(change.events) } : {}),
    ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
    ...(change.description !== undefined ? { description: change.description?.trim() || null } : {}),
  });
  if (!updated) throw new DomainError('WEBHOOK_NOT_FOUND', `webhookId: no webhook endpoint ${id}`, { webhookId: id });
  return updated;
}

/** Deletes the endpoint and its deliveries; a job still queued for one finds nothing and ends. */
export async function removeWebhook(db: Db, actor: Actor, id: string): Promise<void> {
  if (!(await deleteEndpoint(db, actor.tenantId, id))) {
    throw new DomainError('WEBHOOK_NOT_FOUND', `webhookId: no webhook endpoint ${id}`, { webhookId: id });
  }
}

/**
 * A new signing secret, shown once. With `previousSecretValidSeconds` the old one keeps signing
 * too (a second `v1=` in the signature header) until then, so receivers can switch without a gap.
 */
export async function rotateWebhookSecret(
  db: Db,
  actor: Actor,
  id: string,
  input: { previousSecretValidSeconds?: number },
): Promise<EndpointRow & { secret: string }> {
  const secret = newSecret();
  const rotated = await rotateEndpointSecret(db, actor.tenantId, id, secret, input.previousSecretValidSeconds ?? 0);
  if (!rotated) throw new DomainError('WEBHOOK_NOT_FOUND', `webhookId: no webhook endpoint ${id}`, { webhookId: id });
  return { ...rotated, secret };
}

export async function findWebhookDeliveries(
  db: Db,
  actor: Actor,
  id: string,
  query: { status?: DeliveryStatus; limit: number; cursor?: string },
): Promise<Page<DeliveryRow>> {
  await endpointOrThrow(db, actor, id);
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['string', 'string'] as const);
  const beforeAt = before ? new Date(before[0]) : undefined;
  if (before && (Number.isNaN(beforeAt!.getTime()) || !/^[0-9a-f-]{36}$/.test(before[1]))) {
    throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this list returned', { field: 'cursor' });
  }
  const rows = await listDeliveries(db, actor.tenantId, id, {
    status: query.status,
    before: before ? { createdAt: beforeAt!, id: before[1] } : undefined,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Queues a delivery again, now, whatever its status (a delivered one is sent once more). */
export async function redeliverWebhook(db: Db, actor: Actor, deliveryId: string): Promise<DeliveryRow> {
  return db.transaction().execute(async (trx) => {
    const delivery = await findDelivery(trx, actor.tenantId, deliveryId);
    if (!delivery) {
      throw new DomainError('WEBHOOK_DELIVERY_NOT_FOUND', `deliveryId: no webhook delivery ${deliveryId}`, { deliveryId });
    }
    const endpoint = await findEndpoint(trx, actor.tenantId, delivery.endpointId);
    if (!endpoint?.enabled) {
      throw new DomainError('WEBHOOK_DISABLED', `webhookId: endpoint ${delivery.endpointId} is disabled; enable it first`, {
        webhookId: delivery.endpointId,
      });
    }
    await requeueDeliveries(trx, actor.tenantId, [deliveryId], WEBHOOK_MAX_ATTEMPTS);
    return (await findDelivery(trx, actor.tenantId, deliveryId))!;
  });
}
