/**
 * Serial lists as people paste or type them: single serials, ranges `SN0001-SN0050`, runs
 * `SN0010+3` (start and count), separated by commas, semicolons, newlines, tabs or spaces.
 * A serial in double quotes is taken as it is. See docs/serial-formats.md.
 */
import { DomainError } from '../errors.ts';
import type { SerialRange } from '../serial-range.ts';
// quote comes from its own file: the web app parses lists in the browser without the format compiler.
import type { CompiledSerialFormat } from './compile.ts';
import { quote } from './quote.ts';
import { MAX_SERIAL_LENGTH } from './spec.ts';

/** Most serials one list may expand to (and so the largest single range). */
export const MAX_SERIAL_LIST_SIZE = 100_000;

export type ParseSerialListOptions = {
  /** Lower the limit on how many serials the list may expand to. */
  maxItems?: number;
  /** When given, an item that matches this format is one serial even if it looks like a range. */
  format?: CompiledSerialFormat;
};

type Item = { text: string; quoted: boolean; line: number; column: number; hardBefore: boolean };

const HARD = new Set([',', ';', '\n', '\r']);
const MAX_ITEM_LENGTH = 2 * MAX_SERIAL_LENGTH + 1;

function itemError(item: Item, reason: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('VALIDATION_FAILED', `serials: ${quote(item.text)} at line ${item.line}, column ${item.column}: ${reason}`, {
    field: 'serials',
    item: item.text,
    line: item.line,
    column: item.column,
    ...details,
  });
}

function tokenize(text: string): Item[] {
  const items: Item[] = [];
  let line = 1;
  let lineStart = 0;
  let hard = true;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line += 1;
      lineStart = i + 1;
      hard = true;
      i += 1;
    } else if (HARD.has(ch)) {
      hard = true;
      i += 1;
    } else if (/\s/.test(ch)) {
      i += 1;
    } else {
      const start = { line, column: i - lineStart + 1, hardBefore: hard };
      hard = false;
      if (ch === '"') {
        const close = text.indexOf('"', i + 1);
        const inside = close < 0 ? '' : text.slice(i + 1, close);
        if (close < 0 || /[\r\n]/.test(inside)) {
          throw itemError({ text: text.slice(i, i + 25), quoted: true, ...start }, 'the quote is not closed on this line');
        }
        items.push({ text: inside, quoted: true, ...start });
        i = close + 1;
      } else {
        let j = i;
        while (j < text.length && !HARD.has(text[j]) && !/\s/.test(text[j])) j += 1;
        items.push({ text: text.slice(i, j), quoted: false, ...start });
        i = j;
      }
    }
  }
  // Join what spaces split around a range sign: "SN1 - SN5", "10 +3".
  const joined: Item[] = [];
  for (const item of items) {
    const prev = joined[joined.length - 1];
    if (
      prev &&
      !item.hardBefore &&
      !prev.quoted &&
      !item.quoted &&
      (/[-+]$/.test(prev.text) || /^[-+]/.test(item.text))
    ) {
      prev.text += item.text;
    } else {
      joined.push({ ...item });
    }
  }
  return joined;
}

function trailingDigits(text: string): { prefix: string; digits: string } {
  let i = text.length;
  while (i > 0 && text.charCodeAt(i - 1) >= 48 && text.charCodeAt(i - 1) <= 57) i -= 1;
  return { prefix: text.slice(0, i), digits: text.slice(i) };
}

const leadingZero = (digits: string): boolean => digits.length > 1 && digits[0] === '0';

/** null when the two digit runs can be the ends of one range, else why not. */
function widthProblem(a: string, b: string): string | null {
  if (a.length === b.length || (!leadingZero(a) && !leadingZero(b))) return null;
  return `the two ends have different widths (${a.length} and ${b.length} digits); a zero-padded range keeps its width, e.g. SN0001-SN0050`;
}

type Run = { prefix: string; first: bigint; count: bigint; width: number };

/** Reads an item as a range or run; null when it is a single serial. */
function readRun(item: Item): Run | null {
  const text = item.text;
  const plus = text.lastIndexOf('+');
  if (plus > 0) {
    const left = trailingDigits(text.slice(0, plus));
    const right = text.slice(plus + 1);
    if (left.digits !== '' && /^\d*$/.test(right)) {
      if (right === '') throw itemError(item, 'expected a count after "+", e.g. SN0010+3 for SN0010, SN0011, SN0012');
      const count = BigInt(right);
      if (count < 1n) throw itemError(item, 'the count after "+" must be at least 1');
      const first = BigInt(left.digits);
      const width = leadingZero(left.digits) ? left.digits.length : 0;
      if (width > 0 && String(first + count - 1n).length > width) {
        throw itemError(item, `the run goes past ${width} digits (ends at ${first + count - 1n})`);
      }
      return { prefix: left.prefix, first, count, width };
    }
  }

  const splits: { prefix: string; a: string; b: string }[] = [];
  let hyphens = 0;
  let lone: { l: { prefix: string; digits: string }; r: { prefix: string; digits: string } } | null = null;
  for (let i = text.indexOf('-'); i >= 0; i = text.indexOf('-', i + 1)) {
    hyphens += 1;
    const l = trailingDigits(text.slice(0, i));
    const r = trailingDigits(text.slice(i + 1));
    if (l.digits === '' || r.digits === '') continue;
    lone = { l, r };
    if (l.prefix === r.prefix && widthProblem(l.digits, r.digits) === null) splits.push({ prefix: l.prefix, a: l.digits, b: r.digits });
  }
  if (splits.length > 1) {
    throw itemError(item, 'reads as a range in more than one way; if it is one serial, put it in double quotes');
  }
  if (splits.length === 0) {
    if (hyphens !== 1 || lone === null) return null;
    const { l, r } = lone;
    const hint = '; if it is one serial, put it in double quotes';
    if (l.prefix !== r.prefix) {
      throw itemError(item, `the two ends have different prefixes (${quote(l.prefix)} and ${quote(r.prefix)}); a range keeps its prefix, e.g. SN0001-SN0050${hint}`);
    }
    throw itemError(item, `${widthProblem(l.digits, r.digits)}${hint}`);
  }
  const { prefix, a, b } = splits[0];
  const first = BigInt(a);
  const end = BigInt(b);
  if (end < first) throw itemError(item, `reversed range: the end ${prefix}${b} comes before the start ${prefix}${a}`);
  return { prefix, first, count: end - first + 1n, width: a.length === b.length ? a.length : 0 };
}

