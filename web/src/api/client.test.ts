import { describe, expect, it } from 'vitest';
import { ApiError, errorFromBody, queryString } from './client.ts';

describe('errorFromBody', () => {
  it('keeps the API error code, message and details', () => {
    const error = errorFromBody(422, 'Unprocessable Entity', {
      error: { code: 'PRODUCTS_NOT_FOUND', message: 'skus: 1 unknown SKU(s): X', details: { skus: ['X'] } },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'PRODUCTS_NOT_FOUND', message: 'skus: 1 unknown SKU(s): X', details: { skus: ['X'] } });
  });

  it('describes an answer without an error body by its status, never as a generic failure', () => {
    const error = errorFromBody(502, 'Bad Gateway', null);
    expect(error.code).toBe('HTTP_502');
    expect(error.message).toBe('the server answered 502 Bad Gateway without an explanation');
  });
});

describe('queryString', () => {
  it('leaves out unset values and keeps false and zero', () => {
    expect(queryString({ a: undefined, b: null, c: '', d: false, e: 0, f: 'x y' })).toBe('?d=false&e=0&f=x+y');
  });

  it('is empty when nothing is set', () => {
    expect(queryString({})).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});
