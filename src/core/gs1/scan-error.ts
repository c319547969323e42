import { DomainError } from '../errors.ts';

/** Which rule a scan broke; returned in DomainError details as `rule`. */
export type ScanRule =
  | 'syntax' // the input's structure: symbology identifier, brackets, URI shape, empty scan
  | 'unknown-ai' // an AI that GS1 has not assigned
  | 'length' // a value too short or too long for its AI
  | 'charset' // a character outside the AI's character set (N, X = CSET 82, Y = CSET 39, Z = base64url)
  | 'check-digit' // GS1 mod-10 check digit or alphanumeric check character pair
  | 'date' // YYMMDD / YYYYMMDD month or day
  | 'time' // hours, minutes, seconds
  | 'value' // any other content rule: country or currency code, piece of total, coordinates ...
  | 'pairing' // an AI that needs another AI, or may not appear with one
  | 'duplicate' // the same AI twice with different values
  | 'digital-link'; // Digital Link structure: no primary key, bad qualifier order, AI not allowed in the query

export type ScanErrorDetails = { position: number; rule: ScanRule; ai?: string };

/** The one error parseScan throws: SCAN_INVALID, the message naming the rule and the position. */
export function scanError(message: string, position: number, rule: ScanRule, ai?: string): DomainError {
  const details: ScanErrorDetails = ai === undefined ? { position, rule } : { position, rule, ai };
  return new DomainError('SCAN_INVALID', `data: ${message} at position ${position}`, details);
}

/** A character shown in an error message: printable ASCII quoted, anything else as U+XXXX. */
export function showChar(code: number): string {
  if (code >= 0x21 && code <= 0x7e) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
