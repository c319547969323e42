import { describe, expect, it } from 'vitest';
import { type ActorRecord, actorName, parseActor } from './actors.ts';

const USER = 'user:1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const KEY = 'key:6fa459ea-ee8a-4ca4-894e-db77e160355e';

describe('actorName', () => {
  const cases: Array<[string, ActorRecord | undefined, string]> = [
    [USER, { kind: 'user', email: 'lena@example.com' }, 'lena@example.com'],
    [USER, undefined, 'unknown user'],
    [KEY, { kind: 'key', label: 'Shop sync', createdAt: new Date('2026-03-01T10:00:00Z') }, 'Shop sync (API key)'],
    [KEY, { kind: 'key', label: null, createdAt: new Date('2026-03-01T23:59:00Z') }, 'API key created 2026-03-01'],
    [KEY, undefined, 'unknown API key'],
    [KEY, { kind: 'user', email: 'lena@example.com' }, 'unknown API key'],
    ['cli', undefined, 'command line'],
    ['demo', undefined, 'demo data'],
    ['test', undefined, 'test'],
  ];
  it.each(cases)('names %s (%j) as %s', (actor, record, name) => {
    expect(actorName(actor, record)).toBe(name);
  });

  it('never answers with the id of a user or key', () => {
    for (const actor of [USER, KEY]) expect(actorName(actor, undefined)).not.toContain(actor.slice(5, 13));
  });
});

describe('parseActor', () => {
  it('reads users, keys and the command line; anything else is other', () => {
    expect(parseActor(USER)).toEqual({ kind: 'user', id: USER.slice(5) });
    expect(parseActor(KEY)).toEqual({ kind: 'key', id: KEY.slice(4) });
    expect(parseActor('cli')).toEqual({ kind: 'cli' });
    expect(parseActor('user:not-a-uuid')).toEqual({ kind: 'other', text: 'user:not-a-uuid' });
  });
});
