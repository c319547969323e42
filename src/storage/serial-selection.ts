import type { SerialRange } from '../core/serial-range.ts';

/** Adds a value to a query's parameters and returns its placeholder ($3). */
export type AddParam = (value: unknown) => string;

/** A query's text and parameters, built clause by clause with `p`. */
export function paramList(first: unknown[] = []): { params: unknown[]; p: AddParam } {
  const params = [...first];
  return {
    params,
    p: (value) => {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

/**
 * SQL text matching units of serial_units `alias` against explicit serials and ranges (any of them):
 * an exact serial, or a range_key between the keys of a range's ends (core/serial-range.ts). Every
 * value is a text parameter, so the same text runs with bind parameters or, inlined as literals,
 * inside COPY. The serials go in as one JSON array (`= ANY(ARRAY(...))` is an index condition, and
 * one OR of such conditions becomes a BitmapOr of index scans). Null when there is nothing to match.
 */
export function unitSelectionSql(alias: string, selection: { serials: string[]; ranges: SerialRange[] }, p: AddParam): string | null {
  const parts: string[] = [];
  if (selection.serials.length > 0) {
    parts.push(`${alias}.serial = ANY(ARRAY(SELECT jsonb_array_elements_text(${p(JSON.stringify(selection.serials))}::jsonb)))`);
  }
  for (const range of selection.ranges) {
    parts.push(`${alias}.range_key BETWEEN serial_range_key(${p(range.from)}::text) AND serial_range_key(${p(range.to)}::text)`);
  }
  return parts.length > 0 ? `(${parts.join(' OR ')})` : null;
}
