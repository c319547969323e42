import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { createOrder } from '../../src/services/orders.service.ts';
import { captureSerialBatch, shipOrder } from '../../src/services/packing.service.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// A recall in a real Chromium against a real server and PostgreSQL: a compliance admin selects
// shipped units by a range of serials, previews what it would hold, saves it, follows its progress
// after a return and downloads the list of customers to contact.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping recall browser tests: no chromium found (install Debian chromium)');

const EMAIL = 'quality@example.com';
const PASSWORD = 'correct horse battery';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let actor: Actor;
let tenantId: string;

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function shipped(orderNumber: string, customer: { name: string; email?: string; company?: string }, serials: string[], day: string) {
  await createOrder(t.db, actor, { orderNumber, type: 'B2C', customer, lines: [{ sku: 'HEAT-1', quantity: serials.length }] });
  await captureSerialBatch(t.db, actor, orderNumber, serials.map((serial) => ({ sku: 'HEAT-1', serial, scanned: true })));
  await shipOrder(t.db, actor, orderNumber, {});
  await sql`UPDATE orders SET shipped_at = ${`${day}T10:00:00Z`}::timestamptz WHERE tenant_id = ${tenantId}::uuid AND order_number = ${orderNumber}`.execute(t.db);
}

describe.skipIf(!chromiumPath)('a recall in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Hearth Appliances' });
    tenantId = tenant.tenantId;
    actor = { tenantId, id: 'test', role: 'admin' };
    await createUser(t.db, { tenantId, email: EMAIL, password: PASSWORD, role: 'admin' });
    await createProduct(t.db, actor, { sku: 'HEAT-1', name: 'Space heater', needsSerialNumber: true });
    await shipped('WEB-1', { name: 'Ada Lovelace', email: 'ada@example.com' }, ['HT0998', 'HT0999'], '2026-02-10');
    await shipped('WEB-2', { name: 'Grace Hopper', email: 'grace@example.com', company: 'Navy' }, ['HT1000', 'HT1001'], '2026-02-11');
    await shipped('WEB-3', { name: 'Alan Turing', email: 'alan@example.com' }, ['HT1003'], '2026-02-12');
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

  it('creates a recall over shipped units by a range, previews it, saves it and shows its progress', async () => {
    await page.goto(`${base}/recalls`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/recalls`);
    await page.getByText('There are no recalls.').waitFor();
    await page.getByRole('link', { name: 'New recall' }).first().click();
    await page.getByRole('heading', { name: 'New recall' }).waitFor();

    await page.getByLabel('Name').fill('Heater thermostat');
    await page.getByLabel('Reason').fill('Thermostat may stick on');
    await page.getByLabel('SKU').fill('HEAT-1');
    // a reversed range is refused at its field, in the server's words, before anything is sent
    await page.getByLabel('Serials and ranges').fill('HT1002-HT998');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.field-error', { hasText: 'reversed range' }).waitFor();
    // the range is read by the number a serial ends with: HT998 to HT1002 holds HT0998 ... HT1001
    await page.getByLabel('Serials and ranges').fill('HT998-HT1002');
    await page.getByText('Read as 1 range.').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: /This recall would hold 4 units of HEAT-1/ });
    await preview.waitFor();
    const fact = (label: string) => preview.locator('div', { has: page.locator('dt', { hasText: label }) }).locator('dd');
    expect(await fact('With customers (shipped)').textContent()).toBe('4');
    expect(await fact('Customers to contact').textContent()).toBe('2');
    expect(await fact('Orders shipped with these units').textContent()).toBe('2');
    await shot('recall-01-preview');

    // the preview held nothing
    const held = await sql<{ n: number }>`SELECT count(*)::int AS n FROM serial_units WHERE hold = 'recalled'`.execute(t.db);
    expect(held.rows[0].n).toBe(0);

    await page.getByRole('button', { name: 'Save recall and hold 4 units' }).click();
    await page.waitForURL(/\/recalls\/\d+$/);
    await page.getByRole('status').filter({ hasText: 'Recall "Heater thermostat" saved: 4 units held.' }).waitFor();
    const progress = page.getByRole('region', { name: 'Progress: 4 units' });
    await progress.waitFor();
    const count = (label: string) =>
      progress.locator('dl[aria-label="Progress"] > div', { has: page.locator('dt', { hasText: label }) }).locator('dd');
    expect(await count('Outstanding').textContent()).toBe('4');

    // a customer sends a unit back (returns are built elsewhere: the unit's status becomes returned)
    await sql`UPDATE serial_units SET status = 'returned' WHERE tenant_id = ${tenantId}::uuid AND serial = 'HT0998'`.execute(t.db);
    await page.reload();
    await progress.waitFor();
    expect(await count('Outstanding').textContent()).toBe('3');
    expect(await count('Returned since the recall').textContent()).toBe('1');
    await page.getByRole('cell', { name: 'Grace Hopper Navy' }).waitFor();
    await shot('recall-02-progress');
  });

  it('downloads the contact list with one row per customer and their serials', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download contact list (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^recall-\d+-customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines).toEqual([
      'customerName,customerEmail,customerCompany,customerExternalId,orders,units,serials',
      'Ada Lovelace,ada@example.com,,,WEB-1,1,HT0999',
      'Grace Hopper,grace@example.com,Navy,,WEB-2,2,HT1000 HT1001',
    ]);
  });

  it('filters the Serial Number Report by the pasted range', async () => {
    await page.getByRole('link', { name: 'Report' }).click();
    await page.getByLabel('Serials').fill('HT998-HT1000');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/reports/serial-numbers?') && r.url().includes('serials=') && r.ok()),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    await page.getByRole('cell', { name: 'HT1001' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'HT1000' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(4); // header + HT0998, HT0999, HT1000
    await shot('recall-03-report-serials');
  });
});
