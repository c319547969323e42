import { DomainError } from './errors.ts';

export const PASSWORD_LENGTH = { min: 10, max: 200 } as const;

/**
 * Throws unless `password` may be set as someone's new password: 10 to 200 characters
 * (VALIDATION_FAILED) and not on the common-password list, compared ignoring case and surrounding
 * spaces (PASSWORD_TOO_COMMON). `common` holds the list lower-cased; `field` names the input.
 */
export function checkNewPassword(password: string, common: ReadonlySet<string>, field = 'password'): void {
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
    throw new DomainError('VALIDATION_FAILED', `${field}: must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`, { field });
  }
  if (common.has(password.trim().toLowerCase())) {
    throw new DomainError(
      'PASSWORD_TOO_COMMON',
      `${field}: is one of the most common passwords, which are tried first; choose another (several unrelated words work well)`,
      { field },
    );
  }
}
