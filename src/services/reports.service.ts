import type { Readable } from 'node:stream';
import type pg from 'pg';
import { decodeCursor, encodeCursor, type Page } from '../core/cursor.ts';
import { parseRangeBound } from '../core/dates.ts';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import type { Db } from '../storage/database.ts';
import {
  copySerialReportCsv,
  findSerialReportPage,
  SERIAL_REPORT_CSV_COLUMNS,
  type SerialReportFilter,
  type SerialReportRow,
} from '../storage/reports.repository.ts';

export type SerialReportQuery = {
  shippedFrom?: string;
  shippedTo?: string;
  sku?: string;
  orderNumber?: string;
  customer?: string;
};

export function toReportFilter(query: SerialReportQuery): SerialReportFilter {
  const filter: SerialReportFilter = {
    sku: query.sku?.trim() || undefined,
    orderNumber: query.orderNumber?.trim() || undefined,
    customer: query.customer?.trim() || undefined,
  };
  if (query.shippedFrom) filter.shippedFrom = parseRangeBound('shippedFrom', query.shippedFrom.trim(), 'start');
  if (query.shippedTo) filter.shippedBefore = parseRangeBound('shippedTo', query.shippedTo.trim(), 'end');
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
    if (Number.isNaN(shippedAt.getTime())) throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this list returned');
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
