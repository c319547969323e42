import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { formatSerialFormat, parseSerialFormat, type SerialFormatSpec } from './spec.ts';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parseSerialFormat', () => {
  it.each<[string, SerialFormatSpec]>([
    ['SN-{9:5}', { pattern: 'SN-{9:5}', check: null, length: null, charset: 'cset82' }],
    ['  SN-{9:5}  ', { pattern: 'SN-{9:5}', check: null, length: null, charset: 'cset82' }],
    ['{9:15} ; check=luhn', { pattern: '{9:15}', check: 'luhn', length: null, charset: 'cset82' }],
    ['{9:15};check=luhn;length=15', { pattern: '{9:15}', check: 'luhn', length: { min: 15, max: 15 }, charset: 'cset82' }],
    ['{X:1-40} ; length=6-20 ; charset=cset39', { pattern: '{X:1-40}', check: null, length: { min: 6, max: 20 }, charset: 'cset39' }],
    ['{X:12} ; CHARSET = Upper-Alphanumeric ; Check = MOD37-2', { pattern: '{X:12}', check: 'mod37-2', length: null, charset: 'upper-alphanumeric' }],
    ['re: [A-Z]{2}\\d{6} ; check=gs1', { pattern: 're:[A-Z]{2}\\d{6}', check: 'gs1', length: null, charset: 'cset82' }],
    ['AB\\;{9} ; charset=digits', { pattern: 'AB\\;{9}', check: null, length: null, charset: 'digits' }],
    ['SN{9:4} ;; charset=alphanumeric ;', { pattern: 'SN{9:4}', check: null, length: null, charset: 'alphanumeric' }],
  ])('reads %j', (source, expected) => {
    expect(parseSerialFormat(source)).toEqual(expected);
  });

  it.each([
    ['', 'serialFormat: the pattern is empty'],
    ['   ; check=luhn', 'serialFormat: the pattern is empty'],
    ['re:', 'serialFormat: the pattern is empty'],
    ['{9} ; check=crc', 'serialFormat: check=crc is not a known rule; expected check=luhn, check=gs1, check=mod37-2'],
    ['{9} ; charset=ebcdic', 'serialFormat: charset=ebcdic is not a known set; expected one of cset82, cset39, digits, alphanumeric, upper-alphanumeric'],
    ['{9} ; length=0-5', 'serialFormat: length=0-5 is not valid; expected length=N or length=MIN-MAX with 1 <= MIN <= MAX <= 100'],
    ['{9} ; length=9-5', 'serialFormat: length=9-5 is not valid'],
    ['{9} ; length=5-101', 'serialFormat: length=5-101 is not valid'],
    ['{9} ; length=abc', 'serialFormat: length=abc is not valid'],
    ['{9} ; luhn', 'serialFormat: option "luhn" has no value; expected key=value such as check=luhn'],
    ['{9} ; check=luhn ; check=gs1', 'serialFormat: option check is given twice'],
    ['{9} ; size=5', 'serialFormat: unknown option "size"; expected check=, length= or charset='],
    ['X'.repeat(1001), 'serialFormat: is 1001 characters long; the limit is 1000'],
  ])('rejects %j with SERIAL_FORMAT_INVALID: %s', (source, message) => {
    const err = errorOf(() => parseSerialFormat(source));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field: 'serialFormat' });
  });
});

describe('formatSerialFormat', () => {
  it.each([
    ['SN-{9:5}', 'SN-{9:5}'],
    ['{9:15};check=luhn;length=15', '{9:15} ; check=luhn ; length=15'],
    ['{X:1-40};charset=cset39;length=6-20', '{X:1-40} ; length=6-20 ; charset=cset39'],
    ['{X:12} ; charset=cset82', '{X:12}'],
    ['re:  \\d+ ; CHECK=GS1', 're:\\d+ ; check=gs1'],
  ])('writes %j canonically as %j, which reads back to the same object', (source, canonical) => {
    const spec = parseSerialFormat(source);
    expect(formatSerialFormat(spec)).toBe(canonical);
    expect(parseSerialFormat(canonical)).toEqual(spec);
  });

  it.each<[SerialFormatSpec, string]>([
    [{ pattern: 'A;B', check: null, length: null, charset: 'cset82' }, 'write ";" as "\\;"'],
    [{ pattern: ' SN ', check: null, length: null, charset: 'cset82' }, 'the pattern must be trimmed'],
    [{ pattern: 'SN', check: 'crc' as never, length: null, charset: 'cset82' }, 'check=crc is not a known rule'],
    [{ pattern: 'SN', check: null, length: { min: 5, max: 2 }, charset: 'cset82' }, 'length=5-2 is not valid'],
  ])('refuses an object that cannot be written as one string: %j', (spec, message) => {
    const err = errorOf(() => formatSerialFormat(spec));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
  });
});
