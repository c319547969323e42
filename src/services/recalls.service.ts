import type { Readable } from 'node:stream';
import type pg from 'pg';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import {
  checkRecallSelection,
  type RecallProgress,
  type RecallSelectionInput,
  MAX_RECALL_RANGES,
  MAX_RECALL_SERIALS,
} from '../core/recalls.ts';
import { checkSerial } from '../core/serial.ts';
import { checkSerialRange } from '../core/serial-range.ts';
import type { Db } from '../storage/database.ts';
import { isDeadlock } from '../storage/errors.ts';
import { findProductBySku } from '../storage/products.repository.ts';
import {
  clearRecallUnits,
  copyRecallCustomersCsv,
  countSelection,
  findRecall,
  findRecallCustomersPage,
  findRecallUnitsForEvent,
  findRecalls,
  holdSelection,
  insertRecall,
  markRecallClosed,
  RECALL_CUSTOMERS_CSV_COLUMNS,
  type RecallCustomerRow,
  type RecallRow,
  type RecallStatus,
  recallProgress,
  type SelectionCounts,
  setRecallCounts,
} from '../storage/recalls.repository.ts';
import { emitEvents } from './webhooks.service.ts';

export type { RecallCustomerRow, RecallRow, RecallStatus, SelectionCounts };

export type RecallInput = RecallSelectionInput & { name: string; reason: string; sku: string };
export type RecallPreview = SelectionCounts & { sku: string };
export type RecallDetail = RecallRow & { progress: RecallProgress };

function requiredText(field: string, value: string | undefined, max: number): string {
  const text = (value ?? '').trim();
  if (!text) throw new DomainError('VALIDATION_FAILED', `${field}: must not be empty`, { field });
  if (text.length > max) throw new DomainError('VALIDATION_FAILED', `${field}: must be at most ${max} characters`, { field });
  return text;
}

async function productOf(db: Db, actor: Actor, rawSku: string) {
  const sku = rawSku.trim();
  const product = await findProductBySku(db, actor.tenantId, sku);
  if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
  return product;
}

/** What a recall with this selection would hold, counted now; nothing is changed. */
export async function previewRecall(db: Db, actor: Actor, input: RecallSelectionInput & { sku: string }): Promise<RecallPreview> {
  const { selection } = checkRecallSelection(input);
  const product = await productOf(db, actor, input.sku);
  return { sku: product.sku, ...(await countSelection(db, actor.tenantId, product.id, selection)) };
}

/**
 * Saves a recall and holds every unit it selects, in one transaction: the recall row, then one
 * statement that holds the units and records them and their events, then the counts. A selection
 * that matches no unit saves nothing (422 RECALL_MATCHES_NOTHING). Two recalls saved at once over
 * the same units can deadlock in PostgreSQL (each locks units in its own order): the loser is run
 * again.
 */
/** At most this many units are listed in a recall's webhook event. */
const RECALL_EVENT_UNITS = 10_000;

export async function createRecall(db: Db, actor: Actor, input: RecallInput): Promise<RecallDetail> {
  const name = requiredText('name', input.name, 200);
  const reason = requiredText('reason', input.reason, 2000);
  const { selection, criteria } = checkRecallSelection(input);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(async (trx) => {
        const product = await productOf(trx, actor, input.sku);
        const at = new Date();
        const recallId = await insertRecall(trx, actor.tenantId, { name, reason, productId: product.id, criteria, at, actor: actor.id });
        const counts = await holdSelection(trx, {
          tenantId: actor.tenantId,
          recallId,
          recallName: name,
          productId: product.id,
          selection,
          at,
          actor: actor.id,
        });
        if (Object.values(counts).every((n) => n === 0)) {
          throw new DomainError('RECALL_MATCHES_NOTHING', `selection: no unit of ${product.sku} matches; nothing was recalled`, {
            sku: product.sku,
          });
        }
        await setRecallCounts(trx, actor.tenantId, recallId, counts);
        const unitCount = Object.values(counts).reduce((n, c) => n + c, 0);
        // One event per recall, in its transaction; a recall of millions lists its first units only
        // (the contact list, GET /recalls/{id}/customers, has them all).
        const units = await findRecallUnitsForEvent(trx, actor.tenantId, recallId, RECALL_EVENT_UNITS);
        await emitEvents(trx, actor.tenantId, [
          {
            type: 'serial.recalled',
            data: {
              recallId: String(recallId),
              reason,
              recalledAt: at.toISOString(),
              recalledBy: actor.id,
              unitCount,
              truncated: unitCount > units.length,
              units,
            },
          },
        ]);
        return loadRecall(trx, actor, recallId);
      });
    } catch (error) {
      if (attempt < 3 && isDeadlock(error)) continue;
      throw error;
    }
  }
}

async function recallOrThrow(db: Db, actor: Actor, recallId: number, lock = false): Promise<RecallRow> {
  const recall = await findRecall(db, actor.tenantId, recallId, lock);
  if (!recall) throw new DomainError('RECALL_NOT_FOUND', `recallId: no recall ${recallId}`, { recallId });
  return recall;
}

