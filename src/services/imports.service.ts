import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { headerKey, parseCsvBoolean, parseCsvQuantity } from '../core/csv-fields.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { compileSerialFormat } from '../core/serial-format/index.ts';
import type { ReceiveItem, ReceivingProduct } from '../core/receiving.ts';
import { checkOrder, checkProduct, checkSku, type OrderInput, type ProductInput, Problems, text } from '../core/validate.ts';
import type { Db } from '../storage/database.ts';
import { findExistingOrderNumbers, insertOrders } from '../storage/orders.repository.ts';
import { findProductsBySkus, upsertProducts } from '../storage/products.repository.ts';
import { recordAudit } from './audit.service.ts';
import { deleteEmptyReceipts, findReceivingProducts } from '../storage/receipts.repository.ts';
import { findSettings } from '../storage/tenants.repository.ts';
import { type ImportReceipt, openImportReceipt, receiveImportBatch } from './receiving.service.ts';

export type LineError = { line: number; message: string };

export type ImportResult = {
  /** rows read (not counting the header) */
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: LineError[];
  dryRun: boolean;
};

export type ImportOptions = {
  /** Import the good rows and report the bad ones; without it one bad row imports nothing. */
  skipBadRows?: boolean;
  /** Check everything and report, write nothing (for a preview). */
  dryRun?: boolean;
  onProgress?: (rows: number) => void;
};

const MAX_REPORTED_ERRORS = 1000;

type Row = { line: number; cells: Record<string, string> };

/** csv-parse's errors about the file's content (the rest are about its options: our bugs). */
const MALFORMED_CSV = new Set([
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_MAX_RECORD_SIZE',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_RECORD_INCONSISTENT_COLUMNS',
  'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH',
  'INVALID_OPENING_QUOTE',
]);

/** A row longer than this is refused, so an unclosed quote cannot hold a whole upload in memory. */
const MAX_ROW_CHARACTERS = 1024 * 1024;

/**
 * Reads CSV rows one at a time (memory does not grow with the file), mapping header names loosely.
 * Malformed CSV (an unclosed quote, a row with the wrong number of cells) is CSV_INVALID with its line.
 */
async function* readRows(input: Readable, required: string[], known: string[]): AsyncGenerator<Row> {
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map(headerKey),
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
      trim: false,
      max_record_size: MAX_ROW_CHARACTERS,
    }),
  );
  try {
    let checkedHeader = false;
    for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (!checkedHeader) {
        const present = Object.keys(record.record);
        const missing = required.filter((c) => !present.includes(headerKey(c)));
        if (missing.length > 0) {
          throw new DomainError('CSV_INVALID', `line 1: missing column(s) ${missing.join(', ')}; expected ${known.join(',')}`, {
            line: 1,
            missing,
          });
        }
        checkedHeader = true;
      }
      yield { line: record.info.lines, cells: record.record };
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof CsvError && MALFORMED_CSV.has(error.code)) {
      const line = typeof error.lines === 'number' ? error.lines : undefined;
      throw new DomainError('CSV_INVALID', `line ${line ?? '?'}: ${error.message}`, { line, errors: [{ line, message: error.message }] });
    }
    throw error;
  } finally {
    input.destroy();
  }
}

