import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/model.ts';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeProduct, makeTenant } from '../../test/factories.ts';
import { MAX_LABELS, renderLabelSheet } from './labels.service.ts';

let t: TestDatabase;
let actor: Actor;
let withGtin: string;
let withoutGtin: string;

const GTIN = '09506000134352';

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
  withGtin = (await makeProduct(t.db, actor, { gtin: GTIN })).sku;
  withoutGtin = (await makeProduct(t.db, actor)).sku;
});
afterAll(async () => t.close());

const labelCount = (svg: string) => svg.match(/<g class="label"/g)?.length ?? 0;
const barcodeCount = (svg: string) => svg.match(/<svg class="barcode"/g)?.length ?? 0;

describe('renderLabelSheet', () => {
  it('draws one code128 barcode per serial with the serial written under it', async () => {
    const serials = ['SN-00001', 'SN-00002', 'SN-00003', 'SN-00004'];
    const sheet = await renderLabelSheet(t.db, actor, withoutGtin, { serials, symbology: 'code128' });
    expect(sheet).toMatchObject({ labels: 4, pages: 1 });
    expect(sheet.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm"')).toBe(true);
    expect(labelCount(sheet.svg)).toBe(4);
    expect(barcodeCount(sheet.svg)).toBe(4);
    for (const serial of serials) {
      expect(sheet.svg).toContain(`data-serial="${serial}"`);
      expect(sheet.svg).toMatch(new RegExp(`text-anchor="middle"[^>]*>${serial}</text>`));
    }
  });

  it('encodes (01) GTIN and (21) serial for gs1-128 and shows them as text', async () => {
    const sheet = await renderLabelSheet(t.db, actor, withGtin, { serials: ['ABC123', 'ABC124'], symbology: 'gs1-128' });
    expect(barcodeCount(sheet.svg)).toBe(2);
    expect(sheet.svg).toContain(`>(01)${GTIN}(21)ABC123</text>`);
    expect(sheet.svg).toContain(`>(01)${GTIN}(21)ABC124</text>`);
  });

  it('draws gs1datamatrix symbols, square', async () => {
    const sheet = await renderLabelSheet(t.db, actor, withGtin, { serials: ['X1'], symbology: 'gs1datamatrix', columns: 4 });
    const [, width, height] = /<svg class="barcode" x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="([\d.]+)"/.exec(sheet.svg)!;
    expect(width).toBe(height);
    expect(sheet.svg).toContain(`>(01)${GTIN}(21)X1</text>`);
  });

  it('lays a long list out over several A4 pages without losing a label', async () => {
    const serials = Array.from({ length: 100 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    const sheet = await renderLabelSheet(t.db, actor, withoutGtin, { serials, symbology: 'code128', columns: 2 });
    expect(sheet.pages).toBeGreaterThan(1);
    expect(sheet.svg).toContain(`height="${sheet.pages * 297}mm"`);
    expect(labelCount(sheet.svg)).toBe(100);
  });

  it('escapes serials that contain markup characters', async () => {
    const sheet = await renderLabelSheet(t.db, actor, withoutGtin, { serials: ['A<B&"C'], symbology: 'code128' });
    expect(sheet.svg).toContain('data-serial="A&#60;B&#38;&#34;C"');
    expect(sheet.svg).not.toContain('A<B');
  });

  it('refuses GS1 symbologies for a product without a GTIN with GTIN_MISSING', async () => {
    for (const symbology of ['gs1-128', 'gs1datamatrix'] as const) {
      await expect(renderLabelSheet(t.db, actor, withoutGtin, { serials: ['A1'], symbology })).rejects.toMatchObject({
        code: 'GTIN_MISSING',
        message: expect.stringContaining('has no GTIN'),
      });
    }
  });

  it('refuses a serial GS1 does not allow with BARCODE_NOT_ENCODABLE naming it and the reason', async () => {
    await expect(
      renderLabelSheet(t.db, actor, withGtin, { serials: ['OK1', 'X'.repeat(21)], symbology: 'gs1-128' }),
    ).rejects.toMatchObject({
      code: 'BARCODE_NOT_ENCODABLE',
      message: `serials[1]: "${'X'.repeat(21)}" cannot be encoded in gs1-128: AI 21: Too long`,
      details: { index: 1, symbology: 'gs1-128' },
    });
    await expect(renderLabelSheet(t.db, actor, withGtin, { serials: ['A B'], symbology: 'gs1datamatrix' })).rejects.toMatchObject({
      code: 'BARCODE_NOT_ENCODABLE',
      message: expect.stringContaining('Invalid CSET 82 character'),
    });
    await expect(renderLabelSheet(t.db, actor, withGtin, { serials: ['A(1'], symbology: 'gs1-128' })).rejects.toMatchObject({
      code: 'BARCODE_NOT_ENCODABLE',
    });
  });

  it('refuses an unknown SKU, an empty or oversize list, bad columns and a bad serial', async () => {
    await expect(renderLabelSheet(t.db, actor, 'NOPE', { serials: ['A'], symbology: 'code128' })).rejects.toMatchObject({
      code: 'PRODUCT_NOT_FOUND',
    });
    await expect(renderLabelSheet(t.db, actor, withoutGtin, { serials: [], symbology: 'code128' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `serials: list 1 to ${MAX_LABELS} serials per sheet, got 0`,
    });
    const many = Array.from({ length: MAX_LABELS + 1 }, (_, i) => `S${i}`);
    await expect(renderLabelSheet(t.db, actor, withoutGtin, { serials: many, symbology: 'code128' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      renderLabelSheet(t.db, actor, withoutGtin, { serials: ['A'], symbology: 'code128', columns: 9 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'columns: expected a whole number from 1 to 6, got 9' });
    await expect(renderLabelSheet(t.db, actor, withoutGtin, { serials: ['A', '  '], symbology: 'code128' })).rejects.toMatchObject({
      code: 'SERIAL_INVALID',
      message: 'serials[1]: must not be empty',
    });
  });
});
