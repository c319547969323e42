import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { cancelOrder, createOrder } from '../../src/services/orders.service.ts';
import { captureSerialBatch, shipOrder } from '../../src/services/packing.service.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { findSerial } from '../../src/services/serials.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// The returns desk in a real Chromium, driven like a keyboard-wedge scanner: an order shipped
// through the services, the right serial back (green MATCH), a wrong one (red WRONG SERIAL, held),
// a unit of another customer (never named), the match restocked by a command scan, and the held
// unit decided by an admin.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping returns browser tests: no chromium found (install Debian chromium)');

const EMAIL = 'desk@example.com';
const PASSWORD = 'returns desk password';
const GTIN = '09501101530003';
const ORDER = 'SO-R1';
const OTHER = { name: 'Bartholomew Private', email: 'bart.private@example.org' };

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let actor: Actor;

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function scan(code: string) {
  await page.keyboard.type(code, { delay: 4 });
  await page.keyboard.press('Enter');
}

const verdictWord = () => page.locator('.verdict .verdict-word');

async function ship(orderNumber: string, customer: { name: string; email: string }, serials: string[]) {
  await createOrder(t.db, actor, { orderNumber, type: 'B2C', customer, lines: [{ sku: 'CAM-100', quantity: serials.length }] });
  await captureSerialBatch(t.db, actor, orderNumber, serials.map((serial) => ({ sku: 'CAM-100', serial })));
  await shipOrder(t.db, actor, orderNumber, { carrier: 'DHL' });
}

const unitStatus = async (serial: string) => (await findSerial(t.db, actor, serial)).units[0];

describe.skipIf(!chromiumPath)('the returns desk in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Acme Returns' });
    actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
    await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'admin' });
    await createProduct(t.db, actor, { sku: 'CAM-100', name: 'Action camera', gtin: GTIN, needsSerialNumber: true });
    await ship(ORDER, { name: 'Ada Lovelace', email: 'ada@example.com' }, ['SN-R1', 'SN-R2']);
    await ship('SO-OTHER', OTHER, ['SN-BART']);
    // a unit in stock that never shipped in SO-R1: packed into an order that was then cancelled
    await createOrder(t.db, actor, { orderNumber: 'SO-X', type: 'B2C', customer: { name: 'X' }, lines: [{ sku: 'CAM-100', quantity: 1 }] });
    await captureSerialBatch(t.db, actor, 'SO-X', [{ sku: 'CAM-100', serial: 'SN-STOCK' }]);
    await cancelOrder(t.db, actor, 'SO-X');

    app = await buildApp({ db: t.db, pool: t.pool, webRoot });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser(chromiumPath!);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());

    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Packing station/ }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('opens a shipped order from the scan box and shows the right serial as a green MATCH', async () => {
    await page.getByRole('link', { name: 'Returns', exact: true }).click();
    await page.getByRole('textbox', { name: 'Order number' }).waitFor();
    // nothing is clicked from here: the scan box keeps the focus
    await scan(ORDER);
    await page.locator('.feedback').filter({ hasText: `Order ${ORDER} of Ada Lovelace: scan each returned unit.` }).waitFor();
    await page.getByRole('textbox', { name: 'Scan returned unit' }).waitFor();

    await scan('SN-R1');
    await verdictWord().filter({ hasText: 'MATCH' }).waitFor();
    expect(await page.locator('.verdict').getAttribute('class')).toContain('verdict-ok');
    expect(await page.locator('.verdict').textContent()).toContain('SN-R1 of CAM-100 shipped in this order');
    await page.waitForURL(/\/returns\?return=\d+$/);
    expect((await unitStatus('SN-R1')).status).toBe('returned');
    await shot('returns-01-match');
  });

  it('shows a serial that did not ship in the order as a red WRONG SERIAL, held for review', async () => {
    await scan('SN-STOCK');
    await verdictWord().filter({ hasText: 'WRONG SERIAL' }).waitFor();
    expect(await page.locator('.verdict').getAttribute('class')).toContain('verdict-bad');
    expect(await page.locator('.verdict').textContent()).toContain('Held for review');
    expect(await page.getByRole('alert').textContent()).toContain('WRONG SERIAL');
    expect((await unitStatus('SN-STOCK')).hold).toBe('quarantined');
    await shot('returns-02-wrong-serial');
  });

  it("says a unit went to another customer without showing who, and refuses a second scan of one unit at the desk", async () => {
    await scan('SN-BART');
    await verdictWord().filter({ hasText: 'OTHER CUSTOMER' }).waitFor();
    const text = await page.locator('main').textContent();
    for (const secret of [OTHER.name, 'Bartholomew', OTHER.email, 'SO-OTHER']) expect(text).not.toContain(secret);

    await scan('SN-R1');
    await page.getByRole('alert').filter({ hasText: 'SN-R1 is already in this return (unit 1)' }).waitFor();
  });

  it('restocks the match with the #RESTOCK command scan, and takes a GS1 barcode as a match too', async () => {
    await scan('#RESTOCK');
    await page.locator('.feedback').filter({ hasText: 'SN-R1 of CAM-100 restocked: back in stock.' }).waitFor();
    expect(await unitStatus('SN-R1')).toMatchObject({ status: 'in_stock', disposition: 'restocked' });

    await scan(`(01)${GTIN}(21)SN-R2`);
    await page.locator('.verdict', { hasText: 'SN-R2' }).waitFor();
    expect(await verdictWord().textContent()).toBe('MATCH');
    const rows = page.getByRole('table', { name: 'Returned units' }).getByRole('row');
    expect(await rows.count()).toBe(5); // header + 4 units
    expect(await rows.nth(1).textContent()).toContain('restocked');
    expect(await rows.nth(2).textContent()).toContain('WRONG SERIAL');
    await shot('returns-03-restocked');
  });

  it('lets an admin release the held unit with a note, after which it can be restocked', async () => {
    const held = page.getByRole('row').filter({ hasText: 'SN-STOCK' });
    await held.getByLabel('Review note for SN-STOCK').fill('customer swapped units; ours now');
    await held.getByRole('button', { name: 'Accept SN-STOCK' }).click();
    await page.locator('.feedback').filter({ hasText: 'Unit 2 accepted' }).waitFor();
    await held.getByRole('button', { name: 'Restock SN-STOCK' }).click();
    await page.locator('.feedback').filter({ hasText: 'SN-STOCK of CAM-100 restocked' }).waitFor();
    expect(await unitStatus('SN-STOCK')).toMatchObject({ status: 'in_stock', hold: 'none' });
    await shot('returns-04-reviewed');
  });

  it('finishes the return with #DONE and lists it, with the unit still held, for the next visit', async () => {
    await scan('#DONE');
    await page.getByRole('textbox', { name: 'Order number' }).waitFor();
    await page.getByRole('region', { name: 'Held for review' }).getByRole('link', { name: /^Return \d+$/ }).waitFor();
    await page.getByRole('region', { name: 'Recent returns' }).getByText(`of order ${ORDER}`).waitFor();
    await shot('returns-05-lists');
  });
});
