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

export type Settings = { allowDuplicateSerialsInOrder: boolean; gs1Fnc1Substitute: string | null };

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
};

export type Order = OrderSummary & { lines: OrderLine[] };

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
