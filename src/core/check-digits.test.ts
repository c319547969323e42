import { describe, expect, it } from 'vitest';
import {
  gs1CheckDigit,
  isValidGs1CheckDigit,
  isValidIso7064Mod37_2,
  isValidLuhn,
  iso7064Mod37_2CheckChar,
  luhnCheckDigit,
} from './check-digits.ts';

describe('GS1 mod-10', () => {
  it.each([
    ['0950110153000', 3], // GTIN-14 09501101530003 from the GS1 General Specifications
    ['400638133393', 1], // EAN-13 4006381333931
    ['03600029145', 2], // UPC-A 036000291452
    ['1234567', 0], // EAN-8 12345670
  ])('computes the check digit of %s as %i', (digits, expected) => {
    expect(gs1CheckDigit(digits)).toBe(expected);
    expect(isValidGs1CheckDigit(digits + expected)).toBe(true);
    expect(isValidGs1CheckDigit(digits + ((expected + 1) % 10))).toBe(false);
  });

  it('rejects non-digits', () => {
    expect(isValidGs1CheckDigit('0950110153000X')).toBe(false);
  });
});

describe('Luhn', () => {
  it.each(['490154203237518', '79927398713', '356938035643809'])('accepts the valid number %s', (v) => {
    expect(isValidLuhn(v)).toBe(true);
  });
  it.each(['490154203237519', '79927398710'])('rejects the invalid number %s', (v) => {
    expect(isValidLuhn(v)).toBe(false);
  });
  it('computes the IMEI check digit', () => {
    expect(luhnCheckDigit('49015420323751')).toBe(8);
  });
  it('computes check digits that always validate', () => {
    for (let n = 0; n < 2000; n += 7) {
      const digits = String(n * 7919);
      expect(isValidLuhn(digits + luhnCheckDigit(digits))).toBe(true);
    }
    expect(luhnCheckDigit('12a')).toBe(-1);
  });
});

describe('ISO 7064 MOD 37-2', () => {
  it('computes and verifies a check character (ISO 7064 worked value)', () => {
    // ISO 7064 example: "G123489654321" with MOD 37-2 gives check character "Y".
    expect(iso7064Mod37_2CheckChar('G123489654321')).toBe('Y');
    expect(isValidIso7064Mod37_2('G123489654321Y')).toBe(true);
    expect(isValidIso7064Mod37_2('G123489654321Z')).toBe(false);
  });
  it('returns null for characters outside 0-9 and A-Z', () => {
    expect(iso7064Mod37_2CheckChar('AB-1')).toBeNull();
  });
});
