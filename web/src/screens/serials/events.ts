import type { UnitEvent } from '../../api/types.ts';

const NAMES: Record<string, string> = {
  packed: 'Packed',
  unpacked: 'Removed from the order',
  shipped: 'Shipped',
  released: 'Released back to stock',
  returned: 'Returned',
  return_held: 'Return held for review',
  return_accepted: 'Return accepted by review',
  return_rejected: 'Return rejected by review',
  restocked: 'Restocked',
  scrapped: 'Scrapped',
  recalled: 'Recalled',
};

/** A person's word for an event type; unknown types are shown as they come, readable. */
export function describeEvent(type: string): string {
  return NAMES[type] ?? type.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
}

const LABELS: Record<string, string> = {
  carrier: 'carrier',
  trackingNumber: 'tracking number',
  reason: 'reason',
  scanned: 'capture',
  previousStatus: 'status before',
  restoredStatus: 'status after',
  lot: 'lot',
  expiry: 'expiry',
  returnId: 'return',
  rma: 'RMA',
  verdict: 'verdict',
  condition: 'condition',
  note: 'note',
};

/** Internal database ids mean nothing to a person reading the history. */
const HIDDEN = new Set(['previousOrderId', 'item', 'capturesReleased']);

/** An event's details as label/value pairs for the timeline; empty values are left out. */
export function eventDetails(event: Pick<UnitEvent, 'details'>): Array<[string, string]> {
  if (!event.details || typeof event.details !== 'object') return [];
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(event.details)) {
    if (value === null || value === undefined || value === '' || HIDDEN.has(key)) continue;
    if (key === 'scanned' && typeof value === 'boolean') {
      out.push([LABELS[key], value ? 'scanned' : 'typed']);
      continue;
    }
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    out.push([LABELS[key] ?? key, key.endsWith('Status') || key === 'verdict' ? text.replaceAll('_', ' ') : text]);
  }
  return out;
}
