/**
 * URIs that name a tenant's own things in EPCIS documents (orders, customers, stations, units
 * without a GTIN) and the stable eventID of each history event.
 *
 * They live under ID_BASE, a placeholder host (".example" is reserved by RFC 2606, so it can never
 * be mistaken for a real party) followed by the tenant id, so two tenants never share a URI.
 * Every variable part is percent-encoded as one path segment.
 */
import { createHash } from 'node:crypto';

export const ID_BASE = 'https://unitrace.example';

/** RFC 4122 namespace for names that are URLs. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

function segment(value: string): string {
  // encodeURIComponent leaves ! ' ( ) * as they are: all allowed in a path segment (RFC 3986 pchar).
  return encodeURIComponent(value);
}

/** https://unitrace.example/{tenantId}/{segments...}, each segment percent-encoded. */
export function tenantUri(tenantId: string, ...segments: string[]): string {
  return [ID_BASE, segment(tenantId), ...segments.map(segment)].join('/');
}

/** A unit that has no GS1 identity (its product has no GTIN, or the serial is not a GS1 serial). */
export function tenantUnitUri(tenantId: string, sku: string, serial: string): string {
  return tenantUri(tenantId, 'sku', sku, 'serial', serial);
}

export function orderUri(tenantId: string, orderNumber: string): string {
  return tenantUri(tenantId, 'order', orderNumber);
}

/**
 * The customer of an order: by the customer's external id when the order has one (the same
 * customer then has the same URI across orders), else as "the customer of this order". Names and
 * emails are never put in a URI: documents go to trading partners.
 */
export function customerUri(tenantId: string, order: { orderNumber: string; customerExternalId: string | null }): string {
  return order.customerExternalId
    ? tenantUri(tenantId, 'customer', order.customerExternalId)
    : tenantUri(tenantId, 'order', order.orderNumber, 'customer');
}

export function stationUri(tenantId: string, station: string): string {
  return tenantUri(tenantId, 'station', station);
}

/** RFC 4122 name-based UUID, version 5 (SHA-1). Pure: the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string = URL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`uuidV5: namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The eventID of history event `eventId`: urn:uuid:<v5 of https://unitrace.example/{tenant}/event/{id}>. */
export function eventUri(tenantId: string, eventId: number): string {
  return `urn:uuid:${uuidV5(tenantUri(tenantId, 'event', String(eventId)))}`;
}
