/**
 * GS1 element strings as scanners send them (AI + value, variable-length values ended by FNC1 sent
 * as GS or a configured substitute) and in human-readable form with the AIs in brackets.
 */
import { aiAt, lookupAi, type AiDefinition } from './ai-table.ts';
import { scanError } from './scan-error.ts';
import { addElement, validateValue, type RawElement } from './validate.ts';

const GS = 29;
export const GS_CHAR = '\x1D';

/** Length of the separator at i (GS or the substitute), or 0. */
function separatorAt(data: string, i: number, to: number, sub: string | undefined): number {
  const c = data.charCodeAt(i);
  if (c === GS) return 1;
  if (sub === undefined || c !== sub.charCodeAt(0)) return 0;
  if (sub.length === 1) return 1;
  return i + sub.length <= to && data.startsWith(sub, i) ? sub.length : 0;
}

function unknownAi(data: string, pos: number, to: number): never {
  let n = 0;
  while (n < 4 && pos + n < to && data.charCodeAt(pos + n) >= 48 && data.charCodeAt(pos + n) <= 57) n += 1;
  if (n < 2) {
    const found = JSON.stringify(data.slice(pos, Math.min(to, pos + 4)));
    throw scanError(`expected an AI (2-4 digits) but found ${found}`, pos, 'unknown-ai');
  }
  throw scanError(`no GS1 AI starts with ${data.slice(pos, pos + n)}`, pos, 'unknown-ai');
}

/** Parses data[from, to) as concatenated element strings. */
export function parseElementString(
  data: string,
  from: number,
  to: number,
  sub: string | undefined,
  referenceYear: number,
): RawElement[] {
  const out: RawElement[] = [];
  let pos = from;
  while (pos < to) {
    const sepLen = separatorAt(data, pos, to, sub);
    if (sepLen > 0) {
      pos += sepLen; // FNC1 in first position, or a separator after a predefined-length value
      continue;
    }
    const def = aiAt(data, pos, to);
    if (def === undefined) unknownAi(data, pos, to);
    const vStart = pos + def.ai.length;
    let vEnd = vStart;
    if (def.predefinedLength) {
      const want = vStart + def.maxLength;
      while (vEnd < want && vEnd < to && separatorAt(data, vEnd, to, sub) === 0) vEnd += 1;
      if (vEnd < want) {
        const n = vEnd - vStart;
        const what = n === 0 ? 'is empty' : `has ${n} character${n === 1 ? '' : 's'}`;
        throw scanError(`AI (${def.ai}) value ${what}, expected ${def.maxLength}`, vStart, 'length', def.ai);
      }
    } else {
      while (vEnd < to && separatorAt(data, vEnd, to, sub) === 0) vEnd += 1;
    }
    const value = data.slice(vStart, vEnd);
    validateValue(def, value, vStart, null, referenceYear);
    addElement(out, { def, value, aiPos: pos });
    pos = vEnd;
  }
  if (out.length === 0) throw scanError('no AI found, only separators', from, 'syntax');
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Length of a bracketed AI '(01)' at i (4 to 6), or 0. */
function bracketAt(data: string, i: number, to: number): number {
  if (data.charCodeAt(i) !== 40) return 0;
  let j = i + 1;
  while (j < to && j - i <= 5 && isDigit(data.charCodeAt(j))) j += 1;
  const digits = j - i - 1;
  return digits >= 2 && digits <= 4 && j < to && data.charCodeAt(j) === 41 ? digits + 2 : 0;
}

/**
 * Parses the human-readable form '(01)09501101530003(21)ABC123'. A '(' inside a value is data
 * unless it opens a bracketed AI; '\(' is always a literal '('. Spaces around the brackets are
 * ignored.
 */
export function parseHumanReadable(data: string, from: number, to: number, referenceYear: number): RawElement[] {
  const out: RawElement[] = [];
  let pos = from;
  while (pos < to) {
    while (pos < to && data.charCodeAt(pos) === 32) pos += 1;
    if (pos >= to) break;
    const blen = bracketAt(data, pos, to);
    if (blen === 0) {
      throw scanError(`expected an AI in brackets such as (01) but found ${JSON.stringify(data.slice(pos, pos + 6))}`, pos, 'syntax');
    }
    const ai = data.slice(pos + 1, pos + blen - 1);
    const def = lookupAi(ai);
    if (def === undefined) throw scanError(`(${ai}) is not a GS1 AI`, pos + 1, 'unknown-ai', ai);
    let vStart = pos + blen;
    while (vStart < to && data.charCodeAt(vStart) === 32) vStart += 1;
    let i = vStart;
    let escaped = false;
    while (i < to) {
      const c = data.charCodeAt(i);
      if (c === 92 && i + 1 < to && data.charCodeAt(i + 1) === 40) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 40 && bracketAt(data, i, to) > 0) break;
      i += 1;
    }
    let vEnd = i;
    while (vEnd > vStart && data.charCodeAt(vEnd - 1) === 32) vEnd -= 1;
    addValue(out, def, data, pos, vStart, vEnd, escaped, referenceYear);
    pos = i;
  }
  if (out.length === 0) throw scanError('no AI found', from, 'syntax');
  return out;
}

function addValue(
  out: RawElement[],
  def: AiDefinition,
  data: string,
  aiPos: number,
  vStart: number,
  vEnd: number,
  escaped: boolean,
  referenceYear: number,
): void {
  if (!escaped) {
    const value = data.slice(vStart, vEnd);
    validateValue(def, value, vStart, null, referenceYear);
    addElement(out, { def, value, aiPos });
    return;
  }
  let value = '';
  const offsets: number[] = [];
  for (let i = vStart; i < vEnd; i += 1) {
    if (data.charCodeAt(i) === 92 && i + 1 < vEnd && data.charCodeAt(i + 1) === 40) i += 1;
    offsets.push(i);
    value += data[i];
  }
  validateValue(def, value, vStart, offsets, referenceYear);
  addElement(out, { def, value, aiPos });
}

export type ElementInput = { readonly ai: string; readonly value: string };

/**
 * Builds a scanner-style element string: AIs and values concatenated, with `separator` (GS by
 * default) after every value that is not of predefined length, except the last.
 */
export function buildElementString(elements: readonly ElementInput[], separator: string = GS_CHAR): string {
  let out = '';
  for (let i = 0; i < elements.length; i += 1) {
    const { ai, value } = elements[i];
    out += ai + value;
    const def = lookupAi(ai);
    if (i < elements.length - 1 && (def === undefined || def.fnc1Required)) out += separator;
  }
  return out;
}

/** Builds the human-readable form '(01)...(21)...', escaping '(' in values as '\('. */
export function buildHumanReadable(elements: readonly ElementInput[]): string {
  let out = '';
  for (const { ai, value } of elements) out += `(${ai})${value.includes('(') ? value.replaceAll('(', '\\(') : value}`;
  return out;
}
