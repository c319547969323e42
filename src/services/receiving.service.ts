import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { isStorableDate, parseRangeBound } from '../core/dates.ts';
import { actorNames } from './actors.service.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import {
  judgeReceivingUnit,
  type NoticeCounts,
  type PlannedReceiving,
  planNotice,
  planReceipt,
  readReceivingScan,
  type ReceiptOutcome,
  receiptRejected,
  type ReceiveItem,
  type ReceivingProblem,
  type ReceivingProduct,
  unitKey,
} from '../core/receiving.ts';
import { checkSerial } from '../core/serial.ts';
import { compileSerialFormat, parseSerialList } from '../core/serial-format/index.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import {
  closeReceipts,
  countReceiptUnits,
  findExpectedUnits,
  findNoticeById,
  findNoticeByReference,
  findNoticeCounts,
  findNoticeProductsFor,
  findNoticeSerialLists,
  findProductsByCode,
  findProductsByIds,
  findReceipt,
  findReceiptLines,
  findReceivingProducts,
  findRegistryUnits,
  findUnitsInReceipt,
  insertNewUnits,
  insertNotice,
  insertNoticeSerials,
  insertReceipt,
  insertReceiptUnits,
  listNotices,
  listReceipts,
  markNoticeClosed,
  type NoticeRow,
  type NoticeSummaryRow,
  type ReceiptLineRow,
  type ReceiptRow,
  type ReceiptSummaryRow,
  type ReceivingContext,
} from '../storage/receipts.repository.ts';
import { findSettings, type SettingsRow } from '../storage/tenants.repository.ts';
import { emitEvents } from './webhooks.service.ts';

/** Most serials one request may list (a receipt, a notice); the CSV import streams and has no limit. */
export const MAX_RECEIPT_SERIALS = 50_000;
/** Most serials a notice's progress lists per SKU and kind (matched, missing, unexpected); counts are exact. */
export const NOTICE_LIST_LIMIT = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ReceivingLineInput = { sku: string; serials?: string[]; serialList?: string };

export type { NoticeRow, ReceiptLineRow, ReceiptRow, ReceiptSummaryRow, NoticeSummaryRow };

// ---- listing what a request names ------------------------------------------------------------

const trimOrNull = (text: string | null | undefined) => (text?.trim() ? text.trim() : null);

/**
 * The products a request's lines name, and its units in order: `serials` as listed, `serialList`
 * expanded like POST /serials/expand (ranges SN0001-SN0050, runs SN0010+3, lists; a serial that
 * matches the SKU's format is one serial even if it looks like a range). Each item keeps its path
 * (`lines[0].serials[3]`) for messages.
 */
async function listItems(
  db: Db,
  tenantId: string,
  lines: ReadonlyArray<ReceivingLineInput>,
  maxSerials: number,
): Promise<{ products: ReceivingProduct[]; items: ReceiveItem[] }> {
  const skus = [...new Set(lines.map((l) => l.sku.trim()))];
  const products = await findReceivingProducts(db, tenantId, skus);
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const items: ReceiveItem[] = [];
  const tooMany = () =>
    new DomainError('VALIDATION_FAILED', `lines: at most ${maxSerials} serials per request; send more in several receipts or import a CSV file`, {
      field: 'lines',
      limit: maxSerials,
    });
  lines.forEach((line, i) => {
    const sku = line.sku.trim();
    (line.serials ?? []).forEach((serial, j) => items.push({ sku, serial, path: `lines[${i}].serials[${j}]` }));
    if (items.length > maxSerials) throw tooMany();
    if (line.serialList !== undefined) {
      let format;
      try {
        const source = bySku.get(sku)?.serialFormat?.trim();
        format = source ? compileSerialFormat(source) : undefined;
      } catch {
        format = undefined; // a stored format that no longer compiles does not stop receiving
      }
      let expanded: string[];
      try {
        expanded = parseSerialList(line.serialList, { format, maxItems: Math.max(1, maxSerials - items.length) });
      } catch (error) {
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
          throw new DomainError('VALIDATION_FAILED', error.message.replace(/^serials:/, `lines[${i}].serialList:`), {
            ...error.details,
            field: `lines[${i}].serialList`,
          });
        }
        throw error;
      }
      expanded.forEach((serial, k) => items.push({ sku, serial, path: `lines[${i}].serialList[${k}]` }));
      if (items.length > maxSerials) throw tooMany();
    }
  });
  return { products, items };
}

