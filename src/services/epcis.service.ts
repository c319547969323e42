import { Readable } from 'node:stream';
import { parseRangeBound } from '../core/dates.ts';
import { DomainError } from '../core/errors.ts';
import {
  DOCUMENT_CLOSING,
  documentOpening,
  eventListEntry,
  gtinsOf,
  planCapture,
  type ProductRef,
  readCaptureDocument,
  toObjectEvent,
  type Unmapped,
} from '../core/epcis/index.ts';
import type { Actor } from '../core/model.ts';
import type { Db } from '../storage/database.ts';
import {
  type EpcisEventFilter,
  findEpcisEventPage,
  findLastEventId,
  findProductsByGtins,
  insertReceivedUnits,
} from '../storage/epcis.repository.ts';

export type EpcisExportQuery = { from?: string; to?: string; sku?: string; serial?: string };

/** Events read per database round trip; memory holds one page, whatever the export's size. */
export const EXPORT_PAGE_SIZE = 5000;

export function toEpcisFilter(query: EpcisExportQuery): EpcisEventFilter {
  const filter: EpcisEventFilter = {};
  const sku = query.sku?.trim();
  const serial = query.serial?.trim();
  if (sku) filter.sku = sku;
  if (serial) filter.serial = serial;
  if (query.from?.trim()) filter.from = parseRangeBound('from', query.from.trim(), 'start');
  if (query.to?.trim()) filter.before = parseRangeBound('to', query.to.trim(), 'end');
  if (filter.from && filter.before && filter.from >= filter.before) {
    throw new DomainError('VALIDATION_FAILED', 'to: must not be before from', { field: 'to' });
  }
  return filter;
}

/**
 * The tenant's history events as one EPCIS 2.0 JSON-LD EPCISDocument, streamed: events are read in
 * keyset pages (by id) and written as they come, so memory does not grow with their number. The
 * export ends at the latest event that existed when it started. Bad filters throw before anything
 * is read; a failure of the first page's query errors the stream before its first byte, and a
 * later database failure destroys it with that error.
 */
export function exportEpcisDocument(
  db: Db,
  actor: Actor,
  query: EpcisExportQuery,
  options: { pageSize?: number; now?: Date; onProgress?: (events: number) => void } = {},
): Readable {
  const filter = toEpcisFilter(query);
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const creationDate = options.now ?? new Date();
  async function* document(): AsyncGenerator<string> {
    const upToId = await findLastEventId(db, actor.tenantId);
    // The first page is read before the first byte is given out, so a query the database refuses
    // fails the stream before a response has started.
    let page = await findEpcisEventPage(db, actor.tenantId, filter, { afterId: 0, upToId }, pageSize);
    yield documentOpening(creationDate);
    let written = 0;
    for (;;) {
      if (page.length === 0) break;
      let chunk = '';
      for (const event of page) {
        chunk += eventListEntry(toObjectEvent(actor.tenantId, event), written === 0);
        written += 1;
      }
      yield chunk;
      options.onProgress?.(written);
      if (page.length < pageSize) break;
      page = await findEpcisEventPage(db, actor.tenantId, filter, { afterId: page[page.length - 1].id, upToId }, pageSize);
    }
    yield DOCUMENT_CLOSING;
  }
  return Readable.from(document(), { objectMode: false });
}

export type EpcisCaptureResult = {
  events: number;
  epcs: number;
  registered: number;
  alreadyKnown: number;
  unmapped: Unmapped[];
};

/**
 * Captures an EPCIS 2.0 JSON document of ObjectEvents announcing serialized units: each EPC that
 * names a unit of one of the tenant's products (by GTIN) is registered in stock when new, and gets
 * a 'received' event either way. One transaction; EPCs that cannot be mapped are reported, not
 * refused. A document that is not shaped like EPCIS is refused whole (VALIDATION_FAILED).
 */
export async function captureEpcisDocument(db: Db, actor: Actor, body: unknown): Promise<EpcisCaptureResult> {
  const events = readCaptureDocument(body);
  return db.transaction().execute(async (trx) => {
    const products = await findProductsByGtins(trx, actor.tenantId, gtinsOf(events));
    const byGtin = new Map<string, ProductRef[]>();
    for (const p of products) byGtin.set(p.gtin, [...(byGtin.get(p.gtin) ?? []), { id: p.id, sku: p.sku }]);
    const plan = planCapture(events, byGtin);
    const { registered } = await insertReceivedUnits(trx, { tenantId: actor.tenantId, at: new Date(), actor: actor.id }, plan.received);
    return {
      events: plan.events,
      epcs: plan.epcs,
      registered,
      alreadyKnown: plan.mapped - registered,
      unmapped: plan.unmapped,
    };
  });
}
