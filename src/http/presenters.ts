import type { AuditEntry } from '../services/audit.service.ts';
import type { OrderDetail, OrderRow } from '../services/orders.service.ts';
import type { ProductRow } from '../services/products.service.ts';
import type { SerialReportRow } from '../services/reports.service.ts';
import type { UnitWithHistory } from '../services/serials.service.ts';
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
