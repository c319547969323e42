import { looksLikeGs1, parseScan } from '../../domain.ts';

// AIM symbology identifiers for GS1 data in the symbologies a camera reads.
const GS1_IDENTIFIER: Readonly<Record<string, string>> = {
  data_matrix: ']d2',
  qr_code: ']Q3',
  code_128: ']C1',
};

/**
 * A camera's BarcodeDetector gives the text of a GS1 DataMatrix, GS1 QR or GS1-128 without the
 * symbology identifier a scanner would send, so `(01)…(21)…` data would look like a plain serial.
 * When the text reads as valid GS1 data with a GTIN once its identifier is put back, that is what
 * it is; anything else is passed on as it came.
 */
export function cameraScanText(rawValue: string, format: string): string {
  const identifier = GS1_IDENTIFIER[format];
  if (!identifier || looksLikeGs1(rawValue) || !/^\d{2}/.test(rawValue)) return rawValue;
  try {
    return parseScan(identifier + rawValue).gtin ? identifier + rawValue : rawValue;
  } catch {
    return rawValue;
  }
}
