/**
 * GS1 Digital Link URIs (uncompressed): https://any.host/optional/prefix/01/<gtin>/21/<serial>?17=270101
 * The primary key and its qualifiers are path segment pairs; DL data attributes come as numeric
 * query parameters. Other query parameters (linkType, utm_*, ...) and the fragment are ignored.
 */
import { lookupAi, type AiDefinition } from './ai-table.ts';
import { scanError } from './scan-error.ts';
import { addElement, validateValue, type RawElement } from './validate.ts';
import type { ElementInput } from './element-string.ts';

export const CANONICAL_DL_HOST = 'https://id.gs1.org';

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Length of 'http://' or 'https://' (any case) at `from`, or 0. */
export function schemeLength(data: string, from: number, to: number): number {
  if (to - from < 7) return 0;
  if (lower(data.charCodeAt(from)) !== 104 || lower(data.charCodeAt(from + 1)) !== 116) return 0;
  if (lower(data.charCodeAt(from + 2)) !== 116 || lower(data.charCodeAt(from + 3)) !== 112) return 0;
  let i = from + 4;
  if (lower(data.charCodeAt(i)) === 115) i += 1;
  return data.startsWith('://', i) ? i + 3 - from : 0;
}

/** The AI definition when data[s, e) is exactly a known AI, else undefined. */
function exactAi(data: string, s: number, e: number): AiDefinition | undefined {
  const n = e - s;
  if (n < 2 || n > 4) return undefined;
  for (let i = s; i < e; i += 1) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return lookupAi(data.slice(s, e));
}

function isDigits(data: string, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i += 1) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

type Decoded = { value: string; offsets: number[] | null };

/** Percent-decodes data[s, e); offsets map each decoded character back to the input. */
function decode(data: string, s: number, e: number, ai: string): Decoded {
  const pct = data.indexOf('%', s);
  if (pct < 0 || pct >= e) return { value: data.slice(s, e), offsets: null };
  let value = '';
  const offsets: number[] = [];
  for (let i = s; i < e; i += 1) {
    const c = data.charCodeAt(i);
    offsets.push(i);
    if (c !== 37) {
      value += data[i];
      continue;
    }
    const hi = i + 2 < e ? hexValue(data.charCodeAt(i + 1)) : -1;
    const lo = i + 2 < e ? hexValue(data.charCodeAt(i + 2)) : -1;
    if (hi < 0 || lo < 0) throw scanError(`AI (${ai}) has a '%' not followed by two hex digits`, i, 'syntax', ai);
    const byte = hi * 16 + lo;
    if (byte >= 128) {
      throw scanError(`AI (${ai}) contains a non-ASCII byte %${data.slice(i + 1, i + 3)}, which no AI allows`, i, 'charset', ai);
    }
    value += String.fromCharCode(byte);
    i += 2;
  }
  return { value, offsets };
}

function addDecoded(out: RawElement[], def: AiDefinition, data: string, aiPos: number, s: number, e: number, ref: number): void {
  let { value, offsets } = decode(data, s, e, def.ai);
  // A GTIN in a Digital Link may be written as GTIN-8, -12 or -13; GS1 keys are compared as GTIN-14.
  if (def.ai === '01' && (value.length === 8 || value.length === 12 || value.length === 13) && isDigits(value, 0, value.length)) {
    const pad = 14 - value.length;
    const raw = offsets ?? Array.from({ length: value.length }, (_, k) => s + k);
    offsets = [...new Array<number>(pad).fill(s), ...raw];
    value = '0'.repeat(pad) + value;
  }
  validateValue(def, value, s, offsets, ref);
  addElement(out, { def, value, aiPos });
}

