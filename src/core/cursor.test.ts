import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor(['SN-1', 42]), ['string', 'number'] as const)).toEqual(['SN-1', 42]);
  });
  it.each([
    ['not base64 JSON', '%%%', ['string']],
    ['the wrong shape', encodeCursor([1, 2]), ['string']],
    ['a number past 2^53', encodeCursor([2 ** 53]), ['number']],
    ['a NUL in its text, which the database cannot take', encodeCursor(['SN\u0000', 1]), ['string', 'number']],
    ['a lone surrogate in its text', encodeCursor(['\ud800']), ['string']],
  ] as const)('refuses a cursor with %s as VALIDATION_FAILED naming cursor', (_name, cursor, shape) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(/^cursor: not a cursor this list returned$/);
  });
});
