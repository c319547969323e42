/**
 * The audit trail's vocabulary. An entry names an action `<subject type>.<verb>`, its subject, and
 * what changed: for a creation the new thing (`after`), for a change only the fields that changed,
 * before and after.
 */

export const auditSubjectTypes = ['product', 'settings', 'order', 'api_key', 'user'] as const;
export type AuditSubjectType = (typeof auditSubjectTypes)[number];

export const auditActions = [
  'product.created',
  'product.updated',
  'product.imported',
  'settings.updated',
  'order.created',
  'order.imported',
  'order.cancelled',
  'order.shipped',
  'order.serial_corrected',
  'api_key.created',
  'api_key.revoked',
  'user.created',
  'user.disabled',
  'user.role_changed',
  'user.password_changed',
] as const;
export type AuditAction = (typeof auditActions)[number];

type Fields = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The fields of `after` whose value differs from `before`, as two objects of just those fields;
 * null when nothing changed (a change that changes nothing is not recorded).
 */
export function changedFields(before: Fields, after: Fields): { before: Fields; after: Fields } | null {
  const was: Fields = {};
  const now: Fields = {};
  for (const key of Object.keys(after)) {
    if (after[key] === undefined || same(before[key], after[key])) continue;
    was[key] = before[key] ?? null;
    now[key] = after[key] ?? null;
  }
  return Object.keys(now).length === 0 ? null : { before: was, after: now };
}

/**
 * Reads the `subject` filter of the audit list: a type (`product`, every product's entries) or a
 * type and its id (`product:CAM-100`, `order:SO-1`, `api_key:<id>`, `user:<id or email>`).
 */
export function parseSubjectFilter(value: string): { type: AuditSubjectType; id?: string } | null {
  const at = value.indexOf(':');
  const type = (at === -1 ? value : value.slice(0, at)).trim();
  if (!(auditSubjectTypes as readonly string[]).includes(type)) return null;
  if (at === -1) return { type: type as AuditSubjectType };
  const id = value.slice(at + 1);
  return id.length === 0 ? { type: type as AuditSubjectType } : { type: type as AuditSubjectType, id };
}
