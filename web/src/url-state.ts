/**
 * List screens keep their whole state (filters and page position) in the address, so a view can be
 * bookmarked, shared and restored with Back. These functions turn that state into a query string
 * and back; what they read is checked, so a hand-edited address falls back to defaults.
 *
 * Pages: the API pages with opaque cursors (next only). To offer Previous, the address keeps the
 * stack of cursors that led to the current page, comma-separated (cursors are base64url, which has
 * no commas): `cursor=c1,c2` is page 3, reached from page 1 (no cursor) via c1, then c2.
 */

export type QueryParams = Record<string, string | undefined | null>;

/** `?a=1&b=2` from the non-empty values, in the order given; '' when there are none. */
export function toSearch(params: QueryParams): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') out.set(key, value);
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

export function readCursorStack(value: string | null): string[] {
  if (!value) return [];
  return value.split(',').filter((c) => /^[A-Za-z0-9_-]{1,500}$/.test(c));
}

export function writeCursorStack(stack: ReadonlyArray<string>): string | undefined {
  return stack.length > 0 ? stack.join(',') : undefined;
}

/** The cursor to ask the API for: that of the last page in the stack (none for page 1). */
export const currentCursor = (stack: ReadonlyArray<string>): string | undefined => stack[stack.length - 1];

export const nextStack = (stack: ReadonlyArray<string>, nextCursor: string): string[] => [...stack, nextCursor];
export const previousStack = (stack: ReadonlyArray<string>): string[] => stack.slice(0, -1);

const text = (query: URLSearchParams, key: string, max = 200) => (query.get(key) ?? '').slice(0, max);

// Products ---------------------------------------------------------------------------------------

export type NeedsSerialFilter = 'any' | 'yes' | 'no';
export type ProductListState = { needsSerial: NeedsSerialFilter; q: string; pages: string[] };

export function readProductListState(query: URLSearchParams): ProductListState {
  const raw = query.get('needsSerialNumber');
  return {
    needsSerial: raw === 'true' ? 'yes' : raw === 'false' ? 'no' : 'any',
    q: text(query, 'q'),
    pages: readCursorStack(query.get('cursor')),
  };
}

export function productListSearch(state: ProductListState): string {
  return toSearch({
    needsSerialNumber: state.needsSerial === 'yes' ? 'true' : state.needsSerial === 'no' ? 'false' : undefined,
    q: state.q.trim(),
    cursor: writeCursorStack(state.pages),
  });
}

export function productListApiQuery(state: ProductListState) {
  return {
    needsSerialNumber: state.needsSerial === 'any' ? undefined : state.needsSerial === 'yes',
    q: state.q.trim() || undefined,
    cursor: currentCursor(state.pages),
  };
}

// Orders -----------------------------------------------------------------------------------------

export const orderStatusFilters = ['open', 'shipped', 'cancelled'] as const;
export type OrderStatusFilter = (typeof orderStatusFilters)[number] | '';
export type OrderListState = { status: OrderStatusFilter; q: string; pages: string[] };

export function readOrderListState(query: URLSearchParams): OrderListState {
  const status = query.get('status') ?? '';
  return {
    status: (orderStatusFilters as readonly string[]).includes(status) ? (status as OrderStatusFilter) : '',
    q: text(query, 'q'),
    pages: readCursorStack(query.get('cursor')),
  };
}

export function orderListSearch(state: OrderListState): string {
  return toSearch({ status: state.status, q: state.q.trim(), cursor: writeCursorStack(state.pages) });
}

// Serial Number Report ---------------------------------------------------------------------------

export type ReportState = {
  shippedFrom: string;
  shippedTo: string;
  sku: string;
  orderNumber: string;
  customer: string;
  /** A pasted list of serials and ranges, as typed (newlines kept). */
  serials: string;
  pages: string[];
};

/** The report's serials list travels in the address; the API takes up to this many characters. */
export const REPORT_SERIALS_MAX = 100_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readReportState(query: URLSearchParams): ReportState {
  const day = (key: string) => {
    const value = query.get(key) ?? '';
    return DAY.test(value) ? value : '';
  };
  return {
    shippedFrom: day('shippedFrom'),
    shippedTo: day('shippedTo'),
    sku: text(query, 'sku', 64),
    orderNumber: text(query, 'orderNumber', 64),
    customer: text(query, 'customer'),
    serials: text(query, 'serials', REPORT_SERIALS_MAX),
    pages: readCursorStack(query.get('cursor')),
  };
}

export function reportSearch(state: ReportState): string {
  return toSearch({ ...reportFilter(state), cursor: writeCursorStack(state.pages) });
}

/** The filter part of the report state, as the API takes it (blank fields left out). */
export function reportFilter(state: ReportState) {
  const filter: { shippedFrom?: string; shippedTo?: string; sku?: string; orderNumber?: string; customer?: string; serials?: string } = {};
  for (const key of ['shippedFrom', 'shippedTo', 'sku', 'orderNumber', 'customer', 'serials'] as const) {
    const value = state[key].trim();
    if (value) filter[key] = value;
  }
  return filter;
}

// Audit trail ------------------------------------------------------------------------------------

export type AuditState = { subject: string; action: string; actor: string; from: string; to: string; pages: string[] };

export function readAuditState(query: URLSearchParams): AuditState {
  const day = (key: string) => {
    const value = query.get(key) ?? '';
    return DAY.test(value) ? value : '';
  };
  return {
    subject: text(query, 'subject', 260),
    action: text(query, 'action', 100),
    actor: text(query, 'actor', 260),
    from: day('from'),
    to: day('to'),
    pages: readCursorStack(query.get('cursor')),
  };
}

/** The filter part of the audit state, as the API takes it (blank fields left out). */
export function auditFilter(state: AuditState) {
  const filter: { subject?: string; action?: string; actor?: string; from?: string; to?: string } = {};
  for (const key of ['subject', 'action', 'actor', 'from', 'to'] as const) {
    const value = state[key].trim();
    if (value) filter[key] = value;
  }
  return filter;
}

export function auditSearch(state: AuditState): string {
  return toSearch({ ...auditFilter(state), cursor: writeCursorStack(state.pages) });
}

// Pages of any other list (serial prefix matches) ----------------------------------------------

export function readPages(query: URLSearchParams): string[] {
  return readCursorStack(query.get('cursor'));
}
