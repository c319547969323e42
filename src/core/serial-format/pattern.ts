/**
 * The pattern language: literal text, `{...}` placeholders, `\` escapes. Produces tokens with their
 * 1-based position in the whole format string, for messages.
 */
import { isPlaceholderLetter, placeholderLetters, type PlaceholderLetter } from './charsets.ts';
import { MAX_SERIAL_LENGTH, formatInvalid } from './spec.ts';

export type PatternToken =
  | { kind: 'literal'; text: string; position: number; token: string }
  | { kind: 'placeholder'; letter: PlaceholderLetter; min: number; max: number; position: number; token: string }
  | { kind: 'year'; digits: 2 | 4; position: number; token: string };

const FIXED_COUNT = /^(.):(\d{1,4})$/;
const RANGED_COUNT = /^(.):(\d{1,4})-(\d{1,4})$/;

const KNOWN = `${placeholderLetters.map((l) => `{${l}}`).join(', ')}, {YYYY} or {YY}`;

/**
 * @param pattern the pattern text (no `re:` prefix, no options)
 * @param offset index of the pattern's first character in `source`
 * @param source the whole format string, for messages
 */
export function parsePattern(pattern: string, offset: number, source: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let literal = '';
  let literalStart = -1;
  let literalToken = '';
  const flush = (): void => {
    if (literal !== '') tokens.push({ kind: 'literal', text: literal, position: offset + literalStart + 1, token: literalToken });
    literal = '';
    literalToken = '';
    literalStart = -1;
  };
  const addLiteral = (ch: string, at: number, token: string): void => {
    if (literalStart < 0) literalStart = at;
    literal += ch;
    literalToken += token;
  };

  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    const position = offset + i + 1;
    if (ch === '\\') {
      if (i + 1 >= pattern.length) throw formatInvalid(source, `a lone "\\" ends the pattern at position ${position}; write "\\\\" for a backslash`, { position });
      addLiteral(pattern[i + 1], i, pattern.slice(i, i + 2));
      i += 2;
    } else if (ch === '{') {
      const close = pattern.indexOf('}', i + 1);
      if (close < 0) throw formatInvalid(source, `"{" at position ${position} is never closed; write "\\{" for a literal brace`, { position });
      flush();
      tokens.push(parsePlaceholder(pattern.slice(i + 1, close), position, source));
      i = close + 1;
    } else if (ch === '}') {
      throw formatInvalid(source, `unexpected "}" at position ${position}; write "\\}" for a literal brace`, { position });
    } else {
      addLiteral(ch, i, ch);
      i += 1;
    }
  }
  flush();
  return tokens;
}

function parsePlaceholder(body: string, position: number, source: string): PatternToken {
  const token = `{${body}}`;
  if (body === 'YYYY') return { kind: 'year', digits: 4, position, token };
  if (body === 'YY') return { kind: 'year', digits: 2, position, token };

  const unknown = (): never => {
    throw formatInvalid(
      source,
      `unknown placeholder ${token} at position ${position}; expected ${KNOWN}, repeated ({99}) or with a count ({9:6}, {9:4-8})`,
      { position },
    );
  };
  const badCount = (why: string): never => {
    throw formatInvalid(source, `${token} at position ${position}: ${why}`, { position });
  };

  let letter: string;
  let min: number;
  let max: number;
  const fixed = FIXED_COUNT.exec(body);
  const ranged = fixed ? null : RANGED_COUNT.exec(body);
  if (fixed) {
    letter = fixed[1];
    min = max = Number(fixed[2]);
    if (min < 1) badCount('the count must be at least 1');
  } else if (ranged) {
    letter = ranged[1];
    min = Number(ranged[2]);
    max = Number(ranged[3]);
    if (max < 1 || max < min) badCount('expected {L:MIN-MAX} with MIN <= MAX and MAX >= 1');
  } else {
    if (body === '' || [...body].some((c) => c !== body[0])) return unknown();
    letter = body[0];
    min = max = body.length;
  }
  if (!isPlaceholderLetter(letter)) return unknown();
  if (max > MAX_SERIAL_LENGTH) badCount(`the count is larger than the serial length limit of ${MAX_SERIAL_LENGTH}`);
  if (letter === '#' && min < 1) badCount('the counter needs at least 1 digit');
  return { kind: 'placeholder', letter, min, max, position, token };
}
