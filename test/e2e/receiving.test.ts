import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { createNotice, createReceipt } from '../../src/services/receiving.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// The receiving station in a real Chromium against a real server and PostgreSQL: a packer opens
// an advance notice, scans its units at scanner speed (and one it did not announce, and a recalled
// one), watches expected/matched/missing/unexpected, finishes, and closes the notice.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping receiving browser test: no chromium found (install Debian chromium)');

const EMAIL = 'rita@example.com';
const PASSWORD = 'correct horse battery';
const NOTICE = 'ASN-77';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;
let page: Page;
let actor: Actor;

async function shot(name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Types like a keyboard-wedge scanner: a burst of characters a few ms apart, then Enter. */
async function scan(code: string) {
  await page.keyboard.type(code, { delay: 4 });
  await page.keyboard.press('Enter');
}

const feedback = () => page.locator('.feedback');
const count = (name: string) => page.locator(`.receiving-counts [data-count="${name}"]`).first();

describe.skipIf(!chromiumPath)('the receiving station in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Acme Audio' });
    actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
    await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'packer' });
    await createProduct(t.db, actor, { sku: 'CAM-100', name: 'Action camera', gtin: '9501101530003', needsSerialNumber: true });
    await createProduct(t.db, actor, { sku: 'LENS-200', name: 'Wide lens', needsSerialNumber: true });
    // set up through the API's services: the supplier's notice, and a unit that is in stock and then recalled
    await createNotice(t.db, actor, {
      reference: NOTICE,
      supplier: 'Shenzhen Optics',
      lines: [
        { sku: 'CAM-100', serialList: 'CAM-A1-CAM-A3' },
        { sku: 'LENS-200', serials: ['LENS-B1', 'LENS-B2'] },
      ],
    });
    await createReceipt(t.db, actor, { lines: [{ sku: 'CAM-100', serials: ['CAM-RECALLED'] }] });
    await sql`UPDATE serial_units SET hold = 'recalled' WHERE tenant_id = ${tenant.tenantId}::uuid AND serial = 'CAM-RECALLED'`.execute(t.db);
    app = await buildApp({ db: t.db, pool: t.pool, webRoot });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser(chromiumPath!);
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  it('receives the units of an advance notice by scanner-speed typing, flags an unexpected one, refuses a recalled one in red, and records the discrepancy', async () => {
    await page.goto(`${base}/receiving`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/receiving`);
    expect(await page.getByRole('link', { name: 'Receiving' }).getAttribute('aria-current')).toBe('page');

    await page.getByRole('button', { name: `Receive ${NOTICE}` }).click();
    await page.getByRole('heading', { name: `Receiving: notice ${NOTICE}` }).waitFor();
    await page.waitForURL(/\/receiving\?receipt=[0-9a-f-]{36}$/);
    expect(await count('expected').textContent()).toBe('5');
    expect(await count('missing').textContent()).toBe('5');

    // From here on nothing is clicked until Finish: the scan box keeps the focus, and the notice
    // tells each serial's SKU.
    for (const serial of ['CAM-A1', 'CAM-A2', 'LENS-B1']) {
      await scan(serial);
      await feedback().filter({ hasText: `${serial} received for` }).waitFor({ timeout: 10_000 });
    }
    expect(await feedback().getAttribute('class')).toContain('feedback-ok');
    expect(await count('matched').textContent()).toBe('3');

    // a unit the notice did not announce: choose its product by SKU, then scan it
    await scan('CAM-100');
    await feedback().filter({ hasText: 'CAM-100 chosen' }).waitFor();
    await scan('CAM-X9');
    await feedback().filter({ hasText: 'not on the notice' }).waitFor();
    expect(await feedback().getAttribute('class')).toContain('feedback-warn');

    // a recalled unit is refused, big and red, with the server's code
    await scan('CAM-RECALLED');
    const refusal = page.getByRole('alert').filter({ hasText: 'SERIAL_RECALLED' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('CAM-RECALLED of CAM-100 is recalled');

    expect(await count('expected').textContent()).toBe('5');
    expect(await count('matched').textContent()).toBe('3');
    expect(await count('missing').textContent()).toBe('2');
    expect(await count('unexpected').textContent()).toBe('1');
    expect(await count('received').textContent()).toBe('4');
    const camRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: /CAM-100/ }) });
    expect(await camRow.getByRole('cell').allTextContents()).toEqual(['CAM-100 Action camera', '3', '2', '1', '1']);
    await shot('receiving-01-scanning');

    await page.getByRole('button', { name: 'Finish receipt' }).click();
    await page.getByRole('heading', { name: 'Receipt finished' }).waitFor();
    await page.getByText('4 units received against notice ASN-77.').waitFor();
    await page.getByRole('button', { name: `Close notice ${NOTICE} and record the discrepancy` }).click();
    await page.getByText(`Notice ${NOTICE} closed: 2 missing, 1 unexpected recorded.`).waitFor();
    await page.getByText('missing: CAM-A3').waitFor();
    await page.getByText('missing: LENS-B2').waitFor();
    await page.getByText('unexpected: CAM-X9').waitFor();
    await shot('receiving-02-notice-closed');

    const units = await sql<{ serial: string; status: string }>`
      SELECT serial, status FROM serial_units WHERE tenant_id = ${actor.tenantId}::uuid ORDER BY serial`.execute(t.db);
    expect(units.rows).toEqual([
      { serial: 'CAM-A1', status: 'in_stock' },
      { serial: 'CAM-A2', status: 'in_stock' },
      { serial: 'CAM-RECALLED', status: 'in_stock' },
      { serial: 'CAM-X9', status: 'in_stock' },
      { serial: 'LENS-B1', status: 'in_stock' },
    ]);
    const scanned = await sql<{ scanned: boolean }>`
      SELECT scanned FROM receipt_units WHERE tenant_id = ${actor.tenantId}::uuid AND serial = 'CAM-A1'`.execute(t.db);
    expect(scanned.rows).toEqual([{ scanned: true }]);
  });
});