// ---- receiving units into a receipt -----------------------------------------------------------

type ReceiveArgs = {
  ctx: ReceivingContext;
  products: ReadonlyArray<ReceivingProduct>;
  items: ReadonlyArray<ReceiveItem>;
  notice: NoticeRow | null;
  settings: SettingsRow;
  /** The receipt may hold units already (an open receipt, an import's later batch). */
  existing: boolean;
  /** Called with the problems before anything is written; throw to refuse them all. */
  onProblems: (problems: ReceivingProblem[]) => void;
};

/**
 * Judges items against the registry and writes those accepted into the receipt: new units in
 * stock with a `received` event each, units in stock already recorded as such. A unit another
 * transaction registered between the judging and the write (two receipts racing, or a packer) is
 * judged again as it now is: in stock, it is "already in stock" here (one unit, one received
 * event); packed, it is refused. Three statements whatever the number of items, four after a race.
 */
async function receiveItems(trx: Db, args: ReceiveArgs): Promise<{ accepted: PlannedReceiving[]; problems: ReceivingProblem[] }> {
  const { ctx, settings, notice } = args;
  const scope = settings.duplicateScope;
  const bySku = new Map(args.products.map((p) => [p.sku, p]));
  const serials: string[] = [];
  const pairs = { productIds: [] as number[], serials: [] as string[] };
  for (const item of args.items) {
    const check = checkSerial(item.serial);
    if (!check.ok) continue;
    serials.push(check.serial);
    const product = bySku.get(item.sku);
    if (product) {
      pairs.productIds.push(product.productId);
      pairs.serials.push(check.serial);
    }
  }
  const unique = [...new Set(serials)];
  const productIds = scope === 'tenant' ? null : args.products.map((p) => p.productId);
  const [units, expected, inReceipt] = await Promise.all([
    findRegistryUnits(trx, ctx.tenantId, unique, productIds),
    notice ? findExpectedUnits(trx, ctx.tenantId, notice.id, pairs.productIds, pairs.serials) : Promise.resolve(null),
    args.existing ? findUnitsInReceipt(trx, ctx.tenantId, ctx.receiptId, pairs.productIds, pairs.serials) : Promise.resolve(new Set<string>()),
  ]);
  const plan = planReceipt({ products: args.products, units, inReceipt, expected, items: args.items, scope });
  if (plan.problems.length > 0) args.onProblems(plan.problems);

  let accepted = plan.accepted;
  const problems = plan.problems;
  const fresh = accepted.filter((a) => a.outcome === 'received');
  const inserted = await insertNewUnits(trx, ctx, fresh);
  const raced = fresh.filter((a) => !inserted.has(unitKey(a.productId, a.serial)));
  if (raced.length > 0) {
    const now = await findRegistryUnits(trx, ctx.tenantId, [...new Set(raced.map((a) => a.serial))], productIds);
    const late: ReceivingProblem[] = [];
    const outcome = new Map<PlannedReceiving, ReceiptOutcome | null>();
    for (const a of raced) {
      const judged = judgeReceivingUnit({ scope, product: { productId: a.productId, sku: a.sku }, serial: a.serial, units: now });
      if ('outcome' in judged) {
        outcome.set(a, 'already_in_stock');
      } else {
        outcome.set(a, null);
        const item = args.items[a.index];
        late.push({ index: a.index, path: item.path ?? null, sku: a.sku, serial: a.serial, ...judged.refusal });
      }
    }
    if (late.length > 0) args.onProblems(late);
    problems.push(...late);
    problems.sort((x, y) => x.index - y.index);
    accepted = accepted
      .filter((a) => outcome.get(a) !== null)
      .map((a) => (outcome.has(a) ? { ...a, outcome: 'already_in_stock' as const } : a));
  }
  await insertReceiptUnits(trx, ctx, accepted);
  return { accepted, problems };
}

