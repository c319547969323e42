// The shapes the API answers with (src/http/presenters.ts and the routes). The web app talks to the
// server over HTTP only, so these are written out here rather than imported.

export type Role = 'viewer' | 'packer' | 'admin';

export type User = { id: string; email: string; role: Role; tenantId: string; tenantName: string };

export type Page<T> = { items: T[]; nextCursor: string | null };

export type Product = {
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
  createdAt: string | null;
  updatedAt: string | null;
};

export type ProductInput = {
  sku: string;
  name: string;
  gtin: string | null;
  needsSerialNumber: boolean;
  serialFormat: string | null;
};

export type GenerateMode = 'sequence' | 'random';

/** POST /products/{sku}/serials/generate: the serials made, registered as in-stock units. */
export type GenerateResult = {
  sku: string;
  mode: GenerateMode;
  count: number;
  serials: string[];
  first: string;
  last: string;
  /** Id of the generation run (kept in each unit's 'generated' event); newer servers send it. */
  batch?: string;
  /** Serials that came up already registered and were replaced. */
  skipped?: number;
};

export type LabelSymbology = 'code128' | 'gs1-128' | 'gs1datamatrix';

export type ImportResult = {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: Array<{ line: number; message: string }>;
  dryRun: boolean;
};

export type DuplicateScope = 'order' | 'sku' | 'tenant';
export type Settings = {
  allowDuplicateSerialsInOrder: boolean;
  gs1Fnc1Substitute: string | null;
  duplicateScope: DuplicateScope;
  requireReceivedSerials: boolean;
  orderNumberFormat: string | null;
};

export type OrderStatus = 'open' | 'shipped' | 'cancelled';
export type OrderType = 'B2C' | 'B2B';

export type Customer = { name: string; email: string | null; company: string | null; externalId: string | null };

export type OrderSummary = {
  orderNumber: string;
  type: OrderType;
  status: OrderStatus;
  customer: Customer;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: string | null;
  createdAt: string | null;
};

export type CaptureMethod = 'scanned' | 'typed';

export type Capture = {
  serial: string;
  captureMethod: CaptureMethod;
  capturedAt: string | null;
  capturedBy: string | null;
  station: string | null;
  lot?: string | null;
  expiry?: string | null;
  /** Set on a capture made by a correction: why the serial it replaced was wrong. */
  correctionReason?: string | null;
};

/** A serial of a shipped order that proved wrong, and the serial that replaced it. */
export type Correction = {
  serial: string;
  newSerial: string;
  reason: string;
  correctedAt: string | null;
  /** who, by name */
  correctedBy: string;
};

export type OrderLine = {
  sku: string;
  name: string;
  /** GTIN-14 of the product, when it has one (older servers leave it out). */
  gtin?: string | null;
  quantity: number;
  needsSerialNumber: boolean;
  captured: number;
  serials: string[];
  captures: Capture[];
  /** Corrections of the line's serials after shipping, oldest first (older servers leave it out). */
  corrections?: Correction[];
};

export type Order = OrderSummary & {
  /** who shipped it, by name */
  shippedBy?: string | null;
  lines: OrderLine[];
};

export type CaptureResult = { sku: string; serial: string; captured: number; quantity: number };

/** POST /orders/{n}/scans: the capture, with what the GS1 scan carried besides the serial. */
export type ScanResult = CaptureResult & { lot: string | null; expiry: string | null; gtin: string | null };

export type UnitEvent = {
  id: number | string;
  type: string;
  at: string | null;
  actor: string | null;
  station: string | null;
  orderNumber: string | null;
  details: Record<string, unknown> | null;
  correctsEventId?: number | string | null;
};

export type Unit = {
  serial: string;
  sku: string;
  productName: string;
  status: string;
  /** none, recalled or quarantined */
  hold: string;
  disposition: string | null;
  orderNumber: string | null;
  orderType: OrderType | null;
  customer: Customer | null;
  shippedAt: string | null;
  lot: string | null;
  expiry: string | null;
  events: UnitEvent[];
};

export type SerialLookup = { serial: string; units: Unit[] };

export type ReportRow = {
  serial: string;
  sku: string;
  productName: string;
  orderNumber: string;
  orderType: OrderType;
  customerName: string;
  customerEmail: string | null;
  customerCompany: string | null;
  shippedAt: string | null;
  captureMethod: CaptureMethod;
};

export type ReportFilter = {
  shippedFrom?: string;
  shippedTo?: string;
  sku?: string;
  orderNumber?: string;
  customer?: string;
  /** A pasted list of serials and ranges (SN0001, SN0998-SN1002 ...). */
  serials?: string;
};

export type DailyUnits = { date: string; units: number };

// receiving (src/http/routes/receiving.routes.ts)

export type NoticeCounts = { expected: number; matched: number; missing: number; unexpected: number };

export type NoticeLine = NoticeCounts & {
  sku: string;
  name: string;
  /** Present on GET /receipts/notices/{reference} and POST /receipts: up to 1000 each. */
  matchedSerials?: string[];
  missingSerials?: string[];
  unexpectedSerials?: string[];
};

export type NoticeStatus = 'open' | 'closed';

export type NoticeProgress = { totals: NoticeCounts; lines: NoticeLine[] };

export type ReceiptSummary = {
  id: string;
  reference: string | null;
  noticeReference: string | null;
  status: 'open' | 'closed';
  station: string | null;
  createdAt: string | null;
  createdBy: string;
  closedAt: string | null;
  closedBy: string | null;
  received?: number;
  alreadyInStock?: number;
};

