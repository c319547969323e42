import type { OrderLine } from '../../api/types.ts';
import { checkSerial, isGs1Scan, isProductBarcode, parseScan, parseSerialList } from '../../domain.ts';

/**
 * The packing station's model of an order: every serialized unit is a slot, and each scan either
 * chooses the line the next serials belong to (a SKU or GTIN), or fills the next empty slot of the
 * target line. Pure, so the rules are tested without a browser; the server judges every capture
 * again and has the last word.
 */

/** What a slot shows of a capture besides its serial: the lot (AI 10) and expiry (AI 17) of a GS1 scan. */
export type SlotCapture = { serial: string; lot?: string | null; expiry?: string | null };

export type PackLine = Pick<OrderLine, 'sku' | 'name' | 'quantity' | 'needsSerialNumber' | 'serials'> & {
  gtin?: string | null;
  /** The captures behind `serials`, in the same order (the order screen's `captures`). */
  captures?: ReadonlyArray<SlotCapture>;
};

export type Slot = { sku: string; index: number; serial: string | null; lot: string | null; expiry: string | null };

export const openCount = (line: PackLine): number =>
  line.needsSerialNumber ? Math.max(0, line.quantity - line.serials.length) : 0;

export const isLineOpen = (line: PackLine): boolean => openCount(line) > 0;

/** One slot per unit of a serialized line, filled in capture order; none for other lines. */
export function lineSlots(line: PackLine): Slot[] {
  if (!line.needsSerialNumber) return [];
  const count = Math.max(line.quantity, line.serials.length);
  return Array.from({ length: count }, (_, index) => {
    const serial = line.serials[index] ?? null;
    const capture = line.captures?.[index];
    // captures and serials run in step; a capture that does not name this serial is not shown
    const known = serial !== null && capture?.serial === serial ? capture : undefined;
    return { sku: line.sku, index, serial, lot: known?.lot ?? null, expiry: known?.expiry ?? null };
  });
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
  return line ? { sku: line.sku, index: line.serials.length, serial: null, lot: null, expiry: null } : null;
}

export type ScanDecision =
  /** The scan named a line: later serials go to it. */
  | { kind: 'select'; sku: string }
  /** Send this serial for this line; it fills slot `index`. */
  | { kind: 'capture'; sku: string; serial: string; index: number }
  /**
   * Send the scanned GS1 text as it is (POST .../scans) for this line, so the server keeps its lot
   * and expiry; `serial` is its AI 21, which fills slot `index`.
   */
  | { kind: 'scan'; sku: string; data: string; serial: string; index: number }
  /** A pasted or scanned list or range: send these serials as one batch for this line. */
  | { kind: 'list'; sku: string; serials: string[] }
  /** Every slot is full and the packer asked to ship (Enter on an empty box, or the ship action barcode). */
  | { kind: 'ship' }
  /** Nothing to send; tell the packer why (with the error code when the rule has one). */
  | { kind: 'refuse'; message: string; code?: string };

function full(line: PackLine): string {
  return `${line.sku} already has all ${line.quantity} serial number${line.quantity === 1 ? '' : 's'}; remove one before scanning another`;
}

function chooseLine(line: PackLine): ScanDecision {
  if (!line.needsSerialNumber) return { kind: 'refuse', message: `${line.sku} does not need serial numbers` };
  if (!isLineOpen(line)) return { kind: 'refuse', message: full(line) };
  return { kind: 'select', sku: line.sku };
}

function scanInto(line: PackLine, data: string, rawSerial: string): ScanDecision {
  if (!line.needsSerialNumber) return { kind: 'refuse', message: `${line.sku} does not need serial numbers` };
  if (!isLineOpen(line)) return { kind: 'refuse', message: full(line) };
  const check = checkSerial(rawSerial);
  if (!check.ok) return { kind: 'refuse', message: check.message };
  return { kind: 'scan', sku: line.sku, data, serial: check.serial, index: line.serials.length };
}

/** The line of a GS1 scan's GTIN: the chosen line when it carries that GTIN, else the first that does. */
function lineForGtin(lines: ReadonlyArray<PackLine>, activeSku: string | null, gtin: string): PackLine | null {
  const active = activeSku === null ? undefined : lines.find((line) => line.sku === activeSku);
  if (active?.gtin && isProductBarcode(gtin, active.gtin)) return active;
  return lines.find((line) => line.gtin && isProductBarcode(gtin, line.gtin)) ?? null;
}

