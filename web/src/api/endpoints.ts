import { apiBlob, apiRequest, queryString, seg } from './client.ts';
import type {
  ApiKey,
  AuditEntry,
  AuditFilter,
  CaptureResult,
  DailyUnits,
  GenerateMode,
  GenerateResult,
  ImportResult,
  LabelSymbology,
  Notice,
  NoticeSummary,
  Order,
  OrderStatus,
  OrderSummary,
  Page,
  Product,
  ProductInput,
  Receipt,
  ReceiptSummary,
  ReceivingScanResult,
  Recall,
  RecallCustomer,
  RecallPreview,
  RecallSelection,
  RecallStatus,
  RecallSummary,
  SerialRange,
  ReportFilter,
  ReportRow,
  ReturnItemDisposition,
  ReturnItemInput,
  ReturnRecord,
  ReturnSummary,
  Role,
  ScanResult,
  SerialLookup,
  Settings,
  TenantUser,
  Unit,
  User,
  Webhook,
  WebhookDelivery,
} from './types.ts';

type Signal = { signal?: AbortSignal };

// auth
export const signIn = (email: string, password: string) =>
  apiRequest<{ user: User }>('POST', '/auth/sign-in', { json: { email, password }, quietUnauthenticated: true });
export const getMe = (o: Signal = {}) => apiRequest<{ user: User }>('GET', '/auth/me', { ...o, quietUnauthenticated: true });
export const signOut = () => apiRequest<void>('POST', '/auth/sign-out', { quietUnauthenticated: true });

// products
export type ProductQuery = { needsSerialNumber?: boolean; q?: string; limit?: number; cursor?: string };
export const listProducts = (query: ProductQuery, o: Signal = {}) =>
  apiRequest<Page<Product>>('GET', '/products', { query, ...o });
export const getProduct = (sku: string, o: Signal = {}) => apiRequest<Product>('GET', `/products/${seg(sku)}`, o);
export const createProduct = (input: ProductInput) => apiRequest<Product>('POST', '/products', { json: input });
export const updateProduct = (sku: string, patch: Omit<ProductInput, 'sku'>) =>
  apiRequest<Product>('PATCH', `/products/${seg(sku)}`, { json: patch });
export const bulkEditProducts = (skus: string[], needsSerialNumber: boolean) =>
  apiRequest<{ updated: number }>('POST', '/products/bulk-edit', { json: { skus, set: { needsSerialNumber } } });
export const importProducts = (file: Blob, options: { dryRun?: boolean; skipBadRows?: boolean }) =>
  apiRequest<ImportResult>('POST', '/products/import', {
    query: { dryRun: options.dryRun || undefined, skipBadRows: options.skipBadRows || undefined },
    body: file,
    contentType: 'text/csv',
  });

/** Makes serials from the product's serial format and registers them as in-stock units (admin). */
export const generateSerials = (sku: string, input: { count: number; mode: GenerateMode }) =>
  apiRequest<GenerateResult>('POST', `/products/${seg(sku)}/serials/generate`, { json: input });
/** A printable SVG sheet of barcode labels for serials of the product. */
export const labelSheet = (sku: string, input: { serials: string[]; symbology: LabelSymbology }) =>
  apiBlob('POST', `/products/${seg(sku)}/labels`, { json: input, accept: 'image/svg+xml' });

export const importOrders = (file: Blob, options: { dryRun?: boolean; skipBadRows?: boolean }) =>
  apiRequest<ImportResult>('POST', '/orders/import', {
    query: { dryRun: options.dryRun || undefined, skipBadRows: options.skipBadRows || undefined },
    body: file,
    contentType: 'text/csv',
  });

// settings
export const getSettings = (o: Signal = {}) => apiRequest<Settings>('GET', '/settings', o);
export const saveSettings = (patch: Partial<Settings>) => apiRequest<Settings>('PATCH', '/settings', { json: patch });

export const changePassword = (currentPassword: string, newPassword: string) =>
  apiRequest<void>('POST', '/auth/password', { json: { currentPassword, newPassword } });

// users (admin)
export const listUsers = (o: Signal = {}) => apiRequest<{ items: TenantUser[] }>('GET', '/users', o);
export const createUser = (input: { email: string; role: Role; password: string }) =>
  apiRequest<{ id: string; email: string; role: Role }>('POST', '/users', { json: input });
export const changeUserRole = (email: string, role: Role) =>
  apiRequest<{ id: string; email: string; role: Role }>('PATCH', `/users/${seg(email)}`, { json: { role } });
export const disableUser = (email: string) => apiRequest<{ id: string; email: string; disabledAt: string }>('POST', `/users/${seg(email)}/disable`);