// ---- notices ----------------------------------------------------------------------------------

export type NoticeLineProgress = NoticeCounts & {
  sku: string;
  name: string;
  matchedSerials?: string[];
  missingSerials?: string[];
  unexpectedSerials?: string[];
};

export type NoticeProgress = { totals: NoticeCounts; lines: NoticeLineProgress[] };

export type NoticeDetail = NoticeRow & NoticeProgress & { receipts: ReceiptSummaryRow[] };

function sumCounts(lines: ReadonlyArray<NoticeCounts>): NoticeCounts {
  const totals = { expected: 0, matched: 0, missing: 0, unexpected: 0 };
  for (const line of lines) {
    totals.expected += line.expected;
    totals.matched += line.matched;
    totals.missing += line.missing;
    totals.unexpected += line.unexpected;
  }
  return totals;
}

/** A notice's expected units against what its receipts took in, per SKU; with `lists`, the serials too. */
async function noticeProgress(db: Db, tenantId: string, noticeId: number, options: { lists: boolean }): Promise<NoticeProgress> {
  const [counts, lists] = await Promise.all([
    findNoticeCounts(db, tenantId, noticeId),
    options.lists ? findNoticeSerialLists(db, tenantId, noticeId, NOTICE_LIST_LIMIT) : Promise.resolve([]),
  ]);
  const lines = counts.map((c): NoticeLineProgress => {
    const line: NoticeLineProgress = {
      sku: c.sku,
      name: c.name,
      expected: c.expected,
      matched: c.matched,
      missing: c.missing,
      unexpected: c.unexpected,
    };
    if (options.lists) {
      const of = (kind: string) => lists.find((l) => l.productId === c.productId && l.kind === kind)?.serials ?? [];
      line.matchedSerials = of('matched');
      line.missingSerials = of('missing');
      line.unexpectedSerials = of('unexpected');
    }
    return line;
  });
  return { totals: sumCounts(lines), lines };
}

async function noticeOrThrow(db: Db, tenantId: string, reference: string, lock?: 'share' | 'update'): Promise<NoticeRow> {
  const notice = await findNoticeByReference(db, tenantId, reference, lock);
  if (!notice) throw new DomainError('NOTICE_NOT_FOUND', `noticeReference: no advance notice ${reference}`, { reference });
  return notice;
}

function assertNoticeOpen(notice: NoticeRow): void {
  if (notice.status === 'closed') {
    throw new DomainError('NOTICE_CLOSED', `noticeReference: advance notice ${notice.reference} is closed; nothing more is received against it`, {
      reference: notice.reference,
    });
  }
}

/** Receipts and notices say who opened and closed them by name (a user's email, a key's label), never by id. */
async function named<T extends { createdBy: string; closedBy: string | null }>(db: Db, tenantId: string, rows: T[]): Promise<T[]> {
  const name = await actorNames(db, tenantId, rows.flatMap((r) => (r.closedBy ? [r.createdBy, r.closedBy] : [r.createdBy])));
  return rows.map((r) => ({ ...r, createdBy: name(r.createdBy), closedBy: r.closedBy && name(r.closedBy) }));
}

async function noticeDetail(db: Db, tenantId: string, notice: NoticeRow): Promise<NoticeDetail> {
  const [progress, receipts] = await Promise.all([
    noticeProgress(db, tenantId, notice.id, { lists: true }),
    listReceipts(db, tenantId, { noticeId: notice.id, limit: 200 }),
  ]);
  const [head] = await named(db, tenantId, [notice]);
  return { ...head, ...progress, receipts: await named(db, tenantId, receipts) };
}

export type CreateNoticeInput = {
  reference: string;
  supplier?: string | null;
  expectedAt?: string | null;
  lines: ReceivingLineInput[];
};

