/**
 * Serial ranges as people mean them: `SN0998`..`SN1002` is every serial of the form `SN<number>`
 * with 998 <= number <= 1002, whatever the width it is written in. See docs/recalls.md.
 *
 * The rule, precisely:
 * - A serial's *numeric part* is the run of ASCII digits it ends with; the text before it is its
 *   *prefix*. `SN-2024-00042` has prefix `SN-2024-` and number 42. A serial that does not end in a
 *   digit (`SN100A`, `ABC`) has no numeric part: it is never inside a range (list it to select it).
 * - The number is read as a whole number: leading zeros and the width do not count. `SN0999`,
 *   `SN999` and `SN00999` all have number 999, and SN999 < SN1000.
 * - A serial is in the range `from`..`to` when its prefix is exactly the ends' prefix (byte for
 *   byte, case-sensitive, like every serial) and its number lies between theirs, both ends included.
 * - Both ends must end in a digit, share one prefix, and `from` must not be greater than `to`.
 *
 * The database holds the same rule as serial_range_key() (migration 0010): a text whose byte order
 * is this order. rangeKey() below is its twin, and a test checks that the two agree.
 */
import { DomainError } from './errors.ts';
import { checkSerial } from './serial.ts';

export type SerialRange = { from: string; to: string };

export type SerialNumberParts = {
  prefix: string;
  /** The digits as written, leading zeros included. */
  digits: string;
  /** The digits without leading zeros ('' for zero): compare by length, then as text. */
  number: string;
};

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The prefix and numeric part of a serial; null when it does not end in a digit. */
export function serialNumberParts(serial: string): SerialNumberParts | null {
  let start = serial.length;
  while (start > 0 && isDigit(serial.charCodeAt(start - 1))) start -= 1;
  if (start === serial.length) return null;
  const digits = serial.slice(start);
  let zeros = 0;
  while (zeros < digits.length && digits[zeros] === '0') zeros += 1;
  return { prefix: serial.slice(0, start), digits, number: digits.slice(zeros) };
}

/** a < b: -1, equal: 0, a > b: 1, for two numbers in the form of SerialNumberParts.number. */
function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How two serials compare by their numeric part: negative, zero or positive; null when they cannot
 * be compared (a different prefix, or one has no numeric part).
 */
export function compareSerialNumbers(a: string, b: string): number | null {
  const pa = serialNumberParts(a);
  const pb = serialNumberParts(b);
  if (!pa || !pb || pa.prefix !== pb.prefix) return null;
  return compareNumbers(pa.number, pb.number);
}

/** Whether `serial` is inside `range` (whose ends are valid: see checkSerialRange). */
export function inSerialRange(serial: string, range: SerialRange): boolean {
  const low = compareSerialNumbers(serial, range.from);
  const high = compareSerialNumbers(serial, range.to);
  return low !== null && high !== null && low >= 0 && high <= 0;
}

/**
 * The sortable key of serial_range_key() in the database: prefix, U+0001, one character for the
 * number's digit count ('0' + count), then the number. Null when the serial has no numeric part.
 */
export function rangeKey(serial: string): string | null {
  const parts = serialNumberParts(serial);
  if (!parts) return null;
  return `${parts.prefix}\u0001${String.fromCharCode(48 + parts.number.length)}${parts.number}`;
}

/**
 * A range as given by a client, checked: each end a valid serial (trimmed) ending in a digit, one
 * prefix, from <= to. Throws VALIDATION_FAILED naming `field` (ranges[2].to ...).
 */
export function checkSerialRange(raw: { from: string; to: string }, field: string): SerialRange {
  const ends: Record<'from' | 'to', string> = { from: '', to: '' };
  for (const end of ['from', 'to'] as const) {
    const name = `${field}.${end}`;
    const check = checkSerial(raw[end], name);
    if (!check.ok) throw new DomainError('VALIDATION_FAILED', check.message, { field: name });
    if (!serialNumberParts(check.serial)) {
      throw new DomainError('VALIDATION_FAILED', `${name}: ${JSON.stringify(check.serial)} does not end in a digit; a range runs over the number a serial ends with, e.g. SN0001`, {
        field: name,
      });
    }
    ends[end] = check.serial;
  }
  const from = serialNumberParts(ends.from)!;
  const to = serialNumberParts(ends.to)!;
  if (from.prefix !== to.prefix) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${field}: the two ends have different prefixes (${JSON.stringify(from.prefix)} and ${JSON.stringify(to.prefix)}); a range keeps its prefix, e.g. SN0998 to SN1002`,
      { field },
    );
  }
  if (compareNumbers(from.number, to.number) > 0) {
    throw new DomainError('VALIDATION_FAILED', `${field}: reversed range: the end ${ends.to} comes before the start ${ends.from}`, { field });
  }
  return { from: ends.from, to: ends.to };
}
