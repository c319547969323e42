import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { gs1CheckDigit } from '../check-digits.ts';
import { AI_DEFINITIONS, aiMatches, lookupAi, type AiComponent, type AiDefinition } from './ai-table.ts';
import { countryAlpha2, countryNumeric, currencyNumeric } from './code-lists.ts';
import type { LinterName } from './linters.ts';
import {
  buildDigitalLink,
  buildElementString,
  buildHumanReadable,
  looksLikeGs1,
  parseScan,
  type ParseOptions,
} from './index.ts';
import type { ScanRule } from './scan-error.ts';

const RULES: readonly ScanRule[] = [
  'syntax',
  'unknown-ai',
  'length',
  'charset',
  'check-digit',
  'date',
  'time',
  'value',
  'pairing',
  'duplicate',
  'digital-link',
];

/** parseScan either returns or throws SCAN_INVALID with a position inside the input and a known rule. */
function parsesOrRefuses(data: string, options?: ParseOptions): void {
  try {
    const result = parseScan(data, options);
    expect(result.elements.length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    expect(err.code).toBe('SCAN_INVALID');
    const details = err.details as { position: number; rule: ScanRule };
    expect(Number.isInteger(details.position)).toBe(true);
    expect(details.position).toBeGreaterThanOrEqual(0);
    expect(details.position).toBeLessThanOrEqual(data.length);
    expect(RULES).toContain(details.rule);
    expect(err.message).toMatch(/^data: [\s\S]* at position \d+$/);
  }
  expect(typeof looksLikeGs1(data)).toBe('boolean');
}

const GTIN = '09501101530003';
const VALID_SCANS = [
  `]d201${GTIN}17270101` + `10ABC123\x1D21SER456`,
  `01${GTIN}10LOT^21SER`,
  `(01)${GTIN}(21)ABC123(17)270100`,
  `(01) ${GTIN} (21) A\\(10)B`,
  `https://id.gs1.org/01/${GTIN}/10/L%2F1/21/S1?17=270101&3103=000123`,
  `https://brand.example/p/01/9501101530003/21/X?linkType=all#frag`,
  '00106141412345678908\x1D4307DE\x1D4321' + '1',
  '(8013)1987654Ad4X4bL5ttr2310c2K',
  '(415)5412345678908(8020)REF1(3912)710125',
  '(00)106141412345678908(4309)17999999993599999999',
  ']E04006381333931',
  `(01)${GTIN}(21)A(8030)abcd(8008)2701011230`,
];

// Characters that steer the parser into its branches, plus some it must refuse.
const ALPHABET = [
  ...'0123456789',
  ...'0123456789',
  ...'()]dCQe2130^\x1D%/?&=:#.-_ ',
  ...'httpsABCxyz',
  'é',
  '\u{1F600}',
  '\0',
  '\\',
];
const flavoured = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 });
const prefix = fc.constantFrom('', ']d2', ']C1', ']Q3', ']E0', '(01)', '(21)', `01${GTIN}`, 'https://id.gs1.org/01/', 'HTTP://x/');

