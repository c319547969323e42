import { describe, expect, it } from 'vitest';
import { centuryYear, daysInMonth, gs1CheckPair, LINTERS, type LinterName } from './linters.ts';

function lint(name: LinterName, value: string, referenceYear = 2026) {
  return LINTERS[name](value, 0, value.length, referenceYear);
}

describe('linters', () => {
  it.each<[LinterName, string]>([
    ['csum', '09501101530003'],
    ['csum', '106141412345678908'],
    ['csumalpha', '1987654Ad4X4bL5ttr2310c2K'], // GMN example of the GS1 General Specifications
    ['csumalpha', '22'],
    ['gcppos1', '1234ABC'],
    ['gcppos2', '01234'],
    ['yymmd0', '270100'],
    ['yymmd0', '280229'],
    ['yymmdd', '271231'],
    ['yyyymmdd', '20000229'],
    ['hhmi', '2359'],
    ['hh', '00'],
    ['mi', '59'],
    ['ss', '59'],
    ['zero', '0'],
    ['nonzero', '0001'],
    ['winding', '9'],
    ['yesno', '1'],
    ['iso5218', '9'],
    ['hyphen', '-'],
    ['pieceoftotal', '0202'],
    ['posinseqslash', '9/10'],
    ['latitude', '1800000000'],
    ['longitude', '3600000000'],
    ['iso3166', '276'],
    ['iso3166999', '999'],
    ['iso3166alpha2', 'DE'],
    ['iso4217', '978'],
    ['pcenc', 'A%20B'],
    ['iban', 'GB82WEST12345698765432'],
    ['importeridx', '_'],
    ['mediatype', '80'],
    ['nozeroprefix', '0'],
    ['hasnondigit', '12A'],
  ])('accepts %s %j', (name, value) => {
    expect(lint(name, value)).toBeNull();
  });

  it.each<[LinterName, string, string, number]>([
    ['csum', '09501101530004', 'check-digit', 0],
    ['csumalpha', '1987654Ad4X4bL5ttr2310c2X', 'check-digit', 0],
    ['csumalpha', '1987654Ad4X4bL5ttr2310c21', 'check-digit', 24], // '1' is not in CSET 32
    ['gcppos1', '123A', 'value', 3],
    ['gcppos1', '123', 'value', 0],
    ['yymmd0', '270001', 'date', 2],
    ['yymmd0', '270230', 'date', 4],
    ['yymmdd', '270100', 'date', 4],
    ['yymmdd', '270229', 'date', 4],
    ['yyyymmdd', '19000229', 'date', 6], // 1900 was not a leap year
    ['hhmi', '2400', 'time', 0],
    ['hhmi', '2360', 'time', 2],
    ['zero', '1', 'value', 0],
    ['nonzero', '000', 'value', 0],
    ['winding', '2', 'value', 0],
    ['yesno', '2', 'value', 0],
    ['iso5218', '3', 'value', 0],
    ['hyphen', '+', 'value', 0],
    ['pieceoftotal', '0000', 'value', 0],
    ['pieceoftotal', '0302', 'value', 0],
    ['posinseqslash', '2/1', 'value', 0],
    ['posinseqslash', '01/2', 'value', 0],
    ['posinseqslash', '1-2', 'value', 0],
    ['latitude', '1800000001', 'value', 0],
    ['iso3166', '999', 'value', 0],
    ['iso3166alpha2', 'XX', 'value', 0],
    ['iso4217', '000', 'value', 0],
    ['pcenc', 'A%2', 'value', 1],
    ['pcenc', 'A%G0', 'value', 1],
    ['iban', 'GB82WEST12345698765433', 'check-digit', 2],
    ['iban', 'XX82WEST12345698765432', 'value', 0],
    ['importeridx', '.', 'value', 0],
    ['mediatype', '11', 'value', 0],
    ['nozeroprefix', '012', 'value', 0],
    ['hasnondigit', '123', 'value', 0],
  ])('refuses %s %j as %s at offset %i', (name, value, rule, offset) => {
    expect(lint(name, value)).toMatchObject({ rule, offset });
  });

  it('computes the GMN check character pair of the General Specifications example', () => {
    expect(gs1CheckPair('1987654Ad4X4bL5ttr2310c')).toBe('2K');
  });

  it.each([
    [26, 2026, 2026],
    [76, 2026, 2076],
    [77, 2026, 1977],
    [0, 2026, 2000],
    [20, 2080, 2120],
    [99, 2001, 1999],
    [50, 2000, 2050],
    [51, 2000, 1951],
  ])('places YY=%i with reference year %i in %i by the GS1 century rule', (yy, ref, year) => {
    expect(centuryYear(yy, ref)).toBe(year);
  });

  it.each([
    [2024, 2, 29],
    [2027, 2, 28],
    [2000, 2, 29],
    [2100, 2, 28],
    [2027, 4, 30],
    [2027, 12, 31],
  ])('counts %i-%i as %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});
