import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { createOrder } from '../../src/services/orders.service.ts';
import { captureSerial, shipOrder } from '../../src/services/packing.service.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// Corrections and the audit trail in a real Chromium against a real server and PostgreSQL: an admin
// corrects a shipped serial from the order page, sees both serials and the reason there and on both
// units' pages, and finds the product and settings changes in the audit screen under their email.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping the audit browser test: no chromium found (install Debian chromium)');

const EMAIL = 'mara@example.com';
const PASSWORD = 'correct horse battery';
const ORDER = 'SO-2001';
const REASON = 'scanned the label of the box beside it';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

describe.skipIf(!chromiumPath)('corrections and the audit trail in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Acme Audio' });
    const user = await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'admin' });
    // The order was packed and shipped by this user at the station.
    const actor: Actor = { tenantId: tenant.tenantId, id: `user:${user.id}`, role: 'admin' };
    await createProduct(t.db, actor, { sku: 'CAM-100', name: 'Action camera', needsSerialNumber: true });
    await createOrder(t.db, actor, {
      orderNumber: ORDER,
      type: 'B2C',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      lines: [{ sku: 'CAM-100', quantity: 2 }],
    });
    for (const serial of ['CAM-A1', 'CAM-A2']) await captureSerial(t.db, actor, ORDER, { sku: 'CAM-100', serial });
    await shipOrder(t.db, actor, ORDER, { carrier: 'DHL' });
    app = await buildApp({ db: t.db, pool: t.pool, webRoot });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser(chromiumPath!);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('signs in, renames a product and changes a setting', async () => {
    await page.goto(`${base}/products/CAM-100/edit`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/products/CAM-100/edit`);
    const name = page.getByLabel('Name', { exact: true });
    await name.waitFor();
    await page.waitForFunction(() => (document.querySelector('input[id$="-name"]') as HTMLInputElement | null)?.value === 'Action camera');
    await name.fill('Action camera 4K');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Product CAM-100 saved.').waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    const fnc1 = page.getByLabel('FNC1 substitute sent by your scanners');
    await fnc1.waitFor();
    await fnc1.fill('^');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
  });

  it('corrects a shipped serial from the order page and shows the old one struck through with the reason', async () => {
    await page.goto(`${base}/orders/${ORDER}`);
    await page.getByRole('heading', { name: `Order ${ORDER}` }).waitFor();
    // who shipped and who captured, by email
    await page.locator('.facts').getByText(EMAIL).waitFor();
    expect(await page.getByRole('cell', { name: EMAIL, exact: true }).count()).toBe(2);

    await page.getByRole('button', { name: 'Correct a serial of CAM-100…' }).click();
    const form = page.getByRole('form', { name: 'Correct a serial of CAM-100' });
    await form.getByLabel('Wrong serial').selectOption('CAM-A1');
    await form.getByLabel('Right serial').fill('CAM-B1');
    await form.getByLabel('Reason').fill(REASON);
    await shot('audit-01-correction-form');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText('Corrected: CAM-A1 is now CAM-B1.').waitFor();

    const corrections = page.getByRole('list', { name: 'Corrections of CAM-100' });
    await corrections.waitFor();
    const item = corrections.getByRole('listitem');
    expect(await item.count()).toBe(1);
    expect(await item.locator('del').innerText()).toBe('CAM-A1');
    const text = await item.innerText();
    expect(text).toContain('CAM-B1');
    expect(text).toContain(REASON);
    expect(text).toContain(EMAIL);
    // the captured serials are the right ones now
    await page.getByRole('table').getByRole('link', { name: 'CAM-B1' }).waitFor();
    expect(await page.getByRole('table').getByRole('link', { name: 'CAM-A1' }).count()).toBe(0);
    await shot('audit-02-order-corrected');

    // a serial shipped elsewhere, or this order's own, is refused in the server's words
    await page.getByRole('button', { name: 'Correct a serial of CAM-100…' }).click();
    await form.getByLabel('Right serial').fill('CAM-A2');
    await form.getByLabel('Reason').fill('try a duplicate');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await form.getByRole('alert').filter({ hasText: 'SERIAL_DUPLICATE_IN_ORDER' }).waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows the correction on both units’ pages, by email, each linking the other', async () => {
    await page.goto(`${base}/serials/CAM-A1`);
    const wrong = page.getByRole('list', { name: /History of CAM-A1/ });
    await wrong.waitFor();
    expect(await wrong.locator(':scope > li strong').allTextContents()).toEqual(['Packed', 'Shipped', 'Corrected out of the order']);
    const corrected = wrong.locator(':scope > li').last();
    expect(await corrected.innerText()).toContain(REASON);
    expect(await corrected.innerText()).toContain(`by ${EMAIL}`);
    expect(await page.getByRole('article').getByText('in stock', { exact: true }).count()).toBeGreaterThan(0);
    await shot('audit-03-wrong-unit');

    await corrected.getByRole('link', { name: 'CAM-B1' }).click();
    await page.waitForURL(`${base}/serials/CAM-B1`);
    const right = page.getByRole('list', { name: /History of CAM-B1/ });
    await right.waitFor();
    expect(await right.locator(':scope > li strong').allTextContents()).toEqual(['Shipped by correction']);
    const text = await right.innerText();
    expect(text).toContain('in place of: CAM-A1');
    expect(text).toContain(REASON);
    expect(text).toContain(`by ${EMAIL}`);
    expect(await page.getByRole('article').getByRole('link', { name: ORDER }).count()).toBeGreaterThan(0);
    await shot('audit-04-right-unit');
  });

  it('lists the product, settings and order changes in the audit screen under the admin’s email', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(`${base}/audit`);
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(1).waitFor();
    const row = (what: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: what, exact: true }) });
    for (const what of ['Serial corrected', 'Settings changed', 'Product changed']) {
      await row(what).first().waitFor();
      expect(await row(what).first().getByRole('cell', { name: EMAIL, exact: true }).count(), what).toBe(1);
    }
    const renamed = await row('Product changed').innerText();
    expect(renamed).toContain('Action camera');
    expect(renamed).toContain('Action camera 4K');
    expect(await row('Product changed').locator('del').innerText()).toBe('Action camera');
    expect(await row('Settings changed').innerText()).toContain('FNC1 substitute');
    expect(await row('Serial corrected').innerText()).toContain(REASON);
    // newest first: the correction was the last change
    expect(await rows.nth(1).innerText()).toContain('Serial corrected');
    // no id anywhere on the page
    expect(await page.locator('main').innerText()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await shot('audit-05-audit-trail');

    // the filter lives in the address
    await page.getByLabel('About').selectOption('product');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/audit\?subject=product/);
    await row('Settings changed').waitFor({ state: 'detached' });
    expect(await row('Product changed').count()).toBe(1);
    expect(await row('Product created').count()).toBe(1);
  });
});