type Mutation = { op: 'insert' | 'delete' | 'replace'; at: number; ch: string };
const mutation = fc.record({
  op: fc.constantFrom<Mutation['op']>('insert', 'delete', 'replace'),
  at: fc.nat(),
  ch: fc.oneof(fc.constantFrom(...ALPHABET), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
});

function mutate(s: string, muts: readonly Mutation[]): string {
  let out = s;
  for (const { op, at, ch } of muts) {
    const i = out.length === 0 ? 0 : at % (out.length + (op === 'insert' ? 1 : 0));
    if (op === 'insert') out = out.slice(0, i) + ch + out.slice(i);
    else if (op === 'delete') out = out.slice(0, i) + out.slice(i + 1);
    else out = out.slice(0, i) + ch + out.slice(i + 1);
  }
  return out;
}

describe('parseScan under fuzzing', () => {
  it('parses or refuses as SCAN_INVALID any Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => parsesOrRefuses(s)),
      { numRuns: 2000 },
    );
  });

  it('parses or refuses as SCAN_INVALID strings built from GS1 syntax characters after likely prefixes', () => {
    fc.assert(
      fc.property(prefix, flavoured, fc.constantFrom<ParseOptions | undefined>(undefined, { fnc1Substitute: '^' }, { fnc1Substitute: '<GS>' }), (p, s, o) =>
        parsesOrRefuses(p + s, o),
      ),
      { numRuns: 3000 },
    );
  });

  it('parses or refuses as SCAN_INVALID valid scans with characters inserted, deleted or replaced', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_SCANS), fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, muts) =>
        parsesOrRefuses(mutate(s, muts), { fnc1Substitute: '^' }),
      ),
      { numRuns: 3000 },
    );
  });

  it('parses every unmutated sample scan', () => {
    for (const s of VALID_SCANS) expect(() => parseScan(s, { fnc1Substitute: '^' }), s).not.toThrow();
  });
});

// ---- round trip: random valid elements -> element string / human-readable / Digital Link -> parse ----

const SUPPORTED: ReadonlySet<LinterName> = new Set<LinterName>([
  'csum', 'gcppos1', 'gcppos2', 'yymmd0', 'yymmdd', 'yyyymmdd', 'hhmi', 'hh', 'mi', 'ss', 'zero', 'nonzero',
  'winding', 'yesno', 'iso5218', 'hyphen', 'pieceoftotal', 'latitude', 'longitude', 'iso3166', 'iso3166999',
  'iso3166alpha2', 'iso4217', 'pcenc',
]);
const CHARS: Record<AiComponent['cset'], string> = {
  N: '0123456789',
  X: '!"&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz', // CSET 82 without '%'
  Y: '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  Z: '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz',
};
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...CHARS.N), minLength: n, maxLength: n });

function componentArb(c: AiComponent): fc.Arbitrary<string> {
  const has = (n: LinterName) => c.linters.includes(n);
  const date = (d0: boolean) =>
    fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: d0 ? 0 : 1, max: 28 }));
  if (has('yymmd0') || has('yymmdd')) return date(has('yymmd0')).map(([y, m, d]) => pad(y, 2) + pad(m, 2) + pad(d, 2));
  if (has('yyyymmdd')) return date(false).map(([y, m, d]) => pad(1950 + y, 4) + pad(m, 2) + pad(d, 2));
  if (has('hhmi')) return fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => pad(h, 2) + pad(m, 2));
  if (has('hh')) return fc.integer({ min: 0, max: 23 }).map((h) => pad(h, 2));
  if (has('mi') || has('ss')) return fc.integer({ min: 0, max: 59 }).map((m) => pad(m, 2));
  if (has('zero')) return fc.constant('0');
  if (has('winding')) return fc.constantFrom('0', '1', '9');
  if (has('yesno')) return fc.constantFrom('0', '1');
  if (has('iso5218')) return fc.constantFrom('0', '1', '2', '9');
  if (has('hyphen')) return fc.constant('-');
  if (has('iso3166')) return fc.constantFrom(...countryNumeric);
  if (has('iso3166999')) return fc.constantFrom('999', ...countryNumeric);
  if (has('iso3166alpha2')) return fc.constantFrom(...countryAlpha2);
  if (has('iso4217')) return fc.constantFrom(...currencyNumeric);
  if (has('latitude')) return fc.integer({ min: 0, max: 1800000000 }).map((n) => pad(n, 10));
  if (has('longitude')) return fc.integer({ min: 0, max: 2147483647 }).map((n) => pad(n, 10));
  if (has('pieceoftotal')) {
    return fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 })).map(([a, b]) => pad(Math.min(a, b), 2) + pad(Math.max(a, b), 2));
  }
  return fc.string({ unit: fc.constantFrom(...CHARS[c.cset]), minLength: c.min, maxLength: c.max }).chain((s) => {
    let v = s;
    const gcp = has('gcppos1') ? 0 : has('gcppos2') ? 1 : -1;
    if (gcp >= 0 && c.cset !== 'N') {
      return digits(4).map((d) => {
        const w = (v.slice(0, gcp) + d + v.slice(gcp + 4)).slice(0, Math.max(c.max, 0));
        return w.length >= gcp + 4 ? w : w + '0'.repeat(gcp + 4 - w.length);
      });
    }
    if (has('nonzero') && /^0*$/.test(v)) v = v.slice(0, -1) + '1';
    if (has('csum')) v = v.slice(0, -1) + gs1CheckDigit(v.slice(0, -1));
    return fc.constant(v);
  });
}

