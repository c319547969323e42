import { looksLikeGs1 } from './parse-scan.ts';

/**
 * A scan is read as GS1 data when it says so (symbology identifier, brackets, Digital Link), or
 * when it carries an FNC1 separator (the GS character, or the tenant's substitute) after an AI:
 * scanners often send GS1 element strings without an identifier, and a serial never holds a GS.
 */
export function isGs1Scan(data: string, fnc1Substitute?: string): boolean {
  if (looksLikeGs1(data)) return true;
  if (!/^\d{2}/.test(data)) return false;
  return data.includes('\u001d') || (fnc1Substitute !== undefined && data.includes(fnc1Substitute));
}
