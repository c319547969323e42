/**
 * Compiles a format string once into a checker that is cheap to run many times.
 *
 * Pattern formats become a list of slots (literal text or a run of characters from one class, with
 * a count range) matched without backtracking: fixed-width patterns by one lookup table per
 * position, ranged ones by stepping a set of reachable positions slot by slot (at most
 * MAX_SERIAL_LENGTH + 1 positions). `re:` formats run on re2js, whose matching time is linear in
 * the input. Either way the input is cut off by length first.
 */
import { RE2JS } from 're2js';
import {
  gs1CheckDigit,
  isValidGs1CheckDigit,
  isValidIso7064Mod37_2,
  isValidLuhn,
  iso7064Mod37_2CheckChar,
  luhnCheckDigit,
} from '../check-digits.ts';
import { DomainError } from '../errors.ts';
import {
  DIGITS,
  LOWER,
  UPPER,
  charClass,
  charsets,
  countPhrase,
  inClass,
  isSubclass,
  placeholders,
  type CharClass,
  type CharsetName,
  type PlaceholderLetter,
} from './charsets.ts';
import { parsePattern } from './pattern.ts';
import { quote } from './quote.ts';
import {
  MAX_SERIAL_LENGTH,
  REGEX_PREFIX,
  formatInvalid,
  formatSerialFormat,
  parseSerialFormat,
  type CheckRule,
  type SerialFormatSpec,
} from './spec.ts';

export type SerialFormatCheck = { ok: true } | { ok: false; reason: string };

export type CompiledSerialFormat = {
  /** The format string as given. */
  readonly source: string;
  /** The same format written canonically (defaults dropped, options ordered). */
  readonly canonical: string;
  readonly spec: Readonly<SerialFormatSpec>;
  readonly kind: 'pattern' | 'regex';
  /** What is expected, for people: '"SN-", a 4-digit year, "-", 5 digits'. */
  readonly describe: string;
  /** Shortest and longest serial the format accepts. */
  readonly minLength: number;
  readonly maxLength: number;
  /**
   * An anchored regular expression for the pattern (valid in RE2 and JavaScript), for other
   * layers (input hints, SQL). It does not carry the check rule or the length option.
   */
  readonly regex: string;
  test(serial: string): SerialFormatCheck;
};

/** One step of a pattern: literal text, or min..max characters of one class. */
export type Slot = {
  readonly kind: 'literal' | 'chars';
  readonly text: string;
  readonly cls: CharClass;
  readonly min: number;
  readonly max: number;
  readonly role: 'plain' | 'counter' | 'year' | 'check';
  readonly letter: PlaceholderLetter | null;
  readonly yearDigits: 0 | 2 | 4;
  readonly token: string;
  readonly position: number;
  readonly phrase: string;
};

export type CheckInfo = {
  readonly rule: CheckRule;
  /** 'Luhn check digit' */
  readonly name: string;
  /** What the check character can be. */
  readonly alphabet: CharClass;
  /** Characters the algorithm reads; others (separators, letters for Luhn) are skipped. */
  readonly reads: CharClass;
  compute(payload: string): string;
  /** True when the last character of `value` is the check character of the rest (rest not empty). */
  valid(value: string): boolean;
};

/** What generation needs to know; not part of the public type. */
export type FormatInternals = {
  readonly kind: 'pattern' | 'regex';
  readonly slots: readonly Slot[];
  readonly check: CheckInfo | null;
  readonly minLength: number;
  readonly maxLength: number;
};

const internals = new WeakMap<CompiledSerialFormat, FormatInternals>();

export function internalsOf(format: CompiledSerialFormat): FormatInternals {
  const found = internals.get(format);
  if (!found) {
    throw new DomainError('SERIAL_FORMAT_INVALID', 'serialFormat: expected a format made by compileSerialFormat', {
      field: 'serialFormat',
    });
  }
  return found;
}

const OK: SerialFormatCheck = Object.freeze({ ok: true });
const DIGIT_CLASS = charClass(DIGITS);
const YEAR_MIN = 1900;
const YEAR_MAX = 2099;

