import { randomBytes as cryptoRandomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { checkSerial, SERIAL_MAX_LENGTH } from '../core/serial.ts';
import {
  type CompiledSerialFormat,
  compileSerialFormat,
  counterCapacity,
  generateRandom,
  generateSequential,
  parseSerialList,
  type RandomBytes,
  randomSpaceSize,
} from '../core/serial-format/index.ts';
import type { Db } from '../storage/database.ts';
import {
  findCounterValue,
  findRegisteredSerials,
  type GenerationProduct,
  insertGeneratedUnits,
  lockProductForGeneration,
  reserveCounterValues,
} from '../storage/generation.repository.ts';
import { findProductBySku } from '../storage/products.repository.ts';

export const generateModes = ['sequence', 'random'] as const;
export type GenerateMode = (typeof generateModes)[number];

/** Most serials one call registers (the CLI's limit; HTTP allows fewer, see HTTP_MAX_GENERATE). */
export const MAX_GENERATE = 1_000_000;
/** Most serials one HTTP request may ask for: the answer lists them all. */
export const HTTP_MAX_GENERATE = 100_000;
/** Serials written per statement. */
export const WRITE_CHUNK = 10_000;
/** The first counter value of a SKU's sequence: SN-{9:5} starts at SN-00001. */
export const FIRST_COUNTER_VALUE = 1n;
/** Rounds of replacing random serials that hit registered ones before giving up. */
const RANDOM_ROUNDS = 24;
/** Largest draw of random candidates when replacing collided ones. */
const MAX_RANDOM_DRAW = 2_000_000;

export type GenerateInput = { sku: string; count: number; mode: GenerateMode; year?: number };

export type GenerateOptions = {
  /** Lower the limit on count (HTTP passes HTTP_MAX_GENERATE). */
  maxCount?: number;
  /** Randomness for random serials; node:crypto's randomBytes unless a test passes its own. */
  randomBytes?: RandomBytes;
  /** Called after each written chunk with the number of serials registered so far. */
  onProgress?: (registered: number) => void;
  now?: Date;
};

export type GeneratedSerials = {
  sku: string;
  mode: GenerateMode;
  count: number;
  serials: string[];
  first: string;
  last: string;
  /** Id of this generation run, kept in each unit's 'generated' event. */
  batch: string;
  /**
   * Serials that came up but were already registered for the SKU (registered by a capture or an
   * import, say) and were replaced: for a sequence, the counter moved past them.
   */
  skipped: number;
};

function loadFormat(product: GenerationProduct): CompiledSerialFormat {
  const source = product.serialFormat?.trim();
  if (!source) {
    throw new DomainError(
      'SERIAL_FORMAT_MISSING',
      `serialFormat: SKU ${product.sku} has no serial format; set one (PATCH /api/v1/products/${product.sku} {"serialFormat": "SN-{9:6}"}) before generating serials`,
      { sku: product.sku },
    );
  }
  return compileSerialFormat(source);
}

/** Generated serials are stored like any other serial: at most SERIAL_MAX_LENGTH characters. */
function assertStorable(format: CompiledSerialFormat, serials: string[]): void {
  for (const serial of serials) {
    if (serial.length > SERIAL_MAX_LENGTH) {
      throw new DomainError(
        'SERIAL_FORMAT_INVALID',
        `serialFormat: ${format.source} makes serials of ${serial.length} characters (${serial}); a serial has at most ${SERIAL_MAX_LENGTH}`,
        { serialFormat: format.source, serial },
      );
    }
  }
}

function checkCount(count: number, max: number): void {
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new DomainError('VALIDATION_FAILED', `count: expected a whole number from 1 to ${max}, got ${String(count)}`, {
      field: 'count',
    });
  }
}

type Writer = { write(serials: string[]): Promise<string[]>; registered: string[] };

/** Writes serials chunk by chunk, keeps those that were new, and returns the ones already there. */
function writer(trx: Db, ctx: Parameters<typeof insertGeneratedUnits>[1], onProgress?: (n: number) => void): Writer {
  const registered: string[] = [];
  return {
    registered,
    async write(serials) {
      const taken: string[] = [];
      for (let at = 0; at < serials.length; at += WRITE_CHUNK) {
        const chunk = serials.slice(at, at + WRITE_CHUNK);
        const collided = await insertGeneratedUnits(trx, ctx, chunk);
        if (collided.length === 0) {
          for (const s of chunk) registered.push(s);
        } else {
          const skip = new Set(collided);
          for (const s of chunk) if (!skip.has(s)) registered.push(s);
          taken.push(...collided);
        }
        onProgress?.(registered.length);
      }
      return taken;
    },
  };
}

async function generateSequence(
  trx: Db,
  actor: Actor,
  product: GenerationProduct,
  format: CompiledSerialFormat,
  count: number,
  year: number,
  out: Writer,
): Promise<number> {
  const capacity = counterCapacity(format);
  let skipped = 0;
  let need = count;
  while (need > 0) {
    const start = await reserveCounterValues(trx, actor.tenantId, product.id, need, capacity, FIRST_COUNTER_VALUE);
    if (start === null) {
      const next = (await findCounterValue(trx, actor.tenantId, product.id)) ?? FIRST_COUNTER_VALUE;
      const left = capacity > next ? capacity - next : 0n;
      throw new DomainError(
        'SERIAL_CAPACITY_EXCEEDED',
        `count: ${need} more serial(s) do not fit the counter of ${format.source}: the next counter value is ${next} and the largest is ${capacity - 1n}, so ${left} are left; nothing was generated`,
        { sku: product.sku, count: need, next: String(next), capacity: String(capacity), left: String(left) },
      );
    }
    // Generate and write a chunk at a time: memory holds the chunk, not the run.
    let taken = 0;
    for (let offset = 0; offset < need; offset += WRITE_CHUNK) {
      const serials = generateSequential(format, start + BigInt(offset), Math.min(WRITE_CHUNK, need - offset), { year });
      assertStorable(format, serials);
      taken += (await out.write(serials)).length;
    }
    skipped += taken;
    need = taken;
  }
  return skipped;
}

