import { describe, expect, it } from 'vitest';
import { checkNewPassword } from './passwords.ts';

const common = new Set(['password123', 'qwertyuiop']);

function codeOf(password: string): string | null {
  try {
    checkNewPassword(password, common);
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('checkNewPassword', () => {
  it.each([
    ['password123', 'PASSWORD_TOO_COMMON'],
    ['Password123', 'PASSWORD_TOO_COMMON'],
    ['PASSWORD123', 'PASSWORD_TOO_COMMON'],
    [' qwertyuiop ', 'PASSWORD_TOO_COMMON'],
    ['short', 'VALIDATION_FAILED'],
    ['123456789', 'VALIDATION_FAILED'],
    ['x'.repeat(201), 'VALIDATION_FAILED'],
    ['password1234', null],
    ['correct horse battery', null],
    ['x'.repeat(200), null],
  ])('answers %j with %s', (password, code) => {
    expect(codeOf(password)).toBe(code);
  });

  it('names the field password in the message and details', () => {
    expect(() => checkNewPassword('Password123', common)).toThrow(/^password: /);
    try {
      checkNewPassword('Password123', common);
    } catch (error) {
      expect((error as { details: unknown }).details).toEqual({ field: 'password' });
    }
  });
});
