import type { UnitCounts } from '../core/recalls.ts';
import type { RecallCustomerRow, RecallDetail, RecallPreview, RecallRow } from '../services/recalls.service.ts';
import { verdictMessage } from '../core/returns.ts';
import type { AuditEntry } from '../services/audit.service.ts';
import type { OrderDetail, OrderRow } from '../services/orders.service.ts';
import type { ProductRow } from '../services/products.service.ts';
import type { SerialReportRow } from '../services/reports.service.ts';
import type { ReceivingProblem } from '../core/receiving.ts';
import type {
  NoticeDetail,
  NoticeProgress,
  NoticeRow,
  NoticeSummaryRow,
  ReceiptDetail,
  ReceiptResult,
  ReceiptRow,
  ReceiptSummaryRow,
  ScanResult,
} from '../services/receiving.service.ts';
import type { ReturnDetail, ReturnItemRow, ReturnSummaryRow } from '../services/returns.service.ts';
import type { UnitWithHistory } from '../services/serials.service.ts';
import type { DeliveryRow, EndpointRow } from '../services/webhooks.service.ts';
import type { ApiKeyRow } from '../services/tenants.service.ts';

// Explicit output shapes: what clients see is written here, never a spread database row.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentProduct(p: ProductRow) {
  return {
    sku: p.sku,
    name: p.name,
    gtin: p.gtin,
    needsSerialNumber: p.needsSerialNumber,
    serialFormat: p.serialFormat,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function presentOrderSummary(o: OrderRow) {
  return {
    orderNumber: o.orderNumber,
    type: o.type,
    status: o.status,
    customer: o.customer,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    shippedAt: iso(o.shippedAt),
    createdAt: iso(o.createdAt),
  };
}

export function presentOrder(o: OrderDetail) {
  return {
    ...presentOrderSummary(o),
    shippedBy: o.shippedByName,
    lines: o.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      gtin: l.gtin,
      quantity: l.quantity,
      needsSerialNumber: l.needsSerialNumber,
      captured: l.captured,
      serials: l.serials,
      captures: l.captures.map((c) => ({
        serial: c.serial,
        captureMethod: c.scanned ? 'scanned' : 'typed',
        capturedAt: iso(c.capturedAt),
        capturedBy: c.capturedByName,
        station: c.station,
        lot: c.lot,
        expiry: c.expiry,
        correctionReason: c.correctionReason,
      })),
      corrections: l.corrections.map((c) => ({
        serial: c.serial,
        newSerial: c.newSerial,
        reason: c.reason,
        correctedAt: iso(c.correctedAt),
        correctedBy: c.correctedByName,
      })),
    })),
  };
}

export function presentUnit(u: UnitWithHistory) {
  return {
    sku: u.sku,
    productName: u.productName,
    serial: u.serial,
    status: u.status,
    hold: u.hold,
    disposition: u.disposition,
    lot: u.lot,
    expiry: u.expiry,
    orderNumber: u.order?.orderNumber ?? null,
    orderType: u.order?.type ?? null,
    customer: u.order
      ? {
          name: u.order.customerName,
          email: u.order.customerEmail,
          company: u.order.customerCompany,
          externalId: u.order.customerExternalId,
        }
      : null,
    shippedAt: iso(u.order?.shippedAt ?? null),
    firstSeenAt: iso(u.firstSeenAt),
    events: u.events.map((e) => ({
      id: e.id,
      type: e.type,
      at: iso(e.occurredAt),
      actor: e.actorName,
      station: e.station,
      orderNumber: e.orderNumber,
      details: e.details,
      correctsEventId: e.correctsEventId,
    })),
  };
}

export function presentAuditEntry(a: AuditEntry) {
  return {
    id: a.id,
    at: iso(a.at),
    actor: a.actor,
    action: a.action,
    subject: a.subject,
    before: a.before,
    after: a.after,
  };
}

/** An API key as listed: never the key or its hash. */
export function presentUser(u: { id: string; email: string; role: string; createdAt: Date; disabledAt: Date | null }) {
  return { id: u.id, email: u.email, role: u.role, createdAt: iso(u.createdAt), disabledAt: iso(u.disabledAt) };
}