/** Stores an advance notice (ASN): the units a supplier announced, all or nothing. */
export async function createNotice(db: Db, actor: Actor, input: CreateNoticeInput): Promise<NoticeDetail> {
  const reference = input.reference.trim();
  if (!reference) throw new DomainError('VALIDATION_FAILED', 'reference: must not be empty', { field: 'reference' });
  const expectedAt = input.expectedAt?.trim() ? parseRangeBound('expectedAt', input.expectedAt.trim(), 'start') : null;
  return db.transaction().execute(async (trx) => {
    const { products, items } = await listItems(trx, actor.tenantId, input.lines, MAX_RECEIPT_SERIALS);
    if (items.length === 0) throw new DomainError('VALIDATION_FAILED', 'lines: list at least one expected serial', { field: 'lines' });
    const plan = planNotice({ products, items });
    if (plan.problems.length > 0) throw receiptRejected(plan.problems, 'the notice was not stored');
    let notice: NoticeRow;
    try {
      notice = await insertNotice(trx, actor.tenantId, {
        reference,
        supplier: trimOrNull(input.supplier),
        expectedAt,
        at: new Date(),
        actor: actor.id,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('NOTICE_ALREADY_EXISTS', `reference: advance notice ${reference} exists`, { reference });
      }
      throw error;
    }
    await insertNoticeSerials(
      trx,
      actor.tenantId,
      notice.id,
      plan.accepted.map((a) => a.productId),
      plan.accepted.map((a) => a.serial),
    );
    return noticeDetail(trx, actor.tenantId, notice);
  });
}

export async function getNotice(db: Db, actor: Actor, reference: string): Promise<NoticeDetail> {
  const notice = await noticeOrThrow(db, actor.tenantId, reference);
  return noticeDetail(db, actor.tenantId, notice);
}

export async function findNotices(
  db: Db,
  actor: Actor,
  query: { status?: 'open' | 'closed'; limit: number; cursor?: string },
): Promise<Page<NoticeSummaryRow>> {
  const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['number'] as const)[0];
  const rows = await listNotices(db, actor.tenantId, { status: query.status, beforeId, limit: query.limit + 1 });
  const items = await named(db, actor.tenantId, rows.slice(0, query.limit));
  return { items, nextCursor: rows.length > query.limit ? encodeCursor([items[items.length - 1].id]) : null };
}

/**
 * Closes a notice: its open receipts are finished, and the discrepancy (expected, matched, missing,
 * unexpected, per SKU) is recorded with it, and sent as the webhook `receipt.discrepancy` when there
 * is one. Nothing more is received against it afterwards.
 */
export async function closeNotice(db: Db, actor: Actor, reference: string): Promise<NoticeDetail> {
  return db.transaction().execute(async (trx) => {
    const notice = await noticeOrThrow(trx, actor.tenantId, reference, 'update');
    if (notice.status === 'closed') {
      throw new DomainError('NOTICE_CLOSED', `reference: advance notice ${reference} is closed already`, { reference });
    }
    const at = new Date();
    await closeReceipts(trx, actor.tenantId, { noticeId: notice.id }, { at, actor: actor.id });
    const progress = await noticeProgress(trx, actor.tenantId, notice.id, { lists: false });
    const closed = await markNoticeClosed(trx, actor.tenantId, notice.id, {
      at,
      actor: actor.id,
      discrepancy: { ...progress.totals, lines: progress.lines },
    });
    const detail = await noticeDetail(trx, actor.tenantId, closed);
    const { totals } = detail;
    if (totals.missing > 0 || totals.unexpected > 0) {
      // In the closing's transaction: a closing that fails emits nothing.
      const units = (kind: 'missingSerials' | 'unexpectedSerials') =>
        detail.lines.flatMap((l) => (l[kind] ?? []).map((serial) => ({ sku: l.sku, serial })));
      await emitEvents(trx, actor.tenantId, [
        {
          type: 'receipt.discrepancy',
          data: {
            noticeReference: closed.reference,
            supplier: closed.supplier,
            receipts: detail.receipts.map((r) => ({ receiptId: r.id, reference: r.reference })),
            closedAt: at.toISOString(),
            closedBy: actor.id,
            expected: totals.expected,
            matched: totals.matched,
            missing: units('missingSerials'),
            missingCount: totals.missing,
            unexpected: units('unexpectedSerials'),
            unexpectedCount: totals.unexpected,
          },
        },
      ]);
    }
    return detail;
  });
}

