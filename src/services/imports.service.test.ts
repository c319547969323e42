import { mkdtempSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeTenant } from '../../test/factories.ts';
import { importOrdersCsv, importProductsCsv } from './imports.service.ts';
import { findProducts, getProduct } from './products.service.ts';
import { getOrder } from './orders.service.ts';

let t: TestDatabase;
let actor: Actor;
const dir = mkdtempSync(join(tmpdir(), 'unitrace-csv-'));

function csvFile(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return createReadStream(path);
}

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
});
afterAll(async () => t.close());

describe('importProductsCsv', () => {
  it('imports a real CSV file with loose headers, a BOM, quoted commas and yes/no flags', async () => {
    const file = csvFile(
      'products.csv',
      '\uFEFFSKU,Name,GTIN,Needs serial number,serial_format\nP-1,"Camera, black",4006381333931,yes,\nP-2,Strap,,no,\n',
    );
    const result = await importProductsCsv(t.db, actor, file);
    expect(result).toMatchObject({ rows: 2, created: 2, updated: 0, skipped: 0, errors: [] });
    expect(await getProduct(t.db, actor, 'P-1')).toMatchObject({ name: 'Camera, black', gtin: '04006381333931', needsSerialNumber: true });
  });

  it('updates products whose SKU exists', async () => {
    const result = await importProductsCsv(t.db, actor, csvFile('update.csv', 'sku,name,needsSerialNumber\nP-2,Strap v2,true\n'));
    expect(result).toMatchObject({ created: 0, updated: 1 });
    expect((await getProduct(t.db, actor, 'P-2')).needsSerialNumber).toBe(true);
  });

  it('reports every bad line with its number and imports nothing', async () => {
    const file = csvFile('bad.csv', 'sku,name,gtin,needsSerialNumber\nQ-1,Good,,no\nQ-2,,,no\nQ-3,Bad gtin,12345,no\nQ-1,Dup,,no\nQ-4,Flag,,perhaps\n');
    await expect(importProductsCsv(t.db, actor, file)).rejects.toMatchObject({
      code: 'CSV_INVALID',
      details: {
        errors: [
          { line: 3, message: 'name: required' },
          { line: 4, message: expect.stringContaining('gtin:') },
          { line: 5, message: 'sku: Q-1 is already on line 2' },
          { line: 6, message: expect.stringContaining('needsSerialNumber:') },
        ],
      },
    });
    const page = await findProducts(t.db, actor, { q: 'Q-', limit: 10 });
    expect(page.items).toEqual([]);
  });

  it('imports the good rows when asked to skip bad ones', async () => {
    const file = csvFile('skip.csv', 'sku,name\nR-1,Good\nR-2,\n');
    const result = await importProductsCsv(t.db, actor, file, { skipBadRows: true });
    expect(result).toMatchObject({ rows: 2, created: 1, skipped: 1, errors: [{ line: 3 }] });
  });

  it('writes nothing on a dry run but says what would happen', async () => {
    const result = await importProductsCsv(t.db, actor, csvFile('dry.csv', 'sku,name\nS-1,New\nP-1,Existing\n'), { dryRun: true });
    expect(result).toMatchObject({ created: 1, updated: 1, dryRun: true });
    await expect(getProduct(t.db, actor, 'S-1')).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND' });
  });

  it('refuses malformed CSV and a missing column with CSV_INVALID naming the line', async () => {
    await expect(importProductsCsv(t.db, actor, csvFile('quote.csv', 'sku,name\nT-1,"unclosed\n'))).rejects.toMatchObject({
      code: 'CSV_INVALID',
    });
    await expect(importProductsCsv(t.db, actor, csvFile('cols.csv', 'sku,title\nT-1,x\n'))).rejects.toMatchObject({
      code: 'CSV_INVALID',
      message: expect.stringContaining('line 1: missing column(s) name'),
    });
  });
});

describe('importOrdersCsv', () => {
  it('groups rows by order number into orders with lines', async () => {
    const file = csvFile(
      'orders.csv',
      'orderNumber,type,customerName,customerEmail,customerCompany,sku,quantity\nO-1,B2B,Grace,g@example.com,Navy,P-1,3\nO-1,B2B,Grace,g@example.com,Navy,P-2,1\nO-2,,Ada,,,P-1,1\n',
    );
    const result = await importOrdersCsv(t.db, actor, file);
    expect(result).toMatchObject({ rows: 3, created: 2, errors: [] });
    const order = await getOrder(t.db, actor, 'O-1');
    expect(order).toMatchObject({ type: 'B2B', customer: { name: 'Grace', company: 'Navy' } });
    expect(order.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['P-1', 3],
      ['P-2', 1],
    ]);
    expect((await getOrder(t.db, actor, 'O-2')).type).toBe('B2C');
  });

  it('reports unknown SKUs, bad quantities and taken order numbers by line and imports nothing', async () => {
    const file = csvFile(
      'orders-bad.csv',
      'orderNumber,customerName,sku,quantity\nO-3,Ann,P-1,1\nO-4,Bob,NOPE,1\nO-5,Cy,P-1,zero\nO-1,Dup,P-1,1\n',
    );
    await expect(importOrdersCsv(t.db, actor, file)).rejects.toMatchObject({
      code: 'CSV_INVALID',
      details: {
        errors: [
          { line: 3, message: 'sku: no product with SKU NOPE' },
          { line: 4, message: 'quantity: must be a whole number' },
          { line: 5, message: 'orderNumber: O-1 already exists' },
        ],
      },
    });
    await expect(getOrder(t.db, actor, 'O-3')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });
});
