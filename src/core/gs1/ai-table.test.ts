import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AI_DEFINITIONS, aiAt, aiMatches, lookupAi, type AiDefinition } from './ai-table.ts';
import { LINTERS } from './linters.ts';

// GS1's Barcode Syntax Dictionary is the oracle; it lives outside the project (../shared/standards).
const dictionaryPath = fileURLToPath(
  new URL('../../../../shared/standards/gs1/gs1-syntax-dictionary.txt', import.meta.url),
);
const exists = existsSync(dictionaryPath);
if (!exists) console.log(`ai-table.test: skipping the dictionary comparison, ${dictionaryPath} is absent`);

/** What the dictionary says about one AI, in the shape of our AiDefinition. */
type Expected = {
  ai: string;
  title: string | undefined;
  fnc1Required: boolean;
  dlAttribute: boolean;
  components: { cset: string; min: number; max: number; optional: boolean; linters: string[] }[];
  requires: string[][][];
  excludes: string[];
  dlQualifiers: string[][] | null;
};

/** An independent reading of the dictionary's documented syntax: AIs [flags] spec [attributes] [# title]. */
function readDictionary(text: string): Expected[] {
  const out: Expected[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const hash = line.indexOf('#');
    const title = hash >= 0 ? line.slice(hash + 1).trim() : undefined;
    const tokens = (hash >= 0 ? line.slice(0, hash) : line).trim().split(/\s+/);
    const [first, last = first] = tokens.shift()!.split('-');
    let flags = '';
    if (/^[*!?"$%&'()+,\-./:;<=>@\\^_`{|}~]+$/.test(tokens[0])) flags = tokens.shift()!;
    const components: Expected['components'] = [];
    const requires: string[][][] = [];
    const excludes: string[] = [];
    let dlQualifiers: string[][] | null = null;
    for (const token of tokens) {
      const m = /^(\[)?([NXYZ])(\.\.)?(\d+)\]?((?:,\w+)*)$/.exec(token);
      if (m) {
        const n = Number(m[4]);
        components.push({
          cset: m[2],
          min: m[3] ? 1 : n,
          max: n,
          optional: Boolean(m[1]),
          linters: m[5] ? m[5].slice(1).split(',') : [],
        });
        continue;
      }
      const [key, value] = token.split('=');
      if (key === 'req') requires.push(value.split(',').map((alt) => alt.split('+')));
      else if (key === 'ex') excludes.push(...value.split(','));
      else if (key === 'dlpkey') dlQualifiers = value ? value.split('|').map((seq) => seq.split(',')) : [];
      else throw new Error(`unexpected dictionary token ${token} in: ${line}`);
    }
    for (let n = Number(first); n <= Number(last); n += 1) {
      out.push({
        ai: String(n).padStart(first.length, '0'),
        title: title || undefined,
        fnc1Required: !flags.includes('*'),
        dlAttribute: flags.includes('?'),
        components,
        requires,
        excludes,
        dlQualifiers,
      });
    }
  }
  return out;
}

function ours(def: AiDefinition): Omit<Expected, 'title'> {
  return {
    ai: def.ai,
    fnc1Required: def.fnc1Required,
    dlAttribute: def.dlAttribute,
    components: def.components.map((c) => ({ cset: c.cset, min: c.min, max: c.max, optional: c.optional, linters: [...c.linters] })),
    requires: def.requires.map((g) => g.map((a) => [...a])),
    excludes: [...def.excludes],
    dlQualifiers: def.dlQualifiers === null ? null : def.dlQualifiers.map((s) => [...s]),
  };
}

const dictionary = exists ? readDictionary(readFileSync(dictionaryPath, 'utf8')) : [];

describe('AI table against the GS1 Barcode Syntax Dictionary', () => {
  it.skipIf(!exists)('reads more than 500 AIs from the dictionary (the oracle itself parses)', () => {
    expect(dictionary.length).toBeGreaterThan(500);
  });

  it.skipIf(!exists)('has every AI of the dictionary with the same components, lengths, types, linters, flags and rules', () => {
    const mismatches: string[] = [];
    for (const want of dictionary) {
      const def = lookupAi(want.ai);
      if (!def) {
        mismatches.push(`(${want.ai}) missing`);
        continue;
      }
      const { title, ...rest } = want;
      const got = ours(def);
      if (JSON.stringify(got) !== JSON.stringify(rest)) {
        mismatches.push(`(${want.ai}) ours ${JSON.stringify(got)} dictionary ${JSON.stringify(rest)}`);
      }
      if (title !== undefined && def.title !== title) mismatches.push(`(${want.ai}) title ${def.title} vs ${title}`);
    }
    expect(mismatches).toEqual([]);
  });

  it.skipIf(!exists)('has no AI that the dictionary does not list', () => {
    const listed = new Set(dictionary.map((d) => d.ai));
    expect(AI_DEFINITIONS.map((d) => d.ai).filter((ai) => !listed.has(ai))).toEqual([]);
  });
});

describe('AI table consistency', () => {
  it('gives every AI a non-empty title', () => {
    expect(AI_DEFINITIONS.filter((d) => d.title.trim() === '').map((d) => d.ai)).toEqual([]);
  });

  it('keeps AIs prefix-free, so an element string can be split without lookahead', () => {
    const ais = AI_DEFINITIONS.map((d) => d.ai);
    const clashes = ais.filter((a) => ais.some((b) => b !== a && b.startsWith(a)));
    expect(clashes).toEqual([]);
  });

  it('finds each AI at the start of a string by its digits alone', () => {
    for (const def of AI_DEFINITIONS) expect(aiAt(`${def.ai}123456789012345678`, 0, 20)).toBe(def);
    expect(aiAt('23', 0, 2)).toBeUndefined();
    expect(aiAt('0', 0, 1)).toBeUndefined();
    expect(aiAt('AB', 0, 2)).toBeUndefined();
  });

  it('refers in its pairing and Digital Link rules only to AIs that exist', () => {
    const patterns = AI_DEFINITIONS.flatMap((d) => [
      ...d.requires.flat(2),
      ...d.excludes,
      ...(d.dlQualifiers ?? []).flat(),
    ]);
    const dangling = patterns.filter((p) => !AI_DEFINITIONS.some((d) => aiMatches(d.ai, p)));
    expect(dangling).toEqual([]);
  });

  it('names only linters that exist, with variable length only in the last component', () => {
    for (const def of AI_DEFINITIONS) {
      def.components.forEach((c, i) => {
        for (const name of c.linters) expect(LINTERS[name], `${def.ai} ${name}`).toBeTypeOf('function');
        if (c.min !== c.max) expect(i, `${def.ai} variable component`).toBe(def.components.length - 1);
      });
    }
  });

  it('gives predefined-length AIs a fixed total length', () => {
    for (const def of AI_DEFINITIONS.filter((d) => d.predefinedLength)) expect(def.minLength, def.ai).toBe(def.maxLength);
  });

  it.each([
    ['01', '31nn', false],
    ['3103', '31nn', true],
    ['3103', '310n', true],
    ['3113', '310n', false],
    ['21', '21', true],
    ['210', '21', false],
  ])('matches AI %s against pattern %s as %s', (ai, pattern, expected) => {
    expect(aiMatches(ai, pattern)).toBe(expected);
  });
});