const checkInfos: Readonly<Record<CheckRule, CheckInfo>> = {
  luhn: {
    rule: 'luhn',
    name: 'Luhn check digit',
    alphabet: DIGIT_CLASS,
    reads: DIGIT_CLASS,
    // Luhn over no digits at all sums to 0, so its check digit is 0.
    compute: (payload) => (payload === '' ? '0' : String(luhnCheckDigit(payload))),
    valid: isValidLuhn,
  },
  gs1: {
    rule: 'gs1',
    name: 'GS1 check digit',
    alphabet: DIGIT_CLASS,
    reads: DIGIT_CLASS,
    compute: (payload) => String(gs1CheckDigit(payload)),
    valid: isValidGs1CheckDigit,
  },
  'mod37-2': {
    rule: 'mod37-2',
    name: 'ISO 7064 MOD 37-2 check character',
    alphabet: charClass(`${DIGITS}${UPPER}*`),
    reads: charClass(DIGITS + UPPER + LOWER),
    compute: (payload) => iso7064Mod37_2CheckChar(payload) ?? '',
    // The check character set is uppercase; isValidIso7064Mod37_2 alone would take "y" for "Y".
    valid: (value) => isValidIso7064Mod37_2(value) && !/[a-z]$/.test(value),
  },
};

export { quote };

function lengthPhrase(min: number, max: number): string {
  return min === max ? `${min} character${min === 1 ? '' : 's'}` : `${min} to ${max} characters`;
}

// ---------------------------------------------------------------------------------------------
// compileSerialFormat

const CACHE_LIMIT = 1000;
const cache = new Map<string, CompiledSerialFormat>();

/**
 * Compiles a format string. Throws DomainError SERIAL_FORMAT_INVALID naming the problem.
 * Results are kept in a small cache keyed by the string (compiled formats are immutable).
 */
