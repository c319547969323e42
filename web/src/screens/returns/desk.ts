import type { OrderLine, ReturnItem } from '../../api/types.ts';
import { isGs1Scan, isProductBarcode, parseScan, type ReturnCondition, returnConditions, type ReturnVerdict } from '../../domain.ts';

/**
 * The returns desk's reading of a scan, pure so its rules are tested without a browser. With an
 * order open, a scan is a command (#RESTOCK, #SCRAP, #DONE, a condition such as #DAMAGED), the
 * SKU or product barcode of one of the order's lines (it names the SKU of the next unit), or a
 * returned unit: a GS1 barcode (parsed here to refuse a bad one at once and to spot a unit
 * scanned twice; sent whole, the server parses it again) or a plain serial. The server judges
 * every unit and has the last word.
 */

export type DeskCommand = 'restock' | 'scrap' | 'done';

export type DeskScan =
  | { kind: 'command'; command: DeskCommand }
  | { kind: 'condition'; condition: ReturnCondition }
  | { kind: 'choose'; sku: string }
  /** A returned unit: `sku` is what the desk knows of it; a GS1 scan is sent without it (its GTIN decides). */
  | { kind: 'unit'; scan: string; sku: string | null; serial: string; gs1: boolean }
  | { kind: 'refuse'; message: string; code?: string };

type DeskLine = Pick<OrderLine, 'sku' | 'needsSerialNumber'> & { gtin?: string | null };

/** Scans that start with # are the desk's commands; a serial never does here. */
export const COMMAND_PREFIX = '#';
export const COMMANDS: ReadonlyArray<{ code: string; what: string }> = [
  { code: '#RESTOCK', what: 'restock the last unit taken back' },
  { code: '#SCRAP', what: 'scrap the last unit taken back' },
  { code: '#DONE', what: 'finish this return, scan the next order' },
  ...returnConditions.map((c) => ({ code: `#${c.toUpperCase()}`, what: `the next units are ${c}` })),
];

export function readDeskScan(input: {
  raw: string;
  lines: ReadonlyArray<DeskLine>;
  chosenSku: string | null;
  fnc1Substitute?: string | null;
  referenceYear?: number;
}): DeskScan {
  const data = input.raw.trim();
  if (!data) return { kind: 'refuse', message: 'scan: empty; scan the serial number of the returned unit' };
  if (data.startsWith(COMMAND_PREFIX)) {
    const word = data.slice(COMMAND_PREFIX.length).trim().toLowerCase();
    if (word === 'restock' || word === 'scrap' || word === 'done') return { kind: 'command', command: word };
    const condition = returnConditions.find((c) => c === word);
    if (condition) return { kind: 'condition', condition };
    return { kind: 'refuse', message: `scan: ${data} is not a command here (${COMMANDS.map((c) => c.code).join(', ')})` };
  }
  const bySku = input.lines.find((l) => l.sku === data);
  if (bySku) return { kind: 'choose', sku: bySku.sku };
  const substitute = input.fnc1Substitute ?? undefined;
  if (isGs1Scan(data, substitute)) {
    let parsed;
    try {
      parsed = parseScan(data, { fnc1Substitute: substitute, referenceYear: input.referenceYear ?? new Date().getFullYear() });
    } catch (error) {
      const rule = (error as { details?: { rule?: unknown } }).details?.rule;
      return {
        kind: 'refuse',
        code: 'SCAN_INVALID',
        message: `${(error as Error).message}${typeof rule === 'string' ? ` (${rule})` : ''}`,
      };
    }
    const line = parsed.gtin ? input.lines.find((l) => l.gtin === parsed.gtin) : undefined;
    if (!parsed.serial) {
      if (line) return { kind: 'choose', sku: line.sku };
      return {
        kind: 'refuse',
        message: parsed.gtin
          ? `scan: GTIN ${parsed.gtin} is on no line of this order; scan the returned unit's serial number`
          : 'scan: this GS1 barcode carries no serial number (21)',
      };
    }
    // The server picks the SKU by the GTIN; the chosen SKU is not sent with a GS1 scan.
    return { kind: 'unit', scan: data, sku: line?.sku ?? null, serial: parsed.serial, gs1: true };
  }
  const byBarcode = input.lines.find((l) => l.gtin && isProductBarcode(data, l.gtin));
  if (byBarcode) return { kind: 'choose', sku: byBarcode.sku };
  return { kind: 'unit', scan: data, sku: input.chosenSku, serial: data, gs1: false };
}

/** The item of this return that already holds this unit (a second scan of it), if any. */
export function alreadyScanned(items: ReadonlyArray<Pick<ReturnItem, 'index' | 'sku' | 'serial'>>, scan: { sku: string | null; serial: string }) {
  return items.find((i) => i.serial === scan.serial && (scan.sku === null || i.sku === scan.sku)) ?? null;
}

export type VerdictTone = 'ok' | 'bad';

/** The verdict as the desk shows it: one big word (or two), green for a match, red for a unit held. */
export function verdictView(verdict: ReturnVerdict): { word: string; tone: VerdictTone } {
  switch (verdict) {
    case 'match':
      return { word: 'MATCH', tone: 'ok' };
    case 'wrong_serial':
      return { word: 'WRONG SERIAL', tone: 'bad' };
    case 'shipped_to_other_customer':
      return { word: 'OTHER CUSTOMER', tone: 'bad' };
    case 'shipped_in_other_order':
      return { word: 'OTHER ORDER', tone: 'bad' };
    case 'unknown_serial':
      return { word: 'UNKNOWN SERIAL', tone: 'bad' };
    case 'already_returned':
      return { word: 'ALREADY RETURNED', tone: 'bad' };
    case 'not_on_order':
      return { word: 'NOT ON ORDER', tone: 'bad' };
    default: {
      const unhandled: never = verdict;
      return unhandled;
    }
  }
}

/** The last unit of the return taken back and still to be restocked or scrapped (what #RESTOCK acts on). */
export function lastPending(items: ReadonlyArray<Pick<ReturnItem, 'index' | 'disposition'>>): number | null {
  for (let i = items.length - 1; i >= 0; i -= 1) if (items[i].disposition === 'pending') return items[i].index;
  return null;
}
