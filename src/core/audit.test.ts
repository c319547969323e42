import { describe, expect, it } from 'vitest';
import { changedFields, parseSubjectFilter } from './audit.ts';

describe('changedFields', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, ReturnType<typeof changedFields>]> = [
    ['nothing changed', { a: 1, b: null }, { a: 1, b: null }, null],
    ['one field of two', { a: 1, b: 'x' }, { a: 2, b: 'x' }, { before: { a: 1 }, after: { a: 2 } }],
    ['set to null', { gtin: '0123' }, { gtin: null }, { before: { gtin: '0123' }, after: { gtin: null } }],
    ['from missing to a value', {}, { label: 'x' }, { before: { label: null }, after: { label: 'x' } }],
    ['undefined is not a change', { a: 1 }, { a: undefined }, null],
    ['objects compared by value', { c: { n: 'A' } }, { c: { n: 'A' } }, null],
  ];
  it.each(cases)('%s', (_name, before, after, expected) => {
    expect(changedFields(before, after)).toEqual(expected);
  });
});

describe('parseSubjectFilter', () => {
  const cases: Array<[string, ReturnType<typeof parseSubjectFilter>]> = [
    ['product', { type: 'product' }],
    ['product:CAM-100', { type: 'product', id: 'CAM-100' }],
    ['order:SO:1', { type: 'order', id: 'SO:1' }],
    ['settings', { type: 'settings' }],
    ['user:lena@example.com', { type: 'user', id: 'lena@example.com' }],
    ['api_key:', { type: 'api_key' }],
    ['planet:earth', null],
    ['', null],
  ];
  it.each(cases)('reads %j', (value, expected) => {
    expect(parseSubjectFilter(value)).toEqual(expected);
  });
});
