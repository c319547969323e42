import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import {
  buildDigitalLink,
  buildElementString,
  buildHumanReadable,
  looksLikeGs1,
  MAX_SCAN_LENGTH,
  parseScan,
  type ParseOptions,
  type ParsedScan,
} from './index.ts';

const GS = '\x1D';
const GTIN = '09501101530003'; // the GTIN of GS1's own Digital Link examples
const DL = 'https://id.gs1.org';

type Want = {
  elements: [ai: string, value: string][];
  source?: ParsedScan['source'];
  gtin?: string;
  serial?: string;
  lot?: string;
  expiry?: string;
  digitalLink?: string;
};

function check(got: ParsedScan, want: Want): void {
  expect(got.elements.map((e) => [e.ai, e.value])).toEqual(want.elements);
  for (const key of ['source', 'gtin', 'serial', 'lot', 'expiry', 'digitalLink'] as const) {
    if (want[key] !== undefined) expect(got[key], key).toBe(want[key]);
  }
}

type Fail = { rule: string; position: number; ai?: string; message?: string | RegExp };

function fails(data: string, want: Fail, options?: ParseOptions): void {
  let thrown: unknown;
  try {
    parseScan(data, options);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected parseScan to throw').toBeInstanceOf(DomainError);
  const err = thrown as DomainError;
  expect(err.code).toBe('SCAN_INVALID');
  expect(err.details).toMatchObject({ rule: want.rule, position: want.position });
  if (want.ai !== undefined) expect(err.details?.ai).toBe(want.ai);
  expect(err.message).toMatch(/^data: .* at position \d+$/);
  expect(err.message.endsWith(`at position ${want.position}`)).toBe(true);
  if (want.message !== undefined) {
    if (typeof want.message === 'string') expect(err.message).toBe(want.message);
    else expect(err.message).toMatch(want.message);
  }
}

describe('parseScan: element strings from scanners', () => {
  it.each<[string, string, ParseOptions | undefined, Want]>([
    [
      'GS1 DataMatrix (]d2) with GTIN, expiry, lot and serial separated by GS',
      `]d201${GTIN}17270101` + `10ABC123${GS}21SER456`,
      undefined,
      {
        elements: [['01', GTIN], ['17', '270101'], ['10', 'ABC123'], ['21', 'SER456']],
        source: 'element-string',
        gtin: GTIN,
        serial: 'SER456',
        lot: 'ABC123',
        expiry: '2027-01-01',
        digitalLink: `${DL}/01/${GTIN}/10/ABC123/21/SER456?17=270101`,
      },
    ],
    [
      'GS1-128 (]C1) from the General Specifications: GTIN 95012345678903 with net weight 0.123 kg',
      ']C10195012345678903310300' + '0123',
      undefined,
      { elements: [['01', '95012345678903'], ['3103', '000123']], gtin: '95012345678903' },
    ],
    [
      'GS1 QR Code (]Q3) with the serial last and no trailing separator',
      `]Q301${GTIN}21ABC123`,
      undefined,
      { elements: [['01', GTIN], ['21', 'ABC123']], serial: 'ABC123' },
    ],
    [
      'GS1 DataBar (]e0) with a GTIN alone',
      `]e001${GTIN}`,
      undefined,
      { elements: [['01', GTIN]], digitalLink: `${DL}/01/${GTIN}` },
    ],
    [
      'GS1 DotCode (]J1)',
      `]J101${GTIN}10L1`,
      undefined,
      { elements: [['01', GTIN], ['10', 'L1']] },
    ],
    [
      'no symbology identifier, FNC1 in first position sent as GS',
      `${GS}01${GTIN}21X${GS}10L`,
      undefined,
      { elements: [['01', GTIN], ['21', 'X'], ['10', 'L']] },
    ],
    [
      'no symbology identifier and no leading FNC1',
      `01${GTIN}21ABC`,
      undefined,
      { elements: [['01', GTIN], ['21', 'ABC']] },
    ],
    [
      "FNC1 remapped to '^' by the scanner",
      `01${GTIN}10LOT^21SER`,
      { fnc1Substitute: '^' },
      { elements: [['01', GTIN], ['10', 'LOT'], ['21', 'SER']] },
    ],
    [
      "FNC1 remapped to the multi-character '<GS>'",
      `]d201${GTIN}10L<1<GS>21SER`,
      { fnc1Substitute: '<GS>' },
      { elements: [['01', GTIN], ['10', 'L<1'], ['21', 'SER']] },
    ],
    [
      'GS still accepted when a substitute is configured',
      `01${GTIN}10LOT${GS}21SER`,
      { fnc1Substitute: '^' },
      { elements: [['01', GTIN], ['10', 'LOT'], ['21', 'SER']] },
    ],
    [
      'a separator after a predefined-length value and a trailing separator',
      `01${GTIN}${GS}17270100${GS}21S${GS}`,
      undefined,
      { elements: [['01', GTIN], ['17', '270100'], ['21', 'S']], expiry: '2027-01-31' },
    ],
    [
      'CR/LF suffix added by the scanner',
      `]d201${GTIN}21ABC\r\n`,
      undefined,
      { elements: [['01', GTIN], ['21', 'ABC']] },
    ],
    [
      'EAN-13 (]E0) as GTIN-14 with a leading zero',
      ']E04006381333931',
      undefined,
      { elements: [['01', '04006381333931']], gtin: '04006381333931' },
    ],
    [
      'EAN-8 (]E4) as GTIN-14',
      ']E412345670',
      undefined,
      { elements: [['01', '00000012345670']] },
    ],
    [
      'ITF-14 (]I1) as GTIN-14',
      ']I195012345678903',
      undefined,
      { elements: [['01', '95012345678903']] },
    ],
    [
      'SSCC from the General Specifications, alone',
      '00106141412345678908',
      undefined,
      { elements: [['00', '106141412345678908']], digitalLink: `${DL}/00/106141412345678908` },
    ],
    [
      'the same AI twice with the same value, kept once',
      `01${GTIN}21A${GS}01${GTIN}`,
      undefined,
      { elements: [['01', GTIN], ['21', 'A']] },
    ],
    [
      'a GMN with the check character pair from the General Specifications',
      '80131987654Ad4X4bL5ttr2310c2K',
      undefined,
      { elements: [['8013', '1987654Ad4X4bL5ttr2310c2K']], digitalLink: `${DL}/8013/1987654Ad4X4bL5ttr2310c2K` },
    ],
    [
      'a GDTI with its optional serial component',
      '2534012345678901ABC',
      undefined,
      { elements: [['253', '4012345678901ABC']] },
    ],
    [
      'production time with the optional minutes and seconds left out',
      `01${GTIN}800827010112`,
      undefined,
      { elements: [['01', GTIN], ['8008', '27010112']] },
    ],
    [
      'a GLN, payment reference and amount in rand (ISO 4217 710)',
      `4155412345678908${'8020'}REF1${GS}3912710125`,
      undefined,
      {
        elements: [['415', '5412345678908'], ['8020', 'REF1'], ['3912', '710125']],
        digitalLink: `${DL}/415/5412345678908/8020/REF1?3912=710125`,
      },
    ],
  ])('parses %s', (_name, data, options, want) => {
    check(parseScan(data, options), want);
  });
});

describe('parseScan: human-readable element strings', () => {
  it.each<[string, string, Want]>([
    [
      'the GS1 example (01)(21)',
      `(01)${GTIN}(21)ABC123`,
      { elements: [['01', GTIN], ['21', 'ABC123']], source: 'human-readable', serial: 'ABC123' },
    ],
    [
      'spaces around the brackets as printed under a barcode',
      `(01) ${GTIN} (17) 270101 (10) LOT7`,
      { elements: [['01', GTIN], ['17', '270101'], ['10', 'LOT7']], expiry: '2027-01-01', lot: 'LOT7' },
    ],
    [
      "a '(' inside a value that does not open an AI",
      `(01)${GTIN}(21)A(B)C`,
      { elements: [['01', GTIN], ['21', 'A(B)C']] },
    ],
    [
      "an escaped '\\(' that would otherwise look like an AI",
      `(01)${GTIN}(21)A\\(10)B`,
      { elements: [['01', GTIN], ['21', 'A(10)B']] },
    ],
    [
      'the SSCC from the General Specifications with a count of trade items and the content GTIN',
      '(00)106141412345678908(02)95012345678903(37)12',
      { elements: [['00', '106141412345678908'], ['02', '95012345678903'], ['37', '12']] },
    ],
  ])('parses %s', (_name, data, want) => {
    check(parseScan(data), want);
  });
});

describe('parseScan: GS1 Digital Link URIs', () => {
  it.each<[string, string, Want]>([
    [
      'the canonical host with serial in the path and expiry and lot as attributes',
      `${DL}/01/${GTIN}/21/ABC123?17=270101&10=LOT1`,
      {
        elements: [['01', GTIN], ['21', 'ABC123'], ['17', '270101'], ['10', 'LOT1']],
        source: 'digital-link',
        gtin: GTIN,
        serial: 'ABC123',
        lot: 'LOT1',
        expiry: '2027-01-01',
        digitalLink: `${DL}/01/${GTIN}/10/LOT1/21/ABC123?17=270101`,
      },
    ],
    [
      "GS1's example with CPV, lot and serial qualifiers",
      `${DL}/01/09520123456788/22/2A/10/ABC123/21/12345`,
      {
        elements: [['01', '09520123456788'], ['22', '2A'], ['10', 'ABC123'], ['21', '12345']],
        digitalLink: `${DL}/01/09520123456788/22/2A/10/ABC123/21/12345`,
      },
    ],
    [
      'a brand host with a path prefix, a GTIN-13 and percent-encoded values',
      'https://brand.example.com/shop/p/01/9501101530003/10/L%2F1/21/S%2A1?17=270100&linkType=gs1:pip',
      {
        elements: [['01', GTIN], ['10', 'L/1'], ['21', 'S*1'], ['17', '270100']],
        expiry: '2027-01-31',
        digitalLink: `${DL}/01/${GTIN}/10/L%2F1/21/S%2A1?17=270100`,
      },
    ],
    [
      'a GTIN-12 (UPC-A) padded to GTIN-14',
      'http://example.com/01/036000291452',
      { elements: [['01', '00036000291452']] },
    ],
    [
      'a GTIN-8 padded to GTIN-14',
      'https://example.com/01/12345670',
      { elements: [['01', '00000012345670']] },
    ],
    [
      'upper-case scheme, a port, a trailing slash and a fragment',
      `HTTPS://example.com:8443/01/${GTIN}/21/X1/#top`,
      { elements: [['01', GTIN], ['21', 'X1']] },
    ],
    [
      'a plain QR Code symbology identifier (]Q1) in front',
      `]Q1${DL}/01/${GTIN}/21/X1`,
      { elements: [['01', GTIN], ['21', 'X1']] },
    ],
    [
      'the alternative qualifier 235 (TPX)',
      `${DL}/01/${GTIN}/235/TPX1`,
      { elements: [['01', GTIN], ['235', 'TPX1']], digitalLink: `${DL}/01/${GTIN}/235/TPX1` },
    ],
    [
      'an SSCC key with a non-GS1 query parameter only',
      `${DL}/00/106141412345678908?utm_source=x`,
      { elements: [['00', '106141412345678908']] },
    ],
    [
      'a GLN key with the extension qualifier 254',
      `${DL}/414/5412345678908/254/A1`,
      { elements: [['414', '5412345678908'], ['254', 'A1']] },
    ],
  ])('parses %s', (_name, data, want) => {
    check(parseScan(data), want);
  });
});

describe('parseScan: dates', () => {
  it.each([
    ['270101', 2026, '2027-01-01'],
    ['270100', 2026, '2027-01-31'],
    ['280200', 2026, '2028-02-29'], // DD=00 is the last day, leap year
    ['270200', 2026, '2027-02-28'],
    ['761231', 2026, '2076-12-31'], // 50 years ahead stays in this century
    ['770101', 2026, '1977-01-01'], // 51 years ahead falls back a century
    ['200101', 2080, '2120-01-01'], // 60 years back moves to the next century
    ['000229', 2026, '2000-02-29'],
  ])('reads expiry %s with reference year %i as %s', (yymmdd, referenceYear, iso) => {
    expect(parseScan(`01${GTIN}17${yymmdd}`, { referenceYear }).expiry).toBe(iso);
  });

  it('throws a RangeError, not SCAN_INVALID, for a reference year that is not a four-digit year', () => {
    expect(() => parseScan(`01${GTIN}`, { referenceYear: 26 })).toThrow(RangeError);
    expect(() => parseScan(`01${GTIN}`, { referenceYear: Number.NaN })).toThrow(RangeError);
  });

  it('leaves expiry undefined when there is no AI 17', () => {
    expect(parseScan(`01${GTIN}`).expiry).toBeUndefined();
  });
});

describe('parseScan: refusals', () => {
  const refusals: [string, string, Fail, ParseOptions?][] = [
    // check digits
    [
      '(01) with a wrong check digit in an element string',
      `0109501101530004`,
      { rule: 'check-digit', position: 2, ai: '01', message: 'data: AI (01) check digit is 4, expected 3 at position 2' },
    ],
    ['(01) with a wrong check digit in brackets', '(01)09501101530004', { rule: 'check-digit', position: 4, ai: '01' }],
    ['(01) with a wrong check digit after ]d2', ']d20109501101530004', { rule: 'check-digit', position: 5 }],
    ['(01) with a wrong check digit in a Digital Link', `${DL}/01/09501101530004`, { rule: 'check-digit', position: 22 }],
    ['an SSCC with a wrong check digit', '(00)106141412345678907', { rule: 'check-digit', position: 4, ai: '00' }],
    ['a GLN in (414) with a wrong check digit', '(414)5412345678909', { rule: 'check-digit', position: 5, ai: '414' }],
    ['an EAN-13 (]E0) with a wrong check digit', ']E04006381333932', { rule: 'check-digit', position: 3, ai: '01' }],
    [
      'a GMN with a wrong check character pair',
      '(8013)1987654Ad4X4bL5ttr2310cXK',
      { rule: 'check-digit', position: 6, ai: '8013', message: /check characters are XK, expected 2K/ },
    ],
    // lengths
    ['(01) with 12 digits, pointing at the value start', '01095011015300', { rule: 'length', position: 2, ai: '01' }],
    ['(01) cut short by a GS', `010950110153${GS}21A`, { rule: 'length', position: 2, ai: '01' }],
    ['(01) with 13 digits in brackets', '(01)0950110153000', { rule: 'length', position: 4 }],
    ['(01) with 15 digits in brackets', '(01)095011015300031', { rule: 'length', position: 18 }],
    [
      '(10) with 21 characters, pointing at the first one too many',
      `(01)${GTIN}(10)ABCDEFGHIJKLMNOPQRSTU`,
      { rule: 'length', position: 42, ai: '10', message: /value has 21 characters, at most 20 allowed/ },
    ],
    ['(21) with an empty value', `01${GTIN}21${GS}10L`, { rule: 'length', position: 18, ai: '21' }],
    ['(422) with 4 digits (fixed length, yet FNC1 required)', `01${GTIN}4222760`, { rule: 'length', position: 22, ai: '422' }],
    ['(423) ending inside its second country code', `(01)${GTIN}(423)27627`, { rule: 'length', position: 26, ai: '423' }],
    ['an EAN-13 (]E0) with 12 digits', ']E0400638133393', { rule: 'length', position: 3 }],
    ['a scan longer than the limit', '0'.repeat(MAX_SCAN_LENGTH + 1), { rule: 'length', position: MAX_SCAN_LENGTH }],
    // character sets
    ['a letter in (01)', '(01)0950110153000X', { rule: 'charset', position: 17, ai: '01' }],
    ["'#' (not CSET 82) in (21)", `(01)${GTIN}(21)AB#C`, { rule: 'charset', position: 24, ai: '21', message: /contains '#', which is not in GS1 character set 82/ }],
    ['a space inside (10)', `01${GTIN}10A B`, { rule: 'charset', position: 19, ai: '10' }],
    ['a non-ASCII letter in (21)', `01${GTIN}21Aé`, { rule: 'charset', position: 19, message: /U\+00E9/ }],
    ["a lower-case letter in CSET 39 (8010)", '(8010)1234ab', { rule: 'charset', position: 10, ai: '8010' }],
    ['a character outside base64url in (8030)', `(01)${GTIN}(21)A(8030)ab+c`, { rule: 'charset', position: 31, ai: '8030' }],
    ['a percent-encoded non-ASCII byte in a Digital Link', `${DL}/01/${GTIN}/21/%C3%A9`, { rule: 'charset', position: 40, ai: '21' }],
    ["a percent-encoded '#' in a Digital Link, pointing at the '%'", `${DL}/01/${GTIN}/21/A%23`, { rule: 'charset', position: 41, ai: '21' }],
    // dates and times
    ['month 13 in (17)', `(01)${GTIN}(17)271301`, { rule: 'date', position: 24, ai: '17', message: /month 13 is not valid/ }],
    ['31 February in (17)', `(01)${GTIN}(17)270231`, { rule: 'date', position: 26, ai: '17' }],
    ['29 February in a common year', `(01)${GTIN}(17)270229`, { rule: 'date', position: 26 }],
    ['day 00 where the AI (7006) requires a real day', `(01)${GTIN}(7006)270100`, { rule: 'date', position: 28, ai: '7006' }],
    ['hour 24 in (8008)', `(01)${GTIN}(8008)2701012460`, { rule: 'time', position: 30, ai: '8008' }],
    ['minute 75 in (7003)', `(01)${GTIN}(7003)2701011275`, { rule: 'time', position: 32, ai: '7003' }],
    // other content rules
    ['country 999 in (422)', `(01)${GTIN}(422)999`, { rule: 'value', position: 23, ai: '422' }],
    ['an unknown currency in (3912)', '(415)5412345678908(8020)R(3912)000125', { rule: 'value', position: 31, ai: '3912' }],
    ["country 'XX' in (4307)", '(00)106141412345678908(4307)XX', { rule: 'value', position: 28, ai: '4307' }],
    ['a latitude above 180 degrees in (4309)', '(00)106141412345678908(4309)18000000013600000000', { rule: 'value', position: 28 }],
    ['a GIAI (8004) not starting with a company prefix', '(8004)12AB', { rule: 'value', position: 8, ai: '8004' }],
    ['piece 3 of 2 in (8006)', '(8006)950123456789030302', { rule: 'value', position: 20, ai: '8006' }],
    // unknown AIs and syntax
    ['an unassigned AI (23) in an element string', `01${GTIN}23X`, { rule: 'unknown-ai', position: 16 }],
    ['a lone digit where an AI should start', `01${GTIN}2`, { rule: 'unknown-ai', position: 16 }],
    ['a plain serial number', 'SN-000123', { rule: 'unknown-ai', position: 0 }],
    ['an unassigned AI in brackets', `(01)${GTIN}(23)X`, { rule: 'unknown-ai', position: 19 }],
    ['an unclosed bracket', '(01', { rule: 'syntax', position: 0 }],
    ['text before the first bracket pair', `(1)${GTIN}`, { rule: 'syntax', position: 0 }],
    ['an empty scan', '', { rule: 'syntax', position: 0 }],
    ['whitespace only', ' \r\n', { rule: 'syntax', position: 0 }],
    ['an incomplete symbology identifier', ']d', { rule: 'syntax', position: 0 }],
    ['a symbology identifier without data', ']d2', { rule: 'syntax', position: 3 }],
    ['a non-GS1 symbology (]C0)', ']C0ABC123', { rule: 'syntax', position: 0, message: /]C0 does not carry GS1 data/ }],
    ['separators only', `${GS}${GS}`, { rule: 'syntax', position: 0 }],
    // pairing
    ['(21) without a GTIN', '(21)ABC', { rule: 'pairing', position: 0, ai: '21', message: /requires \(01\), \(03\) or \(8006\)/ }],
    ['(10) without a GTIN', '10LOT', { rule: 'pairing', position: 0, ai: '10' }],
    ['(01) together with (37)', `(01)${GTIN}(37)5`, { rule: 'pairing', position: 0, ai: '01', message: /may not appear together with \(37\)/ }],
    ['(250) without (21)', `(01)${GTIN}(250)X`, { rule: 'pairing', position: 18, ai: '250', message: /requires \(21\)/ }],
    ['(7004) without (10)', `(01)${GTIN}(7004)12`, { rule: 'pairing', position: 18, message: /requires \(01\) with \(10\)/ }],
    ['two net weights in kg with different decimals', `(01)${GTIN}(3100)000100(3101)000010`, { rule: 'pairing', position: 18, ai: '3100' }],
    ['(21) with (235)', `(01)${GTIN}(21)S(235)T`, { rule: 'pairing', position: 18, ai: '21' }],
    // duplicates
    ['(21) twice with different values', `(01)${GTIN}(21)A(21)B`, { rule: 'duplicate', position: 23, ai: '21' }],
    // Digital Link structure
    ['a URI without a path', 'https://example.com', { rule: 'digital-link', position: 19 }],
    ['a URI without a primary key', 'https://example.com/products/123', { rule: 'digital-link', position: 19 }],
    ['a key qualifier without a value', `${DL}/01/${GTIN}/21`, { rule: 'digital-link', position: 37 }],
    ['lot after serial (wrong qualifier order)', `${DL}/01/${GTIN}/21/A/10/L`, { rule: 'digital-link', position: 42, ai: '10' }],
    ['a qualifier the key does not have', `${DL}/00/106141412345678908/21/A`, { rule: 'digital-link', position: 41, ai: '21' }],
    ['the serial as a query attribute', `${DL}/01/${GTIN}?21=ABC`, { rule: 'digital-link', position: 37, ai: '21' }],
    ['an unassigned AI as a query parameter', `${DL}/01/${GTIN}?23=1`, { rule: 'unknown-ai', position: 37 }],
    ['an unassigned AI as a path segment after the key', `${DL}/01/${GTIN}/23/1`, { rule: 'unknown-ai', position: 37 }],
    ["a '%' without two hex digits", `${DL}/01/${GTIN}/21/A%2`, { rule: 'syntax', position: 41 }],
    ['an empty host', `https:///01/${GTIN}`, { rule: 'syntax', position: 8 }],
    ['a query attribute without a value', `${DL}/01/${GTIN}?17`, { rule: 'length', position: 39, ai: '17' }],
  ];
  it.each(refusals.map(([name, data, want, options]) => [`${name} as SCAN_INVALID (${want.rule}) at position ${want.position}`, data, want, options] as const))(
    'refuses %s',
    (_name, data, want, options) => {
      fails(data, want, options);
    },
  );

  it('refuses a wrong check digit after leading spaces as SCAN_INVALID at its position in the raw input', () => {
    fails('  0109501101530004', { rule: 'check-digit', position: 4 });
  });

  it('refuses a non-string input as SCAN_INVALID (syntax) at position 0', () => {
    fails(undefined as unknown as string, { rule: 'syntax', position: 0 });
  });

  it('gives structural errors details without an AI', () => {
    expect(() => parseScan(']d2')).toThrow(DomainError);
    try {
      parseScan(']d2');
    } catch (err) {
      expect((err as DomainError).details).toEqual({ position: 3, rule: 'syntax' });
    }
  });
});

