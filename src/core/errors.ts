/**
 * Every failure a client can cause has a code. Services throw DomainError; http/ maps the code to a
 * status in one exhaustive switch (src/http/error-status.ts); docs/errors.md lists every code and a
 * test keeps the two in step.
 */
export const errorCodes = [
  // 400: the request itself is malformed
  'VALIDATION_FAILED',
  'SERIAL_INVALID',
  'CSV_INVALID',
  // 401 / 403
  'UNAUTHENTICATED',
  'FORBIDDEN',
  // 404
  'TENANT_NOT_FOUND',
  'PRODUCT_NOT_FOUND',
  'ORDER_NOT_FOUND',
  'ORDER_LINE_NOT_FOUND',
  'SERIAL_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'USER_NOT_FOUND',
  'RECEIPT_NOT_FOUND',
  'NOTICE_NOT_FOUND',
  'RETURN_NOT_FOUND',
  'RETURN_ITEM_NOT_FOUND',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_DELIVERY_NOT_FOUND',
  'RECALL_NOT_FOUND',
  'NOT_FOUND',
  // 413 / 415
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  // 429: too many failed sign-ins or API-key attempts; Retry-After says when to try again
  'TOO_MANY_ATTEMPTS',
  // 409: conflicts with the current state
  'PRODUCT_ALREADY_EXISTS',
  'ORDER_ALREADY_EXISTS',
  'SERIAL_DUPLICATE_IN_ORDER',
  'ORDER_ALREADY_SHIPPED',
  'ORDER_CANCELLED',
  'USER_ALREADY_EXISTS',
  'CANNOT_DISABLE_SELF',
  'CANNOT_CHANGE_OWN_ROLE',
  'SERIAL_ALREADY_SHIPPED',
  'SERIAL_ALREADY_PACKED',
  'SERIAL_REGISTERED_TO_OTHER_SKU',
  'SERIAL_ALREADY_CORRECTED',
  'SERIAL_ALREADY_RETURNED',
  'IDEMPOTENCY_KEY_IN_PROGRESS',
  'NOTICE_ALREADY_EXISTS',
  'NOTICE_CLOSED',
  'RECEIPT_CLOSED',
  'SERIAL_DUPLICATE_IN_RECEIPT',
  'SERIAL_RETURN_PENDING',
  'ORDER_NOT_SHIPPED',
  'RETURN_ITEM_NOT_PENDING',
  'RETURN_ITEM_NOT_IN_REVIEW',
  'WEBHOOK_DISABLED',
  'RECALL_CLOSED',
  // 422: a business rule says no
  'PRODUCTS_NOT_FOUND',
  'SERIAL_NOT_REQUIRED',
  'LINE_FULLY_SERIALIZED',
  'SERIALS_MISSING',
  'BATCH_REJECTED',
  'SERIAL_FORMAT_MISMATCH',
  'SERIAL_FORMAT_INVALID',
  'SCANNED_PRODUCT_BARCODE',
  'SCAN_INVALID',
  'GTIN_MISMATCH',
  'SERIAL_FORMAT_MISSING',
  'SERIAL_CAPACITY_EXCEEDED',
  'GTIN_MISSING',
  'BARCODE_NOT_ENCODABLE',
  'SERIAL_RECALLED',
  'SERIAL_ON_HOLD',
  'SERIAL_SCRAPPED',
  'SERIAL_NOT_IN_STOCK',
  'SCANNED_ORDER_NUMBER',
  'IDEMPOTENCY_KEY_REUSED',
  'PASSWORD_TOO_COMMON',
  'WEBHOOK_URL_REFUSED',
  // 503: the database cannot be reached right now; retrying later can succeed
  'DATABASE_UNAVAILABLE',
  'RECALL_MATCHES_NOTHING',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