/** A parser error's text, with the rule it broke (SCAN_INVALID details: position and rule). */
function parseFailure(error: unknown): ScanDecision {
  const { message, code, details } = error as { message: string; code?: unknown; details?: { rule?: unknown } };
  const rule = typeof details?.rule === 'string' ? ` (${details.rule})` : '';
  return {
    kind: 'refuse',
    message: `not a valid GS1 barcode: ${message}${rule}`,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** The text of the action barcode that ships a complete order at the station (print it as Code 128). */
export const SHIP_ACTION = 'UT:SHIP';

/**
 * The serials of an entry that is a list or a range (`SN1, SN2`, `SN0001-SN0050`, `10+3`), or null
 * when it is one serial. Only commas, semicolons, tabs and line breaks separate items here, never a
 * space alone (a serial may hold one); text the list parser refuses is taken as one serial.
 */
export function listedSerials(code: string): string[] | null {
  const hasSeparator = /[,;\t\r\n]/.test(code);
  if (!hasSeparator && /\s/.test(code.replace(/\s*([-+])\s*/g, '$1'))) return null;
  let serials: string[];
  try {
    serials = parseSerialList(code);
  } catch {
    return null;
  }
  return serials.length > 1 || (hasSeparator && serials.length === 1 && serials[0] !== code) ? serials : null;
}

/**
 * What one scan (or typed entry) means at this order. A code that names a line (SKU or GTIN)
 * chooses it; a GS1 barcode with a GTIN and a serial (AI 21) is sent whole for that GTIN's line
 * (the server keeps its lot and expiry); any other text is a serial for the target line.
 */
export function decideScan(
  lines: ReadonlyArray<PackLine>,
  activeSku: string | null,
  raw: string,
  fnc1Substitute: string | null = null,
): ScanDecision {
  const code = raw.trim();
  const complete = lines.some((l) => l.needsSerialNumber) ? packingProgress(lines).complete : true;
  if (code === '' || code.toUpperCase() === SHIP_ACTION) {
    if (complete) return { kind: 'ship' };
    if (code !== '') {
      const p = packingProgress(lines);
      return { kind: 'refuse', message: `not ready to ship: ${p.total - p.filled} serial number${p.total - p.filled === 1 ? '' : 's'} to go` };
    }
    return { kind: 'refuse', message: 'scan or type a serial number (or a SKU or GTIN to choose a line)' };
  }

  const substitute = fnc1Substitute ?? undefined;
  if (isGs1Scan(code, substitute)) {
    let parsed: ReturnType<typeof parseScan>;
    try {
      parsed = parseScan(code, { referenceYear: new Date().getUTCFullYear(), fnc1Substitute: substitute });
    } catch (error) {
      return parseFailure(error);
    }
    if (parsed.gtin) {
      const line = lineForGtin(lines, activeSku, parsed.gtin);
      if (!line) return { kind: 'refuse', message: `GTIN ${parsed.gtin} is not on this order` };
      return parsed.serial === undefined ? chooseLine(line) : scanInto(line, code, parsed.serial);
    }
    if (parsed.serial !== undefined) return serialForTarget(lines, activeSku, parsed.serial);
  }

  const named = lineForCode(lines, code);
  if (named) return chooseLine(named);
  const listed = listedSerials(code);
  if (listed) return listForTarget(lines, activeSku, listed);
  return serialForTarget(lines, activeSku, code);
}

function listForTarget(lines: ReadonlyArray<PackLine>, activeSku: string | null, serials: string[]): ScanDecision {
  const line = targetLine(lines, activeSku);
  if (!line) {
    const open = openLines(lines);
    return open.length === 0
      ? { kind: 'refuse', message: 'every serial number is captured: ship the order, or remove a serial to replace it' }
      : { kind: 'refuse', message: `choose the line for these ${serials.length} serials first: scan its SKU or GTIN` };
  }
  if (serials.length > openCount(line)) {
    return {
      kind: 'refuse',
      message: `${serials.length} serials listed, but ${line.sku} has only ${openCount(line)} empty slot${openCount(line) === 1 ? '' : 's'}: nothing was sent`,
    };
  }
  return { kind: 'list', sku: line.sku, serials };
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

type CaptureOf<L extends PackLine> = NonNullable<L['captures']>[number];

/** The lines after the server accepted a capture (kept in the line's captures too, when it has them). */
export function withCapture<L extends PackLine>(lines: ReadonlyArray<L>, sku: string, serial: string, capture?: CaptureOf<L>): L[] {
  return lines.map((line) => {
    if (line.sku !== sku) return line;
    const next = { ...line, serials: [...line.serials, serial] };
    if (line.captures && capture) next.captures = [...line.captures, capture];
    return next;
  });
}

/** The lines after the server removed a capture (the latest one of that serial on that line). */
export function withoutCapture<L extends PackLine>(lines: ReadonlyArray<L>, sku: string, serial: string): L[] {
  return lines.map((line) => {
    if (line.sku !== sku) return line;
    const at = line.serials.lastIndexOf(serial);
    if (at === -1) return line;
    const next = { ...line, serials: [...line.serials.slice(0, at), ...line.serials.slice(at + 1)] };
    if (line.captures) next.captures = [...line.captures.slice(0, at), ...line.captures.slice(at + 1)];
    return next;
  });
}
