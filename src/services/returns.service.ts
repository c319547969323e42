import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import {
  checkReturnText,
  judgeDisposal,
  judgeReview,
  MAX_RETURN_ITEMS,
  NOTE_MAX_LENGTH,
  planReturn,
  readReturnItems,
  type ReturnItemDisposition,
  type ReturnItemInput,
  returnProblemsError,
  type ReviewDecision,
  RMA_MAX_LENGTH,
} from '../core/returns.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import type { OrderRow } from '../storage/orders.repository.ts';
import {
  disposeReturnItem,
  findReturn,
  findReturnHead,
  findReturnContext,
  findReturnProducts,
  findReturnUnits,
  insertReturn,
  listReturns,
  lockReturnItem,
  nextItemIndex,
  type ReturnItemRow,
  type ReturnRow,
  type ReturnSummaryRow,
  recordReturnItems,
  reviewReturnItem,
} from '../storage/returns.repository.ts';
import { emitEvents } from './webhooks.service.ts';
import { actorNames } from './actors.service.ts';
import { findOrderOrThrow } from './orders.service.ts';

export type ReturnDetail = ReturnRow & { items: ReturnItemRow[] };
export type { ReturnItemRow, ReturnSummaryRow };

type Options = { station?: string | null };

function checkItemCount(items: ReadonlyArray<unknown>): void {
  if (items.length === 0) throw new DomainError('VALIDATION_FAILED', 'items: list at least one returned unit', { field: 'items' });
  if (items.length > MAX_RETURN_ITEMS) {
    throw new DomainError('VALIDATION_FAILED', `items: at most ${MAX_RETURN_ITEMS} per request`, { field: 'items' });
  }
}

function textOrThrow(raw: string | null | undefined, field: string, max: number, required = false): string | null {
  const result = checkReturnText(raw, field, max);
  if (!result.ok) throw new DomainError('VALIDATION_FAILED', result.message, { field });
  if (required && result.text === null) throw new DomainError('VALIDATION_FAILED', `${field}: required`, { field });
  return result.text;
}

function assertShipped(order: OrderRow): void {
  if (order.status !== 'shipped') {
    throw new DomainError(
      'ORDER_NOT_SHIPPED',
      `orderNumber: ${order.orderNumber} is ${order.status}; only a shipped order takes returns`,
      { orderNumber: order.orderNumber, status: order.status },
    );
  }
}

/**
 * Judges items against the order (locked by the caller) and records them from `firstIndex` on:
 * the order's lines and settings, then one statement reading (and locking) every unit that carries
 * one of the items' serials with its captures in this order, then the verdicts (core/returns.ts),
 * then one statement writing items, units and history.
 */
async function judgeAndRecord(
  trx: Db,
  actor: Actor,
  order: OrderRow,
  ret: { id: number; rmaNumber: string | null; station: string | null },
  items: ReturnItemInput[],
  firstIndex: number,
  at: Date,
): Promise<void> {
  const { lines, fnc1Substitute, wantedEvents } = await findReturnContext(trx, actor.tenantId, order.id, ['serial.returned', 'return.mismatch']);
  const read = readReturnItems(items, { referenceYear: at.getUTCFullYear(), fnc1Substitute });
  const onOrder = new Set(lines.map((l) => l.sku));
  const gtinsOnOrder = new Set(lines.map((l) => l.gtin));
  const skus = [...new Set(read.items.flatMap((i) => (i.sku !== null && !onOrder.has(i.sku) ? [i.sku] : [])))];
  const gtins = [...new Set(read.items.flatMap((i) => (i.gtin !== null && !gtinsOnOrder.has(i.gtin) ? [i.gtin] : [])))];
  const serials = [...new Set(read.items.map((i) => i.serial))];
  const [units, products] = await Promise.all([
    findReturnUnits(trx, actor.tenantId, order.id, serials),
    findReturnProducts(trx, actor.tenantId, skus, gtins),
  ]);
  const plan = planReturn({
    customer: { email: order.customer.email, externalId: order.customer.externalId },
    lines,
    products,
    units,
    items: read.items,
  });
  const problems = [...read.problems, ...plan.problems].sort((a, b) => a.index - b.index);
  if (problems.length > 0) throw returnProblemsError(problems, items.length);
  await recordReturnItems(
    trx,
    { tenantId: actor.tenantId, returnId: ret.id, orderId: order.id, rmaNumber: ret.rmaNumber, at, actor: actor.id, station: ret.station },
    firstIndex,
    plan.items,
    plan.units,
  );
  // Webhooks, in the same transaction (and only those an endpoint wants): the units that came back
  // as shipped, and those that did not match.
  const matched = wantedEvents.has('serial.returned') ? plan.items.filter((i) => i.verdict === 'match') : [];
  const mismatched = wantedEvents.has('return.mismatch') ? plan.items.filter((i) => i.verdict !== 'match') : [];
  if (matched.length === 0 && mismatched.length === 0) return;
  const base = { returnId: String(ret.id), orderNumber: order.orderNumber, receivedAt: at.toISOString() };
  await emitEvents(trx, actor.tenantId, [
    ...(matched.length > 0
      ? [
          {
            type: 'serial.returned' as const,
            data: {
              ...base,
              receivedBy: actor.id,
              units: matched.map((i) => ({ sku: i.sku, serial: i.serial, disposition: i.disposition, condition: i.condition })),
            },
          },
        ]
      : []),
    ...(mismatched.length > 0
      ? [
          {
            type: 'return.mismatch' as const,
            data: { ...base, unexpected: mismatched.map((i) => ({ sku: i.sku, serial: i.serial, verdict: i.verdict })), missing: [] },
          },
        ]
      : []),
  ]);
}

