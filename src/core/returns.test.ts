import { describe, expect, it } from 'vitest';
import {
  type CustomerKey,
  judgeDisposal,
  judgeReturnItem,
  judgeReview,
  planReturn,
  readReturnItems,
  type ReadReturnItem,
  type ReturnProduct,
  type ReturnUnit,
  type ReturnVerdict,
  returnProblemsError,
  sameCustomer,
  verdictMessage,
} from './returns.ts';

const ADA: CustomerKey = { email: 'ada@example.com', externalId: null };
const BOB: CustomerKey = { email: 'bob@example.com', externalId: null };

const unit = (fields: Partial<ReturnUnit> = {}): ReturnUnit => ({
  productId: 10,
  sku: 'CAM',
  serial: 'A',
  status: 'shipped',
  hold: 'none',
  disposition: null,
  orderId: 1,
  orderNumber: 'THIS',
  orderCustomer: ADA,
  activeInThisOrder: true,
  capturedInThisOrder: true,
  ...fields,
});
// The unit shipped in another order (to another customer unless said otherwise).
const elsewhere = (fields: Partial<ReturnUnit> = {}) =>
  unit({ orderId: 2, orderNumber: 'SO-BOB', orderCustomer: BOB, activeInThisOrder: false, capturedInThisOrder: false, ...fields });

describe('judgeReturnItem', () => {
  const cases: Array<{ name: string; unit: ReturnUnit | null; skuOnOrder?: boolean; verdict: ReturnVerdict }> = [
    { name: 'match: the unit shipped in this order and has not come back', unit: unit(), verdict: 'match' },
    { name: 'match: a recalled unit that shipped here is still taken back', unit: unit({ hold: 'recalled' }), verdict: 'match' },
    { name: 'already_returned: it came back from this order and waits', unit: unit({ status: 'returned', activeInThisOrder: false }), verdict: 'already_returned' },
    { name: 'already_returned: it came back and was restocked', unit: unit({ status: 'in_stock', activeInThisOrder: false }), verdict: 'already_returned' },
    { name: 'already_returned: it came back and was scrapped', unit: unit({ status: 'scrapped', activeInThisOrder: false }), verdict: 'already_returned' },
    {
      name: 'shipped_to_other_customer: it came back from here, was restocked and shipped to someone else',
      unit: elsewhere({ capturedInThisOrder: true }),
      verdict: 'shipped_to_other_customer',
    },
    { name: 'shipped_to_other_customer: it shipped in another customer\'s order', unit: elsewhere(), verdict: 'shipped_to_other_customer' },
    { name: 'shipped_to_other_customer: even when its SKU is not on this order', unit: elsewhere(), skuOnOrder: false, verdict: 'shipped_to_other_customer' },
    { name: 'shipped_to_other_customer: packed for another customer counts as out', unit: elsewhere({ status: 'packed' }), verdict: 'shipped_to_other_customer' },
    {
      name: 'shipped_to_other_customer: two orders without email or external id are not known to be one customer',
      unit: elsewhere({ orderCustomer: { email: null, externalId: null } }),
      verdict: 'shipped_to_other_customer',
    },
    { name: 'shipped_in_other_order: it shipped to this customer in another of their orders', unit: elsewhere({ orderCustomer: { email: 'ADA@example.com ', externalId: null } }), verdict: 'shipped_in_other_order' },
    { name: 'not_on_order: the SKU is not on the order, unit in stock', unit: elsewhere({ status: 'in_stock', orderId: null, orderCustomer: null }), skuOnOrder: false, verdict: 'not_on_order' },
    { name: 'not_on_order: before unknown_serial', unit: null, skuOnOrder: false, verdict: 'not_on_order' },
    { name: 'unknown_serial: no unit of the SKU carries it', unit: null, verdict: 'unknown_serial' },
    { name: 'wrong_serial: a unit in stock that never shipped here', unit: elsewhere({ status: 'in_stock', orderId: null, orderCustomer: null }), verdict: 'wrong_serial' },
    { name: 'wrong_serial: a unit that came back from another order', unit: elsewhere({ status: 'returned' }), verdict: 'wrong_serial' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(judgeReturnItem({ customer: ADA, skuOnOrder: c.skuOnOrder ?? true, unit: c.unit }).verdict).toBe(c.verdict);
    });
  }

  it('names the other order only when it is the same customer\'s', () => {
    expect(judgeReturnItem({ customer: ADA, skuOnOrder: true, unit: elsewhere({ orderCustomer: ADA }) })).toEqual({
      verdict: 'shipped_in_other_order',
      otherOrderId: 2,
      otherOrderNumber: 'SO-BOB',
    });
    expect(judgeReturnItem({ customer: ADA, skuOnOrder: true, unit: elsewhere() })).toEqual({
      verdict: 'shipped_to_other_customer',
      otherOrderId: null,
      otherOrderNumber: null,
    });
  });
});