// ---- receipts ---------------------------------------------------------------------------------

export type CreateReceiptInput = {
  reference?: string | null;
  noticeReference?: string | null;
  /** Keep the receipt open for station scans (POST /receipts/{id}/scans) until it is finished. */
  open?: boolean;
  /** Receive the good serials and answer the refused ones, instead of receiving nothing. */
  skipRefused?: boolean;
  lines?: ReceivingLineInput[];
};

export type ReceiptLineResult = {
  sku: string;
  received: number;
  alreadyInStock: number;
  alreadyInStockSerials: string[];
  /** Received, but not on the notice; null without a notice. */
  unexpectedSerials: string[] | null;
};

export type ReceiptResult = {
  receipt: ReceiptRow;
  received: number;
  alreadyInStock: number;
  lines: ReceiptLineResult[];
  refused: ReceivingProblem[];
  notice: (NoticeRow & NoticeProgress) | null;
};

function summarise(accepted: ReadonlyArray<PlannedReceiving>, withNotice: boolean): ReceiptLineResult[] {
  const lines = new Map<string, ReceiptLineResult>();
  for (const a of accepted) {
    let line = lines.get(a.sku);
    if (!line) {
      line = { sku: a.sku, received: 0, alreadyInStock: 0, alreadyInStockSerials: [], unexpectedSerials: withNotice ? [] : null };
      lines.set(a.sku, line);
    }
    if (a.outcome === 'received') line.received += 1;
    else {
      line.alreadyInStock += 1;
      line.alreadyInStockSerials.push(a.serial);
    }
    if (a.expected === false) line.unexpectedSerials?.push(a.serial);
  }
  return [...lines.values()].sort((x, y) => (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0));
}

const contextOf = (actor: Actor, receipt: ReceiptRow, at: Date, station: string | null): ReceivingContext => ({
  tenantId: actor.tenantId,
  receiptId: receipt.id,
  at,
  actor: actor.id,
  station,
  reference: receipt.reference,
  noticeReference: receipt.noticeReference,
});

/**
 * Receives units into stock as one receipt, all or nothing (unless `skipRefused`): each serial is
 * judged (core/receiving.ts planReceipt) and any refusal refuses the whole receipt with
 * BATCH_REJECTED listing every bad item. A receipt naming a notice is checked against it: the
 * answer has the notice's matched, missing and unexpected units. With `open` the receipt stays open
 * for station scans.
 */
export async function createReceipt(
  db: Db,
  actor: Actor,
  input: CreateReceiptInput,
  options: { station?: string | null; maxSerials?: number } = {},
): Promise<ReceiptResult> {
  const lines = input.lines ?? [];
  const open = input.open ?? false;
  return db.transaction().execute(async (trx) => {
    const noticeReference = trimOrNull(input.noticeReference);
    const notice = noticeReference ? await noticeOrThrow(trx, actor.tenantId, noticeReference, 'share') : null;
    if (notice) assertNoticeOpen(notice);
    const settings = await findSettings(trx, actor.tenantId);
    const { products, items } = await listItems(trx, actor.tenantId, lines, options.maxSerials ?? MAX_RECEIPT_SERIALS);
    if (!open && items.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'lines: list at least one serial (or send "open": true to scan them one by one)', {
        field: 'lines',
      });
    }
    const at = new Date();
    const station = trimOrNull(options.station);
    const receipt: ReceiptRow = {
      id: randomUUID(),
      reference: trimOrNull(input.reference),
      noticeId: notice?.id ?? null,
      noticeReference: notice?.reference ?? null,
      status: open ? 'open' : 'closed',
      station,
      createdAt: at,
      createdBy: actor.id,
      closedAt: open ? null : at,
      closedBy: open ? null : actor.id,
    };
    await insertReceipt(trx, actor.tenantId, { ...receipt, open, actor: actor.id, at });
    const { accepted, problems } = await receiveItems(trx, {
      ctx: contextOf(actor, receipt, at, station),
      products,
      items,
      notice,
      settings,
      existing: false,
      onProblems: (found) => {
        if (!input.skipRefused) throw receiptRejected(found);
      },
    });
    if (!open && accepted.length === 0) throw receiptRejected(problems);
    const summary = summarise(accepted, notice !== null);
    return {
      receipt,
      received: summary.reduce((n, l) => n + l.received, 0),
      alreadyInStock: summary.reduce((n, l) => n + l.alreadyInStock, 0),
      lines: summary,
      refused: problems,
      notice: notice ? { ...notice, ...(await noticeProgress(trx, actor.tenantId, notice.id, { lists: true })) } : null,
    };
  });
}

