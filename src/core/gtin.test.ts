import { describe, expect, it } from 'vitest';
import { expandUpcE, isProductBarcode, normalizeGtin } from './gtin.ts';

describe('normalizeGtin', () => {
  it.each([
    ['036000291452', '00036000291452', 'UPC-A (12 digits)'],
    ['4006381333931', '04006381333931', 'EAN-13'],
    ['96385074', '00000096385074', 'EAN-8'],
    ['09501101530003', '09501101530003', 'GTIN-14'],
    ['  4006381333931 ', '04006381333931', 'EAN-13 with surrounding spaces'],
    ['00036000291452', '00036000291452', 'UPC-A written as GTIN-14'],
  ])('returns the 14-digit GTIN of %s as %s (%s)', (code, expected) => {
    expect(normalizeGtin(code)).toBe(expected);
  });

  it.each([
    ['036000291453', 'UPC-A with a wrong check digit'],
    ['4006381333932', 'EAN-13 with a wrong check digit'],
    ['96385075', 'EAN-8 with a wrong check digit'],
    ['09501101530004', 'GTIN-14 with a wrong check digit'],
    ['36000291452', '11 digits'],
    ['1234567', '7 digits'],
    ['095011015300031', '15 digits'],
    ['40063813339A1', 'a letter'],
    ['4006-381333931', 'a hyphen'],
    ['00000000', 'all zeros'],
    ['', 'empty'],
  ])('returns null for %s (%s)', (code) => {
    expect(normalizeGtin(code)).toBeNull();
  });
});

describe('expandUpcE', () => {
  it.each([
    ['04252614', '042100005264', 'last digit 0-2: manufacturer digits then 0000'],
    ['01234565', '012345000065', 'last digit 5-9'],
    ['01234531', '012300000451', 'last digit 3'],
    ['01234543', '012340000053', 'last digit 4'],
  ])('expands UPC-E %s to UPC-A %s (%s)', (upcE, upcA) => {
    expect(expandUpcE(upcE)).toBe(upcA);
  });

  it.each([
    ['04252615', 'a wrong check digit'],
    ['24252614', 'number system 2'],
    ['0425261', '7 digits'],
  ])('returns null for %s (%s)', (code) => {
    expect(expandUpcE(code)).toBeNull();
  });
});

describe('isProductBarcode', () => {
  const upcProduct = '00036000291452'; // UPC-A 036000291452
  const ean8Product = '96385074';
  const upcEProduct = '042100005264'; // UPC-E 04252614

  it.each([
    ['036000291452', upcProduct, 'the UPC-A itself'],
    ['0036000291452', upcProduct, 'the UPC-A as EAN-13'],
    ['00036000291452', upcProduct, 'the UPC-A as GTIN-14'],
    ['36000291452', upcProduct, 'the UPC-A without its leading zero'],
    ['036000291452', '036000291452', 'a product GTIN stored as 12 digits'],
    ['96385074', ean8Product, 'the EAN-8 itself'],
    ['00000096385074', ean8Product, 'the EAN-8 as GTIN-14'],
    ['04252614', upcEProduct, 'the UPC-E form of the product UPC-A'],
    [']E0036000291452', upcProduct, 'behind the symbology identifier ]E0'],
    ['(01)00036000291452', upcProduct, 'as the element string (01) with parentheses'],
    ['0100036000291452', upcProduct, 'as the element string 01 without parentheses'],
    [']C10100036000291452', upcProduct, 'as a GS1-128 element string behind ]C1'],
    [' 036000291452\n', upcProduct, 'with surrounding whitespace'],
  ])('is true for the scan %j against product %s (%s)', (scan, product) => {
    expect(isProductBarcode(scan, product)).toBe(true);
  });

  it.each<[string, string | null, string]>([
    ['036000291453', upcProduct, 'a different check digit'],
    ['4006381333931', upcProduct, 'another product'],
    ['SN-000123', upcProduct, 'a real serial'],
    ['036000291452X', upcProduct, 'the GTIN plus a letter'],
    ['01000360002914522112345', upcProduct, 'GTIN plus serial (AI 21): a unit code, not the product code'],
    ['036000291452', null, 'a product without GTIN'],
    ['036000291452', '123', 'a product with an invalid GTIN'],
    ['', upcProduct, 'an empty scan'],
    ['000036000291452', upcProduct, 'more than 14 digits'],
  ])('is false for the scan %j against product %s (%s)', (scan, product) => {
    expect(isProductBarcode(scan, product)).toBe(false);
  });
});
