import type { RecallProgress, RecallSelection, UnitCounts } from '../../api/types.ts';
import { parseSerialSelection } from '../../domain.ts';
import { plural } from '../../format.ts';

/** The new-recall form as typed. `serials` is pasted text: SN0001, SN0998-SN1002, SN0010+3 ... */
export type RecallDraft = {
  name: string;
  reason: string;
  sku: string;
  serials: string;
  lot: string;
  shippedFrom: string;
  shippedTo: string;
};

export const emptyRecallDraft: RecallDraft = { name: '', reason: '', sku: '', serials: '', lot: '', shippedFrom: '', shippedTo: '' };

export type DraftProblem = { field: keyof RecallDraft; message: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDay = (value: string) => {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

export type ReadSelection = {
  /** The request body, when the draft has no problems. */
  selection: RecallSelection | null;
  problems: DraftProblem[];
  /** What the pasted list was read as (ranges are not expanded). */
  serialCount: number;
  rangeCount: number;
};

/**
 * Reads the selection part of the draft the way the server will: the pasted list with the serial
 * list rules of src/core (ranges stay ranges, matched by their numeric part on the server), the
 * dates as UTC days. Problems name their field, in the server's words where the rule is shared.
 */
export function readSelection(draft: RecallDraft): ReadSelection {
  const problems: DraftProblem[] = [];
  const sku = draft.sku.trim();
  if (!sku) problems.push({ field: 'sku', message: 'sku: must not be empty' });
  else if (sku.length > 64) problems.push({ field: 'sku', message: 'sku: must be at most 64 characters' });

  let serials: string[] = [];
  let ranges: RecallSelection['ranges'] = [];
  try {
    ({ serials, ranges } = parseSerialSelection(draft.serials));
  } catch (error) {
    problems.push({ field: 'serials', message: (error as Error).message });
  }

  const lot = draft.lot.trim();
  if (lot.length > 64) problems.push({ field: 'lot', message: 'lot: must be at most 64 characters' });
  const from = draft.shippedFrom.trim();
  const to = draft.shippedTo.trim();
  if (from && !isCalendarDay(from)) problems.push({ field: 'shippedFrom', message: 'shippedFrom: expected a date like 2026-11-23' });
  if (to && !isCalendarDay(to)) problems.push({ field: 'shippedTo', message: 'shippedTo: expected a date like 2026-11-23' });
  if (from && to && isCalendarDay(from) && isCalendarDay(to) && to < from) {
    problems.push({ field: 'shippedTo', message: 'shippedTo: must not be before shippedFrom' });
  }
  if (problems.length === 0 && serials.length === 0 && ranges.length === 0 && !lot && !from && !to) {
    problems.push({ field: 'serials', message: 'selection: give serials or ranges, a lot, or ship dates' });
  }
  if (problems.length > 0) return { selection: null, problems, serialCount: serials.length, rangeCount: ranges.length };
  const selection: RecallSelection = { sku };
  if (serials.length > 0) selection.serials = serials;
  if (ranges.length > 0) selection.ranges = ranges;
  if (lot) selection.lot = lot;
  if (from) selection.shippedFrom = from;
  if (to) selection.shippedTo = to;
  return { selection, problems, serialCount: serials.length, rangeCount: ranges.length };
}

/** The whole form: the selection, a name and a reason. */
export function readRecall(draft: RecallDraft): { body: (RecallSelection & { name: string; reason: string }) | null; problems: DraftProblem[] } {
  const read = readSelection(draft);
  const problems: DraftProblem[] = [];
  const name = draft.name.trim();
  const reason = draft.reason.trim();
  if (!name) problems.push({ field: 'name', message: 'name: must not be empty' });
  else if (name.length > 200) problems.push({ field: 'name', message: 'name: must be at most 200 characters' });
  if (!reason) problems.push({ field: 'reason', message: 'reason: must not be empty' });
  else if (reason.length > 2000) problems.push({ field: 'reason', message: 'reason: must be at most 2000 characters' });
  problems.push(...read.problems);
  return { body: problems.length === 0 && read.selection ? { name, reason, ...read.selection } : null, problems };
}

/** "2 serials and 1 range", for the line under the pasted list. */
export function describeList(serialCount: number, rangeCount: number): string {
  if (serialCount === 0 && rangeCount === 0) return 'No serials listed.';
  const parts = [];
  if (serialCount > 0) parts.push(plural(serialCount, 'serial'));
  if (rangeCount > 0) parts.push(plural(rangeCount, 'range'));
  return `Read as ${parts.join(' and ')}.`;
}

/** The same selection, whatever the order its fields were set in (a preview is for one selection). */
export const selectionKey = (selection: RecallSelection | null) =>
  selection === null
    ? ''
    : JSON.stringify([selection.sku, selection.serials ?? [], selection.ranges ?? [], selection.lot ?? '', selection.shippedFrom ?? '', selection.shippedTo ?? '']);

export const statusRows = (c: UnitCounts): Array<{ label: string; value: number }> => [
  { label: 'With customers (shipped)', value: c.shipped },
  { label: 'In stock', value: c.inStock },
  { label: 'Packed in open orders', value: c.packed },
  { label: 'Returned', value: c.returned },
  { label: 'Scrapped', value: c.scrapped },
];

/** Where a recall stands, in the order staff work through it. */
export const progressRows = (p: RecallProgress): Array<{ label: string; value: number; hint: string }> => [
  { label: 'Outstanding', value: p.outstanding, hint: 'still with customers' },
  { label: 'Returned since the recall', value: p.returnedSinceRecall, hint: 'were with customers, have come back' },
  { label: 'In stock, held', value: p.inStock, hint: 'cannot be packed' },
  { label: 'Packed in open orders', value: p.packed, hint: `${plural(p.blockedOrders, 'order')} cannot ship until removed` },
  { label: 'Returned', value: p.returned, hint: 'back, held' },
  { label: 'Scrapped', value: p.scrapped, hint: '' },
  { label: 'Cleared', value: p.cleared, hint: 'released from this recall' },
];
