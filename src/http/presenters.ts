import type { OrderDetail, OrderRow } from '../services/orders.service.ts';
import type { UnitCounts } from '../core/recalls.ts';
import type { ProductRow } from '../services/products.service.ts';
import type { RecallCustomerRow, RecallDetail, RecallPreview, RecallRow } from '../services/recalls.service.ts';
import type { SerialReportRow } from '../services/reports.service.ts';
import type { UnitWithHistory } from '../services/serials.service.ts';

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
        capturedBy: c.capturedBy,
        station: c.station,
        lot: c.lot,
        expiry: c.expiry,
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
      actor: e.actor,
      station: e.station,
      orderNumber: e.orderNumber,
      details: e.details,
      correctsEventId: e.correctsEventId,
    })),
  };
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
