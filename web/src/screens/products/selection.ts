/**
 * Row selection for bulk edit: a set of SKUs that survives paging and filtering, so products can be
 * picked from several pages. The header checkbox acts on the rows shown.
 */

export type PageSelection = 'none' | 'some' | 'all';

export function pageSelection(selected: ReadonlySet<string>, pageSkus: ReadonlyArray<string>): PageSelection {
  if (pageSkus.length === 0) return 'none';
  const count = pageSkus.filter((sku) => selected.has(sku)).length;
  return count === 0 ? 'none' : count === pageSkus.length ? 'all' : 'some';
}

/** The header checkbox: selects every row shown unless all of them already are, then clears them. */
export function toggleAll(selected: ReadonlySet<string>, pageSkus: ReadonlyArray<string>): Set<string> {
  const next = new Set(selected);
  if (pageSelection(selected, pageSkus) === 'all') for (const sku of pageSkus) next.delete(sku);
  else for (const sku of pageSkus) next.add(sku);
  return next;
}

export function toggleOne(selected: ReadonlySet<string>, sku: string): Set<string> {
  const next = new Set(selected);
  if (next.has(sku)) next.delete(sku);
  else next.add(sku);
  return next;
}
