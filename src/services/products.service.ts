import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { changedFields } from '../core/audit.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { compileSerialFormat } from '../core/serial-format/index.ts';
import { checkGtin, checkProduct, Problems, text } from '../core/validate.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import {
  findProductBySku,
  findProductsBySkus,
  insertProducts,
  listProducts,
  type ProductRow,
  setNeedsSerialNumber,
  updateProduct,
} from '../storage/products.repository.ts';

import { recordAudit } from './audit.service.ts';

export type { ProductRow };

export async function createProduct(db: Db, actor: Actor, raw: Record<string, unknown>): Promise<ProductRow> {
  const problems = new Problems();
  const input = checkProduct(problems, '', raw);
  problems.throwIfAny();
  if (input.serialFormat) compileSerialFormat(input.serialFormat);
  try {
    return await db.transaction().execute(async (trx) => {
      const [product] = await insertProducts(trx, actor.tenantId, [input]);
      await recordAudit(trx, actor, [{ action: 'product.created', subjectType: 'product', subjectId: product.sku, after: auditedFields(product) }]);
      return product;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError('PRODUCT_ALREADY_EXISTS', `sku: a product with SKU ${input.sku} already exists`, { sku: input.sku });
    }
    throw error;
  }
}

export async function getProduct(db: Db, actor: Actor, sku: string): Promise<ProductRow> {
  const product = await findProductBySku(db, actor.tenantId, sku);
  if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
  return product;
}

export async function changeProduct(
  db: Db,
  actor: Actor,
  sku: string,
  raw: { name?: unknown; gtin?: unknown; needsSerialNumber?: unknown; serialFormat?: unknown },
): Promise<ProductRow> {
  const problems = new Problems();
  const patch: Parameters<typeof updateProduct>[3] = {};
  if (raw.name !== undefined) patch.name = text(problems, 'name', raw.name, { required: true, max: 200 }) ?? undefined;
  if (raw.gtin !== undefined) patch.gtin = raw.gtin === null ? null : checkGtin(problems, 'gtin', raw.gtin);
  if (raw.needsSerialNumber !== undefined) {
    if (typeof raw.needsSerialNumber !== 'boolean') problems.add('needsSerialNumber', 'must be true or false');
    else patch.needsSerialNumber = raw.needsSerialNumber;
  }
  if (raw.serialFormat !== undefined) {
    patch.serialFormat = text(problems, 'serialFormat', raw.serialFormat, { required: false, max: 200 });
  }
  problems.throwIfAny();
  // A new format applies to scans from now on; serials already captured are never rewritten.
  if (patch.serialFormat) compileSerialFormat(patch.serialFormat);
  return db.transaction().execute(async (trx) => {
    const before = await findProductBySku(trx, actor.tenantId, sku, { lock: true });
    if (!before) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
    const product = (await updateProduct(trx, actor.tenantId, sku, patch))!;
    const changed = changedFields(auditedFields(before), auditedFields(product));
    if (changed) await recordAudit(trx, actor, [{ action: 'product.updated', subjectType: 'product', subjectId: sku, ...changed }]);
    return product;
  });
}

/** What the audit trail keeps of a product. */
function auditedFields(p: ProductRow) {
  return { name: p.name, gtin: p.gtin, needsSerialNumber: p.needsSerialNumber, serialFormat: p.serialFormat };
}

export async function findProducts(
  db: Db,
  actor: Actor,
  query: { needsSerialNumber?: boolean; q?: string; limit: number; cursor?: string },
): Promise<Page<ProductRow>> {
  const afterSku = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['string'] as const)[0];
  const rows = await listProducts(db, actor.tenantId, {
    needsSerialNumber: query.needsSerialNumber,
    q: query.q?.trim() || undefined,
    afterSku,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? encodeCursor([items[items.length - 1].sku]) : null;
  return { items, nextCursor };
}

export const BULK_EDIT_MAX_SKUS = 10_000;

/**
 * Sets needsSerialNumber on many SKUs at once: all of them or none. Unknown SKUs are listed in the
 * error and nothing changes. Returns how many products now have the new value.
 */
export async function bulkEditProducts(
  db: Db,
  actor: Actor,
  input: { skus: string[]; set: { needsSerialNumber: boolean } },
): Promise<{ updated: number }> {
  const skus = [...new Set(input.skus.map((s) => s.trim()))];
  if (skus.length === 0) throw new DomainError('VALIDATION_FAILED', 'skus: list at least one SKU', { field: 'skus' });
  if (skus.length > BULK_EDIT_MAX_SKUS) {
    throw new DomainError('VALIDATION_FAILED', `skus: at most ${BULK_EDIT_MAX_SKUS} at once`, { field: 'skus' });
  }
  return db.transaction().execute(async (trx) => {
    // Locked, so what the audit says each product was is what it was.
    const products = await findProductsBySkus(trx, actor.tenantId, skus, { lock: true });
    const found = new Set(products.map((p) => p.sku));
    const missing = skus.filter((s) => !found.has(s));
    if (missing.length > 0) {
      throw new DomainError('PRODUCTS_NOT_FOUND', `skus: ${missing.length} unknown SKU(s): ${missing.slice(0, 20).join(', ')}`, {
        skus: missing,
      });
    }
    const updated = await setNeedsSerialNumber(trx, actor.tenantId, skus, input.set.needsSerialNumber);
    // One entry per product that really changed (at most BULK_EDIT_MAX_SKUS, in one statement).
    const value = input.set.needsSerialNumber;
    await recordAudit(
      trx,
      actor,
      products
        .filter((p) => p.needsSerialNumber !== value)
        .map((p) => ({
          action: 'product.updated',
          subjectType: 'product',
          subjectId: p.sku,
          before: { needsSerialNumber: p.needsSerialNumber },
          after: { needsSerialNumber: value, via: 'bulk edit' },
        })),
    );
    return { updated };
  });
}
