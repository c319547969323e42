import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../core/errors.ts';
import { statusForCode } from './error-status.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])] as const),
);

describe('docs/errors.md', () => {
  it('lists every error code the code has, with the status the API answers', () => {
    for (const code of errorCodes) {
      expect(documented.get(code), code).toBe(statusForCode(code));
    }
  });

  it('lists no code the code does not have', () => {
    const known = new Set<string>(errorCodes);
    expect([...documented.keys()].filter((c) => !known.has(c))).toEqual([]);
  });
});
