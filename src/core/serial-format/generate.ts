/**
 * Serial generation from a compiled pattern format: counter -> serial (sequential) and uniform
 * random serials. Pure: the counter comes from the caller (the database keeps it per tenant and
 * SKU) and randomness from the caller's `randomBytes` (node:crypto's in the app).
 */
import { DomainError } from '../errors.ts';
import { inClass, type CharClass } from './charsets.ts';
import { internalsOf, type CheckInfo, type CompiledSerialFormat, type FormatInternals, type Slot } from './compile.ts';
import { formatInvalid } from './spec.ts';

export type GenerateOptions = {
  /** Fills {YYYY} (1900-2099) and {YY} (its last two digits); required when the pattern has one. */
  year?: number;
};

export type RandomBytes = (n: number) => Uint8Array;

/** Most serials one call returns. */
export const MAX_GENERATE_COUNT = 10_000_000;

function validation(field: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field}: ${message}`, { field, ...details });
}

function patternInternals(format: CompiledSerialFormat, what: string): FormatInternals {
  const inner = internalsOf(format);
  if (inner.kind === 'regex') {
    throw formatInvalid(format.source, `${what} needs a pattern format; a re: format says what serials look like but not how to make one`);
  }
  return inner;
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_GENERATE_COUNT) {
    throw validation('count', `expected a whole number from 0 to ${MAX_GENERATE_COUNT}, got ${String(count)}`);
  }
}

function yearText(format: CompiledSerialFormat, slot: Slot, options: GenerateOptions | undefined): string {
  const year = options?.year;
  if (year === undefined) throw validation('year', `required: ${format.source} has ${slot.token}`);
  if (!Number.isInteger(year) || year < 1900 || year > 2099) {
    throw validation('year', `expected a year from 1900 to 2099, got ${String(year)}`);
  }
  return slot.yearDigits === 4 ? String(year) : String(year % 100).padStart(2, '0');
}

function fixedText(format: CompiledSerialFormat, slot: Slot, options: GenerateOptions | undefined): string {
  return slot.kind === 'literal' ? slot.text : yearText(format, slot, options);
}

/** The part of `text` a check algorithm reads. */
function payloadOf(check: CheckInfo, text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) if (inClass(check.reads, text.charCodeAt(i))) out += text[i];
  return out;
}

// ---------------------------------------------------------------------------------------------
// sequential

type CounterPlan = { index: number; slot: Slot; minWidth: number; maxWidth: number; capacity: bigint };

function counterPlan(format: CompiledSerialFormat): CounterPlan {
  const inner = patternInternals(format, 'sequential generation');
  const slots = inner.slots;
  let index = slots.findIndex((s) => s.role === 'counter');
  if (index < 0) {
    const numeric = slots.flatMap((s, i) => (s.role === 'plain' && s.letter === '9' ? [i] : []));
    if (numeric.length !== 1) {
      throw formatInvalid(
        format.source,
        numeric.length === 0
          ? 'sequential generation needs a numeric run for the counter, such as {9:6} or {#:6}, and the pattern has none'
          : `sequential generation needs one numeric run for the counter, and the pattern has ${numeric.length} (${numeric.map((i) => `${slots[i].token} at position ${slots[i].position}`).join(', ')}); mark the counter with {#...}`,
      );
    }
    index = numeric[0];
  }
  const other = slots.find((s, i) => i !== index && s.kind === 'chars' && s.role === 'plain');
  if (other) {
    throw formatInvalid(
      format.source,
      `sequential generation fills only the counter, the year and the check character, but ${other.token} at position ${other.position} would need a value too`,
    );
  }
  const slot = slots[index];
  let rest = 0;
  for (let i = 0; i < slots.length; i += 1) if (i !== index) rest += slots[i].min;
  const minWidth = Math.max(slot.min, inner.minLength - rest, 1);
  const maxWidth = Math.min(slot.max, inner.maxLength - rest);
  return { index, slot, minWidth, maxWidth, capacity: 10n ** BigInt(maxWidth) };
}

/**
 * How many counter values the format allows: counters 0 .. counterCapacity - 1 map to serials.
 * Throws SERIAL_FORMAT_INVALID when the format cannot be generated sequentially.
 */
export function counterCapacity(format: CompiledSerialFormat): bigint {
  return counterPlan(format).capacity;
}

/**
 * The serials for counter values start .. start + count - 1, the counter written in decimal into
 * the counter run (zero-padded to the run's minimum width), the year filled in, and the check
 * character computed. Throws VALIDATION_FAILED when a value does not fit the run.
 */
