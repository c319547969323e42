/**
 * The one-string form of a serial format and its JSON-able object form, and the conversion both
 * ways. Only syntax is checked here; compile.ts checks meaning.
 *
 *   PATTERN [ ; check=luhn|gs1|mod37-2 ] [ ; length=N | length=MIN-MAX ] [ ; charset=NAME ]
 *
 * The pattern runs to the first `;` not preceded by a backslash. See docs/serial-formats.md.
 */
import { DomainError } from '../errors.ts';
import { DEFAULT_CHARSET, charsetNames, isCharsetName, type CharsetName } from './charsets.ts';

export const checkRules = ['luhn', 'gs1', 'mod37-2'] as const;
export type CheckRule = (typeof checkRules)[number];

export type SerialFormatSpec = {
  /** Pattern-language text such as `SN-{YYYY}-{9:5}`, or `re:` followed by an RE2 regular expression. */
  pattern: string;
  check: CheckRule | null;
  /** Length limits in characters; null: what the pattern allows (1 to 100 for `re:` patterns). */
  length: { min: number; max: number } | null;
  charset: CharsetName;
};

/** No serial may be longer; a bound on every check and on the GS1 AI 21 limit of 20 with headroom. */
export const MAX_SERIAL_LENGTH = 100;
export const MAX_FORMAT_SOURCE_LENGTH = 1000;
export const REGEX_PREFIX = 're:';

export function formatInvalid(source: string, message: string, extra?: Record<string, unknown>): DomainError {
  return new DomainError('SERIAL_FORMAT_INVALID', `serialFormat: ${message}`, {
    field: 'serialFormat',
    serialFormat: source,
    ...extra,
  });
}

/** Index of the first `ch` not escaped by a backslash, or -1. */
export function indexOfUnescaped(text: string, ch: string, from = 0): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === ch) return i;
  }
  return -1;
}

function isCheckRule(value: string): value is CheckRule {
  return (checkRules as readonly string[]).includes(value);
}

const LENGTH_SYNTAX = /^(\d{1,4})(?:-(\d{1,4}))?$/;

function parseLength(source: string, value: string): { min: number; max: number } {
  const m = LENGTH_SYNTAX.exec(value);
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || min < 1 || max < min || max > MAX_SERIAL_LENGTH) {
    throw formatInvalid(
      source,
      `length=${value} is not valid; expected length=N or length=MIN-MAX with 1 <= MIN <= MAX <= ${MAX_SERIAL_LENGTH}`,
    );
  }
  return { min, max };
}

/** Reads the one-string form into its parts. Throws SERIAL_FORMAT_INVALID on bad syntax. */
export function parseSerialFormat(source: string): SerialFormatSpec {
  if (typeof source !== 'string') throw formatInvalid(String(source), 'expected a string such as SN-{9:6}');
  if (source.length > MAX_FORMAT_SOURCE_LENGTH) {
    throw formatInvalid(source, `is ${source.length} characters long; the limit is ${MAX_FORMAT_SOURCE_LENGTH}`);
  }
  const cut = indexOfUnescaped(source, ';');
  let pattern = (cut < 0 ? source : source.slice(0, cut)).trim();
  if (pattern.startsWith(REGEX_PREFIX)) pattern = REGEX_PREFIX + pattern.slice(REGEX_PREFIX.length).trim();
  if (pattern === '' || pattern === REGEX_PREFIX) {
    throw formatInvalid(source, 'the pattern is empty; expected a pattern such as SN-{9:6} or re:[A-Z]{2}[0-9]{6}');
  }
  const spec: SerialFormatSpec = { pattern, check: null, length: null, charset: DEFAULT_CHARSET };
  if (cut < 0) return spec;

  const seen = new Set<string>();
  for (const segment of source.slice(cut + 1).split(';')) {
    const option = segment.trim();
    if (option === '') continue;
    const eq = option.indexOf('=');
    if (eq < 0) {
      throw formatInvalid(source, `option "${option}" has no value; expected key=value such as check=luhn`);
    }
    const key = option.slice(0, eq).trim().toLowerCase();
    const value = option.slice(eq + 1).trim().toLowerCase();
    if (seen.has(key)) throw formatInvalid(source, `option ${key} is given twice`);
    seen.add(key);
    if (key === 'check') {
      if (!isCheckRule(value)) {
        throw formatInvalid(source, `check=${value} is not a known rule; expected ${checkRules.map((r) => `check=${r}`).join(', ')}`);
      }
      spec.check = value;
    } else if (key === 'length') {
      spec.length = parseLength(source, value);
    } else if (key === 'charset') {
      if (!isCharsetName(value)) {
        throw formatInvalid(source, `charset=${value} is not a known set; expected one of ${charsetNames.join(', ')}`);
      }
      spec.charset = value;
    } else {
      throw formatInvalid(source, `unknown option "${key}"; expected check=, length= or charset=`);
    }
  }
  return spec;
}

/**
 * Writes the canonical one-string form: defaults left out, options in the order check, length,
 * charset, separated by " ; ". parseSerialFormat(formatSerialFormat(spec)) equals spec.
 */
export function formatSerialFormat(spec: SerialFormatSpec): string {
  const unwritable = (): DomainError =>
    formatInvalid(String(spec.pattern), 'cannot be written as one string: the pattern must be trimmed and write ";" as "\\;"');
  if (typeof spec.pattern !== 'string' || spec.pattern !== spec.pattern.trim() || indexOfUnescaped(spec.pattern, ';') >= 0) {
    throw unwritable();
  }
  let text = spec.pattern;
  if (spec.check !== null) text += ` ; check=${spec.check}`;
  if (spec.length !== null) {
    text += spec.length.min === spec.length.max ? ` ; length=${spec.length.min}` : ` ; length=${spec.length.min}-${spec.length.max}`;
  }
  if (spec.charset !== DEFAULT_CHARSET) text += ` ; charset=${spec.charset}`;
  const back = parseSerialFormat(text);
  if (
    back.pattern !== spec.pattern ||
    back.check !== spec.check ||
    back.charset !== spec.charset ||
    back.length?.min !== spec.length?.min ||
    back.length?.max !== spec.length?.max
  ) {
    throw unwritable();
  }
  return text;
}
