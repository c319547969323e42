import { describe, expect, it } from 'vitest';
import { parseRangeBound } from './dates.ts';
import { checkOrder, checkProduct, Problems } from './validate.ts';

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
});
