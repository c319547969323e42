import type { AuditEntry } from '../../api/types.ts';

const ACTIONS: Record<string, string> = {
  'product.created': 'Product created',
  'product.updated': 'Product changed',
  'product.imported': 'Products imported',
  'settings.updated': 'Settings changed',
  'order.created': 'Order created',
  'order.imported': 'Orders imported',
  'order.cancelled': 'Order cancelled',
  'order.shipped': 'Order shipped',
  'order.serial_corrected': 'Serial corrected',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'user.created': 'User created',
  'user.disabled': 'User disabled',
  'user.role_changed': 'Role changed',
  'user.password_changed': 'Password changed',
};

/** A person's words for an action; unknown ones readable as they come. */
export function describeAction(action: string): string {
  return ACTIONS[action] ?? action.replace('.', ' ').replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

const FIELDS: Record<string, string> = {
  needsSerialNumber: 'needs serial number',
  serialFormat: 'serial format',
  gtin: 'GTIN',
  allowDuplicateSerialsInOrder: 'duplicate serials in an order',
  duplicateScope: 'duplicate scope',
  requireReceivedSerials: 'only received serials',
  orderNumberFormat: 'order number format',
  gs1Fnc1Substitute: 'FNC1 substitute',
  trackingNumber: 'tracking number',
  unitsReleased: 'units released',
  revokedAt: 'revoked',
  disabledAt: 'disabled',
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // an order line
    if (typeof o.sku === 'string' && typeof o.quantity === 'number') return `${o.sku} × ${o.quantity}`;
    // anything else (a customer, say): its values that are set
    return Object.values(o).filter((v) => v !== null && v !== undefined && v !== '').map(show).join(', ') || '—';
  }
  return String(value);
}

/** What an entry changed, field by field: "name: Camera → Action camera", or just the new value. */
export function changeLines(entry: Pick<AuditEntry, 'before' | 'after'>): Array<{ field: string; from: string | null; to: string }> {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys.map((key) => {
    const to = key in after ? show(after[key]) : '—';
    const from = key in before ? show(before[key]) : null;
    // A field named on both sides with one value (the SKU of a corrected serial) is context, not a change.
    return { field: FIELDS[key] ?? key, from: from === to ? null : from, to };
  });
}
