import type { Readable } from 'node:stream';
import type pg from 'pg';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { isStorableDate, parseRangeBound } from '../core/dates.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { parseSerialSelection } from '../core/serial-format/serial-list.ts';
import type { Db } from '../storage/database.ts';
import {
  copySerialReportCsv,
  findSerialReportDaily,
  findSerialReportPage,
  SERIAL_REPORT_CSV_COLUMNS,
  type SerialReportFilter,
  type SerialReportRow,
} from '../storage/reports.repository.ts';

export type { SerialReportRow };

export type SerialReportQuery = {
  shippedFrom?: string;
  shippedTo?: string;
  sku?: string;
  orderNumber?: string;
  customer?: string;
  /** A pasted list of serials and ranges (SN0001, SN0998-SN1002, SN0010+3 ...), as for /serials/expand. */
  serials?: string;
};

export function toReportFilter(query: SerialReportQuery): SerialReportFilter {
  const filter: SerialReportFilter = {
    sku: query.sku?.trim() || undefined,
    orderNumber: query.orderNumber?.trim() || undefined,
    customer: query.customer?.trim() || undefined,
  };
  if (query.shippedFrom) filter.shippedFrom = parseRangeBound('shippedFrom', query.shippedFrom.trim(), 'start');
  if (query.shippedTo) filter.shippedBefore = parseRangeBound('shippedTo', query.shippedTo.trim(), 'end');
  if (query.serials !== undefined) {
    const selection = parseSerialSelection(query.serials);
    if (selection.serials.length > 0 || selection.ranges.length > 0) filter.serials = selection;
  }
  if (filter.shippedFrom && filter.shippedBefore && filter.shippedFrom >= filter.shippedBefore) {
    throw new DomainError('VALIDATION_FAILED', 'shippedTo: must not be before shippedFrom', { field: 'shippedTo' });
  }
  return filter;
}

export async function serialReportPage(
  db: Db,
  actor: Actor,
  query: SerialReportQuery & { limit: number; cursor?: string },
): Promise<Page<SerialReportRow>> {
  const filter = toReportFilter(query);
  let after = null;
  if (query.cursor !== undefined) {
    const [at, orderId, captureId] = decodeCursor(query.cursor, ['string', 'number', 'number'] as const);
    const shippedAt = new Date(at);
    if (!isStorableDate(shippedAt)) throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this list returned');
    after = { shippedAt, orderId, captureId };
  }
  const rows = await findSerialReportPage(db, actor.tenantId, filter, after, query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > query.limit ? encodeCursor([last.shippedAt.toISOString(), last.orderId, last.captureId]) : null,
  };
}

export const serialReportCsvHeader = `${SERIAL_REPORT_CSV_COLUMNS.join(',')}\n`;

/** The report as a CSV byte stream (without the header line), straight from PostgreSQL. */
export async function serialReportCsv(pool: pg.Pool, actor: Actor, query: SerialReportQuery): Promise<Readable> {
  return copySerialReportCsv(pool, actor.tenantId, toReportFilter(query));
}

/** Units shipped per day over the filter's range; days without shipments are listed with 0. */
export async function serialReportDaily(db: Db, actor: Actor, query: SerialReportQuery): Promise<Array<{ date: string; units: number }>> {
  const filter = toReportFilter(query);
  const rows = await findSerialReportDaily(db, actor.tenantId, filter);
  if (rows.length === 0 && !(filter.shippedFrom && filter.shippedBefore)) return [];
  const byDay = new Map(rows.map((r) => [r.date, r.units]));
  const first = filter.shippedFrom ?? new Date(`${rows[0].date}T00:00:00Z`);
  const end = filter.shippedBefore ?? new Date(new Date(`${rows[rows.length - 1].date}T00:00:00Z`).getTime() + 86_400_000);
  const days: Array<{ date: string; units: number }> = [];
  const day = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()));
  for (; day < end && days.length < 3660; day.setUTCDate(day.getUTCDate() + 1)) {
    const date = day.toISOString().slice(0, 10);
    days.push({ date, units: byDay.get(date) ?? 0 });
  }
  return days;
}
