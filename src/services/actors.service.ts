import { actorName } from '../core/actors.ts';
import type { Db } from '../storage/database.ts';
import { findActorRecords } from '../storage/actors.repository.ts';

/**
 * Readable names for every actor of a page (users by email, API keys by label, the CLI as
 * "command line"), looked up in one query; the answer names any actor, listed or not.
 */
export async function actorNames(db: Db, tenantId: string, actors: Iterable<string>): Promise<(actor: string) => string> {
  const records = await findActorRecords(db, tenantId, actors);
  return (actor) => actorName(actor, records.get(actor));
}