export type ReceiptDetail = ReceiptRow & { received: number; alreadyInStock: number; lines: ReceiptLineRow[]; notice: (NoticeRow & NoticeProgress) | null };

async function receiptOrThrow(db: Db, tenantId: string, id: string, lock = false): Promise<ReceiptRow> {
  const receipt = await findReceipt(db, tenantId, id, { lock });
  if (!receipt) throw new DomainError('RECEIPT_NOT_FOUND', `id: no receipt ${id}`, { id });
  return receipt;
}

async function receiptDetail(db: Db, tenantId: string, receipt: ReceiptRow): Promise<ReceiptDetail> {
  const lines = await findReceiptLines(db, tenantId, receipt.id);
  const notice = receipt.noticeId === null ? null : await findNoticeById(db, tenantId, receipt.noticeId);
  const [head, namedNotice] = await named(db, tenantId, notice ? [receipt, notice] : [receipt]) as [ReceiptRow, NoticeRow?];
  return {
    ...head,
    received: lines.reduce((n, l) => n + l.received, 0),
    alreadyInStock: lines.reduce((n, l) => n + l.alreadyInStock, 0),
    lines,
    notice: namedNotice && notice ? { ...namedNotice, ...(await noticeProgress(db, tenantId, notice.id, { lists: false })) } : null,
  };
}

export async function getReceipt(db: Db, actor: Actor, id: string): Promise<ReceiptDetail> {
  return receiptDetail(db, actor.tenantId, await receiptOrThrow(db, actor.tenantId, id));
}

export async function findReceipts(
  db: Db,
  actor: Actor,
  query: { noticeReference?: string; status?: 'open' | 'closed'; limit: number; cursor?: string },
): Promise<Page<ReceiptSummaryRow>> {
  let noticeId: number | undefined;
  if (query.noticeReference?.trim()) noticeId = (await noticeOrThrow(db, actor.tenantId, query.noticeReference.trim())).id;
  let before: { createdAt: string; id: string } | undefined;
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor, ['string', 'string'] as const);
    const at = new Date(createdAt);
    if (Number.isNaN(at.getTime()) || !isStorableDate(at) || !UUID.test(id)) {
      throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this list returned', { field: 'cursor' });
    }
    before = { createdAt: at.toISOString(), id };
  }
  const rows = await listReceipts(db, actor.tenantId, { noticeId, status: query.status, before, limit: query.limit + 1 });
  const items = await named(db, actor.tenantId, rows.slice(0, query.limit));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Finishes an open receipt: nothing more is scanned into it. Its notice stays open for other receipts. */
export async function closeReceipt(db: Db, actor: Actor, id: string): Promise<ReceiptDetail> {
  return db.transaction().execute(async (trx) => {
    const receipt = await receiptOrThrow(trx, actor.tenantId, id, true);
    if (receipt.status === 'closed') throw new DomainError('RECEIPT_CLOSED', `id: receipt ${id} is finished already`, { id });
    const at = new Date();
    await closeReceipts(trx, actor.tenantId, { id }, { at, actor: actor.id });
    return receiptDetail(trx, actor.tenantId, { ...receipt, status: 'closed', closedAt: at, closedBy: actor.id });
  });
}

export type ScanResult =
  | {
      kind: 'product';
      sku: string;
      name: string;
    }
  | {
      kind: 'unit';
      outcome: ReceiptOutcome;
      sku: string;
      serial: string;
      /** Whether the receipt's notice expected it; null without a notice. */
      expected: boolean | null;
      lot: string | null;
      expiry: string | null;
      gtin: string | null;
      receipt: { id: string; received: number; alreadyInStock: number };
      notice: (Pick<NoticeRow, 'reference' | 'status'> & NoticeProgress) | null;
    };

