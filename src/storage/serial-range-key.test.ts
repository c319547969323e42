import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { rangeKey } from '../core/serial-range.ts';

// serial_range_key() in the database (migration 0010) and rangeKey() in core are one rule written
// twice: the database's decides which units a range selects, core's is what the rule is tested
// and documented with. They must agree on every serial.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.close());

const samples = [
  'SN0998', 'SN999', 'SN1000', 'SN01000', '000', '0', '7', 'A0', 'SN100A', 'ABC', 'SN-2024-00042', 'SN 12',
  'Ä123', '日本0099', 'a\u00e9-01', `X${'9'.repeat(63)}`, '9'.repeat(64), 'SN1-', '-5',
];

describe('serial_range_key in PostgreSQL', () => {
  it('gives the key core/serial-range.ts gives, for fixed and random serials', async () => {
    const random = fc.sample(
      fc.tuple(fc.constantFrom('', 'SN', 'sn-', 'Ä', 'A B', '12-'), fc.stringMatching(/^[0-9]{0,20}$/), fc.constantFrom('', '', 'X', '-A')),
      300,
    ).map(([p, d, s]) => p + d + s).filter((s) => s.length > 0);
    const serials = [...samples, ...random];
    const rows = await sql<{ serial: string; key: string | null }>`
      SELECT s AS serial, serial_range_key(s) AS key FROM unnest(${serials}::text[]) AS s`.execute(t.db);
    for (const row of rows.rows) expect(row.key, JSON.stringify(row.serial)).toBe(rangeKey(row.serial));
  });

  it('orders keys of one prefix numerically in byte order, as the range index does', async () => {
    const serials = ['SN10', 'SN9', 'SN0009', 'SN1000', 'SN999', 'SN0', 'SN00010', 'SN1'];
    const rows = await sql<{ serial: string }>`
      SELECT s AS serial FROM unnest(${serials}::text[]) AS s ORDER BY serial_range_key(s) COLLATE "C", s COLLATE "C"`.execute(t.db);
    expect(rows.rows.map((r) => r.serial)).toEqual(['SN0', 'SN1', 'SN0009', 'SN9', 'SN00010', 'SN10', 'SN999', 'SN1000']);
  });

  it('is kept in serial_units.range_key for every unit written', async () => {
    const column = await sql<{ generation_expression: string; collation_name: string }>`
      SELECT generation_expression, collation_name FROM information_schema.columns
      WHERE table_name = 'serial_units' AND column_name = 'range_key'`.execute(t.db);
    expect(column.rows[0]).toMatchObject({ generation_expression: 'serial_range_key(serial)', collation_name: 'C' });
  });
});