/**
 * Expands a pasted or typed list into serials, in order. Throws VALIDATION_FAILED naming the item,
 * its line and column: reversed ranges, ends with different prefixes or widths, more than
 * `maxItems` serials (100,000), an item too long to be a serial, a serial listed twice.
 */
export function parseSerialList(text: string, options?: ParseSerialListOptions): string[] {
  const maxItems = Math.min(options?.maxItems ?? MAX_SERIAL_LIST_SIZE, MAX_SERIAL_LIST_SIZE);
  const out: string[] = [];
  const firstSeen = new Map<string, Item>();
  const add = (serial: string, item: Item): void => {
    const earlier = firstSeen.get(serial);
    if (earlier) {
      const where = `line ${earlier.line}, column ${earlier.column}`;
      const reason =
        earlier.text === serial && item.text === serial
          ? `listed twice (first at ${where})`
          : `${quote(serial)} is already listed by ${quote(earlier.text)} at ${where}`;
      throw itemError(item, reason, { serial });
    }
    firstSeen.set(serial, item);
    out.push(serial);
  };

  for (const item of tokenize(text)) {
    if (item.text.length > MAX_ITEM_LENGTH) {
      throw itemError(item, `is ${item.text.length} characters long; a serial has at most ${MAX_SERIAL_LENGTH}`);
    }
    if (item.quoted) {
      if (item.text === '') throw itemError(item, 'the quotes are empty');
      add(item.text, item);
      continue;
    }
    const run = options?.format?.test(item.text).ok ? null : readRun(item);
    if (!run) {
      add(item.text, item);
      continue;
    }
    if (BigInt(out.length) + run.count > BigInt(maxItems)) {
      throw itemError(item, `expands to ${run.count} serials, and a list may hold at most ${maxItems}; split it`, { limit: maxItems });
    }
    const n = Number(run.count);
    for (let k = 0; k < n; k += 1) add(run.prefix + String(run.first + BigInt(k)).padStart(run.width, '0'), item);
  }
  if (out.length > maxItems) {
    throw new DomainError('VALIDATION_FAILED', `serials: the list holds ${out.length} serials; at most ${maxItems} are allowed`, {
      field: 'serials',
      limit: maxItems,
    });
  }
  return out;
}

/** Most ranges one selection may hold. */
export const MAX_SELECTION_RANGES = 1000;

export type SerialSelection = { serials: string[]; ranges: SerialRange[] };

/**
 * Reads a pasted or typed list like parseSerialList (the same items, ranges, runs, quotes and
 * refusals), without expanding it: a range or run stays one range (`SN0001-SN0050` becomes
 * {from: 'SN0001', to: 'SN0050'}), to be matched by the numeric rule of core/serial-range.ts, so a
 * range may cover any number of serials. A serial listed twice is kept once. At most
 * MAX_SERIAL_LIST_SIZE single serials and MAX_SELECTION_RANGES ranges.
 */
export function parseSerialSelection(text: string, options?: Omit<ParseSerialListOptions, 'maxItems'>): SerialSelection {
  const serials = new Set<string>();
  const ranges: SerialRange[] = [];
  for (const item of tokenize(text)) {
    if (item.text.length > MAX_ITEM_LENGTH) {
      throw itemError(item, `is ${item.text.length} characters long; a serial has at most ${MAX_SERIAL_LENGTH}`);
    }
    if (item.quoted && item.text === '') throw itemError(item, 'the quotes are empty');
    const run = item.quoted || options?.format?.test(item.text).ok ? null : readRun(item);
    if (!run) {
      serials.add(item.text);
      if (serials.size > MAX_SERIAL_LIST_SIZE) {
        throw itemError(item, `the list holds more than ${MAX_SERIAL_LIST_SIZE} single serials; use ranges or split it`, {
          limit: MAX_SERIAL_LIST_SIZE,
        });
      }
      continue;
    }
    if (ranges.length >= MAX_SELECTION_RANGES) {
      throw itemError(item, `the list holds more than ${MAX_SELECTION_RANGES} ranges; split it`, { limit: MAX_SELECTION_RANGES });
    }
    const end = (value: bigint) => run.prefix + String(value).padStart(run.width, '0');
    ranges.push({ from: end(run.first), to: end(run.first + run.count - 1n) });
  }
  return { serials: [...serials], ranges };
}
