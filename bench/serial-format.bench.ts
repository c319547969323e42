/**
 * Serial format speed, one core: node bin/run-ts.js bench/serial-format.bench.ts
 * Prints the time for 1,000,000 format checks (several kinds of format, a mix of matching and
 * non-matching serials), 1,000,000 sequential serials and 1,000,000 random serials (node:crypto
 * randomBytes). Target: well under a few seconds each. Figures are kept in docs/serial-formats.md.
 */
import { randomBytes } from 'node:crypto';
import { compileSerialFormat, generateRandom, generateSequential } from '../src/core/serial-format/index.ts';

const N = 1_000_000;

function time(label: string, fn: () => number): void {
  fn(); // warm up (JIT, caches)
  const start = performance.now();
  const sink = fn();
  const ms = performance.now() - start;
  if (sink < 0) throw new Error('unreachable');
  console.log(`${label.padEnd(58)} ${(ms / 1000).toFixed(3).padStart(7)} s  ${Math.round(N / (ms / 1000)).toLocaleString('en-US').padStart(12)} /s`);
}

/** `sampleFrom`: a pattern format making serials for `source` (a re: format cannot make any). */
function checks(source: string, year?: number, sampleFrom = source): void {
  const format = compileSerialFormat(source);
  const good = generateRandom(compileSerialFormat(sampleFrom), 1000, randomBytes, { year });
  // Every fourth serial is broken in its middle so the reason path runs too.
  const samples = good.map((s, i) => (i % 4 === 3 ? `${s.slice(0, s.length >> 1)}~${s.slice((s.length >> 1) + 1)}` : s));
  time(`1,000,000 checks      ${source}`, () => {
    let ok = 0;
    for (let i = 0; i < N; i += 1) if (format.test(samples[i % samples.length]).ok) ok += 1;
    return ok;
  });
}

console.log(`node ${process.version}, ${N.toLocaleString('en-US')} per line, 3/4 of checked serials match`);
checks('SN-{YYYY}-{#####}', 2024);
checks('{9:15} ; check=luhn');
checks('{X:14} ; check=mod37-2');
checks('{A:2}{X:4-12}-{9:1-3}');
checks('re:[A-Z]{2}[0-9]{6,10}', undefined, '{A:2}{9:6-10}');

for (const [source, start] of [
  ['SN-{YYYY}-{#:7}', 0],
  ['{9:15} ; check=luhn', 35_693_803_564_380],
  ['{9:14} ; check=gs1', 950_110_153_000],
] as const) {
  const format = compileSerialFormat(source);
  time(`1,000,000 sequential  ${source}`, () => generateSequential(format, start, N, { year: 2024 }).length);
}

for (const source of ['{X:12}', '{X:14} ; check=mod37-2']) {
  const format = compileSerialFormat(source);
  time(`1,000,000 random      ${source}`, () => generateRandom(format, N, randomBytes).length);
}
