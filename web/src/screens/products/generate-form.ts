import type { LabelSymbology } from '../../api/types.ts';

/** The most serials one request may generate (the server's HTTP_MAX_GENERATE). */
export const GENERATE_MAX = 100_000;

/** The most labels on one sheet (the server's MAX_LABELS). */
export const LABELS_PER_SHEET = 500;

export const symbologyChoices: ReadonlyArray<{ value: LabelSymbology; label: string; needsGtin: boolean }> = [
  { value: 'code128', label: 'Code 128 (the serial)', needsGtin: false },
  { value: 'gs1-128', label: 'GS1-128 (GTIN and serial)', needsGtin: true },
  { value: 'gs1datamatrix', label: 'GS1 DataMatrix (GTIN and serial)', needsGtin: true },
];

/** The count field as typed: a whole number from 1 to GENERATE_MAX, in the server's words otherwise. */
export function checkGenerateCount(text: string): { ok: true; count: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  const count = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > GENERATE_MAX) {
    return { ok: false, message: `count: expected a whole number from 1 to ${GENERATE_MAX}, got ${trimmed === '' ? 'nothing' : trimmed}` };
  }
  return { ok: true, count };
}

export type LabelBatch = { start: number; end: number; label: string };

/**
 * The label sheets a run of `total` serials needs, LABELS_PER_SHEET at a time: serials
 * start..end-1 (0-based), named by their 1-based positions ("1–500").
 */
export function labelBatches(total: number, perSheet = LABELS_PER_SHEET): LabelBatch[] {
  const out: LabelBatch[] = [];
  for (let start = 0; start < total; start += perSheet) {
    const end = Math.min(total, start + perSheet);
    out.push({ start, end, label: end - start === 1 ? `${start + 1}` : `${start + 1}–${end}` });
  }
  return out;
}

/** A file name part from a SKU: anything but letters, digits, '.', '_' and '-' becomes '_'. */
export const fileNamePart = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');
