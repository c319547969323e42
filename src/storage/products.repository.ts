import { sql } from 'kysely';
import type { Db } from './database.ts';

export type ProductRow = {
  id: number;
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type NewProduct = {
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
};

const columns = ['id', 'sku', 'name', 'gtin', 'needs_serial_number', 'serial_format', 'created_at', 'updated_at'] as const;

type Raw = {
  id: number;
  sku: string;
  name: string;
  gtin: string | null;
  needs_serial_number: boolean;
  serial_format: string | null;
  created_at: Date;
  updated_at: Date;
};

function toProduct(r: Raw): ProductRow {
  return {
    id: r.id,
    sku: r.sku,
    name: r.name,
    gtin: r.gtin,
    needsSerialNumber: r.needs_serial_number,
    serialFormat: r.serial_format,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(tenantId: string, p: NewProduct) {
  return {
    tenant_id: tenantId,
    sku: p.sku,
    name: p.name,
    gtin: p.gtin,
    needs_serial_number: p.needsSerialNumber,
    serial_format: p.serialFormat,
  };
}

/** Inserts products in one statement and returns them; a taken SKU fails the whole statement. */
export async function insertProducts(db: Db, tenantId: string, products: NewProduct[]): Promise<ProductRow[]> {
  if (products.length === 0) return [];
  const rows = await db
    .insertInto('products')
    .values(
      products.map((p) => toRow(tenantId, p)),
    )
    .returning(columns)
    .execute();
  return rows.map(toProduct);
}

export async function findProductBySku(
  db: Db,
  tenantId: string,
  sku: string,
  options: { lock?: boolean } = {},
): Promise<ProductRow | undefined> {
  let query = db.selectFrom('products').select(columns).where('tenant_id', '=', tenantId).where('sku', '=', sku);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toProduct(row);
}

/** The products with these SKUs; with `lock`, their rows are locked for the transaction (in SKU order). */
export async function findProductsBySkus(db: Db, tenantId: string, skus: string[], options: { lock?: boolean } = {}): Promise<ProductRow[]> {
  if (skus.length === 0) return [];
  let query = db
    .selectFrom('products')
    .select(columns)
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sql<string>`any(${skus}::text[])`);
  if (options.lock) query = query.orderBy('sku').forUpdate();
  const rows = await query.execute();
  return rows.map(toProduct);
}

export async function updateProduct(
  db: Db,
  tenantId: string,
  sku: string,
  patch: Partial<Omit<NewProduct, 'sku'>>,
): Promise<ProductRow | undefined> {
  const set: Record<string, unknown> = { updated_at: new Date() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.gtin !== undefined) set.gtin = patch.gtin;
  if (patch.needsSerialNumber !== undefined) set.needs_serial_number = patch.needsSerialNumber;
  if (patch.serialFormat !== undefined) set.serial_format = patch.serialFormat;
  const row = await db
    .updateTable('products')
    .set(set)
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sku)
    .returning(columns)
    .executeTakeFirst();
  return row && toProduct(row);
}

/** Sets needs_serial_number on all the given SKUs in one statement; returns how many rows it touched. */
export async function setNeedsSerialNumber(db: Db, tenantId: string, skus: string[], value: boolean): Promise<number> {
  const result = await db
    .updateTable('products')
    .set({ needs_serial_number: value, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sql<string>`any(${skus}::text[])`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listProducts(
  db: Db,
  tenantId: string,
  filter: { needsSerialNumber?: boolean; q?: string; afterSku?: string; limit: number },
): Promise<ProductRow[]> {
  let query = db.selectFrom('products').select(columns).where('tenant_id', '=', tenantId);
  if (filter.needsSerialNumber !== undefined) query = query.where('needs_serial_number', '=', filter.needsSerialNumber);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([eb('sku', 'ilike', pattern), eb('name', 'ilike', pattern), eb('gtin', '=', filter.q!)]),
    );
  }
  if (filter.afterSku !== undefined) query = query.where('sku', '>', filter.afterSku);
  const rows = await query.orderBy('sku').limit(filter.limit).execute();
  return rows.map(toProduct);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Inserts or updates (by SKU) a batch of products in one statement. */
export async function upsertProducts(
  db: Db,
  tenantId: string,
  products: NewProduct[],
): Promise<{ created: number; updated: number }> {
  if (products.length === 0) return { created: 0, updated: 0 };
  const rows = await db
    .insertInto('products')
    .values(
      products.map((p) => toRow(tenantId, p)),
    )
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'sku']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        gtin: eb.ref('excluded.gtin'),
        needs_serial_number: eb.ref('excluded.needs_serial_number'),
        serial_format: eb.ref('excluded.serial_format'),
        updated_at: new Date(),
      })),
    )
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .execute();
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created };
}
