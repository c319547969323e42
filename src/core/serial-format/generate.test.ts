import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { compileSerialFormat } from './compile.ts';
import {
  MAX_GENERATE_COUNT,
  counterCapacity,
  generateRandom,
  generateSequential,
  guessProbability,
  randomSpaceSize,
} from './generate.ts';
import { scriptedBytes, seededBytes } from './test-bytes.ts';

const f = compileSerialFormat;

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('generateSequential', () => {
  it.each<[string, bigint | number, number, { year?: number } | undefined, string[]]>([
    ['SN-{YYYY}-{#####}', 1, 3, { year: 2024 }, ['SN-2024-00001', 'SN-2024-00002', 'SN-2024-00003']],
    ['SN-{9:5}', 0, 2, undefined, ['SN-00000', 'SN-00001']],
    ['SN-{9:5}', 99998, 2, undefined, ['SN-99998', 'SN-99999']],
    ['SN-{9:5}', 5, 0, undefined, []],
    ['{#:3-8}', 7, 1, undefined, ['007']],
    ['{#:3-8}', 12345, 1, undefined, ['12345']],
    ['{YY}{9:4}', 1, 1, { year: 2024 }, ['240001']],
    ['{YY}{9:4}', 1, 1, { year: 2005 }, ['050001']],
    ['{9:4}/{YYYY}', 42, 1, { year: 1999 }, ['0042/1999']],
    ['{9:20}', 10n ** 19n, 2, undefined, ['10000000000000000000', '10000000000000000001']],
    ['{9:20}', 9007199254740991n, 2, undefined, ['00009007199254740991', '00009007199254740992']],
    ['SN{#:1-10} ; length=4-6', 5, 1, undefined, ['SN05']],
    ['{9:3}\\;X', 1, 1, undefined, ['001;X']],
  ])('%s from %s, %i values (%j) gives %j', (format, start, count, options, expected) => {
    expect(generateSequential(f(format), start, count, options)).toEqual(expected);
  });

  it.each([
    ['{9:15} ; check=luhn', 49015420323751, ['490154203237518', '490154203237526']],
    ['IMEI-{9:15} ; check=luhn', 49015420323751, ['IMEI-490154203237518', 'IMEI-490154203237526']],
    ['{9:14} ; check=gs1', 950110153000, ['09501101530003', '09501101530010']],
    ['G{9:12}{X} ; check=mod37-2', 123489654321, ['G123489654321Y', 'G123489654322W']],
    ['{9:4}{9} ; check=luhn', 7992, ['79921', '79939']],
  ])('computes check digits: %s from %i', (format, start, expected) => {
    const serials = generateSequential(f(format), start, 2);
    expect(serials).toEqual(expected);
    for (const s of serials) expect(f(format).test(s)).toEqual({ ok: true });
  });

  it('refuses counter values past the width with VALIDATION_FAILED', () => {
    const err = errorOf(() => generateSequential(f('SN-{9:5}'), 99998, 3));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toBe('count: counter values 99998 to 100000 do not fit the 5-digit counter {9:5} of SN-{9:5} (largest 99999)');
    expect(err.details).toMatchObject({ field: 'count', start: '99998', count: 3, capacity: '100000' });
  });

  it('refuses a start past the width even with a check digit taking the last place', () => {
    const err = errorOf(() => generateSequential(f('{9:15} ; check=luhn'), 10n ** 14n, 1));
    expect(err.message).toContain('do not fit the 14-digit counter {9:15}');
  });

  it.each([
    ['re:[A-Z]{2}\\d{6}', 'a re: format says what serials look like but not how to make one'],
    ['{A}{9:5}', 'sequential generation fills only the counter, the year and the check character, but {A} at position 1 would need a value too'],
    ['{9:3}-{9:3}', 'sequential generation needs one numeric run for the counter, and the pattern has 2 ({9:3} at position 1, {9:3} at position 7); mark the counter with {#...}'],
    ['{#:3}-{9:3}', 'but {9:3} at position 7 would need a value too'],
    ['{A:3}', 'needs a numeric run for the counter, such as {9:6} or {#:6}, and the pattern has none'],
    ['SN{9} ; check=luhn', 'needs a numeric run for the counter'],
  ])('refuses %s with SERIAL_FORMAT_INVALID: %s', (format, message) => {
    const err = errorOf(() => generateSequential(f(format), 0, 1));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
  });

  it.each<[string, unknown, unknown, unknown, string]>([
    ['SN-{YYYY}-{9:5}', 0, 1, undefined, 'year: required: SN-{YYYY}-{9:5} has {YYYY}'],
    ['SN-{YYYY}-{9:5}', 0, 1, { year: 1899 }, 'year: expected a year from 1900 to 2099, got 1899'],
    ['SN-{YY}-{9:5}', 0, 1, { year: 24.5 }, 'year: expected a year from 1900 to 2099, got 24.5'],
    ['SN-{9:5}', -1, 1, undefined, 'start: expected a whole number of 0 or more, got -1'],
    ['SN-{9:5}', -1n, 1, undefined, 'start: expected a whole number of 0 or more, got -1'],
    ['SN-{9:5}', 1.5, 1, undefined, 'start: expected a whole number of 0 or more, got 1.5'],
    ['SN-{9:5}', '1', 1, undefined, 'start: expected a whole number of 0 or more, got 1'],
    ['SN-{9:5}', 0, -1, undefined, `count: expected a whole number from 0 to ${MAX_GENERATE_COUNT}, got -1`],
    ['SN-{9:5}', 0, MAX_GENERATE_COUNT + 1, undefined, `count: expected a whole number from 0 to ${MAX_GENERATE_COUNT}, got ${MAX_GENERATE_COUNT + 1}`],
  ])('refuses %s with start %s, count %s, options %j: %s', (format, start, count, options, message) => {
    const err = errorOf(() => generateSequential(f(format), start as number, count as number, options as { year?: number }));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toBe(message);
  });
});

