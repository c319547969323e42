/**
 * EPCs of serialized units, both ways:
 * - out: a unit as a GS1 Digital Link URI https://id.gs1.org/01/{gtin14}/21/{serial} when its
 *   product has a GTIN and the serial is a valid GS1 serial (AI 21: 1 to 20 characters of GS1
 *   character set 82), else as a tenant-scoped URI (ids.ts);
 * - in: a GS1 Digital Link URI on any host (other path segments and query parameters allowed) or a
 *   pure-identity SGTIN URN, urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial, to GTIN-14 and
 *   serial.
 * Digital Link parsing and every GS1 value rule are parseScan's (../gs1).
 */
import { gs1CheckDigit } from '../check-digits.ts';
import { isDomainError } from '../errors.ts';
import { buildDigitalLink, looksLikeGs1, parseScan } from '../gs1/index.ts';
import { tenantUnitUri } from './ids.ts';

export type UnitIdentity = { gtin: string; serial: string; lot?: string; expiry?: string };

export type EpcParse = ({ ok: true; form: 'digital-link' | 'sgtin-urn' } & UnitIdentity) | { ok: false; reason: string };

export const NOT_AN_SGTIN = 'not an SGTIN or GS1 Digital Link with (01) and (21)';

/** The canonical Digital Link of GTIN + serial, or null when the pair is not valid GS1 data. */
export function digitalLinkOf(gtin: string, serial: string): string | null {
  const uri = buildDigitalLink([
    { ai: '01', value: gtin },
    { ai: '21', value: serial },
  ]);
  try {
    const back = parseScan(uri);
    return back.gtin === gtin && back.serial === serial ? uri : null;
  } catch (error) {
    if (isDomainError(error)) return null;
    throw error;
  }
}

/** The EPC of a unit in exported documents (see the file comment). */
export function unitEpc(tenantId: string, unit: { gtin: string | null; sku: string; serial: string }): string {
  return (unit.gtin !== null && digitalLinkOf(unit.gtin, unit.serial)) || tenantUnitUri(tenantId, unit.sku, unit.serial);
}

const SGTIN_URN = /^urn:epc:id:sgtin:/i;
// The serial may itself contain '.', the first two parts are digits only.
const SGTIN_BODY = /^(\d{6,12})\.(\d{1,7})\.(.+)$/;

/** Decodes %XX escapes; null when a '%' is not followed by two hex digits. */
function percentDecode(text: string): string | null {
  if (!text.includes('%')) return text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * GTIN-14 of an SGTIN URN's company prefix and indicator/item reference: the indicator digit (first
 * digit of the second part), the company prefix, the rest of the item reference, a check digit.
 * Null when the two parts do not make 13 digits.
 */
export function sgtinGtin(companyPrefix: string, indicatorItemRef: string): string | null {
  if (!/^\d{6,12}$/.test(companyPrefix) || !/^\d+$/.test(indicatorItemRef)) return null;
  if (companyPrefix.length + indicatorItemRef.length !== 13) return null;
  const body = indicatorItemRef[0] + companyPrefix + indicatorItemRef.slice(1);
  return body + String(gs1CheckDigit(body));
}

/** The SGTIN URN of GTIN + serial for a company prefix of `prefixLength` digits (6 to 12). */
export function sgtinUrn(gtin: string, serial: string, prefixLength: number): string {
  if (!/^\d{14}$/.test(gtin)) throw new RangeError(`sgtinUrn: ${gtin} is not a GTIN-14`);
  if (!Number.isInteger(prefixLength) || prefixLength < 6 || prefixLength > 12) {
    throw new RangeError(`sgtinUrn: a company prefix has 6 to 12 digits, got ${prefixLength}`);
  }
  const prefix = gtin.slice(1, 1 + prefixLength);
  const itemRef = gtin[0] + gtin.slice(1 + prefixLength, 13);
  // The Tag Data Standard escapes exactly these characters of a serial in the URN.
  const escaped = serial.replace(/["%&/<>?]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `urn:epc:id:sgtin:${prefix}.${itemRef}.${escaped}`;
}

function fromUrn(epc: string): EpcParse {
  const body = SGTIN_BODY.exec(epc.slice('urn:epc:id:sgtin:'.length));
  if (!body) {
    return { ok: false, reason: 'not a valid SGTIN URN: expected urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial' };
  }
  const gtin = sgtinGtin(body[1], body[2]);
  if (gtin === null) {
    return { ok: false, reason: 'not a valid SGTIN URN: company prefix and indicator/item reference must have 13 digits together' };
  }
  const serial = percentDecode(body[3]);
  if (serial === null) return { ok: false, reason: "not a valid SGTIN URN: a '%' in the serial is not followed by two hex digits" };
  if (digitalLinkOf(gtin, serial) === null) {
    return { ok: false, reason: 'not a valid SGTIN URN: the serial must be 1 to 20 characters of GS1 character set 82' };
  }
  return { ok: true, form: 'sgtin-urn', gtin, serial };
}

function fromDigitalLink(epc: string): EpcParse {
  let scan;
  try {
    scan = parseScan(epc);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { ok: false, reason: `not a valid GS1 Digital Link: ${error.message.replace(/^data: /, '')}` };
  }
  if (scan.gtin === undefined || scan.serial === undefined) return { ok: false, reason: NOT_AN_SGTIN };
  const found: EpcParse = { ok: true, form: 'digital-link', gtin: scan.gtin, serial: scan.serial };
  if (scan.lot !== undefined) found.lot = scan.lot;
  if (scan.expiry !== undefined) found.expiry = scan.expiry;
  return found;
}

/** Reads an EPC of a serialized trade item; anything else gets the reason it was not mapped. */
export function parseEpc(epc: string): EpcParse {
  if (SGTIN_URN.test(epc)) return fromUrn(epc);
  if (/^https?:\/\//i.test(epc) && looksLikeGs1(epc)) return fromDigitalLink(epc);
  return { ok: false, reason: NOT_AN_SGTIN };
}
