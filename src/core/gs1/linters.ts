/**
 * Content checks for one component of an AI value, named as in GS1's syntax dictionary. Each one
 * looks at v[start, end) (the character set has already been checked) and returns null when the
 * component is fine, or what is wrong and where. No allocation on the good path where avoidable.
 */
import { gs1CheckDigit } from '../check-digits.ts';
import { countryAlpha2, countryNumeric, currencyNumeric } from './code-lists.ts';
import type { ScanRule } from './scan-error.ts';

export type LintIssue = { offset: number; rule: ScanRule; message: string };
export type Linter = (v: string, start: number, end: number, referenceYear: number) => LintIssue | null;

export type LinterName =
  | 'csum'
  | 'csumalpha'
  | 'gcppos1'
  | 'gcppos2'
  | 'yymmd0'
  | 'yymmdd'
  | 'yyyymmdd'
  | 'hhmi'
  | 'hh'
  | 'mi'
  | 'ss'
  | 'zero'
  | 'nonzero'
  | 'winding'
  | 'yesno'
  | 'iso5218'
  | 'hyphen'
  | 'pieceoftotal'
  | 'posinseqslash'
  | 'latitude'
  | 'longitude'
  | 'iso3166'
  | 'iso3166999'
  | 'iso3166alpha2'
  | 'iso4217'
  | 'pcenc'
  | 'iban'
  | 'importeridx'
  | 'mediatype'
  | 'nozeroprefix'
  | 'hasnondigit'
  | 'packagetype'
  | 'couponcode'
  | 'couponposoffer';

function issue(offset: number, rule: ScanRule, message: string): LintIssue {
  return { offset, rule, message };
}

/** Two digits at v[i] as a number (the caller knows they are digits). */
function two(v: string, i: number): number {
  return (v.charCodeAt(i) - 48) * 10 + (v.charCodeAt(i + 1) - 48);
}

function num(v: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i += 1) n = n * 10 + (v.charCodeAt(i) - 48);
  return n;
}

/**
 * GS1 General Specifications 7.12: a two-digit year YY lies within 49 years before and 50 years
 * after the reference year (the current year, which core code takes as an argument).
 */
export function centuryYear(yy: number, referenceYear: number): number {
  const refYy = ((referenceYear % 100) + 100) % 100;
  const century = referenceYear - refYy;
  const diff = yy - refYy;
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkDate(v: string, year: number, monthAt: number, allowDay0: boolean): LintIssue | null {
  const month = two(v, monthAt);
  if (month < 1 || month > 12) return issue(monthAt, 'date', `month ${v.slice(monthAt, monthAt + 2)} is not valid`);
  const day = two(v, monthAt + 2);
  const last = daysInMonth(year, month);
  if (day > last || (day === 0 && !allowDay0)) {
    const allowed = allowDay0 ? `00-${last}` : `01-${last}`;
    return issue(monthAt + 2, 'date', `day ${v.slice(monthAt + 2, monthAt + 4)} is not valid for ${year}-${v.slice(monthAt, monthAt + 2)} (${allowed})`);
  }
  return null;
}

const yymmdd =
  (allowDay0: boolean): Linter =>
  (v, s, _e, ref) =>
    checkDate(v, centuryYear(two(v, s), ref), s + 2, allowDay0);

function range(label: string, min: number, max: number, rule: ScanRule): Linter {
  return (v, s, e) => {
    const n = num(v, s, e);
    return n < min || n > max ? issue(s, rule, `${label} ${v.slice(s, e)} is not valid (${min}-${max})`) : null;
  };
}

function oneOf(label: string, allowed: string): Linter {
  return (v, s, e) => (e - s === 1 && allowed.includes(v[s]) ? null : issue(s, 'value', `${label} must be one of ${allowed.split('').join(', ')}`));
}

function inSet(label: string, set: ReadonlySet<string>, extra?: string): Linter {
  return (v, s, e) => {
    const code = v.slice(s, e);
    return set.has(code) || code === extra ? null : issue(s, 'value', `${code} is not a valid ${label}`);
  };
}

function gcpAt(skip: number): Linter {
  // A GS1 Company Prefix has at least 4 digits; without GS1's prefix register that is all we check.
  return (v, s, e) => {
    const from = s + skip;
    if (e - from < 4) return issue(s, 'value', 'is too short to hold a GS1 Company Prefix');
    for (let i = from; i < from + 4; i += 1) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return issue(i, 'value', 'must start with a GS1 Company Prefix (digits)');
    }
    return null;
  };
}

const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const PRIMES = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113,
];

/** GS1 alphanumeric check character pair (GMN, MUDI): weighted by primes from the right, mod 1021. */
export function gs1CheckPair(data: string): string {
  let sum = 0;
  for (let i = 0, w = data.length - 1; i < data.length; i += 1, w -= 1) sum += CSET82.indexOf(data[i]) * PRIMES[w];
  sum %= 1021;
  return CSET32[sum >> 5] + CSET32[sum & 31];
}

const csumalpha: Linter = (v, s, e) => {
  if (e - s < 2 || e - s - 2 > PRIMES.length) return issue(s, 'length', 'is the wrong length for a check character pair');
  for (let i = e - 2; i < e; i += 1) {
    if (!CSET32.includes(v[i])) return issue(i, 'check-digit', `check character ${v[i]} is not in CSET 32`);
  }
  const expected = gs1CheckPair(v.slice(s, e - 2));
  const actual = v.slice(e - 2, e);
  return actual === expected ? null : issue(s, 'check-digit', `check characters are ${actual}, expected ${expected}`);
};

