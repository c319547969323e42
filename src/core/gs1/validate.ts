/**
 * Checks shared by every input form: one AI value against its format (length, character set,
 * linters), duplicates, and the pairing rules between the AIs of one scan.
 */
import { aiMatches, type AiDefinition, type CharSet } from './ai-table.ts';
import { scanError, showChar } from './scan-error.ts';

/** An element as parsed, with where its AI started in the input (for error positions). */
export type RawElement = { readonly def: AiDefinition; readonly value: string; readonly aiPos: number };

// Bit per character set for ASCII: 1 = N, 2 = X (CSET 82), 4 = Y (CSET 39), 8 = Z (base64url).
const CSET = new Uint8Array(128);
for (let c = 48; c <= 57; c += 1) CSET[c] |= 1 | 2 | 4 | 8;
for (let c = 65; c <= 90; c += 1) CSET[c] |= 2 | 4 | 8;
for (let c = 97; c <= 122; c += 1) CSET[c] |= 2 | 8;
for (const ch of '!"%&\'()*+,-./:;<=>?_') CSET[ch.charCodeAt(0)] |= 2;
for (const ch of '#-/') CSET[ch.charCodeAt(0)] |= 4;
for (const ch of '-_') CSET[ch.charCodeAt(0)] |= 8;

const CSET_BIT: Record<CharSet, number> = { N: 1, X: 2, Y: 4, Z: 8 };
const CSET_NAME: Record<CharSet, string> = {
  N: 'a digit',
  X: 'in GS1 character set 82',
  Y: 'in GS1 character set 39',
  Z: 'base64url',
};

function at(valuePos: number, offsets: readonly number[] | null, i: number): number {
  if (offsets === null) return valuePos + i;
  return i < offsets.length ? offsets[i] : offsets.length > 0 ? offsets[offsets.length - 1] + 1 : valuePos;
}

/**
 * Throws SCAN_INVALID unless `value` is a valid value for `def`. Positions are reported in the
 * input: value index i is at valuePos + i, or offsets[i] when the value was decoded (URI, escapes).
 */
export function validateValue(
  def: AiDefinition,
  value: string,
  valuePos: number,
  offsets: readonly number[] | null,
  referenceYear: number,
): void {
  const ai = def.ai;
  const len = value.length;
  if (len < def.minLength || len > def.maxLength) {
    const expected =
      def.minLength === def.maxLength
        ? `expected ${def.maxLength}`
        : len < def.minLength
          ? `at least ${def.minLength} needed`
          : `at most ${def.maxLength} allowed`;
    const where = len > def.maxLength ? at(valuePos, offsets, def.maxLength) : valuePos;
    const what = len === 0 ? 'is empty' : `has ${len} character${len === 1 ? '' : 's'}`;
    throw scanError(`AI (${ai}) value ${what}, ${expected}`, where, 'length', ai);
  }
  let p = 0;
  const components = def.components;
  for (let k = 0; k < components.length; k += 1) {
    const c = components[k];
    const remaining = len - p;
    if (remaining === 0 && c.optional) break;
    if (remaining < c.min) {
      throw scanError(`AI (${ai}) value ends inside a ${c.min}-character part`, at(valuePos, offsets, p), 'length', ai);
    }
    const end = p + (c.min === c.max ? c.min : remaining < c.max ? remaining : c.max);
    checkCharset(def, c.cset, value, p, end, valuePos, offsets);
    const checks = c.checks;
    for (let j = 0; j < checks.length; j += 1) {
      const issue = checks[j](value, p, end, referenceYear);
      if (issue !== null) throw scanError(`AI (${ai}) ${issue.message}`, at(valuePos, offsets, issue.offset), issue.rule, ai);
    }
    p = end;
  }
  if (p < len) throw scanError(`AI (${ai}) value is too long`, at(valuePos, offsets, p), 'length', ai);
}

function checkCharset(
  def: AiDefinition,
  cset: CharSet,
  v: string,
  start: number,
  end: number,
  valuePos: number,
  offsets: readonly number[] | null,
): void {
  const bit = CSET_BIT[cset];
  let stop = end;
  if (cset === 'Z') {
    // base64url may end in up to two '=' padding characters (GS1: only when the length is a multiple of 3).
    while (stop > start && v.charCodeAt(stop - 1) === 61) stop -= 1;
    const pads = end - stop;
    if (pads > 2 || (pads > 0 && (end - start) % 3 !== 0)) {
      throw scanError(`AI (${def.ai}) has bad base64url padding`, at(valuePos, offsets, stop), 'charset', def.ai);
    }
  }
  for (let i = start; i < stop; i += 1) {
    const c = v.charCodeAt(i);
    if (c >= 128 || (CSET[c] & bit) === 0) {
      throw scanError(`AI (${def.ai}) contains ${showChar(c)}, which is not ${CSET_NAME[cset]}`, at(valuePos, offsets, i), 'charset', def.ai);
    }
  }
}

/** Adds an element; the same AI again is dropped when its value is the same and refused otherwise. */
export function addElement(list: RawElement[], el: RawElement): void {
  for (let i = 0; i < list.length; i += 1) {
    const other = list[i];
    if (other.def !== el.def) continue;
    if (other.value === el.value) return;
    throw scanError(`AI (${el.def.ai}) appears twice with different values`, el.aiPos, 'duplicate', el.def.ai);
  }
  list.push(el);
}

function present(list: readonly RawElement[], pattern: string): boolean {
  for (let i = 0; i < list.length; i += 1) if (aiMatches(list[i].def.ai, pattern)) return true;
  return false;
}

function describe(group: readonly (readonly string[])[]): string {
  const alts = group.map((alt) => alt.map((p) => `(${p})`).join(' with '));
  return alts.length === 1 ? alts[0] : `${alts.slice(0, -1).join(', ')} or ${alts[alts.length - 1]}`;
}

/** GS1's mandatory and invalid AI pairings, evaluated over the elements of this one scan. */
export function checkPairing(list: readonly RawElement[]): void {
  for (let i = 0; i < list.length; i += 1) {
    const el = list[i];
    const def = el.def;
    for (const group of def.requires) {
      let ok = false;
      for (let a = 0; a < group.length && !ok; a += 1) {
        const alt = group[a];
        let all = true;
        for (let p = 0; p < alt.length && all; p += 1) all = present(list, alt[p]);
        ok = all;
      }
      if (!ok) throw scanError(`AI (${def.ai}) requires ${describe(group)}`, el.aiPos, 'pairing', def.ai);
    }
    for (const pattern of def.excludes) {
      for (let j = 0; j < list.length; j += 1) {
        const other = list[j].def.ai;
        // An AI is not exclusive of itself even when it matches the pattern (3100 with 310n).
        if (other !== def.ai && aiMatches(other, pattern)) {
          throw scanError(`AI (${def.ai}) may not appear together with (${other})`, el.aiPos, 'pairing', def.ai);
        }
      }
    }
  }
}