// API keys (admin)
export const listApiKeys = (o: Signal = {}) => apiRequest<{ items: ApiKey[] }>('GET', '/keys', o);
export const createApiKey = (input: { role: Role; label: string | null }) =>
  apiRequest<ApiKey & { apiKey: string }>('POST', '/keys', { json: input });
export const revokeApiKey = (id: string) => apiRequest<ApiKey>('DELETE', `/keys/${seg(id)}`);

// webhooks (admin)
export const listWebhooks = (o: Signal = {}) => apiRequest<{ items: Webhook[] }>('GET', '/webhooks', o);
export const listWebhookDeliveries = (webhookId: string, query: { limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<WebhookDelivery>>('GET', `/webhooks/${seg(webhookId)}/deliveries`, { query, ...o });
export const redeliverWebhook = (deliveryId: string) =>
  apiRequest<WebhookDelivery>('POST', `/webhooks/deliveries/${seg(deliveryId)}/redeliver`);

// orders and packing
export type OrderQuery = { status?: OrderStatus; q?: string; limit?: number; cursor?: string };
export const listOrders = (query: OrderQuery, o: Signal = {}) =>
  apiRequest<Page<OrderSummary>>('GET', '/orders', { query, ...o });
export const getOrder = (orderNumber: string, o: Signal = {}) => apiRequest<Order>('GET', `/orders/${seg(orderNumber)}`, o);
export const cancelOrder = (orderNumber: string) => apiRequest<Order>('POST', `/orders/${seg(orderNumber)}/cancel`);
export const captureSerial = (
  orderNumber: string,
  input: { sku: string; serial: string; scanned: boolean; station?: string },
) => apiRequest<CaptureResult>('POST', `/orders/${seg(orderNumber)}/serials`, { json: input });
/** A station scan: GS1 text is sent whole, so the server keeps its lot (10) and expiry (17). */
export const recordScan = (
  orderNumber: string,
  input: { data: string; sku?: string; scanned: boolean; station?: string },
) => apiRequest<ScanResult>('POST', `/orders/${seg(orderNumber)}/scans`, { json: input });
/** A list or range at the station: all of its serials for one line, all or nothing. */
export const captureBatch = (
  orderNumber: string,
  input: { items: Array<{ sku: string; serial: string; scanned: boolean }>; station?: string },
) =>
  apiRequest<{ captured: number; lines: Array<{ sku: string; captured: number; quantity: number }> }>(
    'POST',
    `/orders/${seg(orderNumber)}/serials/batch`,
    { json: input },
  );
export const removeSerial = (orderNumber: string, input: { sku: string; serial: string; station?: string }) =>
  apiRequest<CaptureResult>('DELETE', `/orders/${seg(orderNumber)}/serials`, { json: input });
export const shipOrder = (
  orderNumber: string,
  input: { carrier?: string | null; trackingNumber?: string | null; station?: string },
) => apiRequest<Order>('POST', `/orders/${seg(orderNumber)}/ship`, { json: input });

/** Corrects a serial of a shipped order that proved wrong (admin); answers with the order. */
export const correctSerial = (orderNumber: string, input: { sku: string; serial: string; newSerial: string; reason: string }) =>
  apiRequest<Order>('POST', `/orders/${seg(orderNumber)}/corrections`, { json: input });

// serials
export const findSerial = (serial: string, o: Signal = {}) => apiRequest<SerialLookup>('GET', `/serials/${seg(serial)}`, o);
export const searchSerials = (query: { prefix: string; limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<Unit>>('GET', '/serials', { query, ...o });

// audit trail (admin)
export const listAudit = (query: AuditFilter & { limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<AuditEntry>>('GET', '/audit', { query, ...o });

// report
export const reportPage = (query: ReportFilter & { limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<ReportRow>>('GET', '/reports/serial-numbers', { query, ...o });
export const reportDaily = (filter: ReportFilter, o: Signal = {}) =>
  apiRequest<{ days: DailyUnits[] }>('GET', '/reports/serial-numbers/daily', { query: filter, ...o });
/** The CSV export is a plain download of the same report URL with format=csv. */
export const reportCsvUrl = (filter: ReportFilter) =>
  `/api/v1/reports/serial-numbers${queryString({ ...filter, format: 'csv' })}`;
/**
 * The EPCIS 2.0 export (JSON-LD EPCISDocument of the serialized units' events) for the report's
 * filters: its ship dates become the event-time range from/to, and the SKU is kept. The order and
 * customer filters have no EPCIS counterpart and are left out.
 */
export const epcisEventsUrl = (filter: ReportFilter) =>
  `/api/v1/epcis/events${queryString({ from: filter.shippedFrom, to: filter.shippedTo, sku: filter.sku })}`;

// receiving
export const listNotices = (query: { status?: 'open' | 'closed'; limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<NoticeSummary>>('GET', '/receipts/notices', { query, ...o });
export const getNotice = (reference: string, o: Signal = {}) => apiRequest<Notice>('GET', `/receipts/notices/${seg(reference)}`, o);
/** Records the notice's discrepancy (missing, unexpected) and finishes its open receipts. */
export const closeNotice = (reference: string) => apiRequest<Notice>('POST', `/receipts/notices/${seg(reference)}/close`);
/** Opens a receipt for station scans, optionally against an advance notice. */
export const openReceipt = (input: { reference?: string; noticeReference?: string; station?: string }) =>
  apiRequest<ReceiptSummary>('POST', '/receipts', { json: { ...input, open: true } });
export const getReceipt = (id: string, o: Signal = {}) => apiRequest<Receipt>('GET', `/receipts/${seg(id)}`, o);
/** A station scan: a serial, a GS1 scan (sent whole), or a product's SKU or barcode (which chooses it). */
export const scanIntoReceipt = (id: string, input: { data: string; sku?: string; scanned: boolean; station?: string }) =>
  apiRequest<ReceivingScanResult>('POST', `/receipts/${seg(id)}/scans`, { json: input });
export const closeReceipt = (id: string) => apiRequest<Receipt>('POST', `/receipts/${seg(id)}/close`);
/** Receives units from CSV (reference,sku,serial[,noticeReference]); `created` counts receipts. */
export const importReceipts = (file: Blob, options: { dryRun?: boolean; skipBadRows?: boolean }) =>
  apiRequest<ImportResult & { received: number; alreadyInStock: number }>('POST', '/receipts/import', {
    query: { dryRun: options.dryRun || undefined, skipBadRows: options.skipBadRows || undefined },
    body: file,
    contentType: 'text/csv',
  });

// returns
export const createReturn = (input: { orderNumber: string; rmaNumber?: string | null; station?: string; items: ReturnItemInput[] }) =>
  apiRequest<ReturnRecord>('POST', '/returns', { json: input });
export const addReturnItems = (returnId: number, input: { station?: string; items: ReturnItemInput[] }) =>
  apiRequest<ReturnRecord>('POST', `/returns/${returnId}/items`, { json: input });
export const getReturn = (returnId: number, o: Signal = {}) => apiRequest<ReturnRecord>('GET', `/returns/${returnId}`, o);
export type ReturnQuery = { orderNumber?: string; rmaNumber?: string; disposition?: ReturnItemDisposition; limit?: number; cursor?: string };
export const listReturns = (query: ReturnQuery, o: Signal = {}) => apiRequest<Page<ReturnSummary>>('GET', '/returns', { query, ...o });
/** Restock (back in stock) or scrap a returned unit. */
export const disposeReturnItem = (returnId: number, index: number, action: 'restock' | 'scrap', input: { note?: string; station?: string } = {}) =>
  apiRequest<ReturnRecord>('POST', `/returns/${returnId}/items/${index}/${action}`, { json: input });
/** An admin's decision on an item held for review. */
export const reviewReturnItem = (returnId: number, index: number, input: { decision: 'accept' | 'reject'; note: string }) =>
  apiRequest<ReturnRecord>('POST', `/returns/${returnId}/items/${index}/review`, { json: input });
// recalls
export const previewRecall = (selection: RecallSelection) => apiRequest<RecallPreview>('POST', '/recalls/preview', { json: selection });
export const createRecall = (input: RecallSelection & { name: string; reason: string }) =>
  apiRequest<Recall>('POST', '/recalls', { json: input });
export const listRecalls = (query: { status?: RecallStatus; limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<RecallSummary>>('GET', '/recalls', { query, ...o });
export const getRecall = (id: number, o: Signal = {}) => apiRequest<Recall>('GET', `/recalls/${id}`, o);
export const clearRecallUnits = (id: number, input: { serials?: string[]; ranges?: SerialRange[]; reason: string }) =>
  apiRequest<{ cleared: number; released: number; recall: Recall }>('POST', `/recalls/${id}/clear`, { json: input });
export const closeRecall = (id: number, note: string) => apiRequest<Recall>('POST', `/recalls/${id}/close`, { json: note ? { note } : {} });
export const recallCustomers = (id: number, query: { limit?: number; cursor?: string }, o: Signal = {}) =>
  apiRequest<Page<RecallCustomer>>('GET', `/recalls/${id}/customers`, { query, ...o });
/** The contact list CSV is a plain download of the customers URL with format=csv. */
export const recallCustomersCsvUrl = (id: number) => `/api/v1/recalls/${id}/customers?format=csv`;
