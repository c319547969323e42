import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.ts';
import { errorFeedback, lotExpiryText } from './scan-feedback.ts';

describe('lotExpiryText', () => {
  it.each([
    [{ lot: 'LOT7', expiry: '2027-12-31' }, 'lot LOT7, expiry 2027-12-31'],
    [{ lot: 'LOT7', expiry: null }, 'lot LOT7'],
    [{ expiry: '2027-12-31' }, 'expiry 2027-12-31'],
    [{ lot: null, expiry: null }, ''],
  ])('describes %o as %j', (capture, text) => {
    expect(lotExpiryText(capture)).toBe(text);
  });
});

describe('errorFeedback', () => {
  it('adds the rule a GS1 scan broke to the server message of SCAN_INVALID', () => {
    const error = new ApiError(422, 'SCAN_INVALID', 'data: check digit of AI 01 is wrong at position 17', { position: 17, rule: 'check-digit' });
    expect(errorFeedback(error)).toEqual({ code: 'SCAN_INVALID', text: 'data: check digit of AI 01 is wrong at position 17 (check-digit)' });
  });

  it('shows other refusals in the server words with their code', () => {
    const error = new ApiError(422, 'GTIN_MISMATCH', "data: the scan's GTIN 09501101530003 is not the GTIN of LENS-2 (none set)");
    expect(errorFeedback(error)).toEqual({ code: 'GTIN_MISMATCH', text: error.message });
    expect(errorFeedback(new ApiError(400, 'VALIDATION_FAILED', 'sku: required, since 2 lines still need serials (A, B)'))).toEqual({
      code: 'VALIDATION_FAILED',
      text: 'sku: required, since 2 lines still need serials (A, B)',
    });
  });

  it('shows an error that is not the server answer without a code', () => {
    expect(errorFeedback(new Error('boom'))).toEqual({ text: 'boom' });
  });
});
