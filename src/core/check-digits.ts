/**
 * Check-digit algorithms used by GS1 keys and serial formats. Pure functions over strings.
 */

/** GS1 mod-10 check digit for the given digits (without the check digit). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  // Weights alternate 3,1,... starting from the rightmost digit.
  for (let i = digits.length - 1, w = 3; i >= 0; i -= 1, w = 4 - w) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += d * w;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `value` is the GS1 mod-10 check digit of the rest. */
export function isValidGs1CheckDigit(value: string): boolean {
  if (value.length < 2 || !/^\d+$/.test(value)) return false;
  return gs1CheckDigit(value.slice(0, -1)) === value.charCodeAt(value.length - 1) - 48;
}

/** Luhn (mod 10, as used by IMEI and payment cards): true when the whole value checks. */
export function isValidLuhn(value: string): boolean {
  if (value.length < 2 || !/^\d+$/.test(value)) return false;
  let sum = 0;
  for (let i = value.length - 1, double = false; i >= 0; i -= 1, double = !double) {
    let d = value.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Luhn check digit for the given digits (without the check digit); -1 for non-digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  // The check digit will stand rightmost, so the rightmost payload digit is the first doubled.
  for (let i = digits.length - 1, double = true; i >= 0; i -= 1, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const MOD37_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';

/** ISO/IEC 7064 MOD 37-2 check character for an alphanumeric string (digits and A-Z). */
export function iso7064Mod37_2CheckChar(value: string): string | null {
  let p = 0;
  for (const ch of value.toUpperCase()) {
    const v = MOD37_ALPHABET.indexOf(ch);
    if (v < 0 || v > 35) return null;
    p = ((p + v) * 2) % 37;
  }
  return MOD37_ALPHABET[(38 - p) % 37];
}

/** True when the last character of `value` is the ISO 7064 MOD 37-2 check character of the rest. */
export function isValidIso7064Mod37_2(value: string): boolean {
  if (value.length < 2) return false;
  const expected = iso7064Mod37_2CheckChar(value.slice(0, -1));
  return expected !== null && expected === value[value.length - 1].toUpperCase();
}
