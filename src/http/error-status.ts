import type { ErrorCode } from '../core/errors.ts';

/** The one place where an error code becomes an HTTP status. */
export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'SERIAL_INVALID':
    case 'CSV_INVALID':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'TENANT_NOT_FOUND':
    case 'PRODUCT_NOT_FOUND':
    case 'ORDER_NOT_FOUND':
    case 'ORDER_LINE_NOT_FOUND':
    case 'SERIAL_NOT_FOUND':
    case 'API_KEY_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'RECEIPT_NOT_FOUND':
    case 'NOTICE_NOT_FOUND':
    case 'RETURN_NOT_FOUND':
    case 'RETURN_ITEM_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
    case 'WEBHOOK_DELIVERY_NOT_FOUND':
    case 'RECALL_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    case 'PRODUCT_ALREADY_EXISTS':
    case 'ORDER_ALREADY_EXISTS':
    case 'SERIAL_DUPLICATE_IN_ORDER':
    case 'ORDER_ALREADY_SHIPPED':
    case 'ORDER_CANCELLED':
    case 'USER_ALREADY_EXISTS':
    case 'CANNOT_DISABLE_SELF':
    case 'CANNOT_CHANGE_OWN_ROLE':
    case 'SERIAL_ALREADY_SHIPPED':
    case 'SERIAL_ALREADY_PACKED':
    case 'SERIAL_REGISTERED_TO_OTHER_SKU':
    case 'SERIAL_ALREADY_CORRECTED':
    case 'SERIAL_ALREADY_RETURNED':
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
    case 'NOTICE_ALREADY_EXISTS':
    case 'NOTICE_CLOSED':
    case 'RECEIPT_CLOSED':
    case 'SERIAL_DUPLICATE_IN_RECEIPT':
    case 'SERIAL_RETURN_PENDING':
    case 'ORDER_NOT_SHIPPED':
    case 'RETURN_ITEM_NOT_PENDING':
    case 'RETURN_ITEM_NOT_IN_REVIEW':
    case 'WEBHOOK_DISABLED':
    case 'RECALL_CLOSED':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'TOO_MANY_ATTEMPTS':
      return 429;
    case 'PRODUCTS_NOT_FOUND':
    case 'SERIAL_NOT_REQUIRED':
    case 'LINE_FULLY_SERIALIZED':
    case 'SERIALS_MISSING':
    case 'BATCH_REJECTED':
    case 'SERIAL_FORMAT_MISMATCH':
    case 'SERIAL_FORMAT_INVALID':
    case 'SCANNED_PRODUCT_BARCODE':
    case 'SCAN_INVALID':
    case 'GTIN_MISMATCH':
    case 'SERIAL_FORMAT_MISSING':
    case 'SERIAL_CAPACITY_EXCEEDED':
    case 'GTIN_MISSING':
    case 'BARCODE_NOT_ENCODABLE':
    case 'SERIAL_RECALLED':
    case 'SERIAL_ON_HOLD':
    case 'SERIAL_SCRAPPED':
    case 'SERIAL_NOT_IN_STOCK':
    case 'SCANNED_ORDER_NUMBER':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'PASSWORD_TOO_COMMON':
    case 'WEBHOOK_URL_REFUSED':
    case 'RECALL_MATCHES_NOTHING':
      return 422;
    case 'DATABASE_UNAVAILABLE':
      return 503;
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}
