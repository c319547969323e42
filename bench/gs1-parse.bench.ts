/**
 * GS1 scan parsing speed, one core: node bin/run-ts.js bench/gs1-parse.bench.ts [seconds]
 * Parses a mix of element strings (with symbology identifiers and GS), human-readable strings and
 * Digital Link URIs for a few seconds and prints scans per second, for the mix and per form.
 * Target: at least 200,000 scans per second for the mix.
 */
import { parseScan } from '../src/core/gs1/index.ts';

const GS = '\x1D';
const GTIN = '09501101530003';

const forms = {
  'element-string': [
    `]d201${GTIN}17270101` + `10ABC123${GS}21SER456789`,
    `]C10195012345678903310300` + `0123`,
    `]Q301${GTIN}21A1B2C3D4E5F6`,
    `${GS}01${GTIN}10LOT-2024-07${GS}21000000012345`,
  ],
  'human-readable': [`(01)${GTIN}(21)ABC123`, `(01)${GTIN}(17)270100(10)LOT7(21)SN0042`],
  'digital-link': [
    `https://id.gs1.org/01/${GTIN}/21/ABC123?17=270101&10=LOT1`,
    `https://brand.example.com/p/01/9501101530003/10/L%2F1/21/S1?linkType=all`,
  ],
};
const mix = Object.values(forms).flat();

function run(inputs: readonly string[], seconds: number): number {
  let sink = 0;
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let k = 0; k < 1000; k += 1) {
      sink += parseScan(inputs[n % inputs.length]).elements.length;
      n += 1;
    }
    now = performance.now();
  }
  if (sink === 0) throw new Error('no elements parsed');
  return n / ((now - start) / 1000);
}

const seconds = Number(process.argv[2] ?? 3);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

run(mix, 0.5); // warm-up: let the JIT settle
const total = run(mix, seconds);
console.log(`gs1-parse: mix of ${mix.length} scans: ${fmt(total)} scans/s (${(1e6 / total).toFixed(2)} µs per scan), ${seconds} s on one core, Node ${process.version}`);
for (const [name, inputs] of Object.entries(forms)) {
  const rate = run(inputs, Math.max(1, seconds / 3));
  console.log(`gs1-parse: ${name}: ${fmt(rate)} scans/s`);
}
console.log(total >= 200_000 ? 'gs1-parse: target of 200,000 scans/s met' : 'gs1-parse: BELOW the target of 200,000 scans/s');
