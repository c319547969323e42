import { type Kysely, sql } from 'kysely';

// Scanners that cannot send the GS character for FNC1 are set up to send a substitute (^, say);
// the tenant names it so packing stations read such GS1 element strings correctly.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE settings ADD COLUMN gs1_fnc1_substitute text
      CHECK (length(gs1_fnc1_substitute) BETWEEN 1 AND 8 AND gs1_fnc1_substitute !~ '[0-9A-Za-z]')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE settings DROP COLUMN gs1_fnc1_substitute`.execute(db);
}