export function presentApiKey(k: ApiKeyRow) {
  return { id: k.id, role: k.role, label: k.label, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) };
}

export function presentReportRow(r: SerialReportRow) {
  return {
    serial: r.serial,
    sku: r.sku,
    productName: r.productName,
    orderNumber: r.orderNumber,
    orderType: r.orderType,
    customerName: r.customerName,
    customerEmail: r.customerEmail,
    customerCompany: r.customerCompany,
    shippedAt: iso(r.shippedAt),
    captureMethod: r.scanned ? 'scanned' : 'typed',
  };
}

function presentNoticeProgress(p: NoticeProgress) {
  return {
    totals: p.totals,
    lines: p.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      expected: l.expected,
      matched: l.matched,
      missing: l.missing,
      unexpected: l.unexpected,
      ...(l.matchedSerials
        ? { matchedSerials: l.matchedSerials, missingSerials: l.missingSerials, unexpectedSerials: l.unexpectedSerials }
        : {}),
    })),
  };
}

function presentNoticeHead(n: NoticeRow) {
  return {
    reference: n.reference,
    supplier: n.supplier,
    expectedAt: iso(n.expectedAt),
    status: n.status,
    createdAt: iso(n.createdAt),
    createdBy: n.createdBy,
    closedAt: iso(n.closedAt),
    closedBy: n.closedBy,
  };
}

export function presentNoticeSummary(n: NoticeSummaryRow) {
  return { ...presentNoticeHead(n), expected: n.expected, receipts: n.receipts };
}

export function presentReceiptSummary(r: ReceiptRow & Partial<Pick<ReceiptSummaryRow, 'received' | 'alreadyInStock'>>) {
  return {
    id: r.id,
    reference: r.reference,
    noticeReference: r.noticeReference,
    status: r.status,
    station: r.station,
    createdAt: iso(r.createdAt),
    createdBy: r.createdBy,
    closedAt: iso(r.closedAt),
    closedBy: r.closedBy,
    ...(r.received !== undefined ? { received: r.received, alreadyInStock: r.alreadyInStock } : {}),
  };
}

export function presentNotice(n: NoticeDetail) {
  return {
    ...presentNoticeHead(n),
    // counts recorded when the notice was closed; null while it is open
    discrepancy: n.discrepancy,
    ...presentNoticeProgress(n),
    receipts: n.receipts.map(presentReceiptSummary),
  };
}

const presentLinkedNotice = (n: (NoticeRow & NoticeProgress) | null) =>
  n ? { reference: n.reference, supplier: n.supplier, status: n.status, ...presentNoticeProgress(n) } : null;

export function presentReceiptProblem(p: ReceivingProblem) {
  return { index: p.index, path: p.path, sku: p.sku, serial: p.serial, code: p.code, message: p.message, ...(p.details ? { details: p.details } : {}) };
}

export function presentReceiptResult(r: ReceiptResult) {
  return {
    ...presentReceiptSummary(r.receipt),
    received: r.received,
    alreadyInStock: r.alreadyInStock,
    lines: r.lines,
    refused: r.refused.map(presentReceiptProblem),
    notice: presentLinkedNotice(r.notice),
  };
}

export function presentReceipt(r: ReceiptDetail) {
  return {
    ...presentReceiptSummary(r),
    received: r.received,
    alreadyInStock: r.alreadyInStock,
    lines: r.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      received: l.received,
      alreadyInStock: l.alreadyInStock,
      unexpected: l.unexpected,
      serials: l.serials,
      alreadyInStockSerials: l.alreadyInStockSerials,
      unexpectedSerials: l.unexpected === null ? null : l.unexpectedSerials,
    })),
    notice: presentLinkedNotice(r.notice),
  };
}

