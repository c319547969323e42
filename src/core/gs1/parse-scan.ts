/**
 * parseScan: one barcode scan (GS1 element string with or without AIM symbology identifier,
 * human-readable '(01)...' text, or a GS1 Digital Link URI) into validated AIs and values.
 * Pure: no clock. The two-digit-year century rule needs the current year, which callers pass as
 * options.referenceYear (DEFAULT_REFERENCE_YEAR otherwise).
 */
import { lookupAi } from './ai-table.ts';
import { buildDigitalLink, hasDigitalLinkKey, parseDigitalLink, schemeLength } from './digital-link.ts';
import { parseElementString, parseHumanReadable } from './element-string.ts';
import { centuryYear, daysInMonth } from './linters.ts';
import { scanError } from './scan-error.ts';
import { checkPairing, validateValue, type RawElement } from './validate.ts';

export type Gs1Element = { ai: string; value: string; title: string };

export type ParsedScan = {
  elements: Gs1Element[];
  /** AI 01 (GTIN-14). */
  gtin?: string;
  /** AI 21. */
  serial?: string;
  /** AI 10. */
  lot?: string;
  /** AI 17 as 'YYYY-MM-DD' (DD=00 becomes the last day of the month), century by GS1's rule. */
  expiry?: string;
  /** Canonical https://id.gs1.org/... URI built from the elements, or '' without a DL primary key. */
  digitalLink: string;
  source: 'element-string' | 'human-readable' | 'digital-link';
};

export type ParseOptions = {
  /** A separator accepted besides ASCII GS (\x1D), e.g. '^' or '<GS>', for scanners that remap FNC1. */
  fnc1Substitute?: string;
  /** The current year, for GS1's two-digit-year century rule (dates within -49/+50 years of it). */
  referenceYear?: number;
};

/** Used when options.referenceYear is not given; callers that know the date should pass it. */
export const DEFAULT_REFERENCE_YEAR = 2026;

/** Longer input is refused before parsing (the largest QR Code holds 7,089 digits). */
export const MAX_SCAN_LENGTH = 8192;

/** AIM symbology identifiers whose data is a GS1 element string (FNC1 in first position). */
const GS1_SYMBOLOGIES = new Set(['C1', 'e0', 'e1', 'e2', 'd2', 'Q3', 'J1']);
/** Symbologies that carry a bare GTIN: EAN-13/UPC-A, EAN-8, ITF-14. Value: number of digits. */
const GTIN_SYMBOLOGIES: ReadonlyMap<string, number> = new Map([
  ['E0', 13],
  ['E4', 8],
  ['I1', 14],
]);

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Parses one scan. Throws DomainError('SCAN_INVALID', message, { position, rule, ai? }) for any
 * input that is not valid GS1 data; never throws anything else for a string (a RangeError only
 * for an options.referenceYear that is not a four-digit year).
 */
export function parseScan(data: string, options?: ParseOptions): ParsedScan {
  if (typeof data !== 'string') throw scanError('expected the scan as a string', 0, 'syntax');
  const referenceYear = options?.referenceYear ?? DEFAULT_REFERENCE_YEAR;
  if (!Number.isInteger(referenceYear) || referenceYear < 1000 || referenceYear > 9999) {
    // A programming error in the caller, not bad scan data.
    throw new RangeError(`parseScan options.referenceYear: expected a four-digit year, got ${referenceYear}`);
  }
  const sub = options?.fnc1Substitute ? options.fnc1Substitute : undefined;
  if (data.length > MAX_SCAN_LENGTH) {
    throw scanError(`scan has ${data.length} characters, at most ${MAX_SCAN_LENGTH} allowed`, MAX_SCAN_LENGTH, 'length');
  }
  let from = 0;
  let to = data.length;
  while (from < to && isSpace(data.charCodeAt(from))) from += 1; // scanners may add CR/LF
  while (to > from && isSpace(data.charCodeAt(to - 1))) to -= 1;
  if (from === to) throw scanError('scan is empty', 0, 'syntax');

  let raw: RawElement[];
  let source: ParsedScan['source'];
  let symbology = '';
  if (data.charCodeAt(from) === 93) {
    // ']' + symbology character + modifier, e.g. ]d2, ]C1, ]Q3, ]e0
    if (to - from < 3 || !isLetter(data.charCodeAt(from + 1)) || !isAlnum(data.charCodeAt(from + 2))) {
      throw scanError('incomplete symbology identifier (expected ] + letter + modifier, e.g. ]d2)', from, 'syntax');
    }
    symbology = data.slice(from + 1, from + 3);
    from += 3;
    if (from === to) throw scanError(`no data after symbology identifier ]${symbology}`, from, 'syntax');
  }

  if (schemeLength(data, from, to) > 0) {
    raw = parseDigitalLink(data, from, to, referenceYear);
    source = 'digital-link';
  } else if (symbology === '') {
    if (data.charCodeAt(from) === 40) {
      raw = parseHumanReadable(data, from, to, referenceYear);
      source = 'human-readable';
    } else {
      raw = parseElementString(data, from, to, sub, referenceYear);
      source = 'element-string';
    }
  } else if (GS1_SYMBOLOGIES.has(symbology)) {
    raw = parseElementString(data, from, to, sub, referenceYear);
    source = 'element-string';
  } else if (GTIN_SYMBOLOGIES.has(symbology)) {
    raw = parseBareGtin(data, from, to, symbology, referenceYear);
    source = 'element-string';
  } else {
    throw scanError(`symbology ]${symbology} does not carry GS1 data`, from - 3, 'syntax');
  }

  checkPairing(raw);

  const elements: Gs1Element[] = new Array(raw.length);
  const result: ParsedScan = { elements, digitalLink: '', source };
  for (let i = 0; i < raw.length; i += 1) {
    const { def, value } = raw[i];
    elements[i] = { ai: def.ai, value, title: def.title };
    switch (def.ai) {
      case '01':
        result.gtin = value;
        break;
      case '21':
        result.serial = value;
        break;
      case '10':
        result.lot = value;
        break;
      case '17':
        result.expiry = isoDate(value, referenceYear);
        break;
    }
  }
  result.digitalLink = buildDigitalLink(elements);
  return result;
}