export function compileSerialFormat(source: string): CompiledSerialFormat {
  const hit = cache.get(source);
  if (hit) return hit;
  const spec = parseSerialFormat(source);
  const compiled = spec.pattern.startsWith(REGEX_PREFIX) ? compileRegexFormat(source, spec) : compilePatternFormat(source, spec);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

/** Throws DomainError SERIAL_FORMAT_MISMATCH when `serial` does not match `format`. */
export function checkSerialAgainstFormat(serial: string, format: CompiledSerialFormat): void {
  const result = format.test(serial);
  if (!result.ok) {
    throw new DomainError('SERIAL_FORMAT_MISMATCH', `serial: ${quote(serial)} does not match ${format.source}: ${result.reason}`, {
      field: 'serial',
      serial,
      serialFormat: format.source,
      expected: format.describe,
      reason: result.reason,
    });
  }
}

function finish(
  source: string,
  spec: SerialFormatSpec,
  parts: Omit<CompiledSerialFormat, 'source' | 'canonical' | 'spec'>,
  inner: FormatInternals,
): CompiledSerialFormat {
  const compiled: CompiledSerialFormat = Object.freeze({
    source,
    canonical: formatSerialFormat(spec),
    spec: Object.freeze({ ...spec, length: spec.length ? Object.freeze({ ...spec.length }) : null }),
    ...parts,
  });
  internals.set(compiled, inner);
  return compiled;
}

function checkAlphabetFitsCharset(source: string, check: CheckInfo | null, charset: CharsetName): void {
  if (!check) return;
  const set = charsets[charset];
  for (const ch of check.alphabet.chars) {
    if (!inClass(set.cls, ch.charCodeAt(0))) {
      throw formatInvalid(
        source,
        `check=${check.rule} can produce ${quote(ch)}, which charset=${charset} (${set.label}) does not allow; use charset=cset82`,
      );
    }
  }
}

/** Returns null when the check character is right, else the reason. Expects a non-empty serial. */
function checkProblem(serial: string, check: CheckInfo, payloadIsPrefix: boolean): string | null {
  const last = serial.length - 1;
  let payload: string;
  if (payloadIsPrefix) payload = serial.slice(0, last);
  else {
    payload = '';
    for (let i = 0; i < last; i += 1) if (inClass(check.reads, serial.charCodeAt(i))) payload += serial[i];
  }
  const found = serial[last];
  if (payload === '' ? found === check.compute('') : check.valid(payload + found)) return null;
  const expected = check.compute(payload);
  const show = (c: string): string => (check.rule === 'mod37-2' || !/^[0-9]$/.test(c) ? JSON.stringify(c) : c);
  return `${check.name} is ${show(found)}, expected ${show(expected)}`;
}

// ---------------------------------------------------------------------------------------------
// re: formats

const LOOKAROUND = ['(?=', '(?!', '(?<=', '(?<!'];

function compileRegexFormat(source: string, spec: SerialFormatSpec): CompiledSerialFormat {
  const body = spec.pattern.slice(REGEX_PREFIX.length);
  let re: RE2JS;
  try {
    re = RE2JS.compile(body);
  } catch (err) {
    const e = err as { error?: string; input?: string | null; message?: string };
    const at = e.input ?? '';
    let why: string;
    if (LOOKAROUND.some((l) => at.startsWith(l))) {
      why = `lookaround ${LOOKAROUND.join(' ')} is not supported (formats are matched by RE2 in linear time, which has no lookaround)`;
    } else if (/^\\([1-9]|k)/.test(at)) {
      why = `backreferences such as \\1 or \\k<name> are not supported (formats are matched by RE2 in linear time, which has no backreferences)`;
    } else {
      why = e.error ? `${e.error}${at ? ` at \`${at}\`` : ''}` : String(e.message ?? err);
    }
    throw formatInvalid(source, `the regular expression cannot be used: ${why}`);
  }
  const check = spec.check ? checkInfos[spec.check] : null;
  checkAlphabetFitsCharset(source, check, spec.charset);
  const set = charsets[spec.charset];
  const minLength = spec.length?.min ?? 1;
  const maxLength = spec.length?.max ?? MAX_SERIAL_LENGTH;
  const lengthReason = `expected ${lengthPhrase(minLength, maxLength)}`;

  const test = (serial: string): SerialFormatCheck => {
    const n = serial.length;
    if (n < minLength || n > maxLength) return { ok: false, reason: `${lengthReason}, found ${n}` };
    for (let i = 0; i < n; i += 1) {
      if (!inClass(set.cls, serial.charCodeAt(i))) {
        return { ok: false, reason: `character ${quote(serial[i])} at position ${i + 1} is not in ${set.label}` };
      }
    }
    if (!re.testExact(serial)) return { ok: false, reason: `expected a match for the regular expression ${body}` };
    if (check) {
      const problem = checkProblem(serial, check, false);
      if (problem) return { ok: false, reason: problem };
    }
    return OK;
  };

  let describe = `text matching the regular expression ${body}`;
  if (check) describe += `, ending in ${check.rule === 'mod37-2' ? 'an' : 'a'} ${check.name}`;
  describe += `, ${lengthPhrase(minLength, maxLength)} from ${set.label}`;

  return finish(
    source,
    spec,
    { kind: 'regex', describe, minLength, maxLength, regex: `^(?:${body})$`, test },
    { kind: 'regex', slots: [], check, minLength, maxLength },
  );
}

// ---------------------------------------------------------------------------------------------
// pattern formats

type DraftSlot = { -readonly [K in keyof Slot]: Slot[K] };

function slotPhrase(slot: DraftSlot, charset: CharsetName, check: CheckInfo | null): string {
  if (slot.kind === 'literal') return JSON.stringify(slot.text);
  if (slot.role === 'year') return `a ${slot.yearDigits}-digit year`;
  if (slot.role === 'check') return `${check?.rule === 'mod37-2' ? 'an' : 'a'} ${check?.name}`;
  if (slot.role === 'counter') {
    return slot.min === slot.max ? `a ${slot.min}-digit counter` : `a counter of ${slot.min} to ${slot.max} digits`;
  }
  const p = placeholders[slot.letter ?? '9'];
  if (slot.letter === '*') {
    const label = charsets[charset].label;
    return countPhrase(slot.min, slot.max, `any character from ${label}`, `characters from ${label}`);
  }
  return countPhrase(slot.min, slot.max, p.one, p.many);
}

function regexClass(cls: CharClass): string {
  const esc = (c: string): string => (/[\\\]\[^-]/.test(c) ? `\\${c}` : c);
  let out = '';
  const codes = [...cls.chars].map((c) => c.charCodeAt(0));
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[j] + 1) j += 1;
    const from = String.fromCharCode(codes[i]);
    const to = String.fromCharCode(codes[j]);
    out += j - i >= 2 ? `${esc(from)}-${esc(to)}` : j > i ? esc(from) + esc(to) : esc(from);
    i = j + 1;
  }
  return `[${out}]`;
}

function slotRegex(slot: Slot): string {
  if (slot.kind === 'literal') return slot.text.replace(/[\\^$.*+?()[\]{}|/]/g, (c) => `\\${c}`);
  if (slot.role === 'year' && slot.yearDigits === 4) return '(?:19|20)[0-9]{2}';
  const cls = regexClass(slot.cls);
  if (slot.min === slot.max) return slot.min === 1 ? cls : `${cls}{${slot.min}}`;
  return `${cls}{${slot.min},${slot.max}}`;
}

function compilePatternFormat(source: string, spec: SerialFormatSpec): CompiledSerialFormat {
  const charset = charsets[spec.charset];
  const check = spec.check ? checkInfos[spec.check] : null;
  checkAlphabetFitsCharset(source, check, spec.charset);
  const offset = source.indexOf(spec.pattern[0]);
  const tokens = parsePattern(spec.pattern, Math.max(0, offset), source);

  // 1. tokens -> slots, each checked against the charset; adjacent same-kind slots merged.
  const slots: DraftSlot[] = [];
  for (const t of tokens) {
    let slot: DraftSlot;
    if (t.kind === 'literal') {
      for (let i = 0; i < t.text.length; i += 1) {
        if (!inClass(charset.cls, t.text.charCodeAt(i))) {
          throw formatInvalid(
            source,
            `the literal ${quote(t.text[i])} in ${quote(t.token)} at position ${t.position} is not in charset=${spec.charset} (${charset.label})`,
            { position: t.position },
          );
        }
      }
      slot = { kind: 'literal', text: t.text, cls: DIGIT_CLASS, min: t.text.length, max: t.text.length, role: 'plain', letter: null, yearDigits: 0, token: t.token, position: t.position, phrase: '' };
    } else if (t.kind === 'year') {
      slot = { kind: 'chars', text: '', cls: DIGIT_CLASS, min: t.digits, max: t.digits, role: 'year', letter: null, yearDigits: t.digits, token: t.token, position: t.position, phrase: '' };
    } else {
      const cls = placeholders[t.letter].cls ?? charset.cls;
      if (!isSubclass(cls, charset.cls)) {
        throw formatInvalid(
          source,
          `${t.token} at position ${t.position} allows ${placeholders[t.letter].many}, which charset=${spec.charset} (${charset.label}) does not allow`,
          { position: t.position },
        );
      }
      slot = { kind: 'chars', text: '', cls, min: t.min, max: t.max, role: t.letter === '#' ? 'counter' : 'plain', letter: t.letter, yearDigits: 0, token: t.token, position: t.position, phrase: '' };
    }
    const prev = slots[slots.length - 1];
    if (prev && prev.kind === 'literal' && slot.kind === 'literal') {
      prev.text += slot.text;
      prev.min = prev.max = prev.text.length;
      prev.token += slot.token;
    } else if (prev && prev.kind === 'chars' && prev.role !== 'year' && prev.letter !== null && prev.letter === slot.letter) {
      prev.min += slot.min;
      prev.max += slot.max;
      prev.token += slot.token;
    } else {
      slots.push(slot);
    }
  }

  const counters = slots.filter((s) => s.role === 'counter');
  if (counters.length > 1) {
    throw formatInvalid(source, `there are ${counters.length} counters (${counters.map((c) => `${c.token} at position ${c.position}`).join(', ')}); at most one {#...} is allowed`);
  }

  // 2. The check rule takes the last character: split it off the last placeholder.
  if (check) {
    const last = slots[slots.length - 1];
    const wanted = check.rule === 'mod37-2' ? charClass(DIGITS + UPPER) : DIGIT_CLASS;
    const what = check.rule === 'mod37-2' ? 'a digit or uppercase letter' : 'a digit';
    const hint = check.rule === 'mod37-2' ? 'end it with {X} or {*}' : 'end it with {9}';
    if (last.kind !== 'chars' || last.role !== 'plain' || last.min < 1 || !isSubclass(wanted, last.cls)) {
      throw formatInvalid(source, `check=${check.rule} puts ${what} in the last character, but the pattern ends with ${quote(last.token)}; ${hint}`);
    }
    const checkSlot: DraftSlot = { ...last, cls: check.alphabet, min: 1, max: 1, role: 'check', letter: null };
    if (last.max === 1) slots[slots.length - 1] = checkSlot;
    else {
      last.min -= 1;
      last.max -= 1;
      slots.push(checkSlot);
    }
  }

  // 3. Lengths.
  let patternMin = 0;
  let patternMax = 0;
  for (const s of slots) {
    patternMin += s.min;
    patternMax += s.max;
  }
  if (patternMax > MAX_SERIAL_LENGTH) {
    throw formatInvalid(source, `the pattern allows up to ${patternMax} characters; the limit is ${MAX_SERIAL_LENGTH}`);
  }
  if (patternMin === 0) {
    throw formatInvalid(source, 'the pattern allows an empty serial; give at least one placeholder a minimum count above 0');
  }
  const minLength = Math.max(patternMin, spec.length?.min ?? 0);
  const maxLength = Math.min(patternMax, spec.length?.max ?? MAX_SERIAL_LENGTH);
  if (minLength > maxLength) {
    throw formatInvalid(
      source,
      `length=${spec.length?.min}-${spec.length?.max} cannot be met: the pattern gives ${lengthPhrase(patternMin, patternMax)}`,
    );
  }
  const lengthNarrows = minLength > patternMin || maxLength < patternMax;

  for (const s of slots) s.phrase = slotPhrase(s, spec.charset, check);
  const frozen: readonly Slot[] = Object.freeze(slots.map((s) => Object.freeze({ ...s })));

  let describe = frozen.map((s) => s.phrase).join(', ');
  if (lengthNarrows) describe += `; ${lengthPhrase(minLength, maxLength)} in all`;

  const fixed = patternMin === patternMax;
  let payloadIsPrefix = false;
  if (check && fixed) {
    payloadIsPrefix = frozen.every(
      (s) => s.role === 'check' || (s.kind === 'literal' ? [...s.text].every((c) => inClass(check.reads, c.charCodeAt(0))) : isSubclass(s.cls, check.reads)),
    );
  }
  const matches = fixed ? fixedMatcher(frozen, patternMin) : rangedMatcher(frozen, patternMax);
  const explain = (serial: string): string => explainMismatch(frozen, serial, patternMax);
  const lengthReason = `expected ${lengthPhrase(minLength, maxLength)}`;

  const test = (serial: string): SerialFormatCheck => {
    if (!matches(serial)) return { ok: false, reason: explain(serial) };
    if (lengthNarrows && (serial.length < minLength || serial.length > maxLength)) {
      return { ok: false, reason: `${lengthReason}, found ${serial.length}` };
    }
    if (check) {
      const problem = checkProblem(serial, check, payloadIsPrefix);
      if (problem) return { ok: false, reason: problem };
    }
    return OK;
  };

  return finish(
    source,
    spec,
    { kind: 'pattern', describe, minLength, maxLength, regex: `^${frozen.map(slotRegex).join('')}$`, test },
    { kind: 'pattern', slots: frozen, check, minLength, maxLength },
  );
}

function yearOk(serial: string, at: number, digits: 0 | 2 | 4): boolean {
  if (digits !== 4) return true;
  const year = Number(serial.slice(at, at + 4));
  return year >= YEAR_MIN && year <= YEAR_MAX;
}

/** All counts fixed: one table per position. */
function fixedMatcher(slots: readonly Slot[], length: number): (serial: string) => boolean {
  const tables: Uint8Array[] = [];
  const years: number[] = [];
  for (const s of slots) {
    if (s.kind === 'literal') for (const c of s.text) tables.push(charClass(c).table);
    else {
      if (s.yearDigits === 4) years.push(tables.length);
      for (let i = 0; i < s.min; i += 1) tables.push(s.cls.table);
    }
  }
  return (serial) => {
    if (serial.length !== length) return false;
    for (let i = 0; i < length; i += 1) {
      const code = serial.charCodeAt(i);
      if (code > 127 || tables[i][code] === 0) return false;
    }
    for (const at of years) if (!yearOk(serial, at, 4)) return false;
    return true;
  };
}

/**
 * Ranged counts: step the set of reachable positions through the slots. Positions never pass
 * `maxLength`, so one call costs at most slots × (maxLength + 1) × the longest run.
 */
function rangedMatcher(slots: readonly Slot[], maxLength: number): (serial: string) => boolean {
  let cur = new Uint8Array(maxLength + 1);
  let next = new Uint8Array(maxLength + 1);
  return (serial) => {
    const n = serial.length;
    if (n > maxLength) return false;
    cur.fill(0, 0, n + 1);
    cur[0] = 1;
    let lo = 0;
    let hi = 0;
    for (const s of slots) {
      next.fill(0, 0, n + 1);
      let nlo = n + 1;
      let nhi = -1;
      for (let p = lo; p <= hi; p += 1) {
        if (cur[p] === 0) continue;
        let reach = -1;
        let from = 0;
        if (s.kind === 'literal') {
          if (serial.startsWith(s.text, p)) from = reach = p + s.max;
        } else {
          let k = 0;
          while (k < s.max && p + k < n && inClass(s.cls, serial.charCodeAt(p + k))) k += 1;
          if (k >= s.min && yearOk(serial, p, s.yearDigits)) {
            from = p + s.min;
            reach = p + k;
          }
        }
        for (let q = from; q <= reach; q += 1) next[q] = 1;
        if (reach >= 0) {
          if (from < nlo) nlo = from;
          if (reach > nhi) nhi = reach;
        }
      }
      if (nhi < 0) return false;
      [cur, next] = [next, cur];
      lo = nlo;
      hi = nhi;
    }
    return hi === n && cur[n] === 1;
  };
}

/** Why `serial` does not match: the first slot nothing gets past, at the furthest position reached. */
function explainMismatch(slots: readonly Slot[], serial: string, maxLength: number): string {
  const n = serial.length;
  let reachable = new Set<number>([0]);
  for (const s of slots) {
    const next = new Set<number>();
    for (const p of reachable) {
      if (s.kind === 'literal') {
        if (serial.startsWith(s.text, p)) next.add(p + s.max);
        continue;
      }
      let k = 0;
      while (k < s.max && p + k < n && inClass(s.cls, serial.charCodeAt(p + k))) k += 1;
      if (k >= s.min && yearOk(serial, p, s.yearDigits)) for (let q = s.min; q <= k; q += 1) next.add(p + q);
    }
    if (next.size === 0) return slotFailure(s, serial, Math.max(...reachable));
    reachable = next;
  }
  const end = Math.max(...reachable);
  if (end < n) return `expected the end of the serial at position ${end + 1}, found ${quote(serial.slice(end))}`;
  if (n > maxLength) return `expected at most ${maxLength} characters, found ${n}`;
  return 'does not match';
}

function slotFailure(s: Slot, serial: string, p: number): string {
  const n = serial.length;
  const at = `at position ${p + 1}`;
  if (s.kind === 'literal') {
    const found = serial.slice(p, p + s.text.length);
    return `expected ${s.phrase} ${at}, found ${found === '' ? 'the end of the serial' : quote(found)}`;
  }
  let k = 0;
  while (k < s.max && p + k < n && inClass(s.cls, serial.charCodeAt(p + k))) k += 1;
  if (k >= s.min) {
    return `expected ${s.phrase} (${YEAR_MIN} to ${YEAR_MAX}) ${at}, found ${quote(serial.slice(p, p + s.min))}`;
  }
  if (p + k >= n) {
    return `expected ${s.phrase} ${at}, found ${k === 0 ? 'the end of the serial' : `the end of the serial after ${k}`}`;
  }
  const bad = quote(serial[p + k]);
  return k === 0 ? `expected ${s.phrase} ${at}, found ${bad}` : `expected ${s.phrase} ${at}, found ${bad} at position ${p + k + 1}`;
}