describe('sameCustomer', () => {
  const cases: Array<[CustomerKey, CustomerKey, boolean]> = [
    [{ email: 'a@x.com', externalId: 'C-1' }, { email: 'b@x.com', externalId: 'C-1' }, true],
    [{ email: 'a@x.com', externalId: 'C-1' }, { email: 'a@x.com', externalId: 'C-2' }, false],
    [{ email: 'A@X.com', externalId: null }, { email: 'a@x.com', externalId: 'C-2' }, true],
    [{ email: null, externalId: null }, { email: null, externalId: null }, false],
    [{ email: 'a@x.com', externalId: null }, { email: null, externalId: 'C-1' }, false],
  ];
  for (const [a, b, same] of cases) {
    it(`${JSON.stringify(a)} and ${JSON.stringify(b)}: ${same ? 'same' : 'not the same'}`, () => {
      expect(sameCustomer(a, b)).toBe(same);
      expect(sameCustomer(b, a)).toBe(same);
    });
  }
});

describe('verdictMessage', () => {
  it('never names the other customer or their order for shipped_to_other_customer', () => {
    const text = verdictMessage({ verdict: 'shipped_to_other_customer', sku: 'CAM', serial: 'A', otherOrderNumber: null });
    expect(text).toBe('A of CAM shipped to another customer, not in this order; held for review');
  });
  it('names the same customer\'s other order', () => {
    expect(verdictMessage({ verdict: 'shipped_in_other_order', sku: 'CAM', serial: 'A', otherOrderNumber: 'SO-7' })).toContain('order SO-7');
  });
});