const csum: Linter = (v, s, e) => {
  const expected = gs1CheckDigit(v.slice(s, e - 1));
  const actual = v.charCodeAt(e - 1) - 48;
  return actual === expected ? null : issue(s, 'check-digit', `check digit is ${actual}, expected ${expected}`);
};

const pcenc: Linter = (v, s, e) => {
  for (let i = s; i < e; i += 1) {
    if (v.charCodeAt(i) !== 37) continue;
    if (i + 2 >= e || !isHex(v.charCodeAt(i + 1)) || !isHex(v.charCodeAt(i + 2))) {
      return issue(i, 'value', "has a '%' not followed by two hex digits");
    }
    i += 2;
  }
  return null;
};

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

const iban: Linter = (v, s, e) => {
  if (e - s < 5) return issue(s, 'value', 'is too short for an IBAN');
  if (!countryAlpha2.has(v.slice(s, s + 2))) return issue(s, 'value', `${v.slice(s, s + 2)} is not an IBAN country code`);
  let rem = 0;
  for (let k = 0; k < e - s; k += 1) {
    const i = s + ((k + 4) % (e - s)); // the first four characters move to the end
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (i < s + 2) return issue(i, 'value', 'IBAN must start with two capital letters');
      rem = (rem * 10 + (c - 48)) % 97;
    } else if (c >= 65 && c <= 90) {
      if (i >= s + 2 && i < s + 4) return issue(i, 'value', 'IBAN check digits must be digits');
      rem = (rem * 100 + (c - 55)) % 97;
    } else {
      return issue(i, 'value', 'IBAN may contain only digits and capital letters');
    }
  }
  return rem === 1 ? null : issue(s + 2, 'check-digit', 'IBAN check digits do not match (mod 97)');
};

const posinseqslash: Linter = (v, s, e) => {
  const slash = v.indexOf('/', s);
  const bad = issue(s, 'value', 'must be <position>/<total>, e.g. 1/2');
  if (slash <= s || slash >= e - 1) return bad;
  for (let i = s; i < e; i += 1) {
    const c = v.charCodeAt(i);
    if (i !== slash && (c < 48 || c > 57)) return bad;
  }
  if (v[s] === '0' || v[slash + 1] === '0') return issue(s, 'value', 'position and total must not start with 0');
  return num(v, s, slash) > num(v, slash + 1, e) ? issue(s, 'value', 'position is greater than the total') : null;
};

const pieceoftotal: Linter = (v, s, e) => {
  const half = (e - s) >> 1;
  const piece = num(v, s, s + half);
  const total = num(v, s + half, e);
  if (piece === 0 || total === 0) return issue(s, 'value', 'piece number and total must not be zero');
  return piece > total ? issue(s, 'value', `piece ${piece} is greater than the total ${total}`) : null;
};

const notChecked: Linter = () => null;
const hour = range('hour', 0, 23, 'time');
const minute = range('minute', 0, 59, 'time');

/** Every linter the table may name. packagetype and the two coupon linters are not checked (see docs/gs1.md). */
export const LINTERS: Readonly<Record<LinterName, Linter>> = {
  csum,
  csumalpha,
  gcppos1: gcpAt(0),
  gcppos2: gcpAt(1),
  yymmd0: yymmdd(true),
  yymmdd: yymmdd(false),
  yyyymmdd: (v, s) => checkDate(v, num(v, s, s + 4), s + 4, false),
  hhmi: (v, s, e, ref) => hour(v, s, s + 2, ref) ?? minute(v, s + 2, e, ref),
  hh: hour,
  mi: minute,
  ss: range('second', 0, 59, 'time'),
  zero: oneOf('digit', '0'),
  nonzero: (v, s, e) => (num(v, s, e) === 0 ? issue(s, 'value', 'must not be zero') : null),
  winding: oneOf('winding direction', '019'),
  yesno: oneOf('flag', '01'),
  iso5218: oneOf('sex code (ISO 5218)', '0129'),
  hyphen: oneOf('character', '-'),
  pieceoftotal,
  posinseqslash,
  latitude: range('latitude', 0, 1800000000, 'value'),
  longitude: range('longitude', 0, 3600000000, 'value'),
  iso3166: inSet('ISO 3166 country code', countryNumeric),
  iso3166999: inSet('ISO 3166 country code or 999', countryNumeric, '999'),
  iso3166alpha2: inSet('ISO 3166 alpha-2 country code', countryAlpha2),
  iso4217: inSet('ISO 4217 currency code', currencyNumeric),
  pcenc,
  iban,
  importeridx: (v, s, e) => {
    const c = v.charCodeAt(s);
    const ok = e - s === 1 && ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95);
    return ok ? null : issue(s, 'value', 'importer index must be one character 0-9, A-Z, a-z, - or _');
  },
  mediatype: (v, s, e) => {
    const n = num(v, s, e);
    return (n >= 1 && n <= 10) || n >= 80 ? null : issue(s, 'value', `${v.slice(s, e)} is not an AIDC media type (01-10, 80-99)`);
  },
  nozeroprefix: (v, s, e) => (e - s > 1 && v.charCodeAt(s) === 48 ? issue(s, 'value', 'must not start with 0') : null),
  hasnondigit: (v, s, e) => {
    for (let i = s; i < e; i += 1) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    return issue(s, 'value', 'must contain at least one non-digit');
  },
  packagetype: notChecked,
  couponcode: notChecked,
  couponposoffer: notChecked,
};
