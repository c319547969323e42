import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/model.ts';
import { buildApp } from '../../src/http/app.ts';
import { createOrder } from '../../src/services/orders.service.ts';
import { createProduct } from '../../src/services/products.service.ts';
import { createTenant } from '../../src/services/tenants.service.ts';
import { createUser } from '../../src/services/users.service.ts';
import { createWebhook, emitEvents } from '../../src/services/webhooks.service.ts';
import { createTestDatabase, type TestDatabase } from '../db.ts';
import { artifacts, ensureWebBuild, findChromium, launchBrowser, webRoot } from './browser.ts';

// The web app's main flow in a real Chromium against a real server and PostgreSQL: sign in,
// bulk-edit products, pack an order at the packing station by scanner-speed typing, ship it, find
// a serial, and see and export it in the Serial Number Report.

const chromiumPath = findChromium();
if (!chromiumPath) console.log('skipping browser tests: no chromium found (install Debian chromium)');

const EMAIL = 'lena@example.com';
const PASSWORD = 'correct horse battery';
const ORDER = 'SO-1001';
// GTIN-14 09501101530003 is printed on the box as EAN-13 9501101530003.
const CAMERA_EAN = '9501101530003';
// What a keyboard-wedge scanner types for a GS1 DataMatrix on the camera: GTIN, serial, lot, expiry.
const GS1_SCAN = '(01)09501101530003(21)GS1SERIAL1(10)LOT7(17)271231';

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

/** Types like a person: well over 50 ms per key. */
async function typeByHand(code: string) {
  await page.keyboard.type(code, { delay: 120 });
  await page.keyboard.press('Enter');
}

const feedback = () => page.locator('.feedback');

