import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { checkSerialAgainstFormat, compileSerialFormat } from './compile.ts';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

function reasonOf(format: string, serial: string): string | null {
  const result = compileSerialFormat(format).test(serial);
  return result.ok ? null : result.reason;
}

describe('pattern elements', () => {
  it.each([
    // format, serial that matches, serial that does not, reason for the second
    ['{9}', '7', 'x', 'expected a digit at position 1, found "x"'],
    ['{A}', 'Q', 'q', 'expected an uppercase letter at position 1, found "q"'],
    ['{a}', 'q', 'Q', 'expected a lowercase letter at position 1, found "Q"'],
    ['{X}', 'Z', 'z', 'expected an uppercase letter or digit at position 1, found "z"'],
    ['{x}', 'z', 'Z', 'expected a lowercase letter or digit at position 1, found "Z"'],
    ['{H}', 'F', 'G', 'expected a hex digit (0-9, A-F) at position 1, found "G"'],
    ['{*}', '%', ' ', 'expected any character from GS1 CSET 82 at position 1, found " "'],
    ['{#}', '4', 'a', 'expected a 1-digit counter at position 1, found "a"'],
    ['{YYYY}', '2024', '1899', 'expected a 4-digit year (1900 to 2099) at position 1, found "1899"'],
    ['{YYYY}', '1900', '2100', 'expected a 4-digit year (1900 to 2099) at position 1, found "2100"'],
    ['{YY}', '24', '2x', 'expected a 2-digit year at position 1, found "x" at position 2'],
    ['SN', 'SN', 'sn', 'expected "SN" at position 1, found "sn"'],
  ])('%s accepts %j and refuses %j: %s', (format, good, bad, reason) => {
    expect(reasonOf(format, good)).toBeNull();
    expect(reasonOf(format, bad)).toBe(reason);
  });

  it.each([
    ['{9:6}', '123456', '12345', 'expected 6 digits at position 1, found the end of the serial after 5'],
    ['{999999}', '123456', '1234567', 'expected the end of the serial at position 7, found "7"'],
    ['{9}{9}{9}', '123', '12', 'expected 3 digits at position 1, found the end of the serial after 2'],
    ['{A}{A}{9}{9}{9}{9}{9}{9}', 'AB123456', 'AB12C456', 'expected 6 digits at position 3, found "C" at position 5'],
    ['SN-{YYYY}-{#####}', 'SN-2024-00042', 'SN-2024-0004X', 'expected a 5-digit counter at position 9, found "X" at position 13'],
    ['SN-{YYYY}-{9:5}', 'SN-2024-00042', 'SN-24-00042', 'expected a 4-digit year at position 4, found "-" at position 6'],
    ['SN-{YYYY}-{9:5}', 'SN-2024-00042', 'SX-2024-00042', 'expected "SN-" at position 1, found "SX-"'],
    ['SN-{YYYY}-{9:5}', 'SN-2024-00042', '', 'expected "SN-" at position 1, found the end of the serial'],
  ])('fixed counts: %s accepts %j and refuses %j: %s', (format, good, bad, reason) => {
    expect(reasonOf(format, good)).toBeNull();
    expect(reasonOf(format, bad)).toBe(reason);
  });

  it.each([
    ['{9:4-8}', ['1234', '12345678'], [['123', 'expected 4 to 8 digits at position 1, found the end of the serial after 3'], ['123456789', 'expected the end of the serial at position 9, found "9"']]],
    ['{9:1-3}{A}', ['1A', '123A'], [['1234A', 'expected an uppercase letter at position 4, found "4"'], ['A', 'expected 1 to 3 digits at position 1, found "A"']]],
    ['{9:1-3}{9:2}', ['123', '12345'], [['12', 'expected 3 to 5 digits at position 1, found the end of the serial after 2'], ['123456', 'expected the end of the serial at position 6, found "6"']]],
    ['{X:0-2}-{9}', ['-1', 'AB-1'], [['ABC-1', 'expected "-" at position 3, found "C"']]],
    ['{X:2-3}{9:2-3}', ['AB12', 'AB1234', '1234'], [['A1', 'expected 2 to 3 digits at position 3, found the end of the serial']]],
  ] as const)('ranged counts: %s', (format, goods, bads) => {
    for (const good of goods) expect(reasonOf(format, good), good).toBeNull();
    for (const [bad, reason] of bads) expect(reasonOf(format, bad), bad).toBe(reason);
  });

  it.each([
    ['A\\;B{9}', 'A;B1', 'literal ; written as \\;'],
    ['(.)+{9}', '(.)+1', 'regex metacharacters are literal in a pattern'],
    ['N\\\\{9} ; charset=cset82', null, 'a backslash is not in CSET 82'],
    ['%&\'*_/{9}', '%&\'*_/1', 'CSET 82 punctuation'],
    ['#-/{9} ; charset=cset39', '#-/1', 'CSET 39 punctuation'],
    ['\\re:{9}', 're:1', 'a pattern starting with the text re: escapes its first letter'],
  ])('literal %j matches %j (%s)', (format, serial, _why) => {
    if (serial === null) {
      expect(errorOf(() => compileSerialFormat(format)).code).toBe('SERIAL_FORMAT_INVALID');
    } else {
      expect(reasonOf(format, serial)).toBeNull();
      expect(reasonOf(format, serial.slice(1) + serial[0])).not.toBeNull();
    }
  });
});

