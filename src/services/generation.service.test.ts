import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/model.ts';
import type { RandomBytes } from '../core/serial-format/index.ts';
import { findCounterValue } from '../storage/generation.repository.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeOrder, makeProduct, makeTenant } from '../../test/factories.ts';
import { expandSerialList, generateSerials, WRITE_CHUNK } from './generation.service.ts';
import { captureSerial } from './packing.service.ts';
import { findSerial } from './serials.service.ts';

let t: TestDatabase;
let actor: Actor;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
});
afterAll(async () => t.close());

const product = (serialFormat: string | null, fields: Record<string, unknown> = {}) =>
  makeProduct(t.db, actor, { serialFormat, ...fields });

const counterOf = async (sku: string) => {
  const p = await t.db.selectFrom('products').select('id').where('tenant_id', '=', actor.tenantId).where('sku', '=', sku).executeTakeFirstOrThrow();
  return findCounterValue(t.db, actor.tenantId, p.id);
};

async function countRows(table: 'serial_units' | 'serial_events', sku: string): Promise<number> {
  const result = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} x JOIN products p ON p.tenant_id = x.tenant_id AND p.id = x.product_id
    WHERE x.tenant_id = ${actor.tenantId}::uuid AND p.sku = ${sku}
  `.execute(t.db);
  return result.rows[0].n;
}

/** randomBytes that answers its k-th call with block k (repeated to the length asked), then the last block. */
function scripted(blocks: number[][]): RandomBytes {
  let call = 0;
  return (n) => {
    const block = blocks[Math.min(call, blocks.length - 1)];
    call += 1;
    return Uint8Array.from({ length: n }, (_, i) => block[i % block.length]);
  };
}

describe('generateSerials in sequence', () => {
  it('continues the SKU counter from one call to the next, starting at 1', async () => {
    const p = await product('SN-{9:5}');
    const first = await generateSerials(t.db, actor, { sku: p.sku, count: 3, mode: 'sequence' });
    expect(first).toMatchObject({ sku: p.sku, mode: 'sequence', count: 3, first: 'SN-00001', last: 'SN-00003', skipped: 0 });
    expect(first.serials).toEqual(['SN-00001', 'SN-00002', 'SN-00003']);
    const second = await generateSerials(t.db, actor, { sku: p.sku, count: 2, mode: 'sequence' });
    expect(second.serials).toEqual(['SN-00004', 'SN-00005']);
    expect(await counterOf(p.sku)).toBe(6n);
  });

  it('fills the year from the request, or the current UTC year when none is given', async () => {
    const p = await product('SN-{YYYY}-{#:4}');
    const given = await generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence', year: 2024 });
    expect(given.serials).toEqual(['SN-2024-0001']);
    const now = new Date('2031-06-01T12:00:00Z');
    const current = await generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence' }, { now });
    expect(current.serials).toEqual(['SN-2031-0002']);
  });

  it('computes the check digit of each serial', async () => {
    const p = await product('{9:15} ; check=luhn');
    const result = await generateSerials(t.db, actor, { sku: p.sku, count: 2, mode: 'sequence' });
    expect(result.serials).toEqual(['000000000000018', '000000000000026']);
  });

  it('hands out distinct, contiguous values to concurrent calls for one SKU', async () => {
    const p = await product('C-{9:6}');
    const calls = 8;
    const each = 40;
    const results = await Promise.all(
      Array.from({ length: calls }, () => generateSerials(t.db, actor, { sku: p.sku, count: each, mode: 'sequence' })),
    );
    const all = results.flatMap((r) => r.serials);
    expect(new Set(all).size).toBe(calls * each);
    const values = all.map((s) => Number(s.slice(2))).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: calls * each }, (_, i) => i + 1));
    for (const r of results) {
      const mine = r.serials.map((s) => Number(s.slice(2)));
      expect(mine[mine.length - 1] - mine[0]).toBe(each - 1);
    }
    expect(await countRows('serial_units', p.sku)).toBe(calls * each);
    expect(await counterOf(p.sku)).toBe(BigInt(calls * each + 1));
  });

  it('refuses with SERIAL_CAPACITY_EXCEEDED when the counter run would overflow, leaving the counter where it was', async () => {
    const p = await product('B{9:2}');
    await generateSerials(t.db, actor, { sku: p.sku, count: 90, mode: 'sequence' });
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 10, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_CAPACITY_EXCEEDED',
      message: expect.stringContaining('the next counter value is 91 and the largest is 99, so 9 are left'),
      details: { next: '91', capacity: '100', left: '9' },
    });
    expect(await counterOf(p.sku)).toBe(91n);
    expect(await countRows('serial_units', p.sku)).toBe(90);
    const rest = await generateSerials(t.db, actor, { sku: p.sku, count: 9, mode: 'sequence' });
    expect([rest.first, rest.last]).toEqual(['B91', 'B99']);
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_CAPACITY_EXCEEDED',
    });
  });

  it('refuses a first call that cannot fit and creates no counter', async () => {
    const p = await product('B{9:2}');
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 100, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_CAPACITY_EXCEEDED',
    });
    expect(await counterOf(p.sku)).toBeNull();
  });

  it('skips a serial that is already registered for the SKU and takes the next counter value instead', async () => {
    const p = await product('S-{9:3}');
    const order = await makeOrder(t.db, actor, [{ sku: p.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: p.sku, serial: 'S-003' });
    const result = await generateSerials(t.db, actor, { sku: p.sku, count: 5, mode: 'sequence' });
    expect(result.serials).toEqual(['S-001', 'S-002', 'S-004', 'S-005', 'S-006']);
    expect(result.skipped).toBe(1);
    const unit = await findSerial(t.db, actor, 'S-003');
    expect(unit.units[0].status).toBe('packed');
    expect(unit.units[0].events.map((e) => e.type)).toEqual(['packed']);
  });

  it('writes a run larger than one chunk in one go', async () => {
    const p = await product('L{9:7}');
    const count = 2 * WRITE_CHUNK + 500;
    const progress: number[] = [];
    const result = await generateSerials(t.db, actor, { sku: p.sku, count, mode: 'sequence' }, { onProgress: (n) => progress.push(n) });
    expect(result.count).toBe(count);
    expect([result.first, result.last]).toEqual(['L0000001', `L${String(count).padStart(7, '0')}`]);
    expect(progress).toEqual([WRITE_CHUNK, 2 * WRITE_CHUNK, count]);
    expect(await countRows('serial_units', p.sku)).toBe(count);
    expect(await countRows('serial_events', p.sku)).toBe(count);
  });

  it('keeps a counter per tenant', async () => {
    const other = (await makeTenant(t.db)).actor;
    const mine = await product('T-{9:4}');
    const theirs = await makeProduct(t.db, other, { sku: mine.sku, serialFormat: 'T-{9:4}' });
    await generateSerials(t.db, actor, { sku: mine.sku, count: 5, mode: 'sequence' });
    const result = await generateSerials(t.db, other, { sku: theirs.sku, count: 1, mode: 'sequence' });
    expect(result.serials).toEqual(['T-0001']);
  });
});

describe('generateSerials at random', () => {
  it('registers each serial as an in_stock unit with one generated event naming the mode and batch', async () => {
    const p = await product('R-{X:12}');
    const result = await generateSerials(t.db, actor, { sku: p.sku, count: 3, mode: 'random' });
    expect(result.serials).toHaveLength(3);
    for (const serial of result.serials) expect(serial).toMatch(/^R-[0-9A-Z]{12}$/);
    const found = await findSerial(t.db, actor, result.serials[1]);
    expect(found.units).toHaveLength(1);
    expect(found.units[0]).toMatchObject({ sku: p.sku, status: 'in_stock', order: null });
    expect(found.units[0].events).toEqual([
      expect.objectContaining({ type: 'generated', actor: 'test', details: { mode: 'random', batch: result.batch } }),
    ]);
  });

  it('writes sequence events with mode sequence', async () => {
    const p = await product('Q{9:3}');
    const result = await generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence' });
    const found = await findSerial(t.db, actor, result.first);
    expect(found.units[0].events[0].details).toEqual({ mode: 'sequence', batch: result.batch });
  });

  it('replaces a random serial that is already registered for the SKU', async () => {
    const p = await product('{9:2}');
    const first = await generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'random' }, { randomBytes: scripted([[1, 2]]) });
    expect(first.serials).toEqual(['12']);
    const second = await generateSerials(
      t.db,
      actor,
      { sku: p.sku, count: 1, mode: 'random' },
      { randomBytes: scripted([[1, 2], [3, 4, 5, 6]]) },
    );
    expect(second.serials).toEqual(['34']);
    expect(second.skipped).toBe(1);
    expect(await countRows('serial_events', p.sku)).toBe(2);
  });

  it('gives concurrent random calls for one SKU serials that are all different', async () => {
    const p = await product('{9:3}');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => generateSerials(t.db, actor, { sku: p.sku, count: 100, mode: 'random' })),
    );
    const all = results.flatMap((r) => r.serials);
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    expect(await countRows('serial_units', p.sku)).toBe(600);
    expect(await countRows('serial_events', p.sku)).toBe(600);
  });

  it('never repeats a registered serial, until the format runs out and is refused with SERIAL_CAPACITY_EXCEEDED', async () => {
    const p = await product('{9:2}');
    const a = await generateSerials(t.db, actor, { sku: p.sku, count: 60, mode: 'random' });
    const b = await generateSerials(t.db, actor, { sku: p.sku, count: 40, mode: 'random' });
    const all = [...a.serials, ...b.serials].sort();
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')));
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'random' })).rejects.toMatchObject({
      code: 'SERIAL_CAPACITY_EXCEEDED',
    });
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 101, mode: 'random' })).rejects.toMatchObject({
      code: 'SERIAL_CAPACITY_EXCEEDED',
      message: expect.stringContaining('can make only 100 different ones'),
    });
    expect(await countRows('serial_units', p.sku)).toBe(100);
  });
});

describe('generateSerials refusals', () => {
  it('refuses a product without a serial format with SERIAL_FORMAT_MISSING saying to set one', async () => {
    const p = await product(null);
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_MISSING',
      message: expect.stringMatching(/^serialFormat: SKU .* has no serial format; set one/),
    });
  });

  it('refuses an unknown SKU with PRODUCT_NOT_FOUND', async () => {
    await expect(generateSerials(t.db, actor, { sku: 'NOPE', count: 1, mode: 'random' })).rejects.toMatchObject({
      code: 'PRODUCT_NOT_FOUND',
    });
  });

  it('refuses formats that cannot generate with SERIAL_FORMAT_INVALID', async () => {
    const regex = await product('re:[A-Z]{2}[0-9]{6}');
    await expect(generateSerials(t.db, actor, { sku: regex.sku, count: 1, mode: 'random' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_INVALID',
    });
    const letters = await product('{A}{9:5}');
    await expect(generateSerials(t.db, actor, { sku: letters.sku, count: 1, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_INVALID',
    });
  });

  it('refuses serials longer than 64 characters and leaves the counter unmoved', async () => {
    const p = await product(`${'L'.repeat(62)}{9:3}`);
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 2, mode: 'sequence' })).rejects.toMatchObject({
      code: 'SERIAL_FORMAT_INVALID',
      message: expect.stringContaining('a serial has at most 64'),
    });
    expect(await counterOf(p.sku)).toBeNull();
    expect(await countRows('serial_units', p.sku)).toBe(0);
  });

  it('refuses a count of 0 or over the limit with VALIDATION_FAILED naming count', async () => {
    const p = await product('SN-{9:5}');
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 0, mode: 'sequence' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'count: expected a whole number from 1 to 1000000, got 0',
    });
    await expect(
      generateSerials(t.db, actor, { sku: p.sku, count: 11, mode: 'sequence' }, { maxCount: 10 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'count: expected a whole number from 1 to 10, got 11' });
  });

  it('refuses a pattern year without a valid year with VALIDATION_FAILED and no counter move', async () => {
    const p = await product('SN-{YYYY}-{#:4}');
    await expect(generateSerials(t.db, actor, { sku: p.sku, count: 1, mode: 'sequence', year: 1850 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('year:'),
    });
    expect(await counterOf(p.sku)).toBeNull();
  });
});

describe('expandSerialList', () => {
  it('expands ranges, runs and single serials in order', async () => {
    const result = await expandSerialList(t.db, actor, { text: 'SN0001-SN0003\n1-2, 10+2 "A-B"' });
    expect(result).toEqual({ serials: ['SN0001', 'SN0002', 'SN0003', '1', '2', '10', '11', 'A-B'], count: 8 });
  });

  it('takes an item matching the SKU format as one serial', async () => {
    const p = await product('{9:4}-{9:5}');
    const result = await expandSerialList(t.db, actor, { text: '2024-00001', sku: p.sku });
    expect(result.serials).toEqual(['2024-00001']);
  });

  it('refuses a reversed range with VALIDATION_FAILED naming the item', async () => {
    await expect(expandSerialList(t.db, actor, { text: 'A1\nSN0050-SN0001' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('serials: "SN0050-SN0001" at line 2, column 1: reversed range'),
    });
  });

  it('refuses an empty list and a serial over 64 characters with VALIDATION_FAILED', async () => {
    await expect(expandSerialList(t.db, actor, { text: ' ,\n ' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('text: list at least one serial'),
    });
    await expect(expandSerialList(t.db, actor, { text: `ok, ${'X'.repeat(70)}` })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('serials[1]: must be at most 64 characters, got 70'),
    });
  });
});