/**
 * What a receiving station sends for every scan into an open receipt: the raw data (a serial, a
 * GS1 element string or Digital Link, or a product's SKU or barcode) and the SKU chosen, if any.
 * A product's SKU or barcode chooses the product (kind `product`); a GS1 scan with (01) and (21)
 * is a unit of the product with that GTIN; a plain serial is a unit of the chosen SKU, or, on a
 * notice, of the SKU that expects it (or the notice's only SKU). The unit is judged like every
 * receipt's; a refusal is answered with its own code (SERIAL_RECALLED, SERIAL_ALREADY_SHIPPED ...).
 */
export async function scanIntoReceipt(
  db: Db,
  actor: Actor,
  id: string,
  input: { data: string; sku?: string; scanned?: boolean },
  options: { station?: string | null } = {},
): Promise<ScanResult> {
  return db.transaction().execute(async (trx) => {
    // Lock order, the same as closing a notice: the notice (shared), then the receipt.
    const first = await receiptOrThrow(trx, actor.tenantId, id);
    const notice = first.noticeId === null ? null : ((await findNoticeById(trx, actor.tenantId, first.noticeId, 'share')) ?? null);
    const receipt = await receiptOrThrow(trx, actor.tenantId, id, true);
    if (receipt.status === 'closed') throw new DomainError('RECEIPT_CLOSED', `id: receipt ${id} is finished; open a new receipt`, { id });
    if (notice) assertNoticeOpen(notice);
    const settings = await findSettings(trx, actor.tenantId);
    const scan = readReceivingScan(input.data, { referenceYear: new Date().getUTCFullYear(), fnc1Substitute: settings.gs1Fnc1Substitute });
    const chosen = input.sku?.trim() ? await productBySku(trx, actor.tenantId, input.sku.trim()) : null;

    // A product's SKU or barcode chooses the product, the chosen one's own barcode included.
    if (scan.kind === 'gtin') {
      const named = await findProductsByCode(trx, actor.tenantId, '', [scan.gtin]);
      if (named.length === 0) throw new DomainError('PRODUCT_NOT_FOUND', `data: no product has GTIN ${scan.gtin}`, { gtin: scan.gtin });
      return productChosen(named[0]);
    }
    let product: ReceivingProduct;
    let serial: string;
    let lot: string | null = null;
    let expiry: string | null = null;
    let gtin: string | null = null;
    if (scan.kind === 'plain') {
      const named = await findProductsByCode(trx, actor.tenantId, scan.text, scan.gtins);
      if (named.length > 0) return productChosen(named[0]);
      serial = scan.text;
      product = chosen ?? (await productForSerial(trx, actor.tenantId, notice, serial));
    } else {
      const byGtin = chosen ? [chosen] : await findProductsByCode(trx, actor.tenantId, '', [scan.gtin]);
      if (byGtin.length === 0) throw new DomainError('PRODUCT_NOT_FOUND', `data: no product has GTIN ${scan.gtin}`, { gtin: scan.gtin });
      if (byGtin.length > 1) {
        throw new DomainError('VALIDATION_FAILED', `sku: required, since ${byGtin.length} products have GTIN ${scan.gtin}`, { field: 'sku' });
      }
      product = byGtin[0];
      if (product.gtin !== scan.gtin) {
        throw new DomainError('GTIN_MISMATCH', `data: the scan's GTIN ${scan.gtin} is not the GTIN of ${product.sku} (${product.gtin ?? 'none set'})`, {
          gtin: scan.gtin,
          sku: product.sku,
        });
      }
      ({ serial, lot, expiry, gtin } = scan);
    }

    const at = new Date();
    const station = trimOrNull(options.station) ?? receipt.station;
    const { accepted } = await receiveItems(trx, {
      ctx: contextOf(actor, receipt, at, station),
      products: [product],
      items: [{ sku: product.sku, serial, scanned: input.scanned ?? true, lot, expiry }],
      notice,
      settings,
      existing: true,
      onProblems: ([problem]) => {
        throw new DomainError(problem.code, problem.message, { sku: problem.sku, serial: problem.serial, ...problem.details });
      },
    });
    const unit = accepted[0];
    const [counts, progress] = await Promise.all([
      countReceiptUnits(trx, actor.tenantId, receipt.id),
      notice ? noticeProgress(trx, actor.tenantId, notice.id, { lists: false }) : Promise.resolve(null),
    ]);
    return {
      kind: 'unit',
      outcome: unit.outcome,
      sku: unit.sku,
      serial: unit.serial,
      expected: unit.expected,
      lot,
      expiry,
      gtin,
      receipt: { id: receipt.id, ...counts },
      notice: notice && progress ? { reference: notice.reference, status: notice.status, ...progress } : null,
    };
  });
}

