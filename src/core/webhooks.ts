import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Customer, OrderType } from './model.ts';

/** The events a tenant can subscribe an endpoint to (docs/webhooks.md has each payload). */
export const webhookEventTypes = [
  'serial.captured',
  'order.shipped',
  'serial.returned',
  'return.mismatch',
  'serial.recalled',
  'receipt.discrepancy',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A unit as events name it: its SKU and its serial (serials are unique per SKU). */
export type WebhookUnit = { sku: string; serial: string };

/** What each event carries in `data` (docs/webhooks.md). Times are ISO 8601 strings in UTC. */
export type WebhookEventData = {
  /** One per capture request (a single serial, a scan, or a whole batch), with every serial it captured. */
  'serial.captured': {
    orderNumber: string;
    capturedAt: string;
    capturedBy: string;
    station: string | null;
    serials: Array<WebhookUnit & { scanned: boolean; lot: string | null; expiry: string | null }>;
  };
  /** One per shipped order, with every serial of every line. */
  'order.shipped': {
    orderNumber: string;
    type: OrderType;
    customer: Customer;
    carrier: string | null;
    trackingNumber: string | null;
    shippedAt: string;
    shippedBy: string;
    lines: Array<{ sku: string; quantity: number; serials: string[] }>;
  };
  /** One per return received, with every unit that came back and what is to become of it. */
  'serial.returned': {
    returnId: string;
    orderNumber: string | null;
    receivedAt: string;
    receivedBy: string;
    units: Array<WebhookUnit & { disposition: string | null; condition: string | null }>;
  };
  /** One per return whose units are not the ones the order shipped. */
  'return.mismatch': {
    returnId: string;
    orderNumber: string | null;
    receivedAt: string;
    /** Units that came back but did not ship in the order, or came back twice (held for review), with the verdict. */
    unexpected: Array<WebhookUnit & { verdict: string }>;
    /** Units that shipped in the order and were announced but did not come back. */
    missing: WebhookUnit[];
  };
  /** One per saved recall, with the units it put on hold. */
  'serial.recalled': {
    recallId: string;
    reason: string;
    recalledAt: string;
    recalledBy: string;
    /** How many units the recall holds; `units` lists at most the first 10,000 (`truncated` says so). */
    unitCount: number;
    truncated: boolean;
    units: Array<WebhookUnit & { status: string; orderNumber: string | null; customer: Customer | null }>;
  };
  /**
   * One per advance notice (ASN) closed with units that differ from what it announced: what its
   * receipts took in against what was expected. Lists hold at most 1,000 serials per SKU; the
   * counts are exact.
   */
  'receipt.discrepancy': {
    noticeReference: string;
    supplier: string | null;
    /** The receipts taken against the notice (a delivery may be received in several). */
    receipts: Array<{ receiptId: string; reference: string | null }>;
    closedAt: string;
    closedBy: string;
    expected: number;
    matched: number;
    /** Expected but not received. */
    missing: WebhookUnit[];
    missingCount: number;
    /** Received but not expected (they were received all the same). */
    unexpected: WebhookUnit[];
    unexpectedCount: number;
  };
};

export type WebhookEvent = { [K in WebhookEventType]: { type: K; data: WebhookEventData[K] } }[WebhookEventType];

/** The JSON body of every delivery. */
export type WebhookEnvelope = { id: string; type: WebhookEventType; occurredAt: string; data: unknown };

/**
 * Attempts per delivery before it is marked failed. The queue waits exp(n) seconds after the
 * n-th failure (about 3, 7, 20, 55 s, 2.5, 7, 18, 45 min, 2 h): ten attempts span about 3.6 hours.
 */
export const WEBHOOK_MAX_ATTEMPTS = 10;

/** How long one attempt may take (connect, send, answer) before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Receivers should refuse a signature whose timestamp is further than this from their clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const SIGNATURE_HEADER = 'unitrace-signature';

/** HMAC-SHA256 over `${timestamp}.${body}` with the endpoint's secret, as lowercase hex. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Unitrace-Signature` header: `t=<unix seconds>,v1=<hex>`, with one `v1` per secret that is
 * valid (the current one and, for a while after a rotation, the previous one).
 */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${computeSignature(s, timestamp, body)}`)].join(',');
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * What a receiver does (docs/webhooks.md shows the same in a few lines): parse the header, refuse
 * a timestamp outside the tolerance window (a replayed request), and accept when any v1 signature
 * equals HMAC-SHA256 of `${t}.${rawBody}` under the secret, compared in constant time.
 */
export function verifySignature(input: {
  secret: string;
  header: string | undefined;
  body: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!input.header) return { ok: false, reason: 'no signature header' };
  const parts = input.header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isSafeInteger(t) || signatures.length === 0) return { ok: false, reason: 'malformed signature header' };
  if (Math.abs(input.nowSeconds - t) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'timestamp outside the tolerance window' };
  }
  const expected = Buffer.from(computeSignature(input.secret, t, input.body), 'hex');
  const match = signatures.some((s) => {
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'no signature matches' };
}

/**
 * Checks an endpoint URL's form: absolute, https (http only where the dev setting allows it), no
 * user name or password in it, no fragment. Whether its host is a public address is decided where
 * names are resolved (services), at registration for IP literals and again at every delivery.
 * Returns the normalised URL, or a message naming `url`.
 */
export function checkWebhookUrl(raw: string, options: { allowHttp: boolean }): { url: string } | { problem: string; code: 'VALIDATION_FAILED' | 'WEBHOOK_URL_REFUSED' } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'VALIDATION_FAILED', problem: 'url: expected an absolute URL such as https://example.com/hooks/unitrace' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { code: 'VALIDATION_FAILED', problem: `url: expected an https:// URL, got ${url.protocol}` };
  }
  if (url.protocol === 'http:' && !options.allowHttp) {
    return { code: 'WEBHOOK_URL_REFUSED', problem: 'url: must use https:// (plain http:// is allowed only with UNITRACE_WEBHOOKS_ALLOW_HTTP=1, for development)' };
  }
  if (url.username || url.password) return { code: 'VALIDATION_FAILED', problem: 'url: must not contain a user name or password' };
  if (url.hash) return { code: 'VALIDATION_FAILED', problem: 'url: must not contain a #fragment' };
  if (!url.hostname) return { code: 'VALIDATION_FAILED', problem: 'url: has no host' };
  return { url: url.href };
}

/** Host names that always mean this machine or its private network, whatever DNS says. */
export function isLocalHostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || h.endsWith('.home.arpa');
}