describe('counterCapacity', () => {
  it.each([
    ['SN-{9:5}', 100000n],
    ['SN-{YYYY}-{#####}', 100000n],
    ['{#:3-8}', 100000000n],
    ['{9:15} ; check=luhn', 10n ** 14n],
    ['SN{#:1-10} ; length=4-6', 10000n],
    ['{9:30}', 10n ** 30n],
  ])('%s allows %s counter values', (format, capacity) => {
    expect(counterCapacity(f(format))).toBe(capacity);
  });
});

describe('generateRandom', () => {
  it.each([
    'SN-{YYYY}-{X:8}',
    '{A}{A}{9:6}',
    '{X:4-8}',
    '{*:10}',
    '{*:10} ; charset=cset39',
    '{x:6}-{H:4}',
    '{9:15} ; check=luhn',
    'IMEI{9:15} ; check=luhn',
    '{X:8}{9} ; check=gs1',
    '{X:12} ; check=mod37-2',
    '{X:1-40} ; length=6-20',
    '{#:6}',
  ])('makes serials that all match %s', (format) => {
    const serials = generateRandom(f(format), 2000, seededBytes(7), { year: 2025 });
    expect(serials).toHaveLength(2000);
    for (const s of serials) expect(f(format).test(s), s).toEqual({ ok: true });
  });

  it('makes 100,000 different serials from {X:12} with node:crypto bytes', () => {
    const format = f('{X:12}');
    const serials = generateRandom(format, 100_000, randomBytes);
    expect(new Set(serials).size).toBe(100_000);
    expect(serials.every((s) => format.test(s).ok)).toBe(true);
  });

  it('fills a small space exactly once each and refuses one more', () => {
    const serials = generateRandom(f('{9:2}'), 100, seededBytes(1));
    expect([...serials].sort()).toEqual(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')));
    const err = errorOf(() => generateRandom(f('{9:2}'), 101, seededBytes(1)));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toBe('count: 101 different serials asked for, but {9:2} allows only 100');
  });

  it('spreads characters uniformly over each position (chi-square, 36,000 serials of {X:4})', () => {
    const serials = generateRandom(f('{X:4}'), 36_000, seededBytes(42));
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let pos = 0; pos < 4; pos += 1) {
      const counts = new Map<string, number>();
      for (const s of serials) counts.set(s[pos], (counts.get(s[pos]) ?? 0) + 1);
      expect(counts.size).toBe(36);
      const expected = serials.length / alphabet.length;
      let chi2 = 0;
      for (const ch of alphabet) chi2 += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
      // 35 degrees of freedom: the 0.999 quantile is about 66.6
      expect(chi2).toBeLessThan(66.6);
    }
  });

  it('skips bytes at or above the largest multiple of the class size (no modulo bias)', () => {
    // 36 characters: bytes 252-255 would favour "0"-"3", so they are dropped
    expect(generateRandom(f('{X:2}'), 1, scriptedBytes([252, 253, 254, 255, 0, 255, 35]))).toEqual(['0Z']);
    // 10 digits: bytes 250-255 are dropped; 249 % 10 = 9
    expect(generateRandom(f('{9}'), 1, scriptedBytes([250, 255, 249]))).toEqual(['9']);
  });

  it('gives ranged runs their longest count, trimmed to the length limit', () => {
    expect(generateRandom(f('{X:4-8}'), 50, seededBytes(3)).every((s) => s.length === 8)).toBe(true);
    expect(generateRandom(f('{X:1-40} ; length=6-20'), 50, seededBytes(3)).every((s) => s.length === 20)).toBe(true);
  });

  it('fills the year and needs one when the pattern has it', () => {
    expect(generateRandom(f('SN{YYYY}{X:6}'), 5, seededBytes(9), { year: 2025 }).every((s) => s.startsWith('SN2025'))).toBe(true);
    expect(errorOf(() => generateRandom(f('SN{YYYY}{X:6}'), 5, seededBytes(9))).message).toBe('year: required: SN{YYYY}{X:6} has {YYYY}');
  });

  it('refuses re: formats with SERIAL_FORMAT_INVALID', () => {
    expect(errorOf(() => generateRandom(f('re:[A-Z]{8}'), 1, randomBytes)).code).toBe('SERIAL_FORMAT_INVALID');
  });
});

describe('randomSpaceSize and guessProbability', () => {
  it.each([
    ['{X:12}', 36n ** 12n],
    ['{A}{9:3}', 26000n],
    ['SN-{9:5} ; check=luhn', 10000n],
    ['{*:2}', 82n * 82n],
    ['{*:2} ; charset=alphanumeric', 62n * 62n],
    ['{X:4-8}', 36n ** 8n],
    ['SN-{YYYY}-{H:6}', 16n ** 6n],
  ])('%s can produce %s serials', (format, size) => {
    expect(randomSpaceSize(f(format))).toBe(size);
  });

  it.each([
    ['{X:12}', 1, 1 / 36 ** 12],
    ['{X:12}', 1_000_000, 1_000_000 / 36 ** 12],
    ['{9:6}', 1000n, 0.001],
    ['{9:2}', 500, 1],
  ])('gives %s with %s issued a guess probability of %d', (format, issued, p) => {
    expect(guessProbability(f(format), issued)).toBeCloseTo(p, 20);
  });

  it('refuses a negative number issued with VALIDATION_FAILED', () => {
    expect(errorOf(() => guessProbability(f('{X:12}'), -1)).message).toBe('issued: expected a whole number of 0 or more, got -1');
  });
});
