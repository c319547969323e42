import { describe, expect, it } from 'vitest';
import { checkReportDraft, daysBefore } from './report-filter.ts';

const draft = { shippedFrom: '', shippedTo: '', sku: '', orderNumber: '', customer: '' };

describe('checkReportDraft', () => {
  it('accepts empty filters and a proper range', () => {
    expect(checkReportDraft(draft)).toEqual([]);
    expect(checkReportDraft({ ...draft, shippedFrom: '2026-11-01', shippedTo: '2026-11-01' })).toEqual([]);
  });

  it('refuses a date that is not a calendar day, naming the field', () => {
    expect(checkReportDraft({ ...draft, shippedFrom: '2026-02-30' })).toEqual([
      { field: 'shippedFrom', message: 'shippedFrom: expected a date like 2026-11-23' },
    ]);
  });

  it('refuses an end date before the start date', () => {
    expect(checkReportDraft({ ...draft, shippedFrom: '2026-11-10', shippedTo: '2026-11-09' })).toEqual([
      { field: 'shippedTo', message: 'shippedTo: must not be before shippedFrom' },
    ]);
  });

  it('refuses a SKU longer than the API takes', () => {
    expect(checkReportDraft({ ...draft, sku: 'x'.repeat(65) })[0].field).toBe('sku');
  });
});

describe('daysBefore', () => {
  it('counts back across a month end', () => {
    expect(daysBefore('2026-03-02', 2)).toBe('2026-02-28');
  });
});