export function presentReceivingScan(s: ScanResult) {
  if (s.kind === 'product') return { kind: s.kind, sku: s.sku, name: s.name };
  return {
    kind: s.kind,
    outcome: s.outcome,
    sku: s.sku,
    serial: s.serial,
    expected: s.expected,
    lot: s.lot,
    expiry: s.expiry,
    gtin: s.gtin,
    receipt: s.receipt,
    notice: s.notice ? { reference: s.notice.reference, status: s.notice.status, ...presentNoticeProgress(s.notice) } : null,
  };
}

export function presentReturnItem(i: ReturnItemRow) {
  return {
    index: i.index,
    sku: i.sku,
    serial: i.serial,
    verdict: i.verdict,
    // Never names another customer or their order: only this customer's own other order.
    message: verdictMessage(i),
    otherOrderNumber: i.verdict === 'shipped_in_other_order' ? i.otherOrderNumber : null,
    disposition: i.disposition,
    heldForReview: i.disposition === 'review',
    unitRegistered: i.unitExisted,
    condition: i.condition,
    reason: i.reason,
    captureMethod: i.scanned ? 'scanned' : 'typed',
    lot: i.lot,
    expiry: i.expiry,
    review: i.review && { decision: i.review.decision, note: i.review.note, at: iso(i.review.at), by: i.review.by },
    disposal: i.disposal && { note: i.disposal.note, at: iso(i.disposal.at), by: i.disposal.by },
  };
}

export function presentReturn(r: ReturnDetail & { added?: number[] }) {
  return {
    id: r.id,
    orderNumber: r.orderNumber,
    rmaNumber: r.rmaNumber,
    station: r.station,
    createdAt: iso(r.createdAt),
    createdBy: r.createdBy,
    items: r.items.map(presentReturnItem),
    ...(r.added ? { added: r.added } : {}),
  };
}

export function presentReturnSummary(r: ReturnSummaryRow) {
  return {
    id: r.id,
    orderNumber: r.orderNumber,
    rmaNumber: r.rmaNumber,
    station: r.station,
    createdAt: iso(r.createdAt),
    createdBy: r.createdBy,
    items: r.items,
    matched: r.matched,
    inReview: r.inReview,
    pending: r.pending,
  };
}

/** A webhook endpoint. Its secret is never shown here: only when it is created or rotated. */
export function presentWebhook(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    previousSecretExpiresAt: iso(e.previousSecretExpiresAt),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

export function presentDelivery(d: DeliveryRow) {
  return {
    id: d.id,
    webhookId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastAttemptAt: iso(d.lastAttemptAt),
    nextAttemptAt: iso(d.nextAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    createdAt: iso(d.createdAt),
  };
}

const counts = (c: UnitCounts) => ({
  inStock: c.in_stock,
  packed: c.packed,
  shipped: c.shipped,
  returned: c.returned,
  scrapped: c.scrapped,
});

export function presentRecallPreview(p: RecallPreview) {
  return {
    sku: p.sku,
    units: p.units,
    byStatus: counts(p.byStatus),
    alreadyRecalled: p.alreadyRecalled,
    customers: p.customers,
    orders: p.orders,
    openOrders: p.openOrders,
  };
}

export function presentRecallSummary(r: RecallRow) {
  return {
    id: r.id,
    name: r.name,
    sku: r.sku,
    productName: r.productName,
    status: r.status,
    units: r.unitCount,
    createdAt: iso(r.createdAt),
    createdBy: r.createdBy,
    closedAt: iso(r.closedAt),
  };
}

export function presentRecall(r: RecallDetail) {
  return {
    ...presentRecallSummary(r),
    reason: r.reason,
    criteria: {
      serials: r.criteria.serials,
      ranges: r.criteria.ranges,
      lot: r.criteria.lot,
      shippedFrom: r.criteria.shippedFrom,
      shippedTo: r.criteria.shippedTo,
    },
    atRecall: counts(r.counts),
    progress: { ...r.progress },
    closedBy: r.closedBy,
    closeNote: r.closeNote,
  };
}

export function presentRecallCustomer(c: RecallCustomerRow) {
  return {
    name: c.name,
    email: c.email,
    company: c.company,
    externalId: c.externalId,
    orders: c.orders,
    units: c.units,
    serials: c.serials,
  };
}