/**
 * Under the order's lock, so two returns of one order are judged one after the other. The partial
 * unique index on matches is the guarantee behind it: should two matches of one unit ever race
 * past the lock, the loser is judged again (and gets already_returned).
 */
async function withOrderLock<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error, 'return_items_one_match')) continue;
      throw error;
    }
  }
}

/** Records a return of units of a shipped order, each with its verdict (see docs/returns.md). */
export async function createReturn(
  db: Db,
  actor: Actor,
  input: { orderNumber: string; rmaNumber?: string | null; items: ReturnItemInput[] },
  options: Options = {},
): Promise<ReturnDetail & { added: number[] }> {
  checkItemCount(input.items);
  const rmaNumber = textOrThrow(input.rmaNumber, 'rmaNumber', RMA_MAX_LENGTH);
  const station = options.station?.trim() || null;
  const id = await withOrderLock(() =>
    db.transaction().execute(async (trx) => {
      const order = await findOrderOrThrow(trx, actor.tenantId, input.orderNumber, true);
      assertShipped(order);
      const at = new Date();
      const returnId = await insertReturn(trx, { tenantId: actor.tenantId, orderId: order.id, rmaNumber, station, at, actor: actor.id });
      await judgeAndRecord(trx, actor, order, { id: returnId, rmaNumber, station }, input.items, 0, at);
      return returnId;
    }),
  );
  const detail = await getReturn(db, actor, id);
  return { ...detail, added: detail.items.map((i) => i.index) };
}

/** Adds returned units to a return (the next box, or the next scan at the desk), judged the same way. */
export async function addReturnItems(
  db: Db,
  actor: Actor,
  returnId: number,
  input: { items: ReturnItemInput[] },
  options: Options = {},
): Promise<ReturnDetail & { added: number[] }> {
  checkItemCount(input.items);
  const first = await withOrderLock(() =>
    db.transaction().execute(async (trx) => {
      const head = await findReturnHead(trx, actor.tenantId, returnId);
      if (!head) throw new DomainError('RETURN_NOT_FOUND', `returnId: no return ${returnId}`, { returnId });
      const order = await findOrderOrThrow(trx, actor.tenantId, head.orderNumber, true);
      const firstIndex = await nextItemIndex(trx, actor.tenantId, returnId);
      const station = options.station?.trim() || head.station;
      await judgeAndRecord(trx, actor, order, { id: head.id, rmaNumber: head.rmaNumber, station }, input.items, firstIndex, new Date());
      return firstIndex;
    }),
  );
  const detail = await getReturn(db, actor, returnId);
  return { ...detail, added: detail.items.filter((i) => i.index >= first && i.index < first + input.items.length).map((i) => i.index) };
}

export async function getReturn(db: Db, actor: Actor, returnId: number): Promise<ReturnDetail> {
  const found = await findReturn(db, actor.tenantId, returnId);
  if (!found) throw new DomainError('RETURN_NOT_FOUND', `returnId: no return ${returnId}`, { returnId });
  // People by name, never by id (one lookup for the return and all its items).
  const actors = [found.createdBy, ...found.items.flatMap((i) => [i.review?.by, i.disposal?.by].filter((a): a is string => !!a))];
  const name = await actorNames(db, actor.tenantId, actors);
  return {
    ...found,
    createdBy: name(found.createdBy),
    items: found.items.map((i) => ({
      ...i,
      review: i.review && { ...i.review, by: name(i.review.by) },
      disposal: i.disposal && { ...i.disposal, by: name(i.disposal.by) },
    })),
  };
}

