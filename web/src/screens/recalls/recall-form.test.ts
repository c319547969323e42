import { describe, expect, it } from 'vitest';
import { describeList, emptyRecallDraft, readRecall, readSelection, selectionKey } from './recall-form.ts';

const draft = (fields: Partial<typeof emptyRecallDraft>) => ({ ...emptyRecallDraft, sku: 'CAM', ...fields });

describe('readSelection', () => {
  it('keeps pasted ranges as ranges and serials as serials, with lot and days', () => {
    const read = readSelection(draft({ serials: 'SN0998-SN1002\nX1, X1\nSN0010+3', lot: ' L1 ', shippedFrom: '2026-03-01', shippedTo: '2026-03-31' }));
    expect(read.problems).toEqual([]);
    expect(read.selection).toEqual({
      sku: 'CAM',
      serials: ['X1'],
      ranges: [
        { from: 'SN0998', to: 'SN1002' },
        { from: 'SN0010', to: 'SN0012' },
      ],
      lot: 'L1',
      shippedFrom: '2026-03-01',
      shippedTo: '2026-03-31',
    });
    expect(describeList(read.serialCount, read.rangeCount)).toBe('Read as 1 serial and 2 ranges.');
  });

  it.each([
    [{ sku: ' ' , lot: 'L' }, 'sku', 'sku: must not be empty'],
    [{ serials: 'SN5-SN1' }, 'serials', 'serials: "SN5-SN1" at line 1, column 1: reversed range'],
    [{}, 'serials', 'selection: give serials or ranges, a lot, or ship dates'],
    [{ shippedFrom: '2026-02-30' }, 'shippedFrom', 'shippedFrom: expected a date like 2026-11-23'],
    [{ shippedFrom: '2026-03-02', shippedTo: '2026-03-01' }, 'shippedTo', 'shippedTo: must not be before shippedFrom'],
  ])('names the field of a problem in %j', (fields, field, message) => {
    const read = readSelection(draft(fields));
    expect(read.selection).toBeNull();
    expect(read.problems[0]).toEqual({ field, message: expect.stringContaining(message) });
  });

  it('gives one key to one selection, and another when anything changes', () => {
    const a = readSelection(draft({ lot: 'L1' })).selection;
    expect(selectionKey(a)).toBe(selectionKey(readSelection(draft({ lot: ' L1' })).selection));
    expect(selectionKey(a)).not.toBe(selectionKey(readSelection(draft({ lot: 'L2' })).selection));
  });
});

describe('readRecall', () => {
  it('needs a name and a reason besides the selection', () => {
    expect(readRecall(draft({ lot: 'L1' })).problems.map((p) => p.field)).toEqual(['name', 'reason']);
    expect(readRecall(draft({ lot: 'L1', name: ' Swelling ', reason: 'cells' })).body).toEqual({ name: 'Swelling', reason: 'cells', sku: 'CAM', lot: 'L1' });
  });
});
