/**
 * People and programs are shown by name, never by id. An actor is stored as 'user:<id>',
 * 'key:<id>' or 'cli' (model.ts Actor); what is read about it (a user's email, a key's label and
 * creation time) comes in as an argument, looked up once for every actor of a page.
 */

export type ActorRef = { kind: 'user'; id: string } | { kind: 'key'; id: string } | { kind: 'cli' } | { kind: 'other'; text: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseActor(actor: string): ActorRef {
  if (actor === 'cli') return { kind: 'cli' };
  const m = /^(user|key):(.*)$/.exec(actor);
  if (m && UUID.test(m[2])) return { kind: m[1] as 'user' | 'key', id: m[2] };
  return { kind: 'other', text: actor };
}

/** What the database knows about an actor: a user's email, or an API key's label and age. */
export type ActorRecord = { kind: 'user'; email: string } | { kind: 'key'; label: string | null; createdAt: Date };

/** Other actors a process may act as (the demo data, say), by their readable name. */
const NAMED: Readonly<Record<string, string>> = { cli: 'command line', demo: 'demo data' };

/**
 * A readable name for an actor: a user's email; an API key's label ("Shop sync (API key)"), or
 * for a key without one its creation day ("API key created 2026-03-01"); "command line" for the
 * CLI. An id that matches nothing (which the database's own rows cannot produce) reads "unknown
 * user" or "unknown API key", never the id.
 */
export function actorName(actor: string, record: ActorRecord | undefined): string {
  const ref = parseActor(actor);
  switch (ref.kind) {
    case 'cli':
      return NAMED.cli;
    case 'user':
      return record?.kind === 'user' ? record.email : 'unknown user';
    case 'key':
      if (record?.kind !== 'key') return 'unknown API key';
      return record.label ? `${record.label} (API key)` : `API key created ${record.createdAt.toISOString().slice(0, 10)}`;
    case 'other':
      return NAMED[ref.text] ?? ref.text;
  }
}
