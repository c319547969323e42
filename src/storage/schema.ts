import type { ColumnType, Generated } from 'kysely';
import type { ReturnCondition, ReturnItemDisposition, ReturnVerdict, ReviewDecision } from '../core/returns.ts';
import type { DuplicateScope, OrderStatus, OrderType, Role, UnitDisposition, UnitHold, UnitStatus } from '../core/model.ts';
import type { DeliveryStatus, WebhookEventType } from '../core/webhooks.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Id = number;


export interface TenantsTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: string;
  key_hash: Buffer;
  role: Role;
  label: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface SettingsTable {
  tenant_id: string;
  allow_duplicate_serials_in_order: Generated<boolean>;
  gs1_fnc1_substitute: string | null;
  duplicate_scope: Generated<DuplicateScope>;
  require_received_serials: Generated<boolean>;
  order_number_format: string | null;
  updated_at: Generated<Date>;
}

export interface ProductsTable {
  tenant_id: string;
  id: Generated<Id>;
  sku: string;
  name: string;
  gtin: string | null;
  needs_serial_number: Generated<boolean>;
  serial_format: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrdersTable {
  tenant_id: string;
  id: Generated<Id>;
  order_number: string;
  type: OrderType;
  status: Generated<OrderStatus>;
  customer_name: string;
  customer_email: string | null;
  customer_company: string | null;
  customer_external_id: string | null;
  carrier: string | null;
  tracking_number: string | null;
  shipped_at: Date | null;
  shipped_by: string | null;
  created_at: Generated<Date>;
}

export interface OrderLinesTable {
  tenant_id: string;
  order_id: number;
  line_no: number;
  product_id: number;
  quantity: number;
  captured: Generated<number>;
}

export interface OrderSerialsTable {
  tenant_id: string;
  order_id: number;
  id: Generated<Id>;
  line_no: number;
  product_id: number;
  serial: string;
  scanned: boolean;
  unique_in_order: boolean;
  unit_active: Generated<boolean>;
  unique_scope: DuplicateScope;
  lot: string | null;
  expiry: string | null;
  captured_at: Timestamp;
  captured_by: string;
  station: string | null;
  /** The capture that corrected this one (then unit_active is false). */
  replaced_by: number | null;
  /** On a capture made by a correction: why. */
  correction_reason: string | null;
}

export interface SerialUnitsTable {
  tenant_id: string;
  product_id: number;
  serial: string;
  status: UnitStatus;
  hold: Generated<UnitHold>;
  disposition: UnitDisposition | null;
  order_id: number | null;
  lot: string | null;
  expiry: string | null;
  first_seen_at: Timestamp;
  updated_at: Timestamp;
}

export interface SerialEventsTable {
  tenant_id: string;
  id: Generated<Id>;
  product_id: number;
  serial: string;
  type: string;
  order_id: number | null;
  occurred_at: Timestamp;
  actor: string;
  station: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  corrects_event_id: number | null;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  created_at: Generated<Date>;
  disabled_at: Date | null;
}

export interface SessionsTable {
  tenant_id: string;
  token_hash: Buffer;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
}

export interface SerialCountersTable {
  tenant_id: string;
  product_id: number;
  next_value: number;
  updated_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  request_hash: Buffer;
  body_hash: Buffer | null;
  method: string;
  path: string;
  actor: string;
  owner: string | null;
  locked_until: Date | null;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: Buffer | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface ReceivingNoticesTable {
  tenant_id: string;
  id: Generated<Id>;
  reference: string;
  supplier: string | null;
  expected_at: Date | null;
  status: Generated<'open' | 'closed'>;
  created_at: Timestamp;
  created_by: string;
  closed_at: Date | null;
  closed_by: string | null;
  discrepancy: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface ReceivingNoticeSerialsTable {
  tenant_id: string;
  notice_id: number;
  product_id: number;
  serial: string;
}

export interface ReceiptsTable {
  tenant_id: string;
  id: string;
  reference: string | null;
  notice_id: number | null;
  status: 'open' | 'closed';
  station: string | null;
  created_at: Timestamp;
  created_by: string;
  closed_at: Date | null;
  closed_by: string | null;
}

export interface ReceiptUnitsTable {
  tenant_id: string;
  receipt_id: string;
  product_id: number;
  serial: string;
  seq: Generated<Id>;
  notice_id: number | null;
  outcome: 'received' | 'already_in_stock';
  scanned: boolean;
  received_at: Timestamp;
}

export interface SignInFailuresTable {
  email: string;
  address: string;
  window_start: Date;
  failures: number;
}

export interface AddressFailuresTable {
  address: string;
  kind: 'sign-in' | 'api-key';
  window_start: Date;
  failures: number;
}

export interface ApiKeyFailuresTable {
  tenant_id: string;
  window_start: Date;
  failures: number;
}

export interface ReturnsTable {
  tenant_id: string;
  id: Generated<Id>;
  order_id: number;
  rma_number: string | null;
  station: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface ReturnItemsTable {
  tenant_id: string;
  return_id: number;
  item_index: number;
  order_id: number;
  product_id: number;
  serial: string;
  verdict: ReturnVerdict;
  other_order_id: number | null;
  unit_existed: boolean;
  condition: ReturnCondition | null;
  reason: string | null;
  scanned: boolean;
  lot: string | null;
  expiry: string | null;
  disposition: ReturnItemDisposition;
  unit_disposition_before: UnitDisposition | null;
  review_decision: ReviewDecision | null;
  review_note: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  disposal_note: string | null;
  disposed_at: Date | null;
  disposed_by: string | null;
}

export interface WebhookEndpointsTable {
  tenant_id: string;
  id: Generated<string>;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: Generated<boolean>;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WebhookEventsTable {
  tenant_id: string;
  id: string;
  type: WebhookEventType;
  data: ColumnType<unknown, string, never>;
  occurred_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: Generated<string>;
  endpoint_id: string;
  event_id: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  tenant_id: string;
  id: Generated<Id>;
  at: Generated<Date>;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  before: ColumnType<Record<string, unknown> | null, string | null, never>;
  after: ColumnType<Record<string, unknown> | null, string | null, never>;
}

export interface Database {
  receiving_notices: ReceivingNoticesTable;
  receiving_notice_serials: ReceivingNoticeSerialsTable;
  receipts: ReceiptsTable;
  receipt_units: ReceiptUnitsTable;
  returns: ReturnsTable;
  return_items: ReturnItemsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  sign_in_failures: SignInFailuresTable;
  address_failures: AddressFailuresTable;
  api_key_failures: ApiKeyFailuresTable;
  serial_counters: SerialCountersTable;
  users: UsersTable;
  sessions: SessionsTable;
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_serials: OrderSerialsTable;
  serial_units: SerialUnitsTable;
  serial_events: SerialEventsTable;
  audit_events: AuditEventsTable;
}