function productChosen(product: ReceivingProduct): ScanResult {
  if (!product.needsSerialNumber) {
    throw new DomainError('SERIAL_NOT_REQUIRED', `sku: ${product.sku} does not need a serial number; it is not received by serial`, {
      sku: product.sku,
    });
  }
  return { kind: 'product', sku: product.sku, name: product.name };
}

async function productBySku(db: Db, tenantId: string, sku: string): Promise<ReceivingProduct> {
  const [product] = await findReceivingProducts(db, tenantId, [sku]);
  if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
  return product;
}

/** The SKU of a plain serial scanned with none chosen: the notice's SKU that expects it, or its only SKU. */
async function productForSerial(db: Db, tenantId: string, notice: NoticeRow | null, serial: string): Promise<ReceivingProduct> {
  if (!notice) {
    throw new DomainError('VALIDATION_FAILED', 'sku: required: scan the product (its SKU or barcode) before its serials, or send its sku', {
      field: 'sku',
    });
  }
  const { expecting, all } = await findNoticeProductsFor(db, tenantId, notice.id, serial.trim());
  const ids = expecting.length === 1 ? expecting : all.length === 1 ? all : null;
  if (!ids) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `sku: required: ${serial.trim()} is not on notice ${notice.reference}${expecting.length > 1 ? ' for one SKU only' : ''}, which lists ${all.length} SKUs; scan the product first`,
      { field: 'sku' },
    );
  }
  const [product] = await findProductsByIds(db, tenantId, ids);
  return product;
}

// ---- receiving from CSV (used by imports.service) -------------------------------------------------

export type ImportReceipt = { receipt: ReceiptRow; notice: NoticeRow | null; received: number; alreadyInStock: number };

/** Opens a receipt for an import (closed at once: it is complete when the file is). */
export async function openImportReceipt(
  trx: Db,
  actor: Actor,
  input: { reference: string | null; noticeReference: string | null },
): Promise<ImportReceipt> {
  const notice = input.noticeReference ? await noticeOrThrow(trx, actor.tenantId, input.noticeReference, 'share') : null;
  if (notice) assertNoticeOpen(notice);
  const at = new Date();
  const receipt: ReceiptRow = {
    id: randomUUID(),
    reference: input.reference,
    noticeId: notice?.id ?? null,
    noticeReference: notice?.reference ?? null,
    status: 'closed',
    station: null,
    createdAt: at,
    createdBy: actor.id,
    closedAt: at,
    closedBy: actor.id,
  };
  await insertReceipt(trx, actor.tenantId, { ...receipt, open: false, actor: actor.id, at });
  return { receipt, notice, received: 0, alreadyInStock: 0 };
}

/** Receives one batch of an import into its receipt; refused items are returned, the rest written. */
export async function receiveImportBatch(
  trx: Db,
  actor: Actor,
  target: ImportReceipt,
  products: ReadonlyArray<ReceivingProduct>,
  items: ReadonlyArray<ReceiveItem>,
  settings: SettingsRow,
): Promise<ReceivingProblem[]> {
  const { accepted, problems } = await receiveItems(trx, {
    ctx: contextOf(actor, target.receipt, new Date(), null),
    products,
    items,
    notice: target.notice,
    settings,
    existing: true,
    onProblems: () => undefined,
  });
  for (const a of accepted) {
    if (a.outcome === 'received') target.received += 1;
    else target.alreadyInStock += 1;
  }
  return problems;
}