export function generateSequential(
  format: CompiledSerialFormat,
  start: bigint | number,
  count: number,
  options?: GenerateOptions,
): string[] {
  const plan = counterPlan(format);
  const inner = internalsOf(format);
  checkCount(count);
  if (typeof start === 'number' ? !Number.isSafeInteger(start) || start < 0 : typeof start !== 'bigint' || start < 0n) {
    throw validation('start', `expected a whole number of 0 or more, got ${String(start)}`);
  }
  const first = BigInt(start);
  const last = first + BigInt(count) - 1n;
  if (count > 0 && last >= plan.capacity) {
    throw validation(
      'count',
      `counter values ${first} to ${last} do not fit the ${plan.maxWidth}-digit counter ${plan.slot.token} of ${format.source} (largest ${plan.capacity - 1n})`,
      { start: String(first), count, capacity: String(plan.capacity) },
    );
  }
  let before = '';
  let after = '';
  for (let i = 0; i < inner.slots.length; i += 1) {
    const s = inner.slots[i];
    if (i === plan.index || s.role === 'check') continue;
    if (i < plan.index) before += fixedText(format, s, options);
    else after += fixedText(format, s, options);
  }
  const check = inner.check;
  const payloadBefore = check ? payloadOf(check, before) : '';
  const payloadAfter = check ? payloadOf(check, after) : '';
  const width = plan.minWidth;
  const out = new Array<string>(count);
  if (last <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const from = Number(first);
    for (let i = 0; i < count; i += 1) {
      const digits = String(from + i).padStart(width, '0');
      const body = before + digits + after;
      out[i] = check ? body + check.compute(payloadBefore + digits + payloadAfter) : body;
    }
  } else {
    for (let i = 0; i < count; i += 1) {
      const digits = String(first + BigInt(i)).padStart(width, '0');
      const body = before + digits + after;
      out[i] = check ? body + check.compute(payloadBefore + digits + payloadAfter) : body;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// random

type RandomPart = { fixed: string } | { cls: CharClass; count: number };

function randomPlan(format: CompiledSerialFormat, options: GenerateOptions | undefined): { parts: RandomPart[]; size: bigint } {
  const inner = patternInternals(format, 'random generation');
  // Each ranged run takes its longest count, trimmed from the end to fit the length limit.
  const counts = inner.slots.map((s) => s.max);
  let excess = counts.reduce((a, b) => a + b, 0) - inner.maxLength;
  for (let i = inner.slots.length - 1; i >= 0 && excess > 0; i -= 1) {
    const cut = Math.min(excess, counts[i] - inner.slots[i].min);
    counts[i] -= cut;
    excess -= cut;
  }
  const parts: RandomPart[] = [];
  let size = 1n;
  inner.slots.forEach((s, i) => {
    if (s.role === 'check') return;
    if (s.kind === 'literal' || s.role === 'year') parts.push({ fixed: fixedText(format, s, options) });
    else if (counts[i] > 0) {
      parts.push({ cls: s.cls, count: counts[i] });
      size *= BigInt(s.cls.chars.length) ** BigInt(counts[i]);
    }
  });
  return { parts, size };
}

/** How many different serials generateRandom can produce for the format. */
export function randomSpaceSize(format: CompiledSerialFormat): bigint {
  return randomPlan(format, { year: 2000 }).size; // the year is fixed text: any year gives the same size
}

/**
 * The chance that one guess, made knowing the format, hits one of `issued` random serials:
 * issued / randomSpaceSize. The check character adds nothing: a guesser computes it too.
 */
export function guessProbability(format: CompiledSerialFormat, issued: number | bigint = 1): number {
  if (typeof issued === 'number' ? !Number.isSafeInteger(issued) || issued < 0 : typeof issued !== 'bigint' || issued < 0n) {
    throw validation('issued', `expected a whole number of 0 or more, got ${String(issued)}`);
  }
  const size = randomSpaceSize(format);
  return Math.min(1, Number(issued) / Number(size));
}

/** Hands out uniform bytes from `randomBytes` in blocks. */
function byteSource(randomBytes: RandomBytes, estimate: number): () => number {
  const block = Math.min(Math.max(estimate, 64), 1 << 16);
  let buf: Uint8Array = new Uint8Array(0);
  let at = 0;
  return () => {
    if (at >= buf.length) {
      buf = randomBytes(block);
      if (!(buf instanceof Uint8Array) || buf.length === 0) throw new Error('randomBytes returned no bytes');
      at = 0;
    }
    const b = buf[at];
    at += 1;
    return b;
  };
}

/**
 * `count` different serials with every variable character drawn uniformly from its class
 * (rejection sampling on bytes: no modulo bias), ranged runs at their longest. Uniqueness holds
 * within the batch; against serials issued before, the database's unique key decides.
 */
export function generateRandom(
  format: CompiledSerialFormat,
  count: number,
  randomBytes: RandomBytes,
  options?: GenerateOptions,
): string[] {
  const { parts, size } = randomPlan(format, options);
  const check = internalsOf(format).check;
  checkCount(count);
  if (BigInt(count) > size) {
    throw validation('count', `${count} different serials asked for, but ${format.source} allows only ${size}`, {
      count,
      capacity: String(size),
    });
  }
  let perSerial = 0;
  for (const p of parts) if ('cls' in p) perSerial += p.count;
  const nextByte = byteSource(randomBytes, Math.ceil(count * perSerial * 1.4));
  // Bytes at or above `limit` (the largest multiple of the class size) are dropped: no modulo bias.
  const steps = parts.map((p) =>
    'fixed' in p
      ? { fixed: [...p.fixed].map((c) => c.charCodeAt(0)), chars: [] as number[], count: 0, limit: 0 }
      : { fixed: [] as number[], chars: [...p.cls.chars].map((c) => c.charCodeAt(0)), count: p.count, limit: 256 - (256 % p.cls.chars.length) },
  );
  let width = 0;
  for (const step of steps) width += step.fixed.length + step.count;
  const codes = new Array<number>(width).fill(0);

  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    let at = 0;
    for (const step of steps) {
      for (let i = 0; i < step.fixed.length; i += 1) codes[at++] = step.fixed[i];
      const k = step.chars.length;
      for (let i = 0; i < step.count; i += 1) {
        let b = nextByte();
        while (b >= step.limit) b = nextByte();
        codes[at++] = step.chars[b % k];
      }
    }
    const body = String.fromCharCode.apply(null, codes);
    const serial = check ? body + check.compute(payloadOf(check, body)) : body;
    if (seen.has(serial)) continue;
    seen.add(serial);
    out.push(serial);
  }
  return out;
}
