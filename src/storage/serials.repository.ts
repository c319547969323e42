import { sql } from 'kysely';
import type { OrderType, UnitDisposition, UnitHold, UnitStatus } from '../core/model.ts';
import type { Db } from './database.ts';
import { escapeLike } from './products.repository.ts';

export type UnitRow = {
  productId: number;
  sku: string;
  productName: string;
  serial: string;
  status: UnitStatus;
  hold: UnitHold;
  disposition: UnitDisposition | null;
  lot: string | null;
  expiry: string | null;
  firstSeenAt: Date;
  updatedAt: Date;
  order: {
    orderNumber: string;
    type: OrderType;
    customerName: string;
    customerEmail: string | null;
    customerCompany: string | null;
    customerExternalId: string | null;
    shippedAt: Date | null;
  } | null;
};

export type EventRow = {
  id: number;
  productId: number;
  serial: string;
  type: string;
  orderNumber: string | null;
  occurredAt: Date;
  actor: string;
  station: string | null;
  details: Record<string, unknown>;
  correctsEventId: number | null;
};

function unitQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('serial_units as u')
    .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 'u.tenant_id').onRef('p.id', '=', 'u.product_id'))
    .leftJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'u.tenant_id').onRef('o.id', '=', 'u.order_id'))
    .select([
      'u.product_id',
      'p.sku',
      'p.name as product_name',
      'u.serial',
      'u.status',
      'u.hold',
      'u.disposition',
      'u.lot',
      'u.expiry',
      'u.first_seen_at',
      'u.updated_at',
      'o.order_number',
      'o.type as order_type',
      'o.customer_name',
      'o.customer_email',
      'o.customer_company',
      'o.customer_external_id',
      'o.shipped_at',
    ])
    .where('u.tenant_id', '=', tenantId);
}

type RawUnit = Awaited<ReturnType<ReturnType<typeof unitQuery>['execute']>>[number];

function toUnit(r: RawUnit): UnitRow {
  return {
    productId: r.product_id,
    sku: r.sku,
    productName: r.product_name,
    serial: r.serial,
    status: r.status,
    hold: r.hold,
    disposition: r.disposition,
    lot: r.lot,
    expiry: r.expiry,
    firstSeenAt: r.first_seen_at,
    updatedAt: r.updated_at,
    order:
      r.order_number === null
        ? null
        : {
            orderNumber: r.order_number,
            type: r.order_type!,
            customerName: r.customer_name!,
            customerEmail: r.customer_email,
            customerCompany: r.customer_company,
            customerExternalId: r.customer_external_id,
            shippedAt: r.shipped_at,
          },
  };
}

export async function findUnitsBySerial(db: Db, tenantId: string, serial: string): Promise<UnitRow[]> {
  const rows = await unitQuery(db, tenantId).where('u.serial', '=', serial).orderBy('p.sku').execute();
  return rows.map(toUnit);
}

/** Units whose serial starts with `prefix`, in (serial, sku) order, after the given key. */
export async function findUnitsByPrefix(
  db: Db,
  tenantId: string,
  prefix: string,
  after: { serial: string; productId: number } | null,
  limit: number,
): Promise<UnitRow[]> {
  let query = unitQuery(db, tenantId).where('u.serial', 'like', `${escapeLike(prefix)}%`);
  if (after) {
    query = query.where(sql<boolean>`(u.serial, u.product_id) > (${after.serial}, ${after.productId}::bigint)`);
  }
  const rows = await query.orderBy('u.serial').orderBy('u.product_id').limit(limit).execute();
  return rows.map(toUnit);
}

export async function findEventsForUnits(
  db: Db,
  tenantId: string,
  units: ReadonlyArray<{ productId: number; serial: string }>,
): Promise<EventRow[]> {
  if (units.length === 0) return [];
  const rows = await db
    .selectFrom('serial_events as e')
    .leftJoin('orders as o', (j) => j.onRef('o.tenant_id', '=', 'e.tenant_id').onRef('o.id', '=', 'e.order_id'))
    .select([
      'e.id',
      'e.product_id',
      'e.serial',
      'e.type',
      'o.order_number',
      'e.occurred_at',
      'e.actor',
      'e.station',
      'e.details',
      'e.corrects_event_id',
    ])
    .where('e.tenant_id', '=', tenantId)
    .where(
      sql<boolean>`(e.product_id, e.serial) IN (SELECT * FROM unnest(${units.map((u) => u.productId)}::bigint[], ${units.map((u) => u.serial)}::text[]))`,
    )
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    productId: r.product_id,
    serial: r.serial,
    type: r.type,
    orderNumber: r.order_number,
    occurredAt: r.occurred_at,
    actor: r.actor,
    station: r.station,
    details: r.details,
    correctsEventId: r.corrects_event_id,
  }));
}