/** EAN-13 / UPC-A (]E0), EAN-8 (]E4), ITF-14 (]I1): the data is the GTIN itself, no AI. */
function parseBareGtin(data: string, from: number, to: number, symbology: string, referenceYear: number): RawElement[] {
  const digits = GTIN_SYMBOLOGIES.get(symbology) ?? 14;
  const n = to - from;
  if (n !== digits) {
    throw scanError(`symbology ]${symbology} carries a ${digits}-digit GTIN, got ${n} characters`, from, 'length', '01');
  }
  const def = lookupAi('01');
  if (def === undefined) throw scanError('AI (01) is missing from the AI table', from, 'unknown-ai');
  const pad = 14 - digits;
  const offsets: number[] = [];
  for (let i = 0; i < 14; i += 1) offsets.push(i < pad ? from : from + i - pad);
  const value = '0'.repeat(pad) + data.slice(from, to);
  validateValue(def, value, from, offsets, referenceYear);
  return [{ def, value, aiPos: from }];
}

/** YYMMDD (DD may be 00 = end of month) as 'YYYY-MM-DD'. The value is already validated. */
function isoDate(yymmdd: string, referenceYear: number): string {
  const year = centuryYear(Number(yymmdd.slice(0, 2)), referenceYear);
  const month = yymmdd.slice(2, 4);
  let day = yymmdd.slice(4, 6);
  if (day === '00') day = String(daysInMonth(year, Number(month)));
  return `${year}-${month}-${day}`;
}

/**
 * Cheap test for the packing station: does this scan look like GS1 data rather than a plain serial?
 * True for a GS1 symbology identifier (]C1, ]d2, ]Q3, ]e0, ]J1, ]E0, ]E4, ]I1), a leading FNC1 (GS),
 * a leading bracketed known AI '(01)', or an http(s) URI whose path holds a GS1 primary key and a
 * value. Does not validate: parseScan does.
 */
export function looksLikeGs1(data: string): boolean {
  if (typeof data !== 'string') return false;
  let from = 0;
  const to = data.length;
  while (from < to && isSpace(data.charCodeAt(from))) from += 1;
  if (from >= to) return false;
  const c = data.charCodeAt(from);
  if (c === 29) return true;
  if (c === 93) {
    if (to - from < 4) return false;
    const id = data.slice(from + 1, from + 3);
    if (GS1_SYMBOLOGIES.has(id) || GTIN_SYMBOLOGIES.has(id)) return true;
    from += 3;
  }
  if (data.charCodeAt(from) === 40) {
    let j = from + 1;
    while (j < to && j - from <= 5 && data.charCodeAt(j) >= 48 && data.charCodeAt(j) <= 57) j += 1;
    return j - from >= 3 && j - from <= 5 && data.charCodeAt(j) === 41 && lookupAi(data.slice(from + 1, j)) !== undefined;
  }
  return schemeLength(data, from, to) > 0 && hasDigitalLinkKey(data, from, to);
}
