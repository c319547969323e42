import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.ts';
import { checkSerialRange, compareSerialNumbers, inSerialRange, rangeKey, serialNumberParts } from './serial-range.ts';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('serialNumberParts', () => {
  it.each<[string, { prefix: string; digits: string; number: string } | null]>([
    ['SN0998', { prefix: 'SN', digits: '0998', number: '998' }],
    ['SN1002', { prefix: 'SN', digits: '1002', number: '1002' }],
    ['SN-2024-00042', { prefix: 'SN-2024-', digits: '00042', number: '42' }],
    ['12345', { prefix: '', digits: '12345', number: '12345' }],
    ['000', { prefix: '', digits: '000', number: '' }],
    ['A0', { prefix: 'A', digits: '0', number: '' }],
    ['SN100A', null],
    ['ABC', null],
    ['SN 12', { prefix: 'SN ', digits: '12', number: '12' }],
    ['Ä١٢3', { prefix: 'Ä١٢', digits: '3', number: '3' }], // only ASCII digits are digits
  ])('reads %j as %j', (serial, parts) => {
    expect(serialNumberParts(serial)).toEqual(parts);
  });
});

describe('a range compares serials by their numeric part', () => {
  const range = { from: 'SN0998', to: 'SN1002' };
  it.each<[string, boolean]>([
    ['SN0998', true],
    ['SN0999', true],
    ['SN1000', true],
    ['SN1002', true],
    ['SN999', true], // another width, same number
    ['SN00999', true],
    ['SN01000', true],
    ['SN0997', false],
    ['SN1003', false],
    ['SN10000', false], // 10000, not 1000: the width is not cut
    ['SN100', false],
    ['sn1000', false], // case-sensitive prefix
    ['SN-1000', false], // prefix SN- is not SN
    ['XSN1000', false],
    ['SN1000A', false], // no numeric part at the end
    ['1000', false],
  ])('%s in SN0998..SN1002: %s', (serial, inside) => {
    expect(inSerialRange(serial, range)).toBe(inside);
  });

  it('puts SN999 before SN1000 whatever their widths, and compares only serials of one prefix', () => {
    expect(compareSerialNumbers('SN999', 'SN1000')).toBeLessThan(0);
    expect(compareSerialNumbers('SN0999', 'SN1000')).toBeLessThan(0);
    expect(compareSerialNumbers('SN1000', 'SN01000')).toBe(0);
    expect(compareSerialNumbers('SN2', 'SN10')).toBeLessThan(0);
    expect(compareSerialNumbers('SN2', 'XN10')).toBeNull();
    expect(compareSerialNumbers('SN2', 'SN')).toBeNull();
  });

  it('matches zero and ranges without a prefix', () => {
    expect(inSerialRange('0', { from: '000', to: '5' })).toBe(true);
    expect(inSerialRange('00', { from: '0', to: '0' })).toBe(true);
    expect(inSerialRange('6', { from: '0', to: '5' })).toBe(false);
    expect(inSerialRange('A5', { from: '0', to: '9' })).toBe(false);
  });
});

describe('rangeKey (the twin of serial_range_key in the database)', () => {
  it.each<[string, string | null]>([
    ['SN0012', 'SN\u0001212'],
    ['SN12', 'SN\u0001212'],
    ['000', '\u00010'],
    ['SN1000', 'SN\u000141000'],
    ['X', null],
    ['12-AB', null],
  ])('keys %j as %j', (serial, key) => {
    expect(rangeKey(serial)).toBe(key);
  });

  it('sorts, within one prefix, exactly as the numeric comparison does', () => {
    const serial = fc.tuple(fc.constantFrom('SN', 'SN-', ''), fc.stringMatching(/^[0-9]{1,25}$/)).map(([p, d]) => p + d);
    fc.assert(
      fc.property(serial, serial, (a, b) => {
        const numeric = compareSerialNumbers(a, b);
        const ka = rangeKey(a)!;
        const kb = rangeKey(b)!;
        const keyed = ka < kb ? -1 : ka > kb ? 1 : 0;
        if (numeric === null) return serialNumberParts(a)!.prefix !== serialNumberParts(b)!.prefix;
        return Math.sign(numeric) === keyed;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkSerialRange', () => {
  it('accepts ends of different widths and trims them', () => {
    expect(checkSerialRange({ from: ' SN998 ', to: 'SN1002' }, 'ranges[0]')).toEqual({ from: 'SN998', to: 'SN1002' });
    expect(checkSerialRange({ from: 'SN7', to: 'SN7' }, 'r')).toEqual({ from: 'SN7', to: 'SN7' });
  });

  it.each([
    [{ from: 'SN1002', to: 'SN0998' }, 'ranges[1]: reversed range: the end SN0998 comes before the start SN1002', 'ranges[1]'],
    [{ from: 'SN1', to: 'XY5' }, 'ranges[1]: the two ends have different prefixes ("SN" and "XY")', 'ranges[1]'],
    [{ from: 'SN1A', to: 'SN5A' }, 'ranges[1].from: "SN1A" does not end in a digit', 'ranges[1].from'],
    [{ from: 'SN1', to: 'SN' }, 'ranges[1].to: "SN" does not end in a digit', 'ranges[1].to'],
    [{ from: '  ', to: 'SN5' }, 'ranges[1].from: must not be empty', 'ranges[1].from'],
    [{ from: 'SN1', to: `SN${'9'.repeat(70)}` }, 'ranges[1].to: must be at most 64 characters', 'ranges[1].to'],
  ])('refuses %j: %s', (range, message, field) => {
    const err = errorOf(() => checkSerialRange(range, 'ranges[1]'));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain(message);
    expect(err.details).toEqual({ field });
  });
});
