import { describe, expect, it } from 'vitest';
import { parseRangeBound } from './dates.ts';
import { checkOrder, checkProduct, findUnstorableText, Problems, unstorableText } from './validate.ts';

describe('checkProduct', () => {
  it('normalises a valid EAN-13 to 14 digits and trims text', () => {
    const p = new Problems();
    expect(checkProduct(p, '', { sku: ' A-1 ', name: ' Cam ', gtin: '4006381333931' })).toMatchObject({
      sku: 'A-1',
      name: 'Cam',
      gtin: '04006381333931',
      needsSerialNumber: false,
    });
    expect(p.ok).toBe(true);
  });
  it('names every bad field', () => {
    const p = new Problems();
    checkProduct(p, 'rows[2].', { sku: '', name: 'x'.repeat(201), gtin: '4006381333932', needsSerialNumber: 'yes' });
    expect(p.list.map((e) => e.field)).toEqual(['rows[2].sku', 'rows[2].name', 'rows[2].gtin', 'rows[2].needsSerialNumber']);
  });
});

describe('checkOrder', () => {
  it('refuses a SKU twice in one order, a zero quantity and a bad email, naming the line', () => {
    const p = new Problems();
    checkOrder(p, '', {
      orderNumber: 'SO-1',
      type: 'B2X',
      customer: { name: 'A', email: 'not-an-email' },
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'A', quantity: 0 },
      ],
    });
    expect(p.list.map((e) => e.field)).toEqual(['type', 'customer.email', 'lines[1].quantity', 'lines[1].sku']);
  });
});

describe('parseRangeBound', () => {
  it('reads a day as that whole UTC day', () => {
    expect(parseRangeBound('from', '2026-11-23', 'start').toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(parseRangeBound('to', '2026-11-23', 'end').toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });
  it('reads a timestamp with a zone', () => {
    expect(parseRangeBound('from', '2026-11-23T10:00:00+01:00', 'start').toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });
  it.each(['2026-02-30', '23.11.2026', '2026-11-23T10:00:00'])('refuses %s naming the field', (value) => {
    expect(() => parseRangeBound('shippedFrom', value, 'start')).toThrow(/^shippedFrom:/);
  });
  it.each(['0000-01-01', '0000-12-31T23:59:59Z', '0001-01-01T00:00:00+14:00'])(
    'refuses %s, before year 1 where the database cannot follow, naming the field',
    (value) => {
      expect(() => parseRangeBound('shippedFrom', value, 'start')).toThrow(/^shippedFrom: must be a date from 0001-01-01 to 9999-12-31/);
    },
  );
  it('reads the first day of year 1 and the last day of 9999 (whose end is the last millisecond of 9999)', () => {
    expect(parseRangeBound('from', '0001-01-01', 'start').toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseRangeBound('to', '9999-12-31', 'end').toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(parseRangeBound('to', '9999-12-31T23:59:59.999Z', 'end').toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });
});

describe('unstorableText', () => {
  it.each([
    ['plain text', 'SN-1', null],
    ['a surrogate pair (an emoji)', 'SN-💩', null],
    ['other control characters (the field rules judge those)', 'A\u0007B\u007f', null],
    ['NUL', 'SN\u00001', /NUL/],
    ['a lone high surrogate', 'LS-\ud800-1', /lone UTF-16 surrogate/],
    ['a lone high surrogate at the end', 'LS-\ud800', /lone UTF-16 surrogate/],
    ['a lone low surrogate', '\udc00LS', /lone UTF-16 surrogate/],
    ['a pair the wrong way round', '\udc00\ud800', /lone UTF-16 surrogate/],
  ])('judges %s', (_name, value, expected) => {
    const reason = unstorableText(value);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});

describe('findUnstorableText', () => {
  it('names each bad string and field name by its path, in document order', () => {
    const body = { orderNumber: 'LS-\ud800-1', customer: { name: 'ok', ['a\u0000']: 1 }, lines: [{ sku: 'ok' }, { sku: 'X\u0000' }] };
    expect(findUnstorableText(body, 'body').map((p) => p.message)).toEqual([
      'orderNumber: must be valid Unicode text: it has a lone UTF-16 surrogate',
      'customer: a field name must not contain NUL characters (U+0000)',
      'lines[1].sku: must not contain NUL characters (U+0000)',
    ]);
  });
  it('names the value itself by its root, and passes numbers, booleans, null and buffers', () => {
    expect(findUnstorableText('\u0000', 'body').map((p) => p.field)).toEqual(['body']);
    expect(findUnstorableText({ a: 1, b: true, c: null, d: Buffer.from([0]) }, 'body')).toEqual([]);
  });
  it('walks a deeply nested document without overflowing the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findUnstorableText(deep, 'body')).toHaveLength(1);
  });
});
