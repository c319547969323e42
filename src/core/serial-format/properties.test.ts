import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { compileSerialFormat, type CompiledSerialFormat } from './compile.ts';
import { counterCapacity, generateRandom, generateSequential, randomSpaceSize } from './generate.ts';
import { parseSerialList } from './serial-list.ts';
import { formatSerialFormat, parseSerialFormat } from './spec.ts';
import { seededBytes } from './test-bytes.ts';

const literal = fc.string({ unit: fc.constantFrom(...'SN-/._;%9'), minLength: 1, maxLength: 3 }).map((text) => text.replace(/;/g, '\\;'));
const counts = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean()).map(([min, extra, repeat]) => {
  const max = Math.max(1, min + extra);
  return { min, max, repeat };
});
const placeholder = fc.tuple(fc.constantFrom('9', 'A', 'a', 'X', 'x', 'H', '*'), counts).map(([letter, { min, max, repeat }]) =>
  min === max ? (repeat ? `{${letter.repeat(min)}}` : `{${letter}:${min}}`) : `{${letter}:${min}-${max}}`,
);
const year = fc.constantFrom('{YYYY}', '{YY}');
const check = fc.constantFrom(null, 'luhn', 'gs1', 'mod37-2');
const checkTail = (rule: string | null): string => (rule === null ? '' : rule === 'mod37-2' ? '{X}' : '{9}');

/** A format string the pattern language accepts (most of the time; fc.pre drops the rest). */
const patternFormat = fc
  .tuple(fc.array(fc.oneof(literal, placeholder, year), { minLength: 1, maxLength: 6 }), check, fc.option(fc.constantFrom('length=2-30', 'length=1-100')))
  .map(([parts, rule, length]) => {
    let text = parts.join('') + checkTail(rule);
    if (rule) text += ` ; check=${rule}`;
    if (length) text += ` ; ${length}`;
    return text;
  });

/** Exactly one counter, everything else fixed: formats generateSequential accepts. */
const counterFormat = fc
  .tuple(fc.array(fc.oneof(literal, year), { maxLength: 3 }), counts, fc.array(fc.oneof(literal, year), { maxLength: 2 }), check)
  .map(([before, { min, max }, after, rule]) => {
    const counter = min === max ? `{#:${Math.max(1, min)}}` : `{#:${Math.max(1, min)}-${Math.max(1, max)}}`;
    const text = before.join('') + counter + after.join('') + checkTail(rule);
    return rule ? `${text} ; check=${rule}` : text;
  });

function tryCompile(source: string): CompiledSerialFormat | null {
  try {
    return compileSerialFormat(source);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'SERIAL_FORMAT_INVALID') return null;
    throw err;
  }
}

/** Serials one edit away from `s`: a character changed, removed or added. */
function mutations(s: string, bytes: (n: number) => Uint8Array): string[] {
  const alphabet = 'SN-/._;%0123456789AZaz!';
  const [a, b, c] = bytes(3);
  const at = s.length === 0 ? 0 : a % s.length;
  const ch = alphabet[b % alphabet.length];
  return [s.slice(0, at) + ch + s.slice(at + 1), s.slice(0, at) + s.slice(at + 1), s.slice(0, at) + ch + s.slice(at), s.slice(0, c % (s.length + 1))];
}

describe('properties', () => {
  it('writing a format canonically and reading it back gives the same format', () => {
    fc.assert(
      fc.property(patternFormat, (source) => {
        const format = tryCompile(source);
        fc.pre(format !== null);
        const again = compileSerialFormat(format!.canonical);
        expect(parseSerialFormat(format!.canonical)).toEqual(parseSerialFormat(source));
        expect(formatSerialFormat(parseSerialFormat(source))).toBe(format!.canonical);
        expect(again.canonical).toBe(format!.canonical);
        expect(again.describe).toBe(format!.describe);
      }),
      { numRuns: 300 },
    );
  });

  it('every random serial passes its own format', () => {
    fc.assert(
      fc.property(patternFormat, fc.integer(), fc.integer({ min: 1900, max: 2099 }), (source, seed, y) => {
        const format = tryCompile(source);
        fc.pre(format !== null);
        const size = randomSpaceSize(format!);
        const count = Number(size < 20n ? size : 20n);
        const serials = generateRandom(format!, count, seededBytes(seed), { year: y });
        expect(new Set(serials).size).toBe(count);
        for (const s of serials) expect(format!.test(s), `${s} against ${source}`).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('every sequential serial passes its own format, in counter order and all different', () => {
    fc.assert(
      fc.property(counterFormat, fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1900, max: 2099 }), (source, seed, n, y) => {
        const format = tryCompile(source);
        fc.pre(format !== null);
        const capacity = counterCapacity(format!);
        const count = Number(capacity < BigInt(n) ? capacity : BigInt(n));
        const start = seed % (capacity - BigInt(count) + 1n);
        const serials = generateSequential(format!, start, count, { year: y });
        expect(new Set(serials).size).toBe(count);
        for (const s of serials) expect(format!.test(s), `${s} against ${source}`).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('test() agrees with the exported regex (JavaScript and RE2) on serials and their one-edit neighbours', () => {
    fc.assert(
      fc.property(patternFormat, fc.integer(), (source, seed) => {
        const format = tryCompile(source);
        fc.pre(format !== null && format.spec.check === null && format.spec.length === null);
        const re = new RegExp(format!.regex);
        const re2 = RE2JS.compile(format!.regex);
        const bytes = seededBytes(seed);
        const samples = generateRandom(format!, 1, bytes, { year: 2000 + (seed & 63) });
        for (const s of [...samples, ...mutations(samples[0], bytes), ...mutations(samples[0], bytes)]) {
          expect(format!.test(s).ok, `${JSON.stringify(s)} against ${source}`).toBe(re.test(s));
          expect(re2.testExact(s)).toBe(re.test(s));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a range expands to every serial between its ends, keeping prefix and padding', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{0,3}$/), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.integer({ min: 1, max: 50 }), (prefix, width, seed, count) => {
        const top = 10 ** width;
        fc.pre(count <= top);
        const start = seed % (top - count + 1);
        const pad = (n: number): string => prefix + String(n).padStart(width, '0');
        const serials = parseSerialList(`${pad(start)}-${pad(start + count - 1)}`);
        expect(serials).toEqual(Array.from({ length: count }, (_, i) => pad(start + i)));
        expect(parseSerialList(`${pad(start)}+${count}`)).toEqual(serials);
      }),
      { numRuns: 300 },
    );
  });
});
