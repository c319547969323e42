import { describe, expect, it } from 'vitest';
import { checkGenerateCount, fileNamePart, GENERATE_MAX, labelBatches } from './generate-form.ts';

describe('checkGenerateCount', () => {
  it.each([
    ['1', 1],
    [' 250 ', 250],
    [String(GENERATE_MAX), GENERATE_MAX],
  ])('takes %j as %i serials', (text, count) => {
    expect(checkGenerateCount(text)).toEqual({ ok: true, count });
  });

  it.each(['', '0', '-3', '2.5', '1e3', 'ten', String(GENERATE_MAX + 1)])('refuses %j naming the field and the range', (text) => {
    const check = checkGenerateCount(text);
    expect(check.ok).toBe(false);
    expect(check).toMatchObject({ message: expect.stringMatching(/^count: expected a whole number from 1 to 100000, got /) });
  });
});

describe('labelBatches', () => {
  it('puts up to 500 serials on one sheet', () => {
    expect(labelBatches(3)).toEqual([{ start: 0, end: 3, label: '1–3' }]);
    expect(labelBatches(500)).toEqual([{ start: 0, end: 500, label: '1–500' }]);
  });

  it('splits a longer run into sheets, the last one shorter', () => {
    expect(labelBatches(1001)).toEqual([
      { start: 0, end: 500, label: '1–500' },
      { start: 500, end: 1000, label: '501–1000' },
      { start: 1000, end: 1001, label: '1001' },
    ]);
  });

  it('has no sheet for no serials', () => {
    expect(labelBatches(0)).toEqual([]);
  });
});

describe('fileNamePart', () => {
  it('keeps safe characters and replaces the rest', () => {
    expect(fileNamePart('CAM-100_v2.1')).toBe('CAM-100_v2.1');
    expect(fileNamePart('A/B C"D')).toBe('A_B_C_D');
  });
});
