import bwipjs from 'bwip-js/node';
import { DomainError } from '../core/errors.ts';
import type { Actor } from '../core/model.ts';
import { normalizeSerial } from '../core/serial.ts';
import type { Db } from '../storage/database.ts';
import { findProductBySku } from '../storage/products.repository.ts';

export const symbologies = ['code128', 'gs1-128', 'gs1datamatrix'] as const;
export type Symbology = (typeof symbologies)[number];

/** Most labels on one sheet: rendering takes about 2 ms a label, on the request's thread. */
export const MAX_LABELS = 500;
export const MAX_COLUMNS = 6;
export const DEFAULT_COLUMNS = 3;
/** Labels rendered between two yields to the event loop. */
const RENDER_SLICE = 20;

export type LabelSheetInput = { serials: string[]; symbology: Symbology; columns?: number };
export type LabelSheet = { svg: string; labels: number; pages: number };

// The sheet is laid out in millimetres on A4 pages stacked top to bottom; a label never straddles
// two pages.
const PAGE_WIDTH = 210;
const PAGE_HEIGHT = 297;
const MARGIN = 10;
const CELL_PADDING = 3;
/** Narrowest bar of a linear code at most this wide (mm): short serials do not stretch. */
const MAX_MODULE = 0.33;
const BAR_HEIGHT = 15;
const MATRIX_SIDE = 20;
const TEXT_SIZE = 3;
const SKU_TEXT_SIZE = 2.2;

const isGs1 = (symbology: Symbology) => symbology !== 'code128';

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** bwip-js throws strings or Errors like 'bwipp.GS1badChecksum#3251: AI 01: Bad checksum'. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^bwipp\.\w+#\d+:\s*/, '').replace(/^bwip-js:\s*/, '');
}

type Barcode = { inner: string; width: number; height: number };

function encode(symbology: Symbology, data: string): Barcode {
  const svg = bwipjs.toSVG({ bcid: symbology, text: data, scale: 1, ...(symbology === 'gs1datamatrix' ? {} : { height: BAR_HEIGHT }) });
  const match = /^<svg viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"[^>]*>([\s\S]*)<\/svg>\s*$/.exec(svg.trim());
  if (!match) throw new Error('bwip-js returned an SVG of an unexpected shape');
  return { width: Number(match[1]), height: Number(match[2]), inner: match[3] };
}

/**
 * A printable SVG sheet of barcode labels for serials of one SKU, laid out in a grid on A4 pages,
 * each label with the SKU above and the human-readable text under the barcode. code128 encodes the
 * serial; gs1-128 and gs1datamatrix encode (01) the product's GTIN and (21) the serial, which bwip-js
 * checks against the GS1 rules (AI 21: at most 20 characters of CSET 82).
 */