describe('raw regular expressions (re:)', () => {
  it.each([
    ['re:[A-Z]{2}\\d{6}', 'AB123456', 'AB12345', 'expected a match for the regular expression [A-Z]{2}\\d{6}'],
    ['re:^SN-\\d+$', 'SN-1', 'XSN-1', 'expected a match for the regular expression ^SN-\\d+$'],
    ['re:SN-\\d+', 'SN-1', 'SN-1X', 'expected a match for the regular expression SN-\\d+'],
    ['re:(?i)sn\\d', 'SN1', 'SN12', 'expected a match for the regular expression (?i)sn\\d'],
    ['re:[A-Z]\\;[0-9]', 'A;1', 'A1', 'expected a match for the regular expression [A-Z]\\;[0-9]'],
    ['re:.+ ; charset=cset39', 'AB-12', 'ab-12', 'character "a" at position 1 is not in GS1 CSET 39'],
    ['re:.+ ; length=3-5', 'ABC', 'ABCDEF', 'expected 3 to 5 characters, found 6'],
    ['re:.+', 'A'.repeat(100), 'A'.repeat(101), 'expected 1 to 100 characters, found 101'],
  ])('%s accepts %j and refuses %j: %s', (format, good, bad, reason) => {
    expect(reasonOf(format, good)).toBeNull();
    expect(reasonOf(format, bad)).toBe(reason);
  });

  it.each([
    ['re:(a)\\1', 'backreferences such as \\1 or \\k<name> are not supported'],
    ['re:(?<n>a)\\k<n>', 'backreferences such as \\1 or \\k<name> are not supported'],
    ['re:(?=SN)\\w+', 'lookaround (?= (?! (?<= (?<! is not supported'],
    ['re:(?!X)\\w+', 'lookaround (?= (?! (?<= (?<! is not supported'],
    ['re:(?<=S)N', 'lookaround (?= (?! (?<= (?<! is not supported'],
    ['re:(?<!S)N', 'lookaround (?= (?! (?<= (?<! is not supported'],
    ['re:[A-Z', 'the regular expression cannot be used: missing closing ] at `[A-Z`'],
    ['re:a{1001}', 'the regular expression cannot be used: invalid repeat count at `{1001}`'],
  ])('refuses %s with SERIAL_FORMAT_INVALID: %s', (format, message) => {
    const err = errorOf(() => compileSerialFormat(format));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field: 'serialFormat', serialFormat: format });
  });

  it('runs the catastrophic pattern (a+)+$ on a long non-matching input in linear time', () => {
    const format = compileSerialFormat('re:(a+)+$ ; charset=alphanumeric');
    const serial = `${'a'.repeat(99)}b`; // a backtracking engine takes ages here
    const started = performance.now();
    for (let i = 0; i < 100; i += 1) expect(format.test(serial).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(format.test('a'.repeat(100)).ok).toBe(true);
  });

  it('refuses a huge input by its length before matching', () => {
    const format = compileSerialFormat('re:(a|aa)+');
    const started = performance.now();
    expect(format.test('a'.repeat(1_000_000))).toEqual({ ok: false, reason: 'expected 1 to 100 characters, found 1000000' });
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('check rules', () => {
  it.each([
    ['{9:15} ; check=luhn', '490154203237518', '490154203237519', 'Luhn check digit is 9, expected 8'],
    ['{9:11} ; check=luhn', '79927398713', '79927398710', 'Luhn check digit is 0, expected 3'],
    ['IMEI-{9:15} ; check=luhn', 'IMEI-490154203237518', 'IMEI-490154203237510', 'Luhn check digit is 0, expected 8'],
    ['{9:14} ; check=gs1', '09501101530003', '09501101530004', 'GS1 check digit is 4, expected 3'],
    ['SN{9:12} ; check=gs1', 'SN036000291452', 'SN036000291450', 'GS1 check digit is 0, expected 2'],
    ['{X:14} ; check=mod37-2', 'G123489654321Y', 'G123489654321Z', 'ISO 7064 MOD 37-2 check character is "Z", expected "Y"'],
    ['{X:4}-{X:9}{*} ; check=mod37-2', 'G123-489654321Y', 'G123-489654321Z', 'ISO 7064 MOD 37-2 check character is "Z", expected "Y"'],
    ['re:\\d{15} ; check=luhn', '490154203237518', '490154203237517', 'Luhn check digit is 7, expected 8'],
    ['re:[0-9A-Z]{13}. ; check=mod37-2', 'G123489654321Y', 'G123489654321y', 'ISO 7064 MOD 37-2 check character is "y", expected "Y"'],
    ['re:.{3} ; check=gs1', '123', '12X', 'GS1 check digit is "X", expected 3'],
  ])('%s accepts %j and refuses %j: %s', (format, good, bad, reason) => {
    expect(reasonOf(format, good)).toBeNull();
    expect(reasonOf(format, bad)).toBe(reason);
  });

  it('accepts the mod37-2 check character "*" in the last place even after {X}', () => {
    // ISO 7064 MOD 37-2 of "0001" is "*"
    expect(reasonOf('{X:5} ; check=mod37-2', '0001*')).toBeNull();
    expect(reasonOf('{X:5} ; check=mod37-2', '0001Z')).toBe('ISO 7064 MOD 37-2 check character is "Z", expected "*"');
  });

  it.each([
    ['SN{9:5}X ; check=luhn', 'check=luhn puts a digit in the last character, but the pattern ends with "X"; end it with {9}'],
    ['{A:3} ; check=gs1', 'check=gs1 puts a digit in the last character, but the pattern ends with "{A:3}"; end it with {9}'],
    ['SN{#####} ; check=luhn', 'but the pattern ends with "{#####}"'],
    ['SN{YYYY} ; check=luhn', 'but the pattern ends with "{YYYY}"'],
    ['{9:6} ; check=mod37-2', 'check=mod37-2 puts a digit or uppercase letter in the last character, but the pattern ends with "{9:6}"; end it with {X} or {*}'],
    ['{X:6} ; check=mod37-2 ; charset=cset39', 'check=mod37-2 can produce "*", which charset=cset39 (GS1 CSET 39) does not allow'],
    ['re:.+ ; check=mod37-2 ; charset=alphanumeric', 'check=mod37-2 can produce "*", which charset=alphanumeric'],
  ])('refuses %s: %s', (format, message) => {
    const err = errorOf(() => compileSerialFormat(format));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
  });
});

describe('charset and length', () => {
  it.each([
    ['{*:3} ; charset=digits', '123', '12A', 'expected 3 characters from digits 0-9 at position 1, found "A" at position 3'],
    ['{*:3} ; charset=cset39', 'A#/', 'A#a', 'expected 3 characters from GS1 CSET 39 at position 1, found "a" at position 3'],
    ['{*:3} ; charset=alphanumeric', 'aZ9', 'aZ-', 'expected 3 characters from letters and digits at position 1, found "-" at position 3'],
    ['{*:3} ; charset=upper-alphanumeric', 'AZ9', 'aZ9', 'expected 3 characters from uppercase letters and digits at position 1, found "a"'],
    ['{*:3}', '"<_', 'é12', 'expected 3 characters from GS1 CSET 82 at position 1, found "é"'],
    ['{X:1-40} ; length=6-20', 'ABCDEF', 'ABCDE', 'expected 6 to 20 characters, found 5'],
    ['{X:1-40} ; length=6-20', 'A'.repeat(20), 'A'.repeat(21), 'expected 6 to 20 characters, found 21'],
    ['{X:4-8} ; length=6', 'ABCDEF', 'ABCDEFG', 'expected 6 characters, found 7'],
  ])('%s accepts %j and refuses %j: %s', (format, good, bad, reason) => {
    expect(reasonOf(format, good)).toBeNull();
    expect(reasonOf(format, bad)).toBe(reason);
  });

  it.each([
    ['SN-{9:4} ; charset=digits', 'the literal "S" in "SN-" at position 1 is not in charset=digits (digits 0-9)'],
    ['SN {9:4}', 'the literal " " in "SN " at position 1 is not in charset=cset82 (GS1 CSET 82)'],
    ['{9:2}{a:2} ; charset=cset39', '{a:2} at position 6 allows lowercase letters, which charset=cset39 (GS1 CSET 39) does not allow'],
    ['{A} ; charset=digits', '{A} at position 1 allows uppercase letters, which charset=digits'],
    ['{9:4-8} ; length=10-20', 'length=10-20 cannot be met: the pattern gives 4 to 8 characters'],
    ['{X:60}{X:41}', 'the pattern allows up to 101 characters; the limit is 100'],
    ['{9:0-5}', 'the pattern allows an empty serial'],
  ])('refuses %s: %s', (format, message) => {
    const err = errorOf(() => compileSerialFormat(format));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(message);
  });

  it('reports minLength and maxLength from the pattern and the length option', () => {
    expect(compileSerialFormat('SN-{9:4-8}')).toMatchObject({ minLength: 7, maxLength: 11 });
    expect(compileSerialFormat('{X:1-40} ; length=6-20')).toMatchObject({ minLength: 6, maxLength: 20 });
    expect(compileSerialFormat('re:.+')).toMatchObject({ minLength: 1, maxLength: 100 });
  });
});

describe('pattern syntax errors', () => {
  it.each([
    ['SN-{Q}', 'unknown placeholder {Q} at position 4; expected {9}, {#}, {A}, {a}, {X}, {x}, {H}, {*}, {YYYY} or {YY}'],
    ['SN-{9A}', 'unknown placeholder {9A} at position 4'],
    ['SN-{}', 'unknown placeholder {} at position 4'],
    ['SN-{yyyy}', 'unknown placeholder {yyyy} at position 4'],
    ['SN-{9: 4}', 'unknown placeholder {9: 4} at position 4'],
    ['SN-{9:0}', '{9:0} at position 4: the count must be at least 1'],
    ['SN-{9:5-3}', '{9:5-3} at position 4: expected {L:MIN-MAX} with MIN <= MAX and MAX >= 1'],
    ['SN-{9:101}', '{9:101} at position 4: the count is larger than the serial length limit of 100'],
    ['SN-{#:0-3}', '{#:0-3} at position 4: the counter needs at least 1 digit'],
    ['SN-{9:5', '"{" at position 4 is never closed; write "\\{" for a literal brace'],
    ['SN}-{9}', 'unexpected "}" at position 3; write "\\}" for a literal brace'],
    ['SN-{9}\\', 'a lone "\\" ends the pattern at position 7'],
    ['  SN-{Q}', 'unknown placeholder {Q} at position 6'],
    ['{#:3}-{#:3}', 'there are 2 counters ({#:3} at position 1, {#:3} at position 7); at most one {#...} is allowed'],
  ])('refuses %j: %s', (format, message) => {
    const err = errorOf(() => compileSerialFormat(format));
    expect(err.code).toBe('SERIAL_FORMAT_INVALID');
    expect(err.message).toContain(`serialFormat: ${message}`);
  });
});

describe('describe', () => {
  it.each([
    ['SN-{YYYY}-{9:5}', '"SN-", a 4-digit year, "-", 5 digits'],
    ['SN-{YYYY}-{#####}', '"SN-", a 4-digit year, "-", a 5-digit counter'],
    ['{A}{A}{9}{9}{9}{9}{9}{9}', '2 uppercase letters, 6 digits'],
    ['{YY}{#:3-8}', 'a 2-digit year, a counter of 3 to 8 digits'],
    ['{9:15} ; check=luhn', '14 digits, a Luhn check digit'],
    ['{9:4-8} ; check=gs1', '3 to 7 digits, a GS1 check digit'],
    ['{X:14} ; check=mod37-2', '13 uppercase letters or digits, an ISO 7064 MOD 37-2 check character'],
    ['{x:0-1}{a:0-3}{H:2}', 'optionally a lowercase letter or digit, up to 3 lowercase letters, 2 hex digits (0-9, A-F)'],
    ['{*:8} ; charset=cset39', '8 characters from GS1 CSET 39'],
    ['{X:1-40} ; length=6-20', '1 to 40 uppercase letters or digits; 6 to 20 characters in all'],
    ['A\\;\\"B', '"A;\\"B"'],
    ['re:[A-Z]{2}\\d{6}', 'text matching the regular expression [A-Z]{2}\\d{6}, 1 to 100 characters from GS1 CSET 82'],
    ['re:\\d{15} ; check=luhn ; length=15 ; charset=digits', 'text matching the regular expression \\d{15}, ending in a Luhn check digit, 15 characters from digits 0-9'],
  ])('describes %s as %s', (format, text) => {
    expect(compileSerialFormat(format).describe).toBe(text);
  });
});

describe('compiled format', () => {
  it('keeps the source, a canonical form and the spec', () => {
    const f = compileSerialFormat('{9:15};check=luhn ; charset=cset82');
    expect(f.source).toBe('{9:15};check=luhn ; charset=cset82');
    expect(f.canonical).toBe('{9:15} ; check=luhn');
    expect(f.spec).toEqual({ pattern: '{9:15}', check: 'luhn', length: null, charset: 'cset82' });
    expect(f.kind).toBe('pattern');
    expect(compileSerialFormat(f.canonical).canonical).toBe(f.canonical);
  });

  it.each([
    ['SN-{YYYY}-{9:5}', '^SN-(?:19|20)[0-9]{2}-[0-9]{5}$'],
    ['(S.N)+{9}', '^\\(S\\.N\\)\\+[0-9]$'],
    ['{X:2-4}{*}', `^[0-9A-Z]{2,4}[!"%-?A-Z_a-z]$`],
    ['{X:14} ; check=mod37-2', '^[0-9A-Z]{13}[*0-9A-Z]$'],
    ['re:[A-Z]+', '^(?:[A-Z]+)$'],
  ])('gives %s the anchored regex %s', (format, regex) => {
    expect(compileSerialFormat(format).regex).toBe(regex);
  });

  it('returns the same compiled object for the same string (cache)', () => {
    expect(compileSerialFormat('SN-{9:7}')).toBe(compileSerialFormat('SN-{9:7}'));
  });

  it('keeps the cache bounded: a format compiled before 1,000 newer distinct ones is compiled afresh', () => {
    // Formats come from product data, so a long-running server sees any number of them.
    const first = compileSerialFormat('CACHE-BOUND-{9:4}');
    expect(compileSerialFormat('CACHE-BOUND-{9:4}')).toBe(first);
    for (let i = 0; i < 1000; i += 1) compileSerialFormat(`CACHE-FILL-${i}-{9:4}`);
    const again = compileSerialFormat('CACHE-BOUND-{9:4}');
    expect(again).not.toBe(first);
    expect(again.regex).toBe(first.regex);
  });

  it('is frozen', () => {
    const f = compileSerialFormat('SN-{9:7}');
    expect(Object.isFrozen(f)).toBe(true);
    expect(Object.isFrozen(f.spec)).toBe(true);
  });
});

describe('checkSerialAgainstFormat', () => {
  it('returns nothing when the serial matches', () => {
    expect(checkSerialAgainstFormat('SN-2024-00042', compileSerialFormat('SN-{YYYY}-{9:5}'))).toBeUndefined();
  });

  it('throws SERIAL_FORMAT_MISMATCH naming the serial, the format and what was expected', () => {
    const format = compileSerialFormat('SN-{YYYY}-{9:5}');
    const err = errorOf(() => checkSerialAgainstFormat('AB12', format));
    expect(err.code).toBe('SERIAL_FORMAT_MISMATCH');
    expect(err.message).toBe('serial: "AB12" does not match SN-{YYYY}-{9:5}: expected "SN-" at position 1, found "AB1"');
    expect(err.details).toEqual({
      field: 'serial',
      serial: 'AB12',
      serialFormat: 'SN-{YYYY}-{9:5}',
      expected: '"SN-", a 4-digit year, "-", 5 digits',
      reason: 'expected "SN-" at position 1, found "AB1"',
    });
  });

  it('throws with the check-digit reason when only the check digit is wrong', () => {
    const err = errorOf(() => checkSerialAgainstFormat('490154203237519', compileSerialFormat('{9:15} ; check=luhn')));
    expect(err.message).toBe('serial: "490154203237519" does not match {9:15} ; check=luhn: Luhn check digit is 9, expected 8');
  });

  it('cuts a long serial in the message and escapes control characters', () => {
    const err = errorOf(() => checkSerialAgainstFormat(`${'A'.repeat(30)}\n`, compileSerialFormat('{9}')));
    expect(err.message).toBe(`serial: "${'A'.repeat(24)}…" does not match {9}: expected a digit at position 1, found "A"`);
    const err2 = errorOf(() => checkSerialAgainstFormat('1\t', compileSerialFormat('{9}')));
    expect(err2.message).toBe('serial: "1\\t" does not match {9}: expected the end of the serial at position 2, found "\\t"');
  });
});
