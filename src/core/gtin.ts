/**
 * Product barcodes. A GTIN is written as GTIN-8 (EAN-8), GTIN-12 (UPC-A), GTIN-13 (EAN-13) or
 * GTIN-14; padded with leading zeros to 14 digits they compare equal (GS1 General Specifications).
 * Used to refuse a "serial" that is really the product's own barcode (SCANNED_PRODUCT_BARCODE).
 */
import { gs1CheckDigit, isValidGs1CheckDigit } from './check-digits.ts';

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);
const ALL_ZEROS = /^0+$/;

/** A UPC-A, EAN-13, EAN-8 or GTIN-14 with a valid check digit as a 14-digit GTIN; else null. */
export function normalizeGtin(code: string): string | null {
  if (typeof code !== 'string') return null;
  const digits = code.trim();
  if (!GTIN_LENGTHS.has(digits.length) || !/^\d+$/.test(digits)) return null;
  const gtin = digits.padStart(14, '0');
  if (ALL_ZEROS.test(gtin.slice(0, 13)) || !isValidGs1CheckDigit(gtin)) return null;
  return gtin;
}

/**
 * Expands an 8-digit UPC-E (number system 0 or 1, six digits, check digit) to its 12-digit UPC-A;
 * null when it is not one. The check digit is that of the UPC-A.
 */
export function expandUpcE(code: string): string | null {
  if (!/^[01]\d{7}$/.test(code)) return null;
  const ns = code[0];
  const [d1, d2, d3, d4, d5, d6] = code.slice(1, 7);
  let body: string;
  if (d6 === '0' || d6 === '1' || d6 === '2') body = `${d1}${d2}${d6}0000${d3}${d4}${d5}`;
  else if (d6 === '3') body = `${d1}${d2}${d3}00000${d4}${d5}`;
  else if (d6 === '4') body = `${d1}${d2}${d3}${d4}00000${d5}`;
  else body = `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  const upcA = ns + body + code[7];
  return gs1CheckDigit(upcA.slice(0, 11)) === Number(code[7]) ? upcA : null;
}

// "]E0", "]C1", "]d2", "]Q3" ...: the AIM symbology identifier some scanners put in front.
const SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;
// A GS1 element string holding only AI (01): "0109501101530003" or "(01)09501101530003".
const AI01_ONLY = /^(?:\(01\)|01)(\d{14})$/;

/**
 * True when `scan` is the product's own barcode rather than a serial: its GTIN as UPC-A, EAN-13,
 * EAN-8, GTIN-14 or UPC-E, with or without leading zeros, optionally behind a symbology identifier
 * or as an element string of AI (01) alone. False when the product has no valid GTIN.
 */
export function isProductBarcode(scan: string, productGtin: string | null | undefined): boolean {
  const product = typeof productGtin === 'string' ? normalizeGtin(productGtin) : null;
  if (product === null || typeof scan !== 'string') return false;
  let text = scan.trim();
  if (SYMBOLOGY_ID.test(text)) text = text.slice(3);
  if (text.startsWith('\x1d')) text = text.slice(1); // FNC1 sent as GS
  const ai01 = AI01_ONLY.exec(text);
  if (ai01) text = ai01[1];
  if (!/^\d{1,14}$/.test(text)) return false;
  if (text.padStart(14, '0') === product) return true;
  if (text.length === 8) {
    const upcA = expandUpcE(text);
    if (upcA !== null && upcA.padStart(14, '0') === product) return true;
  }
  return false;
}
