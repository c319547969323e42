import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { compileSerialFormat } from './compile.ts';
import { MAX_SELECTION_RANGES, MAX_SERIAL_LIST_SIZE, parseSerialList, parseSerialSelection } from './serial-list.ts';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parseSerialList', () => {
  it.each<[string, string[]]>([
    ['', []],
    [' \n ,; \t', []],
    ['SN0001', ['SN0001']],
    ['SN0001-SN0005', ['SN0001', 'SN0002', 'SN0003', 'SN0004', 'SN0005']],
    ['SN0098-SN0101', ['SN0098', 'SN0099', 'SN0100', 'SN0101']],
    ['SN0007-SN0007', ['SN0007']],
    ['1-5', ['1', '2', '3', '4', '5']],
    ['8-11', ['8', '9', '10', '11']],
    ['SN9-SN11', ['SN9', 'SN10', 'SN11']],
    ['01-03', ['01', '02', '03']],
    ['10+3', ['10', '11', '12']],
    ['SN0010+3', ['SN0010', 'SN0011', 'SN0012']],
    ['99+2', ['99', '100']],
    ['SN0998+3', ['SN0998', 'SN0999', 'SN1000']],
    ['SN9998+3', ['SN9998', 'SN9999', 'SN10000']],
    ['1-2-1-3', ['1-2', '1-3']],
    ['SN-1-SN-3', ['SN-1', 'SN-2', 'SN-3']],
    ['SN-2024-00001-SN-2024-00003', ['SN-2024-00001', 'SN-2024-00002', 'SN-2024-00003']],
    ['1-5, 10+3', ['1', '2', '3', '4', '5', '10', '11', '12']],
    ['A1\nA2\r\nA3\rA4', ['A1', 'A2', 'A3', 'A4']],
    ['A1,A2;A3\tA4 A5', ['A1', 'A2', 'A3', 'A4', 'A5']],
    ['  A1  ,\n\n  A2  ', ['A1', 'A2']],
    ['SN0001 - SN0003', ['SN0001', 'SN0002', 'SN0003']],
    ['SN0001 -SN0002, 10 + 2', ['SN0001', 'SN0002', '10', '11']],
    ['SN-2024-00001', ['SN-2024-00001']],
    ['AB-CD, A-1, 1-A, -5, 5-', ['AB-CD', 'A-1', '1-A', '-5', '5-']],
    ['A+B, +3', ['A+B', '+3']],
    ['"A1-B2", "10+3"', ['A1-B2', '10+3']],
    ['"SN 1"', ['SN 1']],
    ['12345678901234567890-12345678901234567891', ['12345678901234567890', '12345678901234567891']],
  ])('reads %j as %j', (text, expected) => {
    expect(parseSerialList(text)).toEqual(expected);
  });

  it('takes an item that matches the given format as one serial', () => {
    const format = compileSerialFormat('{YYYY}-{9:5}');
    expect(parseSerialList('2024-00001, 2024-00002', { format })).toEqual(['2024-00001', '2024-00002']);
    expect(() => parseSerialList('2024-00001')).toThrow(DomainError);
    expect(parseSerialList('10-12', { format })).toEqual(['10', '11', '12']);
  });

  it.each([
    ['SN0050-SN0001', 'serials: "SN0050-SN0001" at line 1, column 1: reversed range: the end SN0001 comes before the start SN0050', { line: 1, column: 1 }],
    ['A1\n  SN0001-XY0005', 'serials: "SN0001-XY0005" at line 2, column 3: the two ends have different prefixes ("SN" and "XY"); a range keeps its prefix, e.g. SN0001-SN0050; if it is one serial, put it in double quotes', { line: 2, column: 3 }],
    ['SN0001-SN005', 'serials: "SN0001-SN005" at line 1, column 1: the two ends have different widths (4 and 3 digits); a zero-padded range keeps its width, e.g. SN0001-SN0050; if it is one serial, put it in double quotes', {}],
    ['2024-00001', 'the two ends have different widths (4 and 5 digits)', {}],
    ['1-100001', 'serials: "1-100001" at line 1, column 1: expands to 100001 serials, and a list may hold at most 100000; split it', { limit: 100_000 }],
    ['1-60000, 70000-110000', 'serials: "70000-110000" at line 1, column 10: expands to 40001 serials, and a list may hold at most 100000; split it', {}],
    ['10+', 'serials: "10+" at line 1, column 1: expected a count after "+", e.g. SN0010+3 for SN0010, SN0011, SN0012', {}],
    ['10+0', 'the count after "+" must be at least 1', {}],
    ['SN09+92', 'serials: "SN09+92" at line 1, column 1: the run goes past 2 digits (ends at 100)', {}],
    ['A1, B2, A1', 'serials: "A1" at line 1, column 9: listed twice (first at line 1, column 1)', { serial: 'A1' }],
    ['1-5\n3', 'serials: "3" at line 2, column 1: "3" is already listed by "1-5" at line 1, column 1', {}],
    ['"A1', 'serials: "\\"A1" at line 1, column 1: the quote is not closed on this line', {}],
    ['"A1\nA2"', 'the quote is not closed on this line', {}],
    ['""', 'the quotes are empty', {}],
    ['X'.repeat(202), 'is 202 characters long; a serial has at most 100', {}],
  ])('refuses %j with VALIDATION_FAILED: %s', (text, message, details) => {
    const err = errorOf(() => parseSerialList(text));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field: 'serials', ...details });
  });

  it('honours a lower maxItems and never a higher one', () => {
    expect(errorOf(() => parseSerialList('1-11', { maxItems: 10 })).message).toContain('a list may hold at most 10');
    expect(errorOf(() => parseSerialList('A, B, C', { maxItems: 2 })).message).toBe('serials: the list holds 3 serials; at most 2 are allowed');
    expect(errorOf(() => parseSerialList(`1-${MAX_SERIAL_LIST_SIZE + 1}`, { maxItems: 10 ** 9 })).code).toBe('VALIDATION_FAILED');
  });

  it('expands a 100,000-serial range quickly', () => {
    const started = performance.now();
    const serials = parseSerialList('SN000001-SN100000');
    expect(serials).toHaveLength(100_000);
    expect(serials[99_999]).toBe('SN100000');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('parseSerialSelection', () => {
  it.each<[string, { serials: string[]; ranges: Array<{ from: string; to: string }> }]>([
    ['', { serials: [], ranges: [] }],
    ['A1, A2\nA1', { serials: ['A1', 'A2'], ranges: [] }],
    ['SN0998-SN1002', { serials: [], ranges: [{ from: 'SN0998', to: 'SN1002' }] }],
    ['SN998 - SN1002', { serials: [], ranges: [{ from: 'SN998', to: 'SN1002' }] }],
    ['SN0010+3', { serials: [], ranges: [{ from: 'SN0010', to: 'SN0012' }] }],
    ['99+2', { serials: [], ranges: [{ from: '99', to: '100' }] }],
    ['X1, SN1-SN1000000000, "A1-A2"', { serials: ['X1', 'A1-A2'], ranges: [{ from: 'SN1', to: 'SN1000000000' }] }],
    ['SN-2024-00001', { serials: ['SN-2024-00001'], ranges: [] }],
  ])('reads %j without expanding ranges', (text, expected) => {
    expect(parseSerialSelection(text)).toEqual(expected);
  });

  it.each([
    ['SN0050-SN0001', 'reversed range'],
    ['SN0001-XY0005', 'different prefixes'],
    ['SN0001-SN005', 'different widths'],
    ['""', 'the quotes are empty'],
    [Array.from({ length: MAX_SELECTION_RANGES + 1 }, (_, i) => `R${i}-1-R${i}-2`).join('\n'), `more than ${MAX_SELECTION_RANGES} ranges`],
  ])('refuses %j like parseSerialList does', (text, message) => {
    const err = errorOf(() => parseSerialSelection(text));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain(message);
    expect(err.details).toMatchObject({ field: 'serials' });
  });
});
