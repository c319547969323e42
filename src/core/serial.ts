import { DomainError } from './errors.ts';

export const SERIAL_MAX_LENGTH = 64;

// Control characters (C0, DEL, C1), unassigned code points, lone surrogates and private use are not
// printable; letters, digits, punctuation, symbols and inner spaces are.
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}\u2028\u2029]/u;

export type SerialCheck = { ok: true; serial: string } | { ok: false; message: string };

/**
 * Serials are trimmed of surrounding whitespace, then must be 1 to 64 printable characters.
 * They are case-sensitive: "abc1" and "ABC1" are two different serials.
 */
export function checkSerial(raw: string, field = 'serial'): SerialCheck {
  const serial = raw.trim();
  if (serial.length === 0) return { ok: false, message: `${field}: must not be empty` };
  const length = [...serial].length;
  if (length > SERIAL_MAX_LENGTH) {
    return { ok: false, message: `${field}: must be at most ${SERIAL_MAX_LENGTH} characters, got ${length}` };
  }
  const bad = NOT_PRINTABLE.exec(serial);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, message: `${field}: must contain only printable characters, found U+${code} at position ${bad.index + 1}` };
  }
  return { ok: true, serial };
}

/** checkSerial that throws SERIAL_INVALID. */
export function normalizeSerial(raw: string, field = 'serial'): string {
  const result = checkSerial(raw, field);
  if (!result.ok) throw new DomainError('SERIAL_INVALID', result.message, { field });
  return result.serial;
}
