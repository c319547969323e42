import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import type { LinkedNotice, ReceivingScanResult } from '../../api/types.ts';
import { refusalFeedback, scanFeedback, skusToScan } from './receiving-feedback.ts';

const unit = (fields: Partial<Extract<ReceivingScanResult, { kind: 'unit' }>>): ReceivingScanResult => ({
  kind: 'unit',
  outcome: 'received',
  sku: 'CAM',
  serial: 'S-1',
  expected: null,
  lot: null,
  expiry: null,
  gtin: null,
  receipt: { id: 'r', received: 1, alreadyInStock: 0 },
  notice: null,
  ...fields,
});

describe('scanFeedback', () => {
  it('is green for a received unit, naming lot and expiry when the scan carried them', () => {
    expect(scanFeedback(unit({ lot: 'L7', expiry: '2027-12-31', expected: true }), 'ASN-1')).toEqual({
      tone: 'ok',
      title: 'Received',
      text: 'S-1 received for CAM (lot L7, expiry 2027-12-31), as expected.',
    });
    expect(scanFeedback(unit({}), null).tone).toBe('ok');
  });

  it('is amber for a unit the notice did not expect (still received) and for one in stock already', () => {
    expect(scanFeedback(unit({ expected: false }), 'ASN-1')).toMatchObject({ tone: 'warn', title: 'Received: not on the notice' });
    expect(scanFeedback(unit({ outcome: 'already_in_stock' }), null)).toMatchObject({
      tone: 'warn',
      title: 'Already in stock',
      text: 'S-1 of CAM was in stock already: nothing changed.',
    });
  });

  it('says which product a SKU or barcode scan chose', () => {
    expect(scanFeedback({ kind: 'product', sku: 'CAM', name: 'Camera' }, null)).toMatchObject({ tone: 'info', title: 'CAM chosen' });
  });
});

describe('refusalFeedback', () => {
  it("is red with the server's code and message, and names the order a unit is out in", () => {
    const shipped = new ApiError(409, 'SERIAL_ALREADY_SHIPPED', 'serial: S-1 of CAM shipped in order SO-7 and has not come back', {
      orderNumber: 'SO-7',
    });
    expect(refusalFeedback(shipped)).toEqual({
      tone: 'error',
      title: 'Refused',
      text: 'serial: S-1 of CAM shipped in order SO-7 and has not come back',
      code: 'SERIAL_ALREADY_SHIPPED',
    });
    const gs1 = new ApiError(422, 'SCAN_INVALID', 'data: bad check digit at position 17', { rule: 'check-digit', position: 17 });
    expect(refusalFeedback(gs1).text).toBe('data: bad check digit at position 17 (check-digit)');
    expect(refusalFeedback(new Error('offline'))).toEqual({ tone: 'error', title: 'Refused', text: 'offline' });
  });
});

describe('skusToScan', () => {
  it('offers the SKUs of the notice, most missing first', () => {
    const notice: LinkedNotice = {
      reference: 'ASN-1',
      status: 'open',
      totals: { expected: 5, matched: 1, missing: 4, unexpected: 1 },
      lines: [
        { sku: 'A', name: 'a', expected: 2, matched: 1, missing: 1, unexpected: 0 },
        { sku: 'B', name: 'b', expected: 3, matched: 0, missing: 3, unexpected: 0 },
        { sku: 'C', name: 'c', expected: 0, matched: 0, missing: 0, unexpected: 1 },
      ],
    };
    expect(skusToScan(notice).map((s) => s.sku)).toEqual(['B', 'A']);
    expect(skusToScan(null)).toEqual([]);
  });
});
