import { sql } from 'kysely';
import { type ActorRecord, parseActor } from '../core/actors.ts';
import type { Db } from './database.ts';

/**
 * What the tenant's rows say about each of `actors` (users' emails, API keys' labels and creation
 * times), in one query whatever their number. Actors that are not a user or a key are left out.
 */
export async function findActorRecords(db: Db, tenantId: string, actors: Iterable<string>): Promise<Map<string, ActorRecord>> {
  const users = new Set<string>();
  const keys = new Set<string>();
  for (const actor of actors) {
    const ref = parseActor(actor);
    if (ref.kind === 'user') users.add(ref.id);
    if (ref.kind === 'key') keys.add(ref.id);
  }
  const found = new Map<string, ActorRecord>();
  if (users.size === 0 && keys.size === 0) return found;
  const rows = await sql<{ kind: 'user' | 'key'; id: string; email: string | null; label: string | null; created_at: Date }>`
    SELECT 'user' AS kind, id::text AS id, email, NULL::text AS label, created_at FROM users
    WHERE tenant_id = ${tenantId}::uuid AND id = any(${[...users]}::uuid[])
    UNION ALL
    SELECT 'key' AS kind, id::text AS id, NULL::text AS email, label, created_at FROM api_keys
    WHERE tenant_id = ${tenantId}::uuid AND id = any(${[...keys]}::uuid[])
  `.execute(db);
  for (const r of rows.rows) {
    found.set(
      `${r.kind}:${r.id}`,
      r.kind === 'user' ? { kind: 'user', email: r.email! } : { kind: 'key', label: r.label, createdAt: r.created_at },
    );
  }
  return found;
}

/** The id of the tenant's user with this email, if any (to filter by a person's email). */
export async function findUserIdByEmail(db: Db, tenantId: string, email: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row?.id;
}
