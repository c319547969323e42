import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { checkRecallSelection, MAX_RECALL_SERIALS } from './recalls.ts';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('checkRecallSelection', () => {
  it('normalises serials (trimmed, once each), ranges, lot and the UTC day range', () => {
    const { selection, criteria } = checkRecallSelection({
      serials: [' A1 ', 'A1', 'B2'],
      ranges: [{ from: 'SN0998', to: 'SN1002' }],
      lot: ' L7 ',
      shippedFrom: '2026-03-01',
      shippedTo: '2026-03-31',
    });
    expect(selection).toEqual({
      serials: ['A1', 'B2'],
      ranges: [{ from: 'SN0998', to: 'SN1002' }],
      lot: 'L7',
      shippedFrom: new Date('2026-03-01T00:00:00Z'),
      shippedBefore: new Date('2026-04-01T00:00:00Z'),
    });
    expect(criteria).toEqual({
      serials: ['A1', 'B2'],
      ranges: [{ from: 'SN0998', to: 'SN1002' }],
      lot: 'L7',
      shippedFrom: '2026-03-01',
      shippedTo: '2026-03-31',
    });
  });

  it.each([
    [{ lot: 'L1' }],
    [{ shippedFrom: '2026-01-01' }],
    [{ shippedTo: '2026-01-01' }],
    [{ serials: ['X'] }],
    [{ ranges: [{ from: '1', to: '2' }] }],
  ])('accepts a single criterion %j', (input) => {
    expect(() => checkRecallSelection(input)).not.toThrow();
  });

  it.each([
    [{}, 'selection: give at least one of serials, ranges, lot, shippedFrom or shippedTo', 'selection'],
    [{ serials: [], ranges: [], lot: '  ' }, 'selection: give at least one', 'selection'],
    [{ serials: ['ok', ''] }, 'serials[1]: must not be empty', 'serials[1]'],
    [{ serials: ['A\u0007B'] }, 'serials[0]: must contain only printable characters', 'serials[0]'],
    [{ ranges: [{ from: 'SN5', to: 'SN1' }] }, 'ranges[0]: reversed range', 'ranges[0]'],
    [{ lot: 'L'.repeat(65) }, 'lot: must be at most 64 characters', 'lot'],
    [{ shippedFrom: '2026-02-30' }, 'shippedFrom: 2026-02-30 is not a calendar date', 'shippedFrom'],
    [{ shippedFrom: '2026-03-02', shippedTo: '2026-03-01' }, 'shippedTo: must not be before shippedFrom', 'shippedTo'],
    [{ serials: Array.from({ length: MAX_RECALL_SERIALS + 1 }, (_, i) => `S${i}`) }, 'serials: at most 100000 serials', 'serials'],
  ])('refuses %j with VALIDATION_FAILED: %s', (input, message, field) => {
    const err = errorOf(() => checkRecallSelection(input as Parameters<typeof checkRecallSelection>[0]));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field });
  });

  it('takes one day as a whole UTC day', () => {
    const { selection } = checkRecallSelection({ shippedFrom: '2026-03-01', shippedTo: '2026-03-01' });
    expect(selection.shippedBefore!.getTime() - selection.shippedFrom!.getTime()).toBe(86_400_000);
  });
});