export type NoticeSummary = {
  reference: string;
  supplier: string | null;
  expectedAt: string | null;
  status: NoticeStatus;
  createdAt: string | null;
  createdBy: string;
  closedAt: string | null;
  closedBy: string | null;
  expected: number;
  receipts: number;
};

export type Notice = Omit<NoticeSummary, 'expected' | 'receipts'> &
  NoticeProgress & { discrepancy: (NoticeCounts & { lines: NoticeLine[] }) | null; receipts: ReceiptSummary[] };

export type LinkedNotice = NoticeProgress & { reference: string; supplier?: string | null; status: NoticeStatus };

export type Receipt = ReceiptSummary & {
  received: number;
  alreadyInStock: number;
  lines: Array<{
    sku: string;
    name: string;
    received: number;
    alreadyInStock: number;
    unexpected: number | null;
    serials: string[];
    alreadyInStockSerials: string[];
    unexpectedSerials: string[] | null;
  }>;
  notice: LinkedNotice | null;
};

/** POST /receipts/{id}/scans: a product chosen, or a unit received (or found in stock already). */
export type ReceivingScanResult =
  | { kind: 'product'; sku: string; name: string }
  | {
      kind: 'unit';
      outcome: 'received' | 'already_in_stock';
      sku: string;
      serial: string;
      expected: boolean | null;
      lot: string | null;
      expiry: string | null;
      gtin: string | null;
      receipt: { id: string; received: number; alreadyInStock: number };
      notice: LinkedNotice | null;
    };

export type ReturnVerdict =
  | 'match'
  | 'already_returned'
  | 'shipped_to_other_customer'
  | 'shipped_in_other_order'
  | 'not_on_order'
  | 'unknown_serial'
  | 'wrong_serial';
export type ReturnCondition = 'new' | 'opened' | 'damaged';
export type ReturnItemDisposition = 'pending' | 'review' | 'restocked' | 'scrapped' | 'rejected';

export type ReturnItem = {
  index: number;
  sku: string;
  serial: string;
  verdict: ReturnVerdict;
  /** Why, in short; never names another customer or their order. */
  message: string;
  otherOrderNumber: string | null;
  disposition: ReturnItemDisposition;
  heldForReview: boolean;
  unitRegistered: boolean;
  condition: ReturnCondition | null;
  reason: string | null;
  captureMethod: CaptureMethod;
  lot: string | null;
  expiry: string | null;
  review: { decision: 'accept' | 'reject'; note: string | null; at: string | null; by: string } | null;
  disposal: { note: string | null; at: string | null; by: string } | null;
};

export type ReturnRecord = {
  id: number;
  orderNumber: string;
  rmaNumber: string | null;
  station: string | null;
  createdAt: string | null;
  createdBy: string;
  items: ReturnItem[];
  /** Indexes of the items the request just added. */
  added?: number[];
};

export type ReturnSummary = Omit<ReturnRecord, 'items' | 'added'> & { items: number; matched: number; inReview: number; pending: number };

export type ReturnItemInput = { scan?: string; serial?: string; sku?: string; scanned?: boolean; condition?: ReturnCondition; reason?: string };
/** GET /users: a person who signs in to the web app. */
export type TenantUser = { id: string; email: string; role: Role; createdAt: string; disabledAt: string | null };

/** GET /keys: an API key of the tenant (the key itself is shown only once, when it is created). */
export type ApiKey = { id: string; role: Role; label: string | null; createdAt: string; revokedAt: string | null };

/** GET /webhooks: an endpoint (its secret is shown only when it is created or rotated). */
export type Webhook = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** GET /webhooks/{id}/deliveries: one event sent (or to be sent) to one endpoint. */
export type WebhookDelivery = {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

/** One entry of the audit trail: who (by name) changed what. */
export type AuditEntry = {
  id: number;
  at: string | null;
  actor: string;
  action: string;
  subject: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

export type AuditFilter = { subject?: string; action?: string; actor?: string; from?: string; to?: string };
export type SerialRange = { from: string; to: string };

/** What a recall selects: serials and ranges (any of them), narrowed by lot and ship dates. */
export type RecallSelection = {
  sku: string;
  serials?: string[];
  ranges?: SerialRange[];
  lot?: string;
  shippedFrom?: string;
  shippedTo?: string;
};

export type UnitCounts = { inStock: number; packed: number; shipped: number; returned: number; scrapped: number };

/** POST /recalls/preview */
export type RecallPreview = {
  sku: string;
  units: number;
  byStatus: UnitCounts;
  alreadyRecalled: number;
  customers: number;
  orders: number;
  openOrders: number;
};

export type RecallStatus = 'open' | 'closed';

export type RecallSummary = {
  id: number;
  name: string;
  sku: string;
  productName: string;
  status: RecallStatus;
  units: number;
  createdAt: string | null;
  createdBy: string;
  closedAt: string | null;
};

export type RecallProgress = {
  units: number;
  cleared: number;
  outstanding: number;
  returned: number;
  inStock: number;
  packed: number;
  scrapped: number;
  returnedSinceRecall: number;
  blockedOrders: number;
};

export type Recall = RecallSummary & {
  reason: string;
  criteria: { serials: string[]; ranges: SerialRange[]; lot: string | null; shippedFrom: string | null; shippedTo: string | null };
  atRecall: UnitCounts;
  progress: RecallProgress;
  closedBy: string | null;
  closeNote: string | null;
};

export type RecallCustomer = {
  name: string;
  email: string | null;
  company: string | null;
  externalId: string | null;
  orders: string[];
  units: number;
  serials: string[];
};