describe('readReturnItems', () => {
  const read = (items: Parameters<typeof readReturnItems>[0], fnc1Substitute?: string) =>
    readReturnItems(items, { referenceYear: 2026, fnc1Substitute });

  it('trims serial, reason and SKU, and keeps condition', () => {
    expect(read([{ sku: ' CAM ', serial: ' A-1 ', condition: 'damaged', reason: '  cracked lens ' }]).items).toEqual([
      { index: 0, sku: 'CAM', gtin: null, serial: 'A-1', scanned: false, lot: null, expiry: null, condition: 'damaged', reason: 'cracked lens' },
    ]);
  });

  it('reads a GS1 scan: GTIN, serial, lot and expiry, counted as scanned', () => {
    const { items, problems } = read([{ scan: '(01)09501101530003(21)GS1-9(10)LOT7(17)271231' }]);
    expect(problems).toEqual([]);
    expect(items[0]).toMatchObject({ gtin: '09501101530003', serial: 'GS1-9', lot: 'LOT7', expiry: '2027-12-31', scanned: true });
  });

  it('reads a GS1 element string with the tenant\'s FNC1 substitute', () => {
    expect(read([{ scan: '010950110153000321SER^10L1' }], '^').items[0]).toMatchObject({ serial: 'SER', lot: 'L1' });
  });

  it('takes a scan that is not GS1 as a plain serial', () => {
    expect(read([{ scan: 'SN-0001' }]).items[0]).toMatchObject({ gtin: null, serial: 'SN-0001', scanned: true });
  });

  const bad: Array<{ name: string; item: Parameters<typeof readReturnItems>[0][number]; code: string; message: RegExp }> = [
    { name: 'neither serial nor scan', item: { sku: 'CAM' }, code: 'VALIDATION_FAILED', message: /items\[0\]: give either serial or scan/ },
    { name: 'both serial and scan', item: { serial: 'A', scan: 'A' }, code: 'VALIDATION_FAILED', message: /give either/ },
    { name: 'an empty serial', item: { serial: '   ' }, code: 'SERIAL_INVALID', message: /items\[0\]\.serial: must not be empty/ },
    { name: 'a serial too long', item: { serial: 'x'.repeat(65) }, code: 'SERIAL_INVALID', message: /at most 64/ },
    { name: 'a reason too long', item: { serial: 'A', reason: 'x'.repeat(501) }, code: 'VALIDATION_FAILED', message: /reason: must be at most 500/ },
    { name: 'a reason with a control character', item: { serial: 'A', reason: 'a\u0007b' }, code: 'VALIDATION_FAILED', message: /control/ },
    { name: 'a GS1 scan with a bad check digit', item: { scan: '(01)09501101530004(21)X' }, code: 'SCAN_INVALID', message: /items\[0\]\.scan: / },
    { name: 'a GS1 product barcode without serial', item: { scan: '(01)09501101530003' }, code: 'SCANNED_PRODUCT_BARCODE', message: /product barcode/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with ${c.code}`, () => {
      const { items, problems } = read([c.item]);
      expect(items).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ index: 0, code: c.code, message: expect.stringMatching(c.message) });
    });
  }
});

describe('planReturn', () => {
  const CAM: ReturnProduct = { productId: 10, sku: 'CAM', gtin: '09501101530003', needsSerialNumber: true };
  const LENS: ReturnProduct = { productId: 11, sku: 'LENS', gtin: null, needsSerialNumber: true };
  const BAG: ReturnProduct = { productId: 12, sku: 'BAG', gtin: null, needsSerialNumber: false };
  const TRIPOD: ReturnProduct = { productId: 13, sku: 'TRIPOD', gtin: '04006381333931', needsSerialNumber: true };
  const item = (fields: Partial<ReadReturnItem>, index = 0): ReadReturnItem => ({
    index,
    sku: null,
    gtin: null,
    serial: 'A',
    scanned: false,
    lot: null,
    expiry: null,
    condition: null,
    reason: null,
    ...fields,
  });
  const plan = (o: { lines?: ReturnProduct[]; products?: ReturnProduct[]; units?: ReturnUnit[]; items: ReadReturnItem[] }) =>
    planReturn({ customer: ADA, lines: o.lines ?? [CAM, LENS], products: o.products ?? [], units: o.units ?? [], items: o.items });

  const cases: Array<{
    name: string;
    lines?: ReturnProduct[];
    products?: ReturnProduct[];
    units?: ReturnUnit[];
    items: ReadReturnItem[];
    judged: Array<[string, ReturnVerdict]>;
    problems?: Array<[number, string]>;
  }> = [
    { name: 'a SKU given: judged for that SKU', units: [unit()], items: [item({ sku: 'CAM' })], judged: [['CAM', 'match']] },
    { name: 'a GS1 scan: its GTIN picks the line', units: [unit()], items: [item({ gtin: CAM.gtin })], judged: [['CAM', 'match']] },
    { name: 'a GS1 scan of a product not on the order: not_on_order', products: [TRIPOD], items: [item({ gtin: TRIPOD.gtin })], judged: [['TRIPOD', 'not_on_order']] },
    { name: 'no SKU: the unit captured in this order wins over another SKU\'s unit', units: [unit(), elsewhere({ productId: 11, sku: 'LENS' })], items: [item({})], judged: [['CAM', 'match']] },
    { name: 'no SKU: the only unit carrying it, on another SKU of the order', units: [elsewhere({ productId: 11, sku: 'LENS', status: 'in_stock', orderCustomer: null })], items: [item({})], judged: [['LENS', 'wrong_serial']] },
    { name: 'no SKU: the only unit carrying it, of a SKU not on the order', units: [elsewhere({ productId: 99, sku: 'OTHER' })], items: [item({})], judged: [['OTHER', 'shipped_to_other_customer']] },
    { name: 'no SKU: an unknown serial goes to the only serialized line', lines: [CAM, BAG], items: [item({})], judged: [['CAM', 'unknown_serial']] },
    { name: 'the same unit twice: match, then already_returned', units: [unit()], items: [item({ sku: 'CAM' }), item({ sku: 'CAM' }, 1)], judged: [['CAM', 'match'], ['CAM', 'already_returned']] },
    {
      name: 'refuses an unknown serial without SKU when the order has several serialized lines',
      items: [item({})],
      judged: [],
      problems: [[0, 'VALIDATION_FAILED']],
    },
    {
      name: 'refuses a serial carried by units of two SKUs not in this order',
      units: [elsewhere({ productId: 98, sku: 'X1' }), elsewhere({ productId: 99, sku: 'X2' })],
      items: [item({})],
      judged: [],
      problems: [[0, 'VALIDATION_FAILED']],
    },
    { name: 'refuses an unknown SKU', items: [item({ sku: 'NOPE' })], judged: [], problems: [[0, 'PRODUCT_NOT_FOUND']] },
    { name: 'refuses a GTIN no product has', items: [item({ gtin: '00012345600012' })], judged: [], problems: [[0, 'PRODUCT_NOT_FOUND']] },
    { name: 'refuses a GS1 scan whose GTIN is not the named SKU\'s', items: [item({ sku: 'LENS', gtin: CAM.gtin })], judged: [], problems: [[0, 'GTIN_MISMATCH']] },
    { name: 'refuses the product barcode typed as a serial', items: [item({ sku: 'CAM', serial: '9501101530003' })], judged: [], problems: [[0, 'SCANNED_PRODUCT_BARCODE']] },
    { name: 'refuses a product without serial numbers', lines: [CAM, BAG], items: [item({ sku: 'BAG' })], judged: [], problems: [[0, 'SERIAL_NOT_REQUIRED']] },
    {
      name: 'judges the good items and lists the bad ones by index',
      units: [unit()],
      items: [item({ sku: 'CAM' }), item({ sku: 'NOPE' }, 1), item({ sku: 'LENS', serial: 'Z' }, 2)],
      judged: [['CAM', 'match'], ['LENS', 'unknown_serial']],
      problems: [[1, 'PRODUCT_NOT_FOUND']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = plan(c);
      expect(result.items.map((i) => [i.sku, i.verdict])).toEqual(c.judged);
      expect(result.problems.map((p) => [p.index, p.code])).toEqual(c.problems ?? []);
    });
  }

  it('takes a match back (pending) and holds every mismatch for review', () => {
    const result = plan({
      units: [unit(), elsewhere({ serial: 'B' })],
      items: [item({ sku: 'CAM' }), item({ sku: 'CAM', serial: 'B' }, 1), item({ sku: 'CAM', serial: 'C' }, 2)],
    });
    expect(result.items.map((i) => [i.verdict, i.disposition, i.unitExists])).toEqual([
      ['match', 'pending', true],
      ['shipped_to_other_customer', 'review', true],
      ['unknown_serial', 'review', false],
    ]);
    // one change per unit that exists; a unit-less item changes nothing in the registry
    expect(result.units).toEqual([
      { productId: 10, serial: 'A', returned: true, quarantine: false },
      { productId: 10, serial: 'B', returned: false, quarantine: true },
    ]);
  });

  it('folds a unit matched then seen again into one change, remembering the disposition each item saw', () => {
    const result = plan({ units: [unit({ disposition: 'restocked' })], items: [item({ sku: 'CAM' }), item({ sku: 'CAM' }, 1)] });
    expect(result.units).toEqual([{ productId: 10, serial: 'A', returned: true, quarantine: true }]);
    expect(result.items.map((i) => i.unitDispositionBefore)).toEqual(['restocked', 'pending']);
  });

  it('does not let the plan change the units it was given', () => {
    const given = unit();
    plan({ units: [given], items: [item({ sku: 'CAM' })] });
    expect(given).toEqual(unit());
  });
});

describe('returnProblemsError', () => {
  it("gives a return of one item that item's own code", () => {
    const error = returnProblemsError([{ index: 0, code: 'SCAN_INVALID', message: 'items[0].scan: bad', details: { rule: 'check-digit' } }], 1);
    expect(error).toMatchObject({ code: 'SCAN_INVALID', message: 'items[0].scan: bad', details: { index: 0, rule: 'check-digit' } });
  });
  it('gives a return of several items BATCH_REJECTED listing each', () => {
    const error = returnProblemsError(
      [
        { index: 1, code: 'PRODUCT_NOT_FOUND', message: 'items[1].sku: no product X' },
        { index: 3, code: 'SERIAL_INVALID', message: 'items[3].serial: must not be empty' },
      ],
      4,
    );
    expect(error.code).toBe('BATCH_REJECTED');
    expect(error.message).toBe('items[1].sku: no product X (and 1 more); nothing was recorded');
    expect(error.details).toEqual({
      items: [
        { index: 1, code: 'PRODUCT_NOT_FOUND', message: 'items[1].sku: no product X' },
        { index: 3, code: 'SERIAL_INVALID', message: 'items[3].serial: must not be empty' },
      ],
    });
  });
});

describe('judgeDisposal', () => {
  const back = { status: 'returned', hold: 'none' } as const;
  const item = (disposition: Parameters<typeof judgeDisposal>[1]['disposition'], verdict: ReturnVerdict = 'match') => ({
    verdict,
    disposition,
    sku: 'CAM',
    serial: 'A',
  });
  const cases: Array<{ name: string; action: 'restock' | 'scrap'; item: ReturnType<typeof item>; unit: Parameters<typeof judgeDisposal>[2]; code: string | null }> = [
    { name: 'restocks a match that is back', action: 'restock', item: item('pending'), unit: back, code: null },
    { name: 'scraps a match that is back', action: 'scrap', item: item('pending'), unit: back, code: null },
    { name: 'refuses to restock a recalled unit', action: 'restock', item: item('pending'), unit: { status: 'returned', hold: 'recalled' }, code: 'SERIAL_RECALLED' },
    { name: 'scraps a recalled unit', action: 'scrap', item: item('pending'), unit: { status: 'returned', hold: 'recalled' }, code: null },
    { name: 'refuses to restock an item held for review', action: 'restock', item: item('review', 'wrong_serial'), unit: { status: 'in_stock', hold: 'quarantined' }, code: 'SERIAL_ON_HOLD' },
    { name: 'refuses to scrap an item held for review', action: 'scrap', item: item('review', 'unknown_serial'), unit: null, code: 'SERIAL_ON_HOLD' },
    { name: 'refuses to restock a match whose unit another return quarantined', action: 'restock', item: item('pending'), unit: { status: 'returned', hold: 'quarantined' }, code: 'SERIAL_ON_HOLD' },
    { name: 'refuses to restock twice', action: 'restock', item: item('restocked'), unit: { status: 'in_stock', hold: 'none' }, code: 'RETURN_ITEM_NOT_PENDING' },
    { name: 'refuses to scrap a rejected item', action: 'scrap', item: item('rejected', 'wrong_serial'), unit: back, code: 'RETURN_ITEM_NOT_PENDING' },
    { name: 'refuses to restock a unit packed again meanwhile', action: 'restock', item: item('pending'), unit: { status: 'packed', hold: 'none' }, code: 'RETURN_ITEM_NOT_PENDING' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(judgeDisposal(c.action, c.item, c.unit)?.code ?? null).toBe(c.code);
    });
  }
});

describe('judgeReview', () => {
  it('decides only items held for review', () => {
    expect(judgeReview({ verdict: 'wrong_serial', disposition: 'review', sku: 'CAM', serial: 'A' })).toBeNull();
    expect(judgeReview({ verdict: 'match', disposition: 'pending', sku: 'CAM', serial: 'A' })?.code).toBe('RETURN_ITEM_NOT_IN_REVIEW');
    expect(judgeReview({ verdict: 'wrong_serial', disposition: 'rejected', sku: 'CAM', serial: 'A' })?.code).toBe('RETURN_ITEM_NOT_IN_REVIEW');
  });
});
