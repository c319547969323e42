/**
 * Character sets a serial may be drawn from, and the classes behind pattern placeholders.
 * Every member is ASCII, so a class is a 128-entry lookup table plus its members in code order
 * (the order generation picks from).
 */

export type CharClass = {
  /** Members in ascending code order. */
  readonly chars: string;
  /** 1 at the char code of each member, 0 elsewhere (codes 0-127). */
  readonly table: Uint8Array;
};

export function charClass(chars: string): CharClass {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i += 1) {
    const code = chars.charCodeAt(i);
    if (code > 127) throw new Error(`charClass: non-ASCII member ${JSON.stringify(chars[i])}`);
    table[code] = 1;
  }
  let sorted = '';
  for (let code = 0; code < 128; code += 1) if (table[code] === 1) sorted += String.fromCharCode(code);
  return { chars: sorted, table };
}

export function inClass(cls: CharClass, code: number): boolean {
  return code < 128 && cls.table[code] === 1;
}

/** True when every member of `inner` is a member of `outer`. */
export function isSubclass(inner: CharClass, outer: CharClass): boolean {
  for (let i = 0; i < inner.chars.length; i += 1) if (outer.table[inner.chars.charCodeAt(i)] !== 1) return false;
  return true;
}

export const DIGITS = '0123456789';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';

export const charsetNames = ['cset82', 'cset39', 'digits', 'alphanumeric', 'upper-alphanumeric'] as const;
export type CharsetName = (typeof charsetNames)[number];

export const DEFAULT_CHARSET: CharsetName = 'cset82';

export const charsets: Readonly<Record<CharsetName, { label: string; cls: CharClass }>> = {
  // GS1 General Specifications, "GS1 AI encodable character set 82" (the set allowed in AI 21).
  cset82: { label: 'GS1 CSET 82', cls: charClass(`!"%&'()*+,-./${DIGITS}:;<=>?${UPPER}_${LOWER}`) },
  // GS1 "AI encodable character set 39": digits, uppercase letters, # - /
  cset39: { label: 'GS1 CSET 39', cls: charClass(`#-/${DIGITS}${UPPER}`) },
  digits: { label: 'digits 0-9', cls: charClass(DIGITS) },
  alphanumeric: { label: 'letters and digits', cls: charClass(DIGITS + UPPER + LOWER) },
  'upper-alphanumeric': { label: 'uppercase letters and digits', cls: charClass(DIGITS + UPPER) },
};

export function isCharsetName(value: string): value is CharsetName {
  return (charsetNames as readonly string[]).includes(value);
}

/** Placeholder letters of the pattern language: `{9}`, `{#}`, `{A}` ... */
export const placeholderLetters = ['9', '#', 'A', 'a', 'X', 'x', 'H', '*'] as const;
export type PlaceholderLetter = (typeof placeholderLetters)[number];

export function isPlaceholderLetter(value: string): value is PlaceholderLetter {
  return (placeholderLetters as readonly string[]).includes(value);
}

type Placeholder = { one: string; many: string; cls: CharClass | null /* null: the format's charset */ };

export const placeholders: Readonly<Record<PlaceholderLetter, Placeholder>> = {
  '9': { one: 'a digit', many: 'digits', cls: charClass(DIGITS) },
  '#': { one: 'a counter digit', many: 'counter digits', cls: charClass(DIGITS) },
  A: { one: 'an uppercase letter', many: 'uppercase letters', cls: charClass(UPPER) },
  a: { one: 'a lowercase letter', many: 'lowercase letters', cls: charClass(LOWER) },
  X: { one: 'an uppercase letter or digit', many: 'uppercase letters or digits', cls: charClass(DIGITS + UPPER) },
  x: { one: 'a lowercase letter or digit', many: 'lowercase letters or digits', cls: charClass(DIGITS + LOWER) },
  H: { one: 'a hex digit (0-9, A-F)', many: 'hex digits (0-9, A-F)', cls: charClass(`${DIGITS}ABCDEF`) },
  '*': { one: 'any character', many: 'characters', cls: null },
};

/** "5 digits", "a digit", "4 to 8 digits", "up to 3 digits", "optionally a digit". */
export function countPhrase(min: number, max: number, one: string, many: string): string {
  if (min === max) return min === 1 ? one : `${min} ${many}`;
  if (min === 0) return max === 1 ? `optionally ${one}` : `up to ${max} ${many}`;
  return `${min} to ${max} ${many}`;
}