async function generateRandomSerials(
  trx: Db,
  actor: Actor,
  product: GenerationProduct,
  format: CompiledSerialFormat,
  count: number,
  year: number,
  randomBytes: RandomBytes,
  out: Writer,
): Promise<number> {
  const size = randomSpaceSize(format);
  if (BigInt(count) > size) {
    throw new DomainError(
      'SERIAL_CAPACITY_EXCEEDED',
      `count: ${count} random serials asked for, but ${format.source} can make only ${size} different ones`,
      { sku: product.sku, count, capacity: String(size) },
    );
  }
  const full = (need: number) =>
    new DomainError(
      'SERIAL_CAPACITY_EXCEEDED',
      `count: ${format.source} has too few unused random serials left for ${count} more (${size} possible; ${need} could not be placed); use a longer format`,
      { sku: product.sku, count, capacity: String(size) },
    );
  // The first draw is written as it is; serials that turn out to be registered already are replaced
  // by later draws, each twice as large as the last and checked against the registry before writing,
  // so even a format close to full is filled (at the latest by a draw of its whole space).
  let skipped = 0;
  let need = count;
  for (let round = 0; need > 0; round += 1) {
    if (round === RANDOM_ROUNDS) throw full(need);
    const draw = round === 0 ? need : Number(bigMin(size, BigInt(need) * 2n ** BigInt(round), BigInt(MAX_RANDOM_DRAW)));
    let serials = generateRandom(format, draw, randomBytes, { year });
    assertStorable(format, serials);
    if (round > 0) {
      const taken = await findRegisteredSerials(trx, actor.tenantId, product.id, serials);
      serials = serials.filter((s) => !taken.has(s)).slice(0, need);
      if (serials.length === 0 && BigInt(draw) === size) throw full(need);
    }
    const collided = (await out.write(serials)).length;
    skipped += round === 0 ? collided : 0;
    need -= serials.length - collided;
  }
  return skipped;
}

const bigMin = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));

/**
 * Generates `count` serials for a SKU from its serial format and registers them: one in_stock unit
 * and one 'generated' event each, all in one transaction (all of them or none).
 *
 * - sequence: the next values of the SKU's counter, reserved in one statement so concurrent calls
 *   never overlap. Refused with SERIAL_CAPACITY_EXCEEDED, the counter unmoved, when they would not
 *   fit the format's counter run.
 * - random: uniform random serials (node:crypto); any that hit a serial already registered for the
 *   SKU are replaced.
 */
export async function generateSerials(
  db: Db,
  actor: Actor,
  input: GenerateInput,
  options: GenerateOptions = {},
): Promise<GeneratedSerials> {
  const sku = input.sku.trim();
  checkCount(input.count, Math.min(options.maxCount ?? MAX_GENERATE, MAX_GENERATE));
  if (!generateModes.includes(input.mode)) {
    throw new DomainError('VALIDATION_FAILED', `mode: expected sequence or random, got ${String(input.mode)}`, { field: 'mode' });
  }
  const now = options.now ?? new Date();
  const year = input.year ?? now.getUTCFullYear();
  const batch = randomUUID();

  return db.transaction().execute(async (trx) => {
    const product = await lockProductForGeneration(trx, actor.tenantId, sku);
    if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
    const format = loadFormat(product);
    const out = writer(
      trx,
      { tenantId: actor.tenantId, productId: product.id, at: now, actor: actor.id, details: { mode: input.mode, batch } },
      options.onProgress,
    );
    const skipped =
      input.mode === 'sequence'
        ? await generateSequence(trx, actor, product, format, input.count, year, out)
        : await generateRandomSerials(trx, actor, product, format, input.count, year, options.randomBytes ?? cryptoRandomBytes, out);
    const serials = out.registered;
    return {
      sku: product.sku,
      mode: input.mode,
      count: serials.length,
      serials,
      first: serials[0],
      last: serials[serials.length - 1],
      batch,
      skipped,
    };
  });
}

/**
 * Expands a pasted serial list (`SN0001-SN0050`, `10+3`, one per line ...) into its serials, each
 * checked like a scanned serial. With a SKU whose format is set, an item matching the format is
 * one serial even if it looks like a range (`SN-2024-00001`).
 */
export async function expandSerialList(
  db: Db,
  actor: Actor,
  input: { text: string; sku?: string },
): Promise<{ serials: string[]; count: number }> {
  let format: CompiledSerialFormat | undefined;
  if (input.sku !== undefined) {
    const sku = input.sku.trim();
    const product = await findProductBySku(db, actor.tenantId, sku);
    if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
    if (product.serialFormat?.trim()) format = compileSerialFormat(product.serialFormat.trim());
  }
  const serials = parseSerialList(input.text, { format });
  if (serials.length === 0) {
    throw new DomainError('VALIDATION_FAILED', 'text: list at least one serial (SN0001, SN0001-SN0050, 10+3 ...)', { field: 'text' });
  }
  for (let i = 0; i < serials.length; i += 1) {
    const check = checkSerial(serials[i], `serials[${i}]`);
    if (!check.ok) {
      throw new DomainError('VALIDATION_FAILED', `${check.message} (serial ${JSON.stringify(serials[i])})`, {
        field: 'text',
        index: i,
        serial: serials[i],
      });
    }
  }
  return { serials, count: serials.length };
}
