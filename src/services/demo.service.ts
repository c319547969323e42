import { randomBytes } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { createUser } from './users.service.ts';
import type { Db } from '../storage/database.ts';
import { findProductBySku } from '../storage/products.repository.ts';
import { createTenant, getTenants } from './tenants.service.ts';
import { createOrder } from './orders.service.ts';
import { captureSerialBatch, shipOrder } from './packing.service.ts';
import { createProduct } from './products.service.ts';

/**
 * On first start with an empty database, creates the default tenant and returns its admin API key
 * (shown once); later starts return null.
 */
export async function ensureDefaultTenant(db: Db): Promise<{ tenantId: string; apiKey: string } | null> {
  const tenants = await getTenants(db);
  if (tenants.length > 0) return null;
  return createTenant(db, { name: 'Default' });
}

export const DEMO_USER_EMAIL = 'demo@example.com';

/** The demo's admin user, with a fresh random password; null when it exists already. */
export async function ensureDemoUser(db: Db, tenantId: string): Promise<{ email: string; password: string } | null> {
  const password = randomBytes(9).toString('base64url');
  try {
    await createUser(db, { tenantId, email: DEMO_USER_EMAIL, password, role: 'admin' });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'USER_ALREADY_EXISTS') return null;
    throw error;
  }
  return { email: DEMO_USER_EMAIL, password };
}

const DEMO_PRODUCTS = [
  { sku: 'CAM-100', name: 'Mirrorless camera body', gtin: '09501101530003', needsSerialNumber: true, serialFormat: null },
  { sku: 'LENS-50', name: '50 mm f/1.8 lens', gtin: '04006381333931', needsSerialNumber: true, serialFormat: null },
  { sku: 'PHONE-X', name: 'Smartphone X (IMEI)', gtin: null, needsSerialNumber: true, serialFormat: null },
  { sku: 'STRAP-1', name: 'Camera strap', gtin: null, needsSerialNumber: false, serialFormat: null },
  { sku: 'CARD-64', name: '64 GB memory card', gtin: null, needsSerialNumber: false, serialFormat: null },
];

/**
 * Sample data for trying every feature at once: products (serialized and not), open B2C and B2B
 * orders to pack, and shipped ones that fill the serial search and the report. Loading twice is
 * harmless (it stops when the demo products exist).
 */
export async function loadDemoData(db: Db, tenantId: string): Promise<boolean> {
  const actor: Actor = { tenantId, id: 'demo', role: 'admin' };
  if (await findProductBySku(db, tenantId, DEMO_PRODUCTS[0].sku)) return false;
  for (const product of DEMO_PRODUCTS) await createProduct(db, actor, product);

  const shipped = [
    { orderNumber: 'DEMO-1001', type: 'B2C', customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, cam: 1, lens: 1 },
    { orderNumber: 'DEMO-1002', type: 'B2B', customer: { name: 'Grace Hopper', email: 'purchasing@navy.example', company: 'US Navy' }, cam: 3, lens: 2 },
    { orderNumber: 'DEMO-1003', type: 'B2C', customer: { name: 'Alan Turing', email: 'alan@example.com' }, cam: 1, lens: 0 },
  ];
  let n = 0;
  for (const o of shipped) {
    const lines = [
      { sku: 'CAM-100', quantity: o.cam },
      ...(o.lens ? [{ sku: 'LENS-50', quantity: o.lens }] : []),
      { sku: 'STRAP-1', quantity: 1 },
    ];
    await createOrder(db, actor, { orderNumber: o.orderNumber, type: o.type, customer: o.customer, lines });
    const items = [
      ...Array.from({ length: o.cam }, () => ({ sku: 'CAM-100', serial: `CAM${String(++n).padStart(6, '0')}`, scanned: true })),
      ...Array.from({ length: o.lens }, () => ({ sku: 'LENS-50', serial: `LN-${String(++n).padStart(5, '0')}`, scanned: n % 2 === 0 })),
    ];
    await captureSerialBatch(db, actor, o.orderNumber, items, { station: 'demo-station' });
    await shipOrder(db, actor, o.orderNumber, { carrier: 'DHL', trackingNumber: `JD01460000${n}` }, { station: 'demo-station' });
  }
  await createOrder(db, actor, {
    orderNumber: 'DEMO-2001',
    type: 'B2C',
    customer: { name: 'Katherine Johnson', email: 'katherine@example.com' },
    lines: [
      { sku: 'CAM-100', quantity: 3 },
      { sku: 'CARD-64', quantity: 2 },
    ],
  });
  await createOrder(db, actor, {
    orderNumber: 'DEMO-2002',
    type: 'B2B',
    customer: { name: 'Margaret Hamilton', email: 'ops@apollo.example', company: 'Apollo Systems', externalId: 'CUST-42' },
    lines: [
      { sku: 'PHONE-X', quantity: 2 },
      { sku: 'LENS-50', quantity: 1 },
    ],
  });
  return true;
}
