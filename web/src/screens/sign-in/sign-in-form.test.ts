import { describe, expect, it } from 'vitest';
import { checkSignIn } from './sign-in-form.ts';

describe('checkSignIn', () => {
  it.each([
    ['', 'x', 'email: required'],
    ['ada', 'x', 'email: must be an email address like name@example.com'],
    ['ada@example.com', '', 'password: required'],
  ])('refuses email %j with password %j as %j', (email, password, message) => {
    expect(checkSignIn(email, password)).toBe(message);
  });

  it('accepts an email with surrounding spaces and any password', () => {
    expect(checkSignIn('  ada@example.com ', ' ')).toBeNull();
  });
});