/** Parses an http(s) GS1 Digital Link URI in data[from, to). */
export function parseDigitalLink(data: string, from: number, to: number, referenceYear: number): RawElement[] {
  const hostStart = from + schemeLength(data, from, to);
  let i = hostStart;
  while (i < to) {
    const c = data.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    i += 1;
  }
  if (i === hostStart) throw scanError('Digital Link has no host', hostStart, 'syntax');
  const pathStart = i;
  while (i < to && data.charCodeAt(i) !== 63 && data.charCodeAt(i) !== 35) i += 1;
  const pathEnd = i;
  let queryStart = -1;
  let queryEnd = -1;
  if (i < to && data.charCodeAt(i) === 63) {
    queryStart = i + 1;
    i += 1;
    while (i < to && data.charCodeAt(i) !== 35) i += 1;
    queryEnd = i;
  }

  // Path segments as [start, end) pairs; a trailing '/' is ignored.
  const seg: number[] = [];
  for (let s = pathStart + 1; s <= pathEnd && pathStart < pathEnd; ) {
    let e = s;
    while (e < pathEnd && data.charCodeAt(e) !== 47) e += 1;
    seg.push(s, e);
    s = e + 1;
  }
  if (seg.length >= 2 && seg[seg.length - 1] === seg[seg.length - 2]) seg.length -= 2;
  const count = seg.length / 2;

  let k = 0;
  let key: AiDefinition | undefined;
  for (; k < count; k += 1) {
    key = exactAi(data, seg[2 * k], seg[2 * k + 1]);
    if (key !== undefined && key.dlQualifiers !== null) break;
  }
  if (key === undefined || key.dlQualifiers === null || k >= count) {
    throw scanError('Digital Link has no GS1 primary key such as /01/<GTIN> in its path', pathStart, 'digital-link');
  }
  if ((count - k) % 2 !== 0) {
    const last = seg[2 * (count - 1)];
    throw scanError(`Digital Link path ends with ${JSON.stringify(data.slice(last, seg[2 * count - 1]))} without a value`, last, 'digital-link');
  }

  const out: RawElement[] = [];
  const sequences = key.dlQualifiers;
  const cursor = sequences.map(() => -1); // per allowed sequence: index of the last qualifier used, -2 when ruled out
  for (let j = k; j < count; j += 2) {
    const aiStart = seg[2 * j];
    const aiEnd = seg[2 * j + 1];
    const def = exactAi(data, aiStart, aiEnd);
    if (def === undefined) {
      const text = JSON.stringify(data.slice(aiStart, aiEnd));
      throw scanError(`Digital Link path segment ${text} is not a GS1 AI`, aiStart, 'unknown-ai');
    }
    if (j > k) {
      let fits = false;
      for (let q = 0; q < sequences.length; q += 1) {
        if (cursor[q] === -2) continue;
        const idx = sequences[q].indexOf(def.ai);
        if (idx > cursor[q]) {
          cursor[q] = idx;
          fits = true;
        } else cursor[q] = -2;
      }
      if (!fits) {
        const allowed = sequences.length === 0 ? 'none' : sequences.map((sq) => sq.join('/')).join(' or ');
        throw scanError(
          `AI (${def.ai}) is not a Digital Link qualifier of (${key.ai}) in this place (allowed in order: ${allowed})`,
          aiStart,
          'digital-link',
          def.ai,
        );
      }
    }
    addDecoded(out, def, data, aiStart, seg[2 * j + 2], seg[2 * j + 3], referenceYear);
  }

  if (queryStart >= 0) {
    let s = queryStart;
    while (s <= queryEnd) {
      let e = s;
      while (e < queryEnd && data.charCodeAt(e) !== 38) e += 1; // &
      let eq = s;
      while (eq < e && data.charCodeAt(eq) !== 61) eq += 1; // =
      if (isDigits(data, s, eq)) {
        const def = exactAi(data, s, eq);
        const name = data.slice(s, eq);
        if (def === undefined) throw scanError(`Digital Link query parameter ${name} is not a GS1 AI`, s, 'unknown-ai', name);
        if (!def.dlAttribute) {
          throw scanError(`AI (${def.ai}) is not allowed as a Digital Link query attribute`, s, 'digital-link', def.ai);
        }
        addDecoded(out, def, data, s, eq < e ? eq + 1 : e, e, referenceYear);
      }
      s = e + 1;
    }
  }
  return out;
}

