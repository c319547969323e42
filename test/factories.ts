import type { Actor } from '../src/core/model.ts';
import type { Db } from '../src/storage/database.ts';
import { createOrder } from '../src/services/orders.service.ts';
import { createProduct } from '../src/services/products.service.ts';
import { createTenant } from '../src/services/tenants.service.ts';

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function makeTenant(db: Db, name = unique('tenant')): Promise<{ actor: Actor; apiKey: string }> {
  const { tenantId, apiKey } = await createTenant(db, { name });
  return { actor: { tenantId, id: 'test', role: 'admin' }, apiKey };
}

export async function makeProduct(db: Db, actor: Actor, fields: Record<string, unknown> = {}) {
  return createProduct(db, actor, { sku: unique('SKU'), name: 'Test product', needsSerialNumber: true, ...fields });
}

export async function makeOrder(
  db: Db,
  actor: Actor,
  lines: Array<{ sku: string; quantity: number }>,
  fields: Record<string, unknown> = {},
) {
  return createOrder(db, actor, {
    orderNumber: unique('SO'),
    type: 'B2C',
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    lines,
    ...fields,
  });
}