async function waitForFeedback(text: string) {
  await feedback().filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

describe.skipIf(!chromiumPath)('the web app in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    await ensureWebBuild();
    t = await createTestDatabase();
    const tenant = await createTenant(t.db, { name: 'Acme Audio' });
    actor = { tenantId: tenant.tenantId, id: 'test', role: 'admin' };
    await createUser(t.db, { tenantId: tenant.tenantId, email: EMAIL, password: PASSWORD, role: 'admin' });
    await createProduct(t.db, actor, { sku: 'CAM-100', name: 'Action camera', gtin: CAMERA_EAN, needsSerialNumber: false });
    await createProduct(t.db, actor, { sku: 'LENS-200', name: 'Wide lens', needsSerialNumber: false });
    await createProduct(t.db, actor, { sku: 'STRAP-300', name: 'Wrist strap', needsSerialNumber: false });
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

  it('refuses a wrong password with the server message, then signs in and lands on the packing station', async () => {
    await page.goto(`${base}/products`);
    await page.waitForURL(/\/sign-in\?next=%2Fproducts/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'email or password is wrong' }).waitFor();
    await shot('01-sign-in');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // back where the visit started
    await page.waitForURL(`${base}/products`);
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    expect(await page.getByText('Acme Audio').isVisible()).toBe(true);
  });

  it('bulk-edits two selected products to need serial numbers and shows the new values and how many changed', async () => {
    await page.getByRole('checkbox', { name: 'Select CAM-100' }).check();
    await page.getByRole('checkbox', { name: 'Select LENS-200' }).check();
    await page.getByRole('button', { name: 'Bulk edit' }).click();
    await page.getByRole('radio', { name: 'Yes' }).check();
    await shot('02-products-bulk-edit');
    await page.getByRole('button', { name: 'Process' }).click();
    await page.getByText('2 products changed: needs serial number is now Yes.').waitFor();

    const row = (sku: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name: sku, exact: true }) });
    await row('CAM-100').getByRole('cell', { name: 'Yes', exact: true }).waitFor();
    await row('LENS-200').getByRole('cell', { name: 'Yes', exact: true }).waitFor();
    expect(await row('STRAP-300').getByRole('cell', { name: 'No', exact: true }).count()).toBe(1);
    expect(await page.getByText('2 products selected').count()).toBe(0);

    // the filter lives in the address
    await page.getByLabel('Needs serial number').selectOption('yes');
    await page.waitForURL(/needsSerialNumber=true/);
    await row('STRAP-300').waitFor({ state: 'detached' });
    expect(await page.getByRole('row').count()).toBe(3); // header + 2 products
    await shot('03-products-filtered');
  });

  it('packs an order of three cameras and a lens from the scan box alone, refusing a duplicate with a red message', async () => {
    await createOrder(t.db, actor, {
      orderNumber: ORDER,
      type: 'B2C',
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      lines: [
        { sku: 'CAM-100', quantity: 3 },
        { sku: 'LENS-200', quantity: 1 },
        { sku: 'STRAP-300', quantity: 2 },
      ],
    });
    await page.getByRole('link', { name: 'Packing' }).click();
    await page.getByRole('textbox', { name: 'Order number' }).waitFor();

    // From here on nothing is clicked: the scan box keeps the focus.
    await scan(ORDER);
    await waitForFeedback(`Order ${ORDER} opened: 0 of 4 serials captured.`);
    expect(await page.getByRole('button', { name: 'Ship' }).isDisabled()).toBe(true);

    // two lines need serials: a serial alone cannot be placed
    await scan('SN-0001');
    await page.getByRole('alert').filter({ hasText: 'scan the SKU or GTIN of the product first' }).waitFor();

    // the camera's EAN-13 chooses its line
    await scan(CAMERA_EAN);
    await waitForFeedback('CAM-100 (Action camera) chosen');
    await scan('SN-0001');
    await waitForFeedback('SN-0001 captured for CAM-100 (1 of 3)');
    await scan('SN-0002');
    await waitForFeedback('SN-0002 captured for CAM-100 (2 of 3)');

    await scan('SN-0002');
    const duplicate = page.getByRole('alert').filter({ hasText: 'SERIAL_DUPLICATE_IN_ORDER' });
    await duplicate.waitFor();
    expect(await duplicate.textContent()).toContain('serial: SN-0002 is already captured in this order');
    await shot('04-packing-duplicate-refused');

    // a mis-scan is removed before shipping
    await scan('OOPS-1');
    await waitForFeedback('OOPS-1 captured for CAM-100 (3 of 3)');
    await page.getByRole('button', { name: 'Remove serial OOPS-1 from CAM-100' }).click();
    await waitForFeedback('OOPS-1 removed from CAM-100');
    await scan('SN-0003');
    await waitForFeedback('SN-0003 captured for CAM-100 (3 of 3)');

    // the lens is now the only open line: its serial goes there without choosing it, typed by hand
    await typeByHand('LN-77');
    await waitForFeedback('LN-77 captured for LENS-200 (1 of 1). Every serial is captured: ship the order.');

    const slots = page.getByRole('list', { name: 'Serial slots for CAM-100' }).getByRole('listitem');
    expect(await slots.allTextContents()).toEqual([
      expect.stringContaining('SN-0001'),
      expect.stringContaining('SN-0002'),
      expect.stringContaining('SN-0003'),
    ]);
    await shot('05-packing-complete');
  });

  it('ships the order with carrier and tracking once every slot is filled', async () => {
    const ship = page.getByRole('button', { name: 'Ship', exact: true });
    expect(await ship.isEnabled()).toBe(true);
    await ship.click();
    await page.getByLabel('Carrier (optional)').fill('DHL');
    await page.getByLabel('Tracking number (optional)').fill('JD0146000012345');
    await page.getByRole('button', { name: 'Confirm shipment' }).click();
    await waitForFeedback(`Order ${ORDER} shipped. Scan the next order number.`);
    await page.getByText('with DHL, tracking JD0146000012345').waitFor();
    expect(await page.getByRole('textbox', { name: 'Order number' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await shot('06-packing-shipped');

    await page.getByRole('link', { name: 'Order details' }).click();
    await page.getByRole('heading', { name: `Order ${ORDER}` }).waitFor();
    await page.getByText('Serials captured: 3 of 3').waitFor();
    await shot('07-order');
  });

  it('finds a serial from the header search and shows its unit page with customer and timeline', async () => {
    const search = page.getByRole('searchbox', { name: 'Find serial number' });
    await search.fill('SN-0002');
    await search.press('Enter');
    await page.waitForURL(`${base}/serials/SN-0002`);
    const unit = page.getByRole('article');
    await unit.getByRole('heading', { name: 'CAM-100 Action camera' }).waitFor();
    expect(await unit.getByText('shipped', { exact: true }).count()).toBeGreaterThan(0);
    expect(await unit.getByRole('link', { name: ORDER }).first().isVisible()).toBe(true);
    expect(await unit.getByText('Ada Lovelace').isVisible()).toBe(true);
    const timeline = unit.getByRole('list', { name: /History of SN-0002/ });
    const events = await timeline.locator(':scope > li strong').allTextContents();
    expect(events).toEqual(['Packed', 'Shipped']);
    await shot('08-serial-unit');

    // not an exact serial: the units whose serial starts with it
    await search.fill('SN-000');
    await search.press('Enter');
    await page.getByText('No unit has exactly this serial number.').waitFor();
    expect(await page.getByRole('link', { name: /^SN-000[123]$/ }).count()).toBe(3);
    await shot('09-serial-prefix');
  });

  it('lists the shipped serials in the Serial Number Report with the daily chart, and downloads them as CSV', async () => {
    await page.getByRole('link', { name: 'Report' }).click();
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Shipped from').fill(today);
    await page.getByLabel('Shipped to').fill(today);
    await page.getByLabel('SKU').fill('CAM-100');
    // the answers to the filtered requests, so the checks below cannot see the unfiltered page
    const answered = (path: string) =>
      page.waitForResponse((r) => r.url().includes(path) && r.url().includes('sku=CAM-100') && r.ok());
    await Promise.all([
      answered('/api/v1/reports/serial-numbers?'),
      answered('/api/v1/reports/serial-numbers/daily?'),
      page.getByRole('button', { name: 'Apply' }).click(),
    ]);
    await page.waitForURL(new RegExp(`shippedFrom=${today}&shippedTo=${today}&sku=CAM-100`));
    await page.getByRole('cell', { name: 'LN-77' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'SN-0003' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(4); // header + 3 cameras
    await page.getByRole('img', { name: /Serialized units shipped per day/ }).waitFor();
    await page.locator('figcaption', { hasText: '3 serialized units shipped over 1 day' }).waitFor();
    await shot('10-report');

    // the EPCIS export takes the same days (as event time) and SKU
    const epcis = page.getByRole('link', { name: 'Export EPCIS' });
    expect(await epcis.getAttribute('href')).toBe(`/api/v1/epcis/events?from=${today}&to=${today}&sku=CAM-100`);
    const [epcisDownload] = await Promise.all([page.waitForEvent('download'), epcis.click()]);
    expect(epcisDownload.suggestedFilename()).toBe('epcis-events.jsonld');
    const exported = JSON.parse(readFileSync((await epcisDownload.path())!, 'utf8')) as {
      type: string;
      epcisBody: { eventList: Array<{ type: string; epcList?: string[] }> };
    };
    expect(exported.type).toBe('EPCISDocument');
    const epcs = exported.epcisBody.eventList.flatMap((e) => e.epcList ?? []).join(' ');
    for (const serial of ['SN-0001', 'SN-0002', 'SN-0003']) expect(epcs).toContain(serial);
    expect(epcs).not.toContain('LN-77');

    // typed by hand vs scanned is kept per capture
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.getByRole('cell', { name: 'LN-77' }).waitFor();
    const lensRow = page.getByRole('row').filter({ hasText: 'LN-77' });
    expect(await lensRow.getByRole('cell', { name: 'typed' }).count()).toBe(1);
    const cameraRow = page.getByRole('row').filter({ hasText: 'SN-0001' });
    expect(await cameraRow.getByRole('cell', { name: 'scanned' }).count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^serial-number-report-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(5); // header + 4 serials
    for (const serial of ['SN-0001', 'SN-0002', 'SN-0003', 'LN-77']) {
      expect(lines.some((line) => line.includes(serial) && line.includes(ORDER))).toBe(true);
    }
    expect(csv).not.toContain('OOPS-1');
  });

  it('keeps the scan box focused after a click elsewhere, and sends a scan to it when Tab left focus on a button', async () => {
    await createOrder(t.db, actor, {
      orderNumber: 'SO-1002',
      type: 'B2B',
      customer: { name: 'Grace Hopper', company: 'Navy Labs' },
      lines: [{ sku: 'LENS-200', quantity: 2 }],
    });
    await page.goto(`${base}/packing?order=SO-1002`);
    await waitForFeedback('Order SO-1002 opened: 0 of 2 serials captured.');
    const box = page.getByRole('textbox', { name: 'Scan serial, SKU or GTIN' });
    const focused = () => box.evaluate((el) => el === document.activeElement);
    expect(await focused()).toBe(true);

    await page.getByRole('heading', { name: /Packing station/ }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'scan-input');
    await scan('GH-1');
    await waitForFeedback('GH-1 captured for LENS-200 (1 of 2)');

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Enter');
    await scan('GH-2');
    await waitForFeedback('GH-2 captured for LENS-200 (2 of 2)');
    expect(await focused()).toBe(true);

    // a 10-inch tablet held upright
    await page.setViewportSize({ width: 800, height: 1280 });
    await shot('14-packing-tablet-portrait');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('sends a GS1 barcode typed at scanner speed to the station scan route and shows its lot and expiry in the slot, the order and the unit page', async () => {
    await createOrder(t.db, actor, {
      orderNumber: 'SO-1003',
      type: 'B2C',
      customer: { name: 'Katherine Johnson' },
      lines: [
        { sku: 'CAM-100', quantity: 1 },
        { sku: 'LENS-200', quantity: 1 },
      ],
    });
    await page.goto(`${base}/packing?order=SO-1003`);
    await waitForFeedback('Order SO-1003 opened: 0 of 2 serials captured.');

    // a GS1 barcode with a wrong GTIN check digit is refused, naming the rule it broke
    await scan('(01)09501101530004(21)X');
    const invalid = page.getByRole('alert').filter({ hasText: 'SCAN_INVALID' });
    await invalid.waitFor();
    expect(await invalid.textContent()).toContain('(check-digit)');

    // the lens line is chosen, yet the camera's GS1 barcode goes to the camera line, sent whole
    await scan('LENS-200');
    await waitForFeedback('LENS-200 (Wide lens) chosen');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/orders/SO-1003/scans')),
      scan(GS1_SCAN),
    ]);
    expect(request.postDataJSON()).toMatchObject({ data: GS1_SCAN, sku: 'CAM-100', scanned: true });
    await waitForFeedback('GS1SERIAL1 captured for CAM-100 (1 of 1), lot LOT7, expiry 2027-12-31');
    const slot = page.getByRole('list', { name: 'Serial slots for CAM-100' }).getByRole('listitem');
    expect(await slot.textContent()).toContain('GS1SERIAL1');
    expect(await slot.textContent()).toContain('lot LOT7, expiry 2027-12-31');
    await shot('15-packing-gs1-lot');

    // the order page lists the lot and expiry with the capture
    await page.getByRole('link', { name: 'Order details' }).click();
    await page.getByRole('heading', { name: 'Order SO-1003' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'GS1SERIAL1' });
    await row.waitFor();
    expect(await row.getByRole('cell', { name: 'LOT7', exact: true }).count()).toBe(1);
    expect(await row.getByRole('cell', { name: '2027-12-31', exact: true }).count()).toBe(1);

    // and so does the unit page
    await row.getByRole('link', { name: 'GS1SERIAL1' }).click();
    await page.waitForURL(`${base}/serials/GS1SERIAL1`);
    const unit = page.getByRole('article');
    await unit.getByRole('heading', { name: 'CAM-100 Action camera' }).waitFor();
    const fact = (term: string) => unit.locator('.facts > div').filter({ has: page.locator('dt', { hasText: term }) }).locator('dd');
    expect(await fact('Lot').textContent()).toBe('LOT7');
    expect(await fact('Expiry').textContent()).toBe('2027-12-31');
    await shot('16-serial-unit-lot');
  });

  it('keeps the orders list filter and search in the address and opens an order from it', async () => {
    await page.goto(`${base}/orders?status=shipped`);
    await page.getByRole('link', { name: ORDER }).waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('shipped');
    expect(await page.getByRole('link', { name: 'SO-1002' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('open');
    await page.waitForURL(/status=open/);
    await page.getByRole('link', { name: 'SO-1002' }).waitFor();
    expect(await page.getByRole('link', { name: ORDER }).count()).toBe(0);
    await shot('11-orders');

    await page.getByLabel('Search order number or customer').fill('nobody-here');
    await page.getByLabel('Search order number or customer').press('Enter');
    await page.waitForURL(/status=open&q=nobody-here/);
    await page.getByText('No order matches these filters.').waitFor();

    await page.goto(`${base}/orders?status=open`);
    await page.getByRole('link', { name: 'SO-1002' }).click();
    await page.getByRole('heading', { name: 'Order SO-1002' }).waitFor();
    await page.getByText('Navy Labs').waitFor();
  });

  it('saves the duplicate scope and duplicate-serials settings and shows them after a reload', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const box = page.getByRole('checkbox', { name: 'Allow duplicate serial numbers in an order' });
    const perSku = page.getByRole('radio', { name: /of its SKU/ });
    const perOrder = page.getByRole('radio', { name: /only within one order/ });
    await box.waitFor();
    expect(await perSku.isChecked()).toBe(true);
    expect(await box.isChecked()).toBe(false);
    // Duplicates in an order only make sense when serials are unique per order alone.
    expect(await box.isDisabled()).toBe(true);
    await perOrder.check();
    await box.check();
    await page.getByLabel('FNC1 substitute sent by your scanners').fill('^');
    await page.getByLabel('What your order numbers look like').fill('SO-{');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'orderNumberFormat:' }).waitFor();
    await page.getByLabel('What your order numbers look like').fill('SO-{####}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    await shot('12-settings');
    await page.reload();
    await box.waitFor();
    expect(await perOrder.isChecked()).toBe(true);
    expect(await box.isChecked()).toBe(true);
    expect(await page.getByLabel('FNC1 substitute sent by your scanners').inputValue()).toBe('^');
    expect(await page.getByLabel('What your order numbers look like').inputValue()).toBe('SO-{####}');
  });

  it('lists the webhook endpoints under Settings with their recent deliveries', async () => {
    const url = 'https://erp.example.com/hooks/unitrace';
    await createWebhook(t.db, actor, { url, events: ['order.shipped'], description: 'ERP' }, { allowHttp: false });
    await t.db.transaction().execute((trx) =>
      emitEvents(trx, actor.tenantId, [
        {
          type: 'order.shipped',
          data: {
            orderNumber: 'SO-1001', type: 'B2C', customer: { name: 'Ada', email: null, company: null, externalId: null },
            carrier: null, trackingNumber: null, shippedAt: new Date().toISOString(), shippedBy: 'test', lines: [],
          },
        },
      ]),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText(url).waitFor();
    const deliveries = page.getByRole('table', { name: 'Recent deliveries' });
    await deliveries.getByText('order.shipped').waitFor();
    expect(await deliveries.getByText('pending').count()).toBe(1);
    await shot('13-settings-webhooks');
  });

  it('changes the signed-in person\'s own password under Settings, refusing a wrong current one, and stays signed in', async () => {
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password').fill('tea at the loading dock');
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('currentPassword: is not your current password').waitFor();
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. You stay signed in here; your other sessions have ended.').waitFor();
    const signIn = (password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: EMAIL, password } });
    expect((await signIn(PASSWORD)).statusCode).toBe(401);
    expect((await signIn('tea at the loading dock')).statusCode).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Your password' }).waitFor();
  });

  it('adds a user under Settings who can then sign in, refuses a common password, gives them another role and disables them, each ending their session', async () => {
    const users = page.getByRole('table', { name: 'Users' });
    await users.waitFor();
    const me = users.getByRole('row').filter({ hasText: EMAIL });
    await me.getByText('you').waitFor();
    expect(await me.getByRole('button', { name: /Disable/ }).count()).toBe(0);

    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Email').fill('sam@example.com');
    await form.getByLabel('Role').selectOption('packer');
    await form.getByLabel('First password').fill('password123');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('PASSWORD_TOO_COMMON').waitFor();
    await form.getByLabel('First password').fill('a long walk to the dock');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByText('sam@example.com can now sign in as packer.').waitFor();
    const sam = users.getByRole('row').filter({ hasText: 'sam@example.com' });
    await sam.getByText('active').waitFor();

    const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'sam@example.com', password: 'a long walk to the dock' } });
    expect(signIn.statusCode).toBe(200);
    const cookie = `unitrace_session=${signIn.cookies.find((c) => c.name === 'unitrace_session')!.value}`;
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } })).statusCode).toBe(200);
    await shot('14-settings-users');

    // Another role: the session ends, and the next sign-in has it.
    await sam.getByLabel('Role of sam@example.com').selectOption('viewer');
    await page.getByText('sam@example.com is now viewer; they sign in again to use it.').waitFor();
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'sam@example.com', password: 'a long walk to the dock' } });
    expect(again.json().user.role).toBe('viewer');
    const cookie2 = `unitrace_session=${again.cookies.find((c) => c.name === 'unitrace_session')!.value}`;

    await sam.getByRole('button', { name: 'Disable sam@example.com' }).click();
    await sam.getByRole('button', { name: 'Disable now' }).click();
    await sam.getByText(/^disabled /).waitFor();
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie: cookie2 } })).statusCode).toBe(401);
  });

  it('creates an API key under Settings, shows it once, and revokes it so that it stops working at once', async () => {
    const keys = page.getByRole('table', { name: 'API keys' });
    await keys.waitFor();
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByLabel('What the key is for').fill('Shop integration');
    await form.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByLabel('The new API key');
    await secret.waitFor();
    const apiKey = (await secret.textContent())?.trim() ?? '';
    expect(apiKey).toMatch(/^ut_[0-9a-f]{32}_/);
    const row = keys.getByRole('row').filter({ hasText: 'Shop integration' });
    await row.getByText('active').waitFor();
    expect(await row.getByText('viewer').count()).toBe(1);

    // The key works for what a viewer may do, and only that.
    const asKey = async (url: string) => (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } })).statusCode;
    expect(await asKey('/api/v1/orders')).toBe(200);
    expect(await asKey('/api/v1/keys')).toBe(403);

    await shot('15-settings-api-keys');
    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.getByLabel('The new API key').count()).toBe(0);

    // Revoking asks once more, then the key is refused on its next use.
    await row.getByRole('button', { name: 'Revoke Shop integration' }).click();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await row.getByText(/^revoked /).waitFor();
    expect(await asKey('/api/v1/orders')).toBe(401);
    await page.reload();
    await keys.getByRole('row').filter({ hasText: 'Shop integration' }).getByText(/^revoked /).waitFor();
  });

  it('previews a product CSV with its bad lines, then imports the good rows when told to skip the bad ones', async () => {
    await page.goto(`${base}/products`);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`${base}/import/products`);
    const csv = ['sku,name,gtin,needsSerialNumber,serialFormat', 'MIC-1,Microphone,,true,', ',No SKU,,false,', 'MIC-2,Mic stand,123,false,'].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('cell', { name: 'Mic stand' }).waitFor();
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('Check result (nothing saved yet)').waitFor();
    const problems = page.getByRole('table', { name: /problems? by line/ });
    await problems.waitFor();
    expect(await problems.getByRole('row').count()).toBe(3); // header + 2 bad lines
    await shot('13-import-preview');

    await page.getByRole('checkbox', { name: 'Skip bad rows (import the good ones)' }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('1 product created, 0 updated, 2 skipped.').waitFor();
    await page.goto(`${base}/products?q=MIC`);
    await page.getByRole('cell', { name: 'MIC-1', exact: true }).waitFor();
    expect(await page.getByRole('cell', { name: 'MIC-2', exact: true }).count()).toBe(0);
  });

  it('imports an order from CSV, refusing an unknown SKU by line, and lists it as open', async () => {
    await page.goto(`${base}/orders`);
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(`${base}/import/orders`);
    const csv = [
      'orderNumber,type,customerName,customerEmail,customerCompany,customerExternalId,sku,quantity',
      'SO-2001,B2B,Alan Turing,alan@example.com,Bletchley Ltd,C-9,CAM-100,2',
      'SO-2001,B2B,Alan Turing,alan@example.com,Bletchley Ltd,C-9,STRAP-300,1',
      'SO-2002,B2C,Joan Clarke,,,,NOPE-1,1',
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check file' }).click();
    const problems = page.getByRole('table', { name: /problems? by line/ });
    await problems.waitFor();
    expect(await problems.getByRole('row').filter({ hasText: 'NOPE-1' }).getByRole('cell').first().textContent()).toBe('4');
    await page.getByRole('checkbox', { name: 'Skip bad rows (import the good ones)' }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/^1 order created/).waitFor();
    await page.getByRole('link', { name: 'See the orders' }).click();
    await page.getByRole('link', { name: 'SO-2001' }).click();
    await page.getByText('Bletchley Ltd').waitFor();
    expect(await page.getByText('B2B', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('refuses a bad serial format at its field, then generates serials from the saved one and makes a label sheet of them', async () => {
    await createProduct(t.db, actor, { sku: 'TAG-400', name: 'Asset tag', needsSerialNumber: true });
    await page.goto(`${base}/products/TAG-400/edit`);
    const format = page.getByLabel('Serial format (optional)');
    await format.waitFor();
    expect(await page.getByText('SN-{YYYY}-{#####}').isVisible()).toBe(true); // the help shows examples

    // no saved format yet: the server says so
    await page.getByRole('button', { name: 'Generate serials' }).click();
    await page.getByLabel('How many').fill('3');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'SERIAL_FORMAT_MISSING' }).waitFor();

    await format.fill('TAG-{Q}');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'SERIAL_FORMAT_INVALID' }).waitFor();
    expect(await format.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').filter({ hasText: 'serialFormat:' }).count()).toBe(1);

    await format.fill('TAG-{YYYY}-{#####}');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Product TAG-400 saved.').waitFor();
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const year = new Date().getUTCFullYear();
    await page.getByText(`Generated 3 serials (sequence): TAG-${year}-00001 … TAG-${year}-00003.`).waitFor();
    expect(await page.getByLabel('Generated serials').inputValue()).toBe(
      [1, 2, 3].map((n) => `TAG-${year}-0000${n}`).join('\n'),
    );

    // GS1 labels need the product's GTIN
    const printLabels = page.getByRole('button', { name: 'Print labels' });
    await page.getByLabel('Barcode').selectOption('gs1-128');
    await printLabels.click();
    await page.getByRole('alert').filter({ hasText: 'GTIN_MISSING' }).waitFor();

    await page.getByLabel('Barcode').selectOption('code128');
    await printLabels.click();
    const open = page.getByRole('link', { name: 'Open labels' });
    await open.waitFor();
    await shot('17-product-generate-labels');
    const [tab] = await Promise.all([context.waitForEvent('page'), open.click()]);
    expect(tab.url()).toMatch(/^blob:/);
    expect(await tab.evaluate(() => document.documentElement.nodeName)).toBe('svg');
    await tab.close();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download SVG' }).click()]);
    expect(download.suggestedFilename()).toBe('labels-TAG-400.svg');
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain(`TAG-${year}-00003`);
  });

  it('pages through products with Next and Previous, keeping the page in the address across a reload', async () => {
    for (let i = 1; i <= 55; i += 1) {
      await createProduct(t.db, actor, { sku: `BULK-${String(i).padStart(3, '0')}`, name: `Bulk item ${i}` });
    }
    await page.goto(`${base}/products?q=BULK`);
    await page.getByRole('cell', { name: 'BULK-050', exact: true }).waitFor();
    expect(await page.getByText('Page 1').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForURL(/q=BULK&cursor=/);
    await page.getByRole('cell', { name: 'BULK-055', exact: true }).waitFor();
    expect(await page.getByRole('row').count()).toBe(6); // header + 5
    await page.reload();
    await page.getByRole('cell', { name: 'BULK-051', exact: true }).waitFor();
    expect(await page.getByText('Page 2').isVisible()).toBe(true);
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.waitForURL(`${base}/products?q=BULK`);
    await page.getByRole('cell', { name: 'BULK-001', exact: true }).waitFor();
  });

  it('signs out and sends the next visit to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${base}/report`);
    await page.waitForURL(/\/sign-in\?next=%2Freport/);
  });
});
