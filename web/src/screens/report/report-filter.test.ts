import { describe, expect, it } from 'vitest';
import { checkReportDraft, daysBefore, epcisExportNote } from './report-filter.ts';

const draft = { shippedFrom: '', shippedTo: '', sku: '', orderNumber: '', customer: '', serials: '' };

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

  it('reads a pasted serial list like the server, naming the item it refuses', () => {
    expect(checkReportDraft({ ...draft, serials: 'SN0998-SN1002\nSN7' })).toEqual([]);
    expect(checkReportDraft({ ...draft, serials: 'A1\nSN9-SN1' })).toEqual([
      { field: 'serials', message: expect.stringMatching(/^serials: "SN9-SN1" at line 2, column 1: reversed range/) },
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

describe('epcisExportNote', () => {
  it('says the export holds every event when nothing is filtered', () => {
    expect(epcisExportNote({})).toBe(
      "Export EPCIS: the serialized units' events (received, generated, packed, shipped …) as an EPCIS 2.0 JSON-LD document.",
    );
  });

  it('says the days are taken as event time and the SKU is kept', () => {
    expect(epcisExportNote({ shippedFrom: '2026-11-01', sku: 'CAM-1' })).toMatch(/, for the same days by event time, SKU CAM-1 only\.$/);
  });

  it('says the order and customer filters do not apply', () => {
    expect(epcisExportNote({ customer: 'Ada' })).toMatch(/; the order and customer filters do not apply to it\.$/);
    expect(epcisExportNote({ serials: 'SN1' })).toMatch(/; the serials filter does not apply to it\.$/);
  });
});
