import { DomainError } from './errors.ts';
import { unstorableText } from './validate.ts';

/**
 * Opaque cursors for keyset pagination: the sort key of the last row, as base64url JSON.
 * A cursor that was not made by us is refused as VALIDATION_FAILED naming `cursor` (one that decodes
 * to text the database cannot take, a NUL say, was not made by us either).
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends ReadonlyArray<'string' | 'number'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    !parsed.every(
      (v, i) => typeof v === shape[i] && (typeof v === 'number' ? Number.isSafeInteger(v) : unstorableText(v as string) === null),
    )
  ) {
    throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this list returned', { field: 'cursor' });
  }
  return parsed as never;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export type Page<T> = { items: T[]; nextCursor: string | null };
