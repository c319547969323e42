/**
 * Recalls: which of a SKU's units a recall selects, and what it says about them. The rules are in
 * docs/recalls.md; the SQL that applies them is storage/recalls.repository.ts.
 *
 * A selection combines criteria like this: the serial criteria (explicit serials and ranges)
 * together form one set, any of which matches; lot and ship dates narrow it. So
 * `{serials: [A], ranges: [SN1..SN9], lot: L}` is "(A or SN1..SN9) and lot L". At least one
 * criterion must be given: a recall of every unit of a SKU names it (a range over all its serials,
 * or its lot, or a ship-date range) rather than getting it by leaving the form empty.
 */
import { parseRangeBound } from './dates.ts';
import { DomainError } from './errors.ts';
import type { UnitStatus } from './model.ts';
import { checkSerial } from './serial.ts';
import { checkSerialRange, type SerialRange } from './serial-range.ts';

export const MAX_RECALL_SERIALS = 100_000;
export const MAX_RECALL_RANGES = 1000;

export type RecallSelectionInput = {
  serials?: string[];
  ranges?: Array<{ from: string; to: string }>;
  lot?: string;
  shippedFrom?: string;
  shippedTo?: string;
};

export type RecallSelection = {
  /** Exact serials (trimmed, each once). */
  serials: string[];
  ranges: SerialRange[];
  lot: string | null;
  /** Units whose last order shipped at or after this instant ... */
  shippedFrom: Date | null;
  /** ... and before this one (the end of shippedTo's UTC day). */
  shippedBefore: Date | null;
};

/** The criteria as given, normalised, for the record kept with the recall. */
export type RecallCriteria = {
  serials: string[];
  ranges: SerialRange[];
  lot: string | null;
  shippedFrom: string | null;
  shippedTo: string | null;
};

const invalid = (field: string, message: string) => new DomainError('VALIDATION_FAILED', `${field}: ${message}`, { field });

/** Checks and normalises a selection; throws VALIDATION_FAILED naming the field. */
export function checkRecallSelection(input: RecallSelectionInput): { selection: RecallSelection; criteria: RecallCriteria } {
  const rawSerials = input.serials ?? [];
  if (rawSerials.length > MAX_RECALL_SERIALS) {
    throw invalid('serials', `at most ${MAX_RECALL_SERIALS} serials; use ranges for long runs`);
  }
  const serials = new Set<string>();
  rawSerials.forEach((raw, i) => {
    const check = checkSerial(raw, `serials[${i}]`);
    if (!check.ok) throw new DomainError('VALIDATION_FAILED', check.message, { field: `serials[${i}]` });
    serials.add(check.serial);
  });
  const rawRanges = input.ranges ?? [];
  if (rawRanges.length > MAX_RECALL_RANGES) throw invalid('ranges', `at most ${MAX_RECALL_RANGES} ranges`);
  const ranges = rawRanges.map((r, i) => checkSerialRange(r, `ranges[${i}]`));

  const lot = input.lot?.trim() || null;
  if (lot !== null && lot.length > 64) throw invalid('lot', 'must be at most 64 characters');
  const from = input.shippedFrom?.trim() || null;
  const to = input.shippedTo?.trim() || null;
  const shippedFrom = from === null ? null : parseRangeBound('shippedFrom', from, 'start');
  const shippedBefore = to === null ? null : parseRangeBound('shippedTo', to, 'end');
  if (shippedFrom && shippedBefore && shippedFrom >= shippedBefore) throw invalid('shippedTo', 'must not be before shippedFrom');

  if (serials.size === 0 && ranges.length === 0 && lot === null && from === null && to === null) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'selection: give at least one of serials, ranges, lot, shippedFrom or shippedTo',
      { field: 'selection' },
    );
  }
  return {
    selection: { serials: [...serials], ranges, lot, shippedFrom, shippedBefore },
    criteria: { serials: [...serials], ranges, lot, shippedFrom: from, shippedTo: to },
  };
}

/** Units matched per status, the figures a preview and a saved recall show. */
export type UnitCounts = Record<UnitStatus, number>;

export const emptyUnitCounts = (): UnitCounts => ({ in_stock: 0, packed: 0, shipped: 0, returned: 0, scrapped: 0 });

/**
 * Where a recall stands, from its units' state now. Every unit not cleared is in exactly one of
 * outstanding (still with a customer), returned, inStock, packed, scrapped; cleared units are
 * counted apart. returnedSinceRecall counts units that were with customers when the recall was
 * saved and are not any more (whether cleared or not).
 */
export type RecallProgress = {
  units: number;
  cleared: number;
  outstanding: number;
  returned: number;
  inStock: number;
  packed: number;
  scrapped: number;
  returnedSinceRecall: number;
  /** Open orders holding a recalled unit: they cannot ship until it is removed. */
  blockedOrders: number;
};