/** Cheap test: an http(s) URI with a path segment that is a GS1 primary key followed by a value. */
export function hasDigitalLinkKey(data: string, from: number, to: number): boolean {
  let i = from + schemeLength(data, from, to);
  while (i < to && data.charCodeAt(i) !== 47) {
    const c = data.charCodeAt(i);
    if (c === 63 || c === 35) return false;
    i += 1;
  }
  while (i < to) {
    const c = data.charCodeAt(i);
    if (c === 63 || c === 35) return false;
    // i is at a '/': look at the segment after it.
    let e = i + 1;
    while (e < to && data.charCodeAt(e) !== 47 && data.charCodeAt(e) !== 63 && data.charCodeAt(e) !== 35) e += 1;
    const def = exactAi(data, i + 1, e);
    if (def !== undefined && def.dlQualifiers !== null && e + 1 < to && data.charCodeAt(e) === 47) {
      const next = data.charCodeAt(e + 1);
      if (next !== 47 && next !== 63 && next !== 35) return true;
    }
    i = e;
  }
  return false;
}

function isUnreserved(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** Percent-encodes everything but RFC 3986 unreserved characters. */
export function encodeDlValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (isUnreserved(c)) out += value[i];
    else if (c < 128) out += (c < 16 ? '%0' : '%') + c.toString(16).toUpperCase();
    else out += encodeURIComponent(value[i]);
  }
  return out;
}

/**
 * The canonical GS1 Digital Link URI for a set of elements: https://id.gs1.org/, a primary key and
 * the qualifiers present (in the allowed order), then the other DL attributes as query parameters
 * ordered by AI. Elements that a Digital Link cannot carry are left out. '' when there is no
 * primary key.
 */
export function buildDigitalLink(elements: readonly ElementInput[]): string {
  // The primary key whose qualifiers are most present wins (GTIN + serial over a GRAI beside it);
  // on a tie, the key that comes first.
  let keyIndex = -1;
  let keyDef: AiDefinition | undefined;
  let best: readonly string[] = [];
  let bestHits = -1;
  for (let i = 0; i < elements.length; i += 1) {
    const def = lookupAi(elements[i].ai);
    if (def === undefined || def.dlQualifiers === null) continue;
    let seqBest: readonly string[] = [];
    let seqHits = 0;
    for (const seq of def.dlQualifiers) {
      let hits = 0;
      for (const q of seq) if (elements.some((el) => el.ai === q)) hits += 1;
      if (hits > seqHits) {
        seqBest = seq;
        seqHits = hits;
      }
    }
    if (seqHits > bestHits) {
      keyIndex = i;
      keyDef = def;
      best = seqBest;
      bestHits = seqHits;
    }
  }
  if (keyDef === undefined) return '';
  let uri = `${CANONICAL_DL_HOST}/${keyDef.ai}/${encodeDlValue(elements[keyIndex].value)}`;
  for (const q of best) {
    const el = elements.find((x) => x.ai === q);
    if (el !== undefined) uri += `/${q}/${encodeDlValue(el.value)}`;
  }
  const attrs: ElementInput[] = [];
  for (let i = 0; i < elements.length; i += 1) {
    const el = elements[i];
    if (i === keyIndex || best.includes(el.ai)) continue;
    const def = lookupAi(el.ai);
    if (def !== undefined && def.dlAttribute) attrs.push(el);
  }
  if (attrs.length > 0) {
    attrs.sort((a, b) => (a.ai < b.ai ? -1 : a.ai > b.ai ? 1 : 0));
    uri += `?${attrs.map((el) => `${el.ai}=${encodeDlValue(el.value)}`).join('&')}`;
  }
  return uri;
}