export async function findReturns(
  db: Db,
  actor: Actor,
  query: { orderNumber?: string; rmaNumber?: string; disposition?: ReturnItemDisposition; limit: number; cursor?: string },
): Promise<Page<ReturnSummaryRow>> {
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number'] as const)[0];
  const rows = await listReturns(db, actor.tenantId, {
    orderNumber: query.orderNumber?.trim() || undefined,
    rmaNumber: query.rmaNumber?.trim() || undefined,
    disposition: query.disposition,
    beforeId,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const name = await actorNames(db, actor.tenantId, items.map((r) => r.createdBy));
  return {
    items: items.map((r) => ({ ...r, createdBy: name(r.createdBy) })),
    nextCursor: rows.length > query.limit ? encodeCursor([items[items.length - 1].id]) : null,
  };
}

async function lockItemOrThrow(trx: Db, actor: Actor, returnId: number, index: number) {
  const head = await findReturnHead(trx, actor.tenantId, returnId);
  if (!head) throw new DomainError('RETURN_NOT_FOUND', `returnId: no return ${returnId}`, { returnId });
  const item = await lockReturnItem(trx, actor.tenantId, returnId, index);
  if (!item) throw new DomainError('RETURN_ITEM_NOT_FOUND', `index: return ${returnId} has no item ${index}`, { returnId, index });
  return { head, item };
}

/**
 * Restocks (back in stock, so it may be packed again) or scraps a returned unit. The item and its
 * unit are locked, then judged (core judgeDisposal): an item held for review or a quarantined unit
 * waits for an admin; a recalled unit is never restocked.
 */
export async function disposeReturn(
  db: Db,
  actor: Actor,
  returnId: number,
  index: number,
  action: 'restock' | 'scrap',
  input: { note?: string | null },
  options: Options = {},
): Promise<ReturnDetail> {
  const note = textOrThrow(input.note, 'note', NOTE_MAX_LENGTH);
  await db.transaction().execute(async (trx) => {
    const { head, item } = await lockItemOrThrow(trx, actor, returnId, index);
    const refusal = judgeDisposal(action, item, item.unit);
    if (refusal) throw new DomainError(refusal.code, refusal.message, { returnId, index, ...refusal.details });
    await disposeReturnItem(
      trx,
      { tenantId: actor.tenantId, returnId, index, orderId: head.orderId, at: new Date(), actor: actor.id, station: options.station?.trim() || null },
      item,
      action,
      note,
    );
  });
  return getReturn(db, actor, returnId);
}

/**
 * An admin's decision on an item held for review, with a note saying why. `accept` takes the unit
 * in as returned (then it is restocked or scrapped like a match); `reject` does not, and leaves the
 * unit where the registry had it. Either lifts the quarantine once no other return of the unit
 * waits for review.
 */
export async function decideReview(
  db: Db,
  actor: Actor,
  returnId: number,
  index: number,
  input: { decision: ReviewDecision; note: string },
  options: Options = {},
): Promise<ReturnDetail> {
  const note = textOrThrow(input.note, 'note', NOTE_MAX_LENGTH, true)!;
  await db.transaction().execute(async (trx) => {
    const { head, item } = await lockItemOrThrow(trx, actor, returnId, index);
    const refusal = judgeReview(item);
    if (refusal) throw new DomainError(refusal.code, refusal.message, { returnId, index, ...refusal.details });
    if (input.decision === 'accept' && item.unit?.status === 'packed') {
      throw new DomainError(
        'SERIAL_ALREADY_PACKED',
        `serial: ${item.serial} of ${item.sku} is packed in order ${item.unit.orderNumber}; remove it there before taking it in`,
        { orderNumber: item.unit.orderNumber },
      );
    }
    await reviewReturnItem(
      trx,
      { tenantId: actor.tenantId, returnId, index, orderId: head.orderId, at: new Date(), actor: actor.id, station: options.station?.trim() || null },
      item,
      input.decision,
      note,
    );
  });
  return getReturn(db, actor, returnId);
}
