import { sql } from 'kysely';
import type { Db } from './database.ts';

export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
