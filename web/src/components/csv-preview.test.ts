import { describe, expect, it } from 'vitest';
import { previewCsv } from './csv-preview.ts';

describe('previewCsv', () => {
  it('splits the header and rows of a plain file', () => {
    expect(previewCsv('sku,name\nA,Alpha\nB,Beta\n')).toEqual({
      header: ['sku', 'name'],
      rows: [
        ['A', 'Alpha'],
        ['B', 'Beta'],
      ],
      more: false,
    });
  });

  it('keeps commas, doubled quotes and line breaks inside quoted cells', () => {
    const { rows } = previewCsv('sku,name\r\nA,"Cable, 2 m ""red"""\r\nB,"two\nlines"');
    expect(rows).toEqual([
      ['A', 'Cable, 2 m "red"'],
      ['B', 'two\nlines'],
    ]);
  });

  it('drops a byte-order mark and blank lines', () => {
    expect(previewCsv('\uFEFFsku\n\nA\n\n')).toEqual({ header: ['sku'], rows: [['A']], more: false });
  });

  it('shows at most maxRows rows and says when there are more', () => {
    const text = ['sku', ...Array.from({ length: 30 }, (_, i) => `S${i}`)].join('\n');
    const preview = previewCsv(text, 5);
    expect(preview.rows.map((r) => r[0])).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
    expect(preview.more).toBe(true);
  });

  it('says there are no more when the file has exactly maxRows rows', () => {
    expect(previewCsv('sku\nA\nB', 2).more).toBe(false);
  });

  it('returns an empty header for an empty file', () => {
    expect(previewCsv('')).toEqual({ header: [], rows: [], more: false });
  });
});