async function loadRecall(db: Db, actor: Actor, recallId: number): Promise<RecallDetail> {
  const recall = await recallOrThrow(db, actor, recallId);
  return { ...recall, progress: await recallProgress(db, actor.tenantId, recallId) };
}

export async function getRecall(db: Db, actor: Actor, recallId: number): Promise<RecallDetail> {
  return loadRecall(db, actor, recallId);
}

export async function listRecalls(
  db: Db,
  actor: Actor,
  query: { status?: RecallStatus; limit: number; cursor?: string },
): Promise<Page<RecallRow>> {
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number'] as const)[0];
  const rows = await findRecalls(db, actor.tenantId, { status: query.status, beforeId }, query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? encodeCursor([items[items.length - 1].id]) : null };
}

function assertOpen(recall: RecallRow): void {
  if (recall.status === 'closed') {
    throw new DomainError('RECALL_CLOSED', `recallId: recall ${recall.id} is closed; its record is final`, { recallId: recall.id });
  }
}

/**
 * Clears units from an open recall (inspected and fine, or selected by mistake): named by serials
 * and ranges. They keep their place in the recall's record, marked cleared with who and why, and
 * are released unless another recall holds them. Serials the recall does not hold (or that are
 * already cleared) are left alone; `cleared` says how many were.
 */
export async function clearUnits(
  db: Db,
  actor: Actor,
  recallId: number,
  input: { serials?: string[]; ranges?: Array<{ from: string; to: string }>; reason: string },
): Promise<{ cleared: number; released: number; recall: RecallDetail }> {
  const reason = requiredText('reason', input.reason, 2000);
  const rawSerials = input.serials ?? [];
  const rawRanges = input.ranges ?? [];
  if (rawSerials.length > MAX_RECALL_SERIALS) {
    throw new DomainError('VALIDATION_FAILED', `serials: at most ${MAX_RECALL_SERIALS} serials`, { field: 'serials' });
  }
  if (rawRanges.length > MAX_RECALL_RANGES) {
    throw new DomainError('VALIDATION_FAILED', `ranges: at most ${MAX_RECALL_RANGES} ranges`, { field: 'ranges' });
  }
  const serials = rawSerials.map((raw, i) => {
    const check = checkSerial(raw, `serials[${i}]`);
    if (!check.ok) throw new DomainError('VALIDATION_FAILED', check.message, { field: `serials[${i}]` });
    return check.serial;
  });
  const ranges = rawRanges.map((r, i) => checkSerialRange(r, `ranges[${i}]`));
  if (serials.length === 0 && ranges.length === 0) {
    throw new DomainError('VALIDATION_FAILED', 'selection: give the serials or ranges to clear', { field: 'selection' });
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(async (trx) => {
        const recall = await recallOrThrow(trx, actor, recallId, true);
        assertOpen(recall);
        const result = await clearRecallUnits(trx, {
          tenantId: actor.tenantId,
          recallId,
          selection: { serials: [...new Set(serials)], ranges },
          at: new Date(),
          actor: actor.id,
          reason,
        });
        return { ...result, recall: await loadRecall(trx, actor, recallId) };
      });
    } catch (error) {
      if (attempt < 3 && isDeadlock(error)) continue;
      throw error;
    }
  }
}

/**
 * Ends a recall. Closing keeps the whole record and releases nothing: every unit it holds and did
 * not clear stays held (recalled units that were not cleared are still recalled units), so clear
 * what is to be released before closing. A closed recall cannot be cleared or closed again.
 */
export async function closeRecall(db: Db, actor: Actor, recallId: number, input: { note?: string | null }): Promise<RecallDetail> {
  const note = input.note?.trim() || null;
  if (note !== null && note.length > 2000) {
    throw new DomainError('VALIDATION_FAILED', 'note: must be at most 2000 characters', { field: 'note' });
  }
  return db.transaction().execute(async (trx) => {
    const recall = await recallOrThrow(trx, actor, recallId, true);
    assertOpen(recall);
    await markRecallClosed(trx, actor.tenantId, recallId, { at: new Date(), actor: actor.id, note });
    return loadRecall(trx, actor, recallId);
  });
}

/** The customers who still have the recall's units, a page at a time (by name). */
export async function recallCustomersPage(
  db: Db,
  actor: Actor,
  recallId: number,
  query: { limit: number; cursor?: string },
): Promise<Page<RecallCustomerRow>> {
  await recallOrThrow(db, actor, recallId);
  let after = null;
  if (query.cursor !== undefined) {
    const [name, key] = decodeCursor(query.cursor, ['string', 'string'] as const);
    after = { name, key };
  }
  const rows = await findRecallCustomersPage(db, actor.tenantId, recallId, after, query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit ? encodeCursor([last.name, last.key]) : null };
}

export const recallCustomersCsvHeader = `${RECALL_CUSTOMERS_CSV_COLUMNS.join(',')}\n`;

/** The contact list as a CSV byte stream (without the header line), straight from PostgreSQL. */
export async function recallCustomersCsv(db: Db, pool: pg.Pool, actor: Actor, recallId: number): Promise<{ recall: RecallRow; rows: Readable }> {
  const recall = await recallOrThrow(db, actor, recallId);
  return { recall, rows: await copyRecallCustomersCsv(pool, actor.tenantId, recallId) };
}
