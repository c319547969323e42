import { describe, expect, it } from 'vitest';
import {
  currentCursor,
  nextStack,
  orderListSearch,
  previousStack,
  productListApiQuery,
  productListSearch,
  readCursorStack,
  readOrderListState,
  readProductListState,
  readReportState,
  reportFilter,
  reportSearch,
  toSearch,
  writeCursorStack,
} from './url-state.ts';

const q = (search: string) => new URLSearchParams(search);

describe('toSearch', () => {
  it('leaves out empty, null and undefined values and escapes the rest', () => {
    expect(toSearch({ a: '', b: null, c: undefined, d: 'x y&z' })).toBe('?d=x+y%26z');
  });

  it('returns an empty string when nothing is set', () => {
    expect(toSearch({ a: '' })).toBe('');
  });
});

describe('cursor stacks', () => {
  it('round-trips a stack of base64url cursors through one comma-separated value', () => {
    const stack = ['WyJBIl0', 'WyJCLTEiXQ', 'abc_-9'];
    expect(readCursorStack(writeCursorStack(stack) ?? null)).toEqual(stack);
  });

  it('writes nothing for the first page and reads a missing value as the first page', () => {
    expect(writeCursorStack([])).toBeUndefined();
    expect(readCursorStack(null)).toEqual([]);
    expect(currentCursor([])).toBeUndefined();
  });

  it('drops pieces that cannot be cursors from a hand-edited address', () => {
    expect(readCursorStack('good,,bad cursor,<x>,ok2')).toEqual(['good', 'ok2']);
  });

  it('moves forward by pushing the next cursor and back by popping it', () => {
    const page2 = nextStack([], 'c1');
    const page3 = nextStack(page2, 'c2');
    expect(currentCursor(page3)).toBe('c2');
    expect(previousStack(page3)).toEqual(['c1']);
    expect(currentCursor(previousStack(page2))).toBeUndefined();
  });
});

describe('product list state', () => {
  it('reads the needs-serial filter, search text and page stack from the address', () => {
    expect(readProductListState(q('?needsSerialNumber=true&q=cam&cursor=c1,c2'))).toEqual({
      needsSerial: 'yes',
      q: 'cam',
      pages: ['c1', 'c2'],
    });
    expect(readProductListState(q('?needsSerialNumber=false')).needsSerial).toBe('no');
  });

  it('treats a missing or unknown filter value as any', () => {
    expect(readProductListState(q('')).needsSerial).toBe('any');
    expect(readProductListState(q('?needsSerialNumber=maybe')).needsSerial).toBe('any');
  });

  it('round-trips every filter value through the address', () => {
    for (const needsSerial of ['any', 'yes', 'no'] as const) {
      const state = { needsSerial, q: 'red cable', pages: ['c1'] };
      expect(readProductListState(q(productListSearch(state)))).toEqual(state);
    }
  });

  it('asks the API for the last cursor and a boolean filter, leaving out what is not set', () => {
    expect(productListApiQuery({ needsSerial: 'no', q: ' x ', pages: ['a', 'b'] })).toEqual({
      needsSerialNumber: false,
      q: 'x',
      cursor: 'b',
    });
    expect(productListApiQuery({ needsSerial: 'any', q: '', pages: [] })).toEqual({
      needsSerialNumber: undefined,
      q: undefined,
      cursor: undefined,
    });
  });
});

describe('order list state', () => {
  it('round-trips status, search and pages', () => {
    const state = { status: 'shipped' as const, q: 'SO-1', pages: ['c1'] };
    expect(orderListSearch(state)).toBe('?status=shipped&q=SO-1&cursor=c1');
    expect(readOrderListState(q(orderListSearch(state)))).toEqual(state);
  });

  it('ignores a status the API does not know', () => {
    expect(readOrderListState(q('?status=lost')).status).toBe('');
  });
});

describe('report state', () => {
  it('round-trips the date range, text filters and pages', () => {
    const state = {
      shippedFrom: '2026-11-01',
      shippedTo: '2026-11-30',
      sku: 'CAM-1',
      orderNumber: 'SO-9',
      customer: 'Ada',
      serials: 'SN0998-SN1002\nSN7',
      pages: ['c1', 'c2'],
    };
    expect(readReportState(q(reportSearch(state)))).toEqual(state);
  });

  it('drops dates that are not YYYY-MM-DD', () => {
    expect(readReportState(q('?shippedFrom=yesterday&shippedTo=2026-1-1'))).toMatchObject({ shippedFrom: '', shippedTo: '' });
  });

  it('gives the API only the filters that are filled in, trimmed', () => {
    const state = readReportState(q('?sku=%20CAM-1%20&customer='));
    expect(reportFilter(state)).toEqual({ sku: 'CAM-1' });
  });
});
