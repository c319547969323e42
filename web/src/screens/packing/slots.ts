import type { OrderLine } from '../../api/types.ts';
import { checkSerial, isProductBarcode, looksLikeGs1, parseScan } from '../../domain.ts';

/**
 * The packing station's model of an order: every serialized unit is a slot, and each scan either
 * chooses the line the next serials belong to (a SKU or GTIN), or fills the next empty slot of the
 * target line. Pure, so the rules are tested without a browser; the server judges every capture
 * again and has the last word.
 */

export type PackLine = Pick<OrderLine, 'sku' | 'name' | 'quantity' | 'needsSerialNumber' | 'serials'> & {
  gtin?: string | null;
};

export type Slot = { sku: string; index: number; serial: string | null };

export const openCount = (line: PackLine): number =>
  line.needsSerialNumber ? Math.max(0, line.quantity - line.serials.length) : 0;

export const isLineOpen = (line: PackLine): boolean => openCount(line) > 0;

/** One slot per unit of a serialized line, filled in capture order; none for other lines. */
export function lineSlots(line: PackLine): Slot[] {
  if (!line.needsSerialNumber) return [];
  const count = Math.max(line.quantity, line.serials.length);
  return Array.from({ length: count }, (_, index) => ({ sku: line.sku, index, serial: line.serials[index] ?? null }));
}

export const openLines = (lines: ReadonlyArray<PackLine>): PackLine[] => lines.filter(isLineOpen);

export type Progress = { filled: number; total: number; complete: boolean };

export function packingProgress(lines: ReadonlyArray<PackLine>): Progress {
  let filled = 0;
  let total = 0;
  for (const line of lines) {
    if (!line.needsSerialNumber) continue;
    total += line.quantity;
    filled += Math.min(line.serials.length, line.quantity);
  }
  return { filled, total, complete: filled >= total };
}

/**
 * The line a scanned code names: its SKU exactly, then its SKU ignoring case (when that is
 * unambiguous), then its GTIN in any of its printed forms (EAN-13, UPC-A, UPC-E, GTIN-14, (01)...).
 */
export function lineForCode(lines: ReadonlyArray<PackLine>, code: string): PackLine | null {
  const exact = lines.find((line) => line.sku === code);
  if (exact) return exact;
  const folded = lines.filter((line) => line.sku.toLowerCase() === code.toLowerCase());
  if (folded.length === 1) return folded[0];
  return lines.find((line) => line.gtin && isProductBarcode(code, line.gtin)) ?? null;
}

/**
 * Where the next serial goes: the chosen line while it has empty slots, else the only line that
 * still has empty slots; null when none or several are open (then a SKU or GTIN scan must choose).
 */
export function targetLine(lines: ReadonlyArray<PackLine>, activeSku: string | null): PackLine | null {
  const active = activeSku === null ? undefined : lines.find((line) => line.sku === activeSku);
  if (active && isLineOpen(active)) return active;
  const open = openLines(lines);
  return open.length === 1 ? open[0] : null;
}

/** The empty slot the next serial fills, or null. */
export function nextSlot(lines: ReadonlyArray<PackLine>, activeSku: string | null): Slot | null {
  const line = targetLine(lines, activeSku);
  return line ? { sku: line.sku, index: line.serials.length, serial: null } : null;
}

export type ScanDecision =
  /** The scan named a line: later serials go to it. */
  | { kind: 'select'; sku: string }
  /** Send this serial for this line; it fills slot `index`. */
  | { kind: 'capture'; sku: string; serial: string; index: number }
  /** Nothing to send; tell the packer why. */
  | { kind: 'refuse'; message: string };

function full(line: PackLine): string {
  return `${line.sku} already has all ${line.quantity} serial number${line.quantity === 1 ? '' : 's'}; remove one before scanning another`;
}

function chooseLine(line: PackLine): ScanDecision {
  if (!line.needsSerialNumber) return { kind: 'refuse', message: `${line.sku} does not need serial numbers` };
  if (!isLineOpen(line)) return { kind: 'refuse', message: full(line) };
  return { kind: 'select', sku: line.sku };
}

function captureInto(line: PackLine, rawSerial: string): ScanDecision {
  if (!line.needsSerialNumber) return { kind: 'refuse', message: `${line.sku} does not need serial numbers` };
  if (!isLineOpen(line)) return { kind: 'refuse', message: full(line) };
  const check = checkSerial(rawSerial);
  if (!check.ok) return { kind: 'refuse', message: check.message };
  return { kind: 'capture', sku: line.sku, serial: check.serial, index: line.serials.length };
}

/**
 * What one scan (or typed entry) means at this order. A code that names a line (SKU or GTIN)
 * chooses it; a GS1 barcode with a GTIN and a serial (AI 21) captures into that GTIN's line; any
 * other text is a serial for the target line.
 */
export function decideScan(lines: ReadonlyArray<PackLine>, activeSku: string | null, raw: string): ScanDecision {
  const code = raw.trim();
  if (code === '') return { kind: 'refuse', message: 'scan or type a serial number (or a SKU or GTIN to choose a line)' };

  if (looksLikeGs1(code)) {
    let parsed: ReturnType<typeof parseScan>;
    try {
      parsed = parseScan(code, { referenceYear: new Date().getUTCFullYear() });
    } catch (error) {
      return { kind: 'refuse', message: `not a valid GS1 barcode: ${(error as Error).message}` };
    }
    if (parsed.gtin) {
      const line = lineForCode(lines, parsed.gtin);
      if (!line) return { kind: 'refuse', message: `GTIN ${parsed.gtin} is not on this order` };
      return parsed.serial === undefined ? chooseLine(line) : captureInto(line, parsed.serial);
    }
    if (parsed.serial !== undefined) return serialForTarget(lines, activeSku, parsed.serial);
  }

  const named = lineForCode(lines, code);
  if (named) return chooseLine(named);
  return serialForTarget(lines, activeSku, code);
}

function serialForTarget(lines: ReadonlyArray<PackLine>, activeSku: string | null, serial: string): ScanDecision {
  const check = checkSerial(serial);
  if (!check.ok) return { kind: 'refuse', message: check.message };
  const line = targetLine(lines, activeSku);
  if (line) return { kind: 'capture', sku: line.sku, serial: check.serial, index: line.serials.length };
  const open = openLines(lines);
  if (open.length === 0) {
    return lines.some((l) => l.needsSerialNumber)
      ? { kind: 'refuse', message: 'every serial number is captured: ship the order, or remove a serial to replace it' }
      : { kind: 'refuse', message: 'nothing on this order needs a serial number: ship it' };
  }
  return {
    kind: 'refuse',
    message: `scan the SKU or GTIN of the product first: ${open.length} lines need serials (${open.map((l) => l.sku).join(', ')})`,
  };
}

/** The lines after the server accepted a capture. */
export function withCapture<L extends PackLine>(lines: ReadonlyArray<L>, sku: string, serial: string): L[] {
  return lines.map((line) => (line.sku === sku ? { ...line, serials: [...line.serials, serial] } : line));
}

/** The lines after the server removed a capture (the latest one of that serial on that line). */
export function withoutCapture<L extends PackLine>(lines: ReadonlyArray<L>, sku: string, serial: string): L[] {
  return lines.map((line) => {
    if (line.sku !== sku) return line;
    const at = line.serials.lastIndexOf(serial);
    return at === -1 ? line : { ...line, serials: [...line.serials.slice(0, at), ...line.serials.slice(at + 1)] };
  });
}
