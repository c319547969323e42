import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { getOrder } from '../../src/services/orders.service.ts';
import { createOrder } from '../../src/services/orders.service.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// The packing station's fixes found by a browser walk-through, in a real Chromium against a real
// server and PostgreSQL: a scanned packing slip switches orders instead of becoming a serial, the
// answer to a scan stays beside the scan box on a 1366x768 screen, a refused scan refreshes stale
// slots, a complete order ships from the scan box, and a pasted list or range fills a line.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping station browser tests: no chromium found (install Debian chromium)');

const EMAIL = 'pat@example.com';
const PASSWORD = 'station walk-through 7';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let actor: Actor;

async function makeOrder(orderNumber: string, lines: Array<{ sku: string; quantity: number }>) {
  await createOrder(t.db, actor, { orderNumber, type: 'B2C', customer: { name: 'Grace Hopper', email: 'grace@example.com' }, lines });
}

async function scan(p: Page, code: string) {
  await p.locator('#scan-input').focus();
  await p.keyboard.type(code, { delay: 4 });
  await p.keyboard.press('Enter');
}

const feedback = (p: Page) => p.locator('.feedback');

async function waitForFeedback(p: Page, text: string | RegExp) {
  await feedback(p).filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

async function openAtStation(p: Page, orderNumber: string) {
  await p.goto(`${base}/packing`);
  await p.locator('#scan-input').waitFor();
  await scan(p, orderNumber);
  await waitForFeedback(p, `Order ${orderNumber} opened`);
}

describe.skipIf(!chromiumPath)('the packing station in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Station Co' });
    actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
    await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'packer' });
    for (const sku of ['CAM', 'LENS', 'MIC', 'DOCK', 'BAG']) {
      await createProduct(t.db, actor, { sku, name: `${sku} product`, needsSerialNumber: true });
    }
    app = await buildApp({ db: t.db, pool: t.pool, webRoot });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser(chromiumPath!);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/packing`);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('switches to the other order when its packing slip is scanned, and never captures it as a serial', async () => {
    await makeOrder('SLIP-100', [{ sku: 'CAM', quantity: 2 }]);
    await makeOrder('SLIP-200', [{ sku: 'CAM', quantity: 1 }]);
    await openAtStation(page, 'SLIP-100');
    await scan(page, 'CAM-A');
    await waitForFeedback(page, 'CAM-A captured');
    await scan(page, 'SLIP-200');
    await waitForFeedback(page, /Switched to order SLIP-200\. Order SLIP-100 stays open with 1 of 2 serials/);
    await page.getByRole('heading', { name: /Packing station: SLIP-200/ }).waitFor();
    expect(page.url()).toContain('SLIP-200');
    const first = await getOrder(t.db, actor, 'SLIP-100');
    expect(first.lines[0].serials).toEqual(['CAM-A']);
    expect((await getOrder(t.db, actor, 'SLIP-200')).lines[0].serials).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'station-01-slip-switches.png') });
  });

  it('keeps the answer to a scan in view beside the scan box at 1366x768 on a long order', async () => {
    await makeOrder('LONG-1', ['CAM', 'LENS', 'MIC', 'DOCK', 'BAG'].map((sku) => ({ sku, quantity: 6 })));
    await openAtStation(page, 'LONG-1');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
    await scan(page, 'BAG');
    await scan(page, 'BAG-1');
    await waitForFeedback(page, 'BAG-1 captured');
    const box = await page.locator('#scan-input').boundingBox();
    const answer = await feedback(page).boundingBox();
    expect(box && answer).toBeTruthy();
    // Both are inside the 768-pixel-high viewport, the answer right under the scan box.
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(answer!.y + answer!.height).toBeLessThanOrEqual(768);
    expect(answer!.y - (box!.y + box!.height)).toBeLessThan(120);
    await page.screenshot({ path: join(artifacts, 'station-02-answer-in-view.png') });
  });

  it('refreshes stale slots after a refused scan, when another tab filled them', async () => {
    await makeOrder('TWO-TABS', [{ sku: 'CAM', quantity: 2 }]);
    const other = await browser.context.newPage();
    await other.setViewportSize({ width: 1366, height: 768 });
    try {
      await openAtStation(page, 'TWO-TABS');
      await openAtStation(other, 'TWO-TABS');
      await scan(other, 'TAB-1');
      await waitForFeedback(other, 'TAB-1 captured');
      await page.bringToFront();
      // This tab still shows both slots empty; the same serial here is refused as a duplicate.
      await scan(page, 'TAB-1');
      await waitForFeedback(page, 'already captured');
      await page.locator('.slot-serial', { hasText: 'TAB-1' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('.slot.filled').count()).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('ships a complete order from the scan box with Enter, and with the UT:SHIP action barcode', async () => {
    await makeOrder('SHIP-ENTER', [{ sku: 'CAM', quantity: 1 }]);
    await makeOrder('SHIP-ACTION', [{ sku: 'CAM', quantity: 1 }]);
    await openAtStation(page, 'SHIP-ENTER');
    await scan(page, 'UT:SHIP');
    await waitForFeedback(page, 'not ready to ship: 1 serial number to go');
    await scan(page, 'SE-1');
    await waitForFeedback(page, 'Every serial is captured');
    await page.locator('#scan-input').focus();
    await page.keyboard.press('Enter');
    await waitForFeedback(page, 'Order SHIP-ENTER shipped');
    expect((await getOrder(t.db, actor, 'SHIP-ENTER')).status).toBe('shipped');

    await scan(page, 'SHIP-ACTION');
    await waitForFeedback(page, 'Order SHIP-ACTION opened');
    await scan(page, 'SA-1');
    await waitForFeedback(page, 'SA-1 captured');
    await scan(page, 'UT:SHIP');
    await waitForFeedback(page, 'Order SHIP-ACTION shipped');
    expect((await getOrder(t.db, actor, 'SHIP-ACTION')).status).toBe('shipped');
  });

  it('fills a line from a scanned range and from a pasted column of serials, all or nothing', async () => {
    await makeOrder('LIST-1', [{ sku: 'CAM', quantity: 5 }]);
    await openAtStation(page, 'LIST-1');
    await scan(page, 'RG0001-RG0003');
    await waitForFeedback(page, '3 serials captured for CAM (3 of 5)');
    expect(await page.locator('.slot.filled').count()).toBe(3);

    // Too many for the slots left: refused before anything is sent.
    await scan(page, 'X1, X2, X3');
    await waitForFeedback(page, 'only 2 empty slots');

    // A column pasted from a spreadsheet (the one-line box would glue it with spaces).
    await page.locator('#scan-input').focus();
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('#scan-input')!;
      const data = new DataTransfer();
      data.setData('text/plain', 'PASTE-1\nPASTE-2\n');
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    expect(await page.locator('#scan-input').inputValue()).toBe('PASTE-1, PASTE-2');
    await page.keyboard.press('Enter');
    await waitForFeedback(page, '2 serials captured for CAM (5 of 5)');
    expect((await getOrder(t.db, actor, 'LIST-1')).lines[0].serials).toEqual(['RG0001', 'RG0002', 'RG0003', 'PASTE-1', 'PASTE-2']);
    await page.screenshot({ path: join(artifacts, 'station-05-lists.png') });
  });
});