describe('looksLikeGs1', () => {
  it.each([
    [`]d201${GTIN}21A`, true],
    [`]C101${GTIN}`, true],
    [`]Q301${GTIN}`, true],
    [`]e001${GTIN}`, true],
    [']E04006381333931', true],
    [`${GS}01${GTIN}`, true],
    [`(01)${GTIN}(21)A`, true],
    [`  (21)ABC`, true], // looks like GS1; parseScan decides it is invalid
    [`${DL}/01/${GTIN}/21/A`, true],
    [`https://brand.example/x/01/${GTIN}`, true],
    [`]Q1${DL}/01/${GTIN}`, true],
    ['SN-000123', false],
    ['0109501101530003', false], // could be a numeric serial; only parseScan can tell
    ['(A)123', false],
    ['(23)123', false],
    [']C0ABC', false],
    ['https://example.com/products/123', false],
    [`https://example.com/01/`, false],
    [`https://example.com/?01=${GTIN}`, false],
    ['', false],
    [']', false],
  ])('says %j looks like GS1: %s', (data, expected) => {
    expect(looksLikeGs1(data)).toBe(expected);
  });
});

describe('builders', () => {
  const elements = [
    { ai: '01', value: GTIN },
    { ai: '17', value: '270101' },
    { ai: '10', value: 'A(1)' },
    { ai: '21', value: 'S/1' },
  ];

  it('builds an element string with GS only after variable-length values that are not last', () => {
    expect(buildElementString(elements)).toBe(`01${GTIN}1727010110A(1)${GS}21S/1`);
    expect(buildElementString(elements, '^')).toBe(`01${GTIN}1727010110A(1)^21S/1`);
  });

  it("builds the human-readable form with '(' escaped in values", () => {
    expect(buildHumanReadable(elements)).toBe(`(01)${GTIN}(17)270101(10)A\\(1)(21)S/1`);
  });

  it('builds the canonical Digital Link with qualifiers in order and attributes sorted by AI', () => {
    expect(buildDigitalLink([{ ai: '3103', value: '000123' }, ...elements])).toBe(
      `${DL}/01/${GTIN}/10/A%281%29/21/S%2F1?17=270101&3103=000123`,
    );
  });

  it('returns an empty Digital Link without a primary key, and uses the SSCC when there is one', () => {
    expect(buildDigitalLink([{ ai: '02', value: GTIN }, { ai: '37', value: '1' }])).toBe('');
    expect(parseScan(`(00)106141412345678908(02)${GTIN}(37)1`).digitalLink).toBe(
      `${DL}/00/106141412345678908?02=${GTIN}&37=1`,
    );
  });

  it('prefers as Digital Link key the one whose qualifiers are present (GTIN with serial over an earlier GRAI)', () => {
    expect(buildDigitalLink([{ ai: '8003', value: '04012345678901' }, { ai: '01', value: GTIN }, { ai: '21', value: 'S1' }])).toBe(
      `${DL}/01/${GTIN}/21/S1?8003=04012345678901`,
    );
  });

  it('leaves out elements that a Digital Link cannot carry', () => {
    expect(buildDigitalLink([{ ai: '01', value: GTIN }, { ai: '21', value: '1' }, { ai: '8040', value: '490154203237518' }])).toBe(
      `${DL}/01/${GTIN}/21/1`,
    );
  });
});