function cell(row: Row, name: string): string | undefined {
  const value = row.cells[headerKey(name)];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function finish(result: ImportResult, options: ImportOptions): void {
  if (result.errors.length > 0 && !options.skipBadRows && !options.dryRun) {
    throw new DomainError(
      'CSV_INVALID',
      `${result.errors.length} bad row(s), nothing imported; first: line ${result.errors[0].line}: ${result.errors[0].message}`,
      { errors: result.errors.slice(0, MAX_REPORTED_ERRORS) },
    );
  }
}

function recordProblems(result: ImportResult, line: number, problems: Problems): void {
  result.skipped += 1;
  if (result.errors.length < MAX_REPORTED_ERRORS) {
    result.errors.push({ line, message: problems.list.map((p) => p.message).join('; ') });
  }
}

/** One audit entry per import, with its counts (the rows themselves are in the file). */
async function recordImport(trx: Db, actor: Actor, subjectType: 'product' | 'order', result: ImportResult): Promise<void> {
  await recordAudit(trx, actor, [
    {
      action: `${subjectType}.imported`,
      subjectType,
      subjectId: null,
      after: { rows: result.rows, created: result.created, updated: result.updated, skipped: result.skipped },
    },
  ]);
}

export const PRODUCT_CSV_COLUMNS = ['sku', 'name', 'gtin', 'needsSerialNumber', 'serialFormat'];

/**
 * Imports products from CSV (sku,name,gtin,needsSerialNumber,serialFormat). An SKU that exists is
 * updated with the row's values. Rows go to the database in batches inside one transaction, so a
 * failure part-way leaves nothing half-imported.
 */
export async function importProductsCsv(db: Db, actor: Actor, input: Readable, options: ImportOptions = {}): Promise<ImportResult> {
  const result: ImportResult = { rows: 0, created: 0, updated: 0, skipped: 0, errors: [], dryRun: !!options.dryRun };
  const seen = new Map<string, number>();
  const write = async (trx: Db, batch: ProductInput[]) => {
    if (batch.length === 0) return;
    if (options.dryRun) {
      const existing = await findProductsBySkus(trx, actor.tenantId, batch.map((p) => p.sku));
      result.updated += existing.length;
      result.created += batch.length - existing.length;
      return;
    }
    const counts = await upsertProducts(trx, actor.tenantId, batch);
    result.created += counts.created;
    result.updated += counts.updated;
  };
  const run = async (trx: Db) => {
    let batch: ProductInput[] = [];
    for await (const row of readRows(input, ['sku', 'name'], PRODUCT_CSV_COLUMNS)) {
      result.rows += 1;
      if (result.rows % 10_000 === 0) options.onProgress?.(result.rows);
      const problems = new Problems();
      const needs = parseCsvBoolean(cell(row, 'needsSerialNumber'));
      if (needs === null) problems.add('needsSerialNumber', 'must be true/false, yes/no or 1/0');
      const product = checkProduct(problems, '', {
        sku: cell(row, 'sku'),
        name: cell(row, 'name'),
        gtin: cell(row, 'gtin'),
        needsSerialNumber: needs ?? false,
        serialFormat: cell(row, 'serialFormat'),
      });
      if (product.serialFormat) {
        try {
          compileSerialFormat(product.serialFormat);
        } catch (error) {
          problems.add('serialFormat', error instanceof DomainError ? error.message.replace(/^serialFormat: /, '') : 'is not valid');
        }
      }
      const firstLine = seen.get(product.sku);
      if (product.sku && firstLine !== undefined) problems.add('sku', `${product.sku} is already on line ${firstLine}`);
      if (!problems.ok) {
        recordProblems(result, row.line, problems);
        continue;
      }
      seen.set(product.sku, row.line);
      batch.push(product);
      if (batch.length >= 2000) {
        await write(trx, batch);
        batch = [];
      }
    }
    await write(trx, batch);
    options.onProgress?.(result.rows);
    finish(result, options);
    if (!options.dryRun) await recordImport(trx, actor, 'product', result);
  };
  await db.transaction().execute(run);
  return result;
}

export const ORDER_CSV_COLUMNS = [
  'orderNumber',
  'type',
  'customerName',
  'customerEmail',
  'customerCompany',
  'customerExternalId',
  'sku',
  'quantity',
];

/**
 * Imports orders from CSV, one row per order line: rows with the same orderNumber make one order
 * (the customer is read from its first row). An order with any bad row is refused as a whole.
 */
export async function importOrdersCsv(db: Db, actor: Actor, input: Readable, options: ImportOptions = {}): Promise<ImportResult> {
  const result: ImportResult = { rows: 0, created: 0, updated: 0, skipped: 0, errors: [], dryRun: !!options.dryRun };
  type Draft = { raw: Record<string, unknown>; lines: Array<{ sku: string; quantity: unknown }>; rowLines: number[]; bad: boolean };
  const drafts = new Map<string, Draft>();

  for await (const row of readRows(input, ['orderNumber', 'customerName', 'sku', 'quantity'], ORDER_CSV_COLUMNS)) {
    result.rows += 1;
    if (result.rows % 10_000 === 0) options.onProgress?.(result.rows);
    const problems = new Problems();
    const orderNumber = (cell(row, 'orderNumber') ?? '').trim();
    if (!orderNumber) problems.add('orderNumber', 'required');
    const quantity = parseCsvQuantity(cell(row, 'quantity'));
    if (quantity === null) problems.add('quantity', 'must be a whole number');
    let draft = drafts.get(orderNumber);
    if (!draft && orderNumber) {
      draft = {
        raw: {
          orderNumber,
          type: (cell(row, 'type') ?? 'B2C').trim().toUpperCase(),
          customer: {
            name: cell(row, 'customerName'),
            email: cell(row, 'customerEmail'),
            company: cell(row, 'customerCompany'),
            externalId: cell(row, 'customerExternalId'),
          },
        },
        lines: [],
        rowLines: [],
        bad: false,
      };
      drafts.set(orderNumber, draft);
    }
    if (!problems.ok) {
      recordProblems(result, row.line, problems);
      if (draft) draft.bad = true;
      continue;
    }
    draft!.lines.push({ sku: (cell(row, 'sku') ?? '').trim(), quantity });
    draft!.rowLines.push(row.line);
  }

  const orders: OrderInput[] = [];
  const firstLineOf = new Map<string, number>();
  for (const draft of drafts.values()) {
    if (draft.bad) continue;
    const problems = new Problems();
    const order = checkOrder(problems, '', { ...draft.raw, lines: draft.lines });
    if (!problems.ok) {
      // Name the CSV line of a line-level problem instead of the JSON-ish path.
      const m = /^lines\[(\d+)\]/.exec(problems.list[0].field);
      const line = m ? draft.rowLines[Number(m[1])] : draft.rowLines[0];
      recordProblems(result, line, problems);
      continue;
    }
    firstLineOf.set(order.orderNumber, draft.rowLines[0]);
    orders.push(order);
  }

  await db.transaction().execute(async (trx) => {
    const skus = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.sku)))];
    const products = new Map((await findProductsBySkus(trx, actor.tenantId, skus)).map((p) => [p.sku, p.id]));
    const taken = new Set(await findExistingOrderNumbers(trx, actor.tenantId, orders.map((o) => o.orderNumber)));
    const good = orders.filter((order) => {
      const problems = new Problems();
      if (taken.has(order.orderNumber)) problems.add('orderNumber', `${order.orderNumber} already exists`);
      for (const line of order.lines) if (!products.has(line.sku)) problems.add('sku', `no product with SKU ${line.sku}`);
      if (problems.ok) return true;
      recordProblems(result, firstLineOf.get(order.orderNumber)!, problems);
      return false;
    });
    result.errors.sort((a, b) => a.line - b.line);
    finish(result, options);
    result.created = good.length;
    if (options.dryRun) return;
    await recordImport(trx, actor, 'order', result);
    for (let i = 0; i < good.length; i += 1000) {
      await insertOrders(
        trx,
        actor.tenantId,
        good.slice(i, i + 1000).map((o) => ({
          orderNumber: o.orderNumber,
          type: o.type,
          customer: o.customer,
          lines: o.lines.map((l) => ({ productId: products.get(l.sku)!, quantity: l.quantity })),
        })),
      );
    }
  });
  options.onProgress?.(result.rows);
  return result;
}