function valueArb(def: AiDefinition): fc.Arbitrary<string> {
  const required = def.components.filter((c) => !c.optional).length;
  return fc.integer({ min: required, max: def.components.length }).chain((n) =>
    fc.tuple(...def.components.slice(0, n).map(componentArb)).map((parts) => parts.join('')),
  );
}

const BASE = ['01', '21'];
const base = BASE.map((ai) => lookupAi(ai)!);
const conflicts = (a: AiDefinition, b: AiDefinition) =>
  a.ai !== b.ai && (a.excludes.some((p) => aiMatches(b.ai, p)) || b.excludes.some((p) => aiMatches(a.ai, p)));
const candidates = AI_DEFINITIONS.filter(
  (d) =>
    !BASE.includes(d.ai) &&
    d.components.every((c) => c.linters.every((l) => SUPPORTED.has(l))) &&
    d.requires.every((group) => group.some((alt) => alt.every((p) => BASE.some((ai) => aiMatches(ai, p))))) &&
    !base.some((b) => conflicts(b, d)),
);

const elementsArb = fc
  .shuffledSubarray(candidates, { maxLength: 5 })
  .map((defs) => defs.filter((d, i) => !defs.slice(0, i).some((e) => conflicts(d, e))))
  .chain((defs) => fc.tuple(...[...base, ...defs].map((d) => valueArb(d).map((value) => ({ ai: d.ai, value })))))
  .chain((els) => fc.shuffledSubarray(els, { minLength: els.length }));

const pairs = (els: readonly { ai: string; value: string }[]) => els.map((e) => [e.ai, e.value]);
const byAi = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1);

describe('round trip of random valid elements', () => {
  it('has more than 150 AIs to draw from', () => {
    expect(candidates.length).toBeGreaterThan(150);
  });

  it('gives back the same elements from an element string with GS or a substitute separator', () => {
    fc.assert(
      fc.property(elementsArb, fc.constantFrom('\x1D', '^'), fc.constantFrom('', ']d2', ']C1', '\x1D'), (els, sep, sym) => {
        const parsed = parseScan(sym + buildElementString(els, sep), { fnc1Substitute: '^' });
        expect(pairs(parsed.elements)).toEqual(pairs(els));
        expect(parsed.gtin).toBe(els.find((e) => e.ai === '01')!.value);
        expect(parsed.serial).toBe(els.find((e) => e.ai === '21')!.value);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back the same elements from the human-readable form', () => {
    fc.assert(
      fc.property(elementsArb, (els) => {
        expect(pairs(parseScan(buildHumanReadable(els)).elements)).toEqual(pairs(els));
      }),
      { numRuns: 500 },
    );
  });

  it('gives back every element a Digital Link can carry, and the canonical link again', () => {
    fc.assert(
      fc.property(elementsArb, (els) => {
        const link = buildDigitalLink(els);
        const parsed = parseScan(link);
        const carried = els.filter((e) => ['01', '22', '10', '21'].includes(e.ai) || lookupAi(e.ai)!.dlAttribute);
        expect(pairs(parsed.elements).sort(byAi)).toEqual(pairs(carried).sort(byAi));
        expect(parsed.digitalLink).toBe(link);
        expect(parseScan(buildElementString(els)).digitalLink).toBe(link);
      }),
      { numRuns: 500 },
    );
  });
});
