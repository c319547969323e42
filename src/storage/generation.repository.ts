import { sql } from 'kysely';
import type { Db } from './database.ts';

/** The largest value a bigint column holds. */
const BIGINT_MAX = (1n << 63n) - 1n;

export type GenerationProduct = { id: number; sku: string; serialFormat: string | null };

/**
 * The product to generate serials for, its row locked until the transaction ends, so generation runs
 * for one SKU take turns (two random runs cannot deadlock on each other's new serials). The lock is
 * FOR NO KEY UPDATE: captures, whose foreign keys take KEY SHARE locks on the row, are not held up.
 */
export async function lockProductForGeneration(db: Db, tenantId: string, sku: string): Promise<GenerationProduct | undefined> {
  const row = await db
    .selectFrom('products')
    .select(['id', 'sku', 'serial_format'])
    .where('tenant_id', '=', tenantId)
    .where('sku', '=', sku)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return row && { id: row.id, sku: row.sku, serialFormat: row.serial_format };
}

/**
 * Reserves `count` consecutive counter values for a product in one statement and returns the first
 * (as a bigint: counters may pass 2^53). The first reservation starts at `firstValue`. Returns null,
 * leaving the counter where it was, when the values would not all be below `capacity`.
 *
 * The UPSERT takes the counter row's lock, so concurrent reservations for one product queue behind
 * each other and never share a value; inside a transaction the lock lasts until it ends, and a
 * rolled-back transaction gives its values back.
 */
export async function reserveCounterValues(
  db: Db,
  tenantId: string,
  productId: number,
  count: number,
  capacity: bigint,
  firstValue: bigint,
): Promise<bigint | null> {
  // next_value after the call is at most `limit`: the last value handed out is below capacity, and
  // the column itself is a bigint.
  const limit = String(capacity < BIGINT_MAX ? capacity : BIGINT_MAX);
  const n = String(count);
  const result = await sql<{ start: string }>`
    INSERT INTO serial_counters AS c (tenant_id, product_id, next_value)
    SELECT ${tenantId}::uuid, ${productId}::bigint, ${String(firstValue)}::bigint + ${n}::bigint
    WHERE ${String(firstValue)}::numeric + ${n}::numeric <= ${limit}::numeric
    ON CONFLICT (tenant_id, product_id) DO UPDATE
      SET next_value = c.next_value + ${n}::bigint, updated_at = now()
      WHERE c.next_value::numeric + ${n}::numeric <= ${limit}::numeric
    RETURNING (c.next_value - ${n}::bigint)::text AS start
  `.execute(db);
  const row = result.rows[0];
  return row ? BigInt(row.start) : null;
}

/** The counter value the next sequential serial would get, or null when none was generated yet. */
export async function findCounterValue(db: Db, tenantId: string, productId: number): Promise<bigint | null> {
  const result = await sql<{ next: string }>`
    SELECT next_value::text AS next FROM serial_counters
    WHERE tenant_id = ${tenantId}::uuid AND product_id = ${productId}::bigint
  `.execute(db);
  const row = result.rows[0];
  return row ? BigInt(row.next) : null;
}

export type GeneratedUnitsContext = {
  tenantId: string;
  productId: number;
  at: Date;
  actor: string;
  /** Stored on every 'generated' event. */
  details: Record<string, unknown>;
};

/**
 * Registers new units (status in_stock) with one 'generated' event each, in one statement for the
 * whole list. A serial the product already has is left alone and gets no event; those serials are
 * returned, in list order, so the caller can replace them. The serials must be distinct.
 */
export async function insertGeneratedUnits(db: Db, ctx: GeneratedUnitsContext, serials: string[]): Promise<string[]> {
  if (serials.length === 0) return [];
  const result = await sql<{ serial: string }>`
    WITH input AS (
      SELECT t.serial, t.n FROM unnest(${serials}::text[]) WITH ORDINALITY AS t(serial, n)
    ),
    units AS (
      INSERT INTO serial_units (tenant_id, product_id, serial, status, first_seen_at, updated_at)
      SELECT ${ctx.tenantId}::uuid, ${ctx.productId}::bigint, i.serial, 'in_stock', ${ctx.at}::timestamptz, ${ctx.at}::timestamptz
      FROM input i
      ORDER BY i.n
      ON CONFLICT (tenant_id, product_id, serial) DO NOTHING
      RETURNING serial
    ),
    events AS (
      INSERT INTO serial_events (tenant_id, product_id, serial, type, occurred_at, actor, details)
      SELECT ${ctx.tenantId}::uuid, ${ctx.productId}::bigint, i.serial, 'generated', ${ctx.at}::timestamptz, ${ctx.actor},
             ${JSON.stringify(ctx.details)}::jsonb
      FROM input i JOIN units u ON u.serial = i.serial
      ORDER BY i.n
    )
    SELECT i.serial FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.serial = i.serial)
    ORDER BY i.n
  `.execute(db);
  return result.rows.map((r) => r.serial);
}

/** Which of `serials` the product already has. */
export async function findRegisteredSerials(db: Db, tenantId: string, productId: number, serials: string[]): Promise<Set<string>> {
  if (serials.length === 0) return new Set();
  const result = await sql<{ serial: string }>`
    SELECT u.serial FROM serial_units u
    WHERE u.tenant_id = ${tenantId}::uuid AND u.product_id = ${productId}::bigint
      AND u.serial = ANY(${serials}::text[])
  `.execute(db);
  return new Set(result.rows.map((r) => r.serial));
}