export const RECEIPT_CSV_COLUMNS = ['reference', 'sku', 'serial', 'noticeReference'];

/** Rows judged and written per round trip. */
const RECEIPT_BATCH_ROWS = 5000;

export type ReceiptImportResult = ImportResult & {
  /** units registered in stock */
  received: number;
  /** units that were in stock already */
  alreadyInStock: number;
  /** one receipt per reference (rows without one make one receipt without a reference); a dry run's have no id */
  receipts: Array<{ id: string | null; reference: string | null; noticeReference: string | null; received: number; alreadyInStock: number }>;
};

/** Thrown inside the transaction of a dry run, to roll back what it wrote. */
class DryRunDone extends Error {}

/**
 * Receives units from CSV (reference,sku,serial[,noticeReference]), one row per unit: rows with the
 * same reference make one receipt (its notice is read from its first row). Each unit is judged as
 * POST /receipts judges it; a refused one is a bad row with its line number. Rows are judged and
 * written in batches inside one transaction, so memory does not grow with the file: one bad row
 * imports nothing (the transaction rolls back) unless skipBadRows; a dry run does everything and
 * rolls back, so it answers exactly what the import would do.
 */
export async function importReceiptsCsv(db: Db, actor: Actor, input: Readable, options: ImportOptions = {}): Promise<ReceiptImportResult> {
  const result: ReceiptImportResult = {
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: [],
    dryRun: !!options.dryRun,
    received: 0,
    alreadyInStock: 0,
    receipts: [],
  };
  const badRow = (line: number, message: string) => {
    result.skipped += 1;
    if (result.errors.length < MAX_REPORTED_ERRORS) result.errors.push({ line, message });
  };
  type Row = { line: number; reference: string | null; noticeReference: string | null; sku: string; serial: string };

  const run = async (trx: Db) => {
    const settings = await findSettings(trx, actor.tenantId);
    const receipts = new Map<string, ImportReceipt | null>();
    const products = new Map<string, ReceivingProduct>();
    const flush = async (batch: Row[]) => {
      if (batch.length === 0) return;
      const unknown = [...new Set(batch.map((r) => r.sku))].filter((sku) => !products.has(sku));
      for (const p of await findReceivingProducts(trx, actor.tenantId, unknown)) products.set(p.sku, p);
      const groups = new Map<string, Row[]>();
      for (const row of batch) {
        const key = row.reference ?? '';
        if (!receipts.has(key)) {
          try {
            receipts.set(key, await openImportReceipt(trx, actor, { reference: row.reference, noticeReference: row.noticeReference }));
            result.created += 1;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            receipts.set(key, null);
            badRow(row.line, `${error.message} (${error.code}); the rows of receipt ${row.reference ?? '(no reference)'} are left out`);
            continue;
          }
        }
        if (receipts.get(key) === null) {
          badRow(row.line, `receipt ${row.reference ?? '(no reference)'} is left out (see its first row)`);
          continue;
        }
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const [key, rows] of groups) {
        const target = receipts.get(key)!;
        const items: ReceiveItem[] = rows.map((r) => ({ sku: r.sku, serial: r.serial, path: `line ${r.line}` }));
        const problems = await receiveImportBatch(trx, actor, target, [...products.values()], items, settings);
        for (const p of problems) badRow(rows[p.index].line, `${p.message} (${p.code})`);
      }
    };

    let batch: Row[] = [];
    for await (const row of readRows(input, ['sku', 'serial'], RECEIPT_CSV_COLUMNS)) {
      result.rows += 1;
      if (result.rows % 10_000 === 0) options.onProgress?.(result.rows);
      const problems = new Problems();
      const reference = text(problems, 'reference', cell(row, 'reference'), { required: false, max: 64 });
      const noticeReference = text(problems, 'noticeReference', cell(row, 'noticeReference'), { required: false, max: 64 });
      const sku = checkSku(problems, 'sku', cell(row, 'sku'));
      // the serial's own rules (printable, at most 64) are judged with the unit, by its line
      const serial = cell(row, 'serial');
      if (serial === undefined) problems.add('serial', 'required');
      if (!problems.ok) {
        recordProblems(result, row.line, problems);
        continue;
      }
      batch.push({ line: row.line, reference, noticeReference, sku: sku!, serial: serial! });
      if (batch.length >= RECEIPT_BATCH_ROWS) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
    options.onProgress?.(result.rows);
    result.errors.sort((a, b) => a.line - b.line);
    // A receipt whose every row was bad (kept out with skipBadRows) is not kept.
    const opened = [...receipts.values()].filter((r): r is ImportReceipt => r !== null);
    const empty = await deleteEmptyReceipts(trx, actor.tenantId, opened.filter((r) => r.received + r.alreadyInStock === 0).map((r) => r.receipt.id));
    result.created -= empty.size;
    for (const target of opened) {
      if (empty.has(target.receipt.id)) continue;
      result.received += target.received;
      result.alreadyInStock += target.alreadyInStock;
      result.receipts.push({
        id: options.dryRun ? null : target.receipt.id,
        reference: target.receipt.reference,
        noticeReference: target.receipt.noticeReference,
        received: target.received,
        alreadyInStock: target.alreadyInStock,
      });
    }
    finish(result, options);
    if (options.dryRun) throw new DryRunDone();
  };
  try {
    await db.transaction().execute(run);
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
  }
  return result;
}