export async function renderLabelSheet(db: Db, actor: Actor, rawSku: string, input: LabelSheetInput): Promise<LabelSheet> {
  const sku = rawSku.trim();
  const { symbology } = input;
  if (!symbologies.includes(symbology)) {
    throw new DomainError('VALIDATION_FAILED', `symbology: expected one of ${symbologies.join(', ')}, got ${String(symbology)}`, {
      field: 'symbology',
    });
  }
  const columns = input.columns ?? DEFAULT_COLUMNS;
  if (!Number.isInteger(columns) || columns < 1 || columns > MAX_COLUMNS) {
    throw new DomainError('VALIDATION_FAILED', `columns: expected a whole number from 1 to ${MAX_COLUMNS}, got ${String(columns)}`, {
      field: 'columns',
    });
  }
  if (input.serials.length === 0 || input.serials.length > MAX_LABELS) {
    throw new DomainError('VALIDATION_FAILED', `serials: list 1 to ${MAX_LABELS} serials per sheet, got ${input.serials.length}`, {
      field: 'serials',
    });
  }
  const serials = input.serials.map((s, i) => normalizeSerial(s, `serials[${i}]`));

  const product = await findProductBySku(db, actor.tenantId, sku);
  if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `sku: no product with SKU ${sku}`, { sku });
  if (isGs1(symbology) && !product.gtin) {
    throw new DomainError(
      'GTIN_MISSING',
      `gtin: SKU ${sku} has no GTIN, and ${symbology} labels encode (01) GTIN and (21) serial; set the product's GTIN or print code128 labels`,
      { sku, symbology },
    );
  }

  // bwip-js renders synchronously (a few ms a label): yield to the event loop every few labels so
  // a large sheet does not stall other requests (packing scans) while it renders.
  const barcodes: Array<{ serial: string; text: string; barcode: ReturnType<typeof encode> }> = [];
  for (const [index, serial] of serials.entries()) {
    if (index > 0 && index % RENDER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const fail = (reason: string) =>
      new DomainError('BARCODE_NOT_ENCODABLE', `serials[${index}]: ${JSON.stringify(serial)} cannot be encoded in ${symbology}: ${reason}`, {
        index,
        serial,
        symbology,
        reason,
      });
    // bwip-js reads GS1 data in the bracketed form (01)...(21)...: an opening bracket inside the
    // serial would start a new AI.
    if (isGs1(symbology) && serial.includes('(')) throw fail('a serial with "(" cannot be written in bracketed GS1 data');
    const text = isGs1(symbology) ? `(01)${product.gtin}(21)${serial}` : serial;
    try {
      barcodes.push({ serial, text, barcode: encode(symbology, text) });
    } catch (error) {
      throw fail(reasonOf(error));
    }
  }

  const cellWidth = (PAGE_WIDTH - 2 * MARGIN) / columns;
  const symbolHeight = symbology === 'gs1datamatrix' ? Math.min(MATRIX_SIDE, cellWidth - 2 * CELL_PADDING) : BAR_HEIGHT;
  const cellHeight = CELL_PADDING + SKU_TEXT_SIZE + 1.5 + symbolHeight + 1.5 + TEXT_SIZE + CELL_PADDING;
  const rows = Math.max(1, Math.floor((PAGE_HEIGHT - 2 * MARGIN) / cellHeight));
  const perPage = rows * columns;
  const pages = Math.ceil(barcodes.length / perPage);
  const innerWidth = cellWidth - 2 * CELL_PADDING;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PAGE_WIDTH}mm" height="${pages * PAGE_HEIGHT}mm" viewBox="0 0 ${PAGE_WIDTH} ${pages * PAGE_HEIGHT}" data-labels="${barcodes.length}" data-pages="${pages}">`,
    `<title>${xml(`${symbology} labels for ${sku}`)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
  );
  barcodes.forEach(({ serial, text, barcode }, i) => {
    const page = Math.floor(i / perPage);
    const slot = i % perPage;
    const x = MARGIN + (slot % columns) * cellWidth;
    const y = page * PAGE_HEIGHT + MARGIN + Math.floor(slot / columns) * cellHeight;
    const centre = x + cellWidth / 2;
    let width: number;
    let height: number;
    if (symbology === 'gs1datamatrix') {
      width = symbolHeight;
      height = symbolHeight;
    } else {
      // scale 1: one viewBox unit per module.
      width = Math.min(innerWidth, barcode.width * MAX_MODULE);
      height = BAR_HEIGHT;
    }
    const symbolY = y + CELL_PADDING + SKU_TEXT_SIZE + 1.5;
    const textY = symbolY + symbolHeight + 1.5 + TEXT_SIZE * 0.85;
    // Long text is squeezed to the cell (monospace glyphs are about 0.6 em wide).
    const squeeze = text.length * TEXT_SIZE * 0.6 > innerWidth ? ` textLength="${fmt(innerWidth)}" lengthAdjust="spacingAndGlyphs"` : '';
    parts.push(
      `<g class="label" data-serial="${xml(serial)}">`,
      `<text x="${fmt(x + CELL_PADDING)}" y="${fmt(y + CELL_PADDING + SKU_TEXT_SIZE * 0.85)}" font-family="monospace" font-size="${SKU_TEXT_SIZE}">${xml(sku)}</text>`,
      `<svg class="barcode" x="${fmt(centre - width / 2)}" y="${fmt(symbolY)}" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${barcode.width} ${barcode.height}" preserveAspectRatio="none">${barcode.inner}</svg>`,
      `<text x="${fmt(centre)}" y="${fmt(textY)}" font-family="monospace" font-size="${TEXT_SIZE}" text-anchor="middle"${squeeze}>${xml(text)}</text>`,
      `</g>`,
    );
  });
  parts.push('</svg>');
  return { svg: parts.join('\n'), labels: barcodes.length, pages };
}
