import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/core/model.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { makeOrder, makeProduct, makeTenant } from './factories.ts';
import { captureSerial, shipOrder } from '../src/services/packing.service.ts';
import { findSerial } from '../src/services/serials.service.ts';
import { currentRole, grantRuntimeAccess, isPrivilegedRole } from '../src/storage/roles.ts';

let t: TestDatabase;
let actor: Actor;
let runtime = '';
let owner = '';

beforeAll(async () => {
  t = await createTestDatabase();
  ({ actor } = await makeTenant(t.db));
  runtime = await currentRole(t.db);
  owner = await currentRole(t.owner);
});
afterAll(async () => t.close());

// Only on another server whose user may not create roles (UNITRACE_TEST_DATABASE_URL without
// CREATEROLE) is there no runtime role of its own to check; on the embedded one, the same role fails.
const sameRole = () => runtime === owner && !!process.env.UNITRACE_TEST_DATABASE_URL;

/** Runs one statement as the runtime role and gives back the SQLSTATE it failed with. */
async function refusal(statement: ReturnType<typeof sql.raw>): Promise<string> {
  try {
    await statement.execute(t.db);
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'accepted';
}

describe('the runtime role the app connects as', () => {
  it('is a role of its own: not a superuser, and owner of no table', async (context) => {
    if (sameRole()) {
      console.log('skipped: the tests run the app as the owner (no runtime role could be created)');
      context.skip();
    }
    expect(runtime).not.toBe(owner);
    expect(await isPrivilegedRole(t.db)).toBe(false);
    const owned = await sql<{ relname: string }>`
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')
    `.execute(t.db);
    expect(owned.rows).toEqual([]);
  });

  it('cannot change, remove or switch off the append-only history, whatever it tries (42501)', async (context) => {
    if (sameRole()) {
      console.log('skipped: the tests run the app as the owner (no runtime role could be created)');
      context.skip();
    }
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'PRIV-1' });
    const attempts = {
      update: await refusal(sql.raw(`UPDATE serial_events SET type = 'forged'`)),
      delete: await refusal(sql.raw(`DELETE FROM serial_events`)),
      truncate: await refusal(sql.raw(`TRUNCATE serial_events`)),
      disableTriggers: await refusal(sql.raw(`ALTER TABLE serial_events DISABLE TRIGGER ALL`)),
      dropTrigger: await refusal(sql.raw(`DROP TRIGGER serial_events_no_update ON serial_events`)),
      replicaMode: await refusal(sql.raw(`SET session_replication_role = replica`)),
      dropTable: await refusal(sql.raw(`DROP TABLE serial_events`)),
      createTrigger: await refusal(
        sql.raw(`CREATE TRIGGER sneak BEFORE INSERT ON serial_events FOR EACH ROW EXECUTE FUNCTION serial_events_append_only()`),
      ),
      createTable: await refusal(sql.raw(`CREATE TABLE sneak (id int)`)),
      rewriteMigrations: await refusal(sql.raw(`DELETE FROM unitrace_migrations`)),
    };
    expect(attempts).toEqual({
      update: '42501',
      delete: '42501',
      truncate: '42501',
      disableTriggers: '42501',
      dropTrigger: '42501',
      replicaMode: '42501',
      dropTable: '42501',
      createTrigger: '42501',
      createTable: '42501',
      rewriteMigrations: '42501',
    });
    // History is intact, and the owner's trigger is still on.
    const events = await sql<{ type: string }>`SELECT type FROM serial_events WHERE serial = 'PRIV-1'`.execute(t.db);
    expect(events.rows.map((r) => r.type)).toEqual(['packed']);
    const triggers = await sql<{ tgenabled: string }>`
      SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'serial_events'::regclass AND NOT tgisinternal
    `.execute(t.db);
    expect(triggers.rows.map((r) => r.tgenabled)).toEqual(['O', 'O']);
  });

  it('still does what the app does: create, capture, ship, read the history', async () => {
    const product = await makeProduct(t.db, actor);
    const order = await makeOrder(t.db, actor, [{ sku: product.sku, quantity: 1 }]);
    await captureSerial(t.db, actor, order.orderNumber, { sku: product.sku, serial: 'PRIV-2' });
    await shipOrder(t.db, actor, order.orderNumber, {});
    const found = await findSerial(t.db, actor, 'PRIV-2');
    expect(found.units[0].status).toBe('shipped');
  });

  it("gets the same rights on a table a later migration adds, without that table being named", async (context) => {
    if (sameRole()) {
      console.log('skipped: the tests run the app as the owner (no runtime role could be created)');
      context.skip();
    }
    // A table made after the grants: covered by the owner's default privileges.
    await sql`CREATE TABLE later_thing (tenant_id uuid, id bigint GENERATED ALWAYS AS IDENTITY, note text)`.execute(t.owner);
    await sql`INSERT INTO later_thing (tenant_id, note) VALUES (gen_random_uuid(), 'a')`.execute(t.db);
    // And after the grants are applied again (as after every migration) nothing is lost.
    await grantRuntimeAccess(t.owner, runtime);
    await sql`UPDATE later_thing SET note = 'b'`.execute(t.db);
    await sql`DELETE FROM later_thing`.execute(t.db);
    expect(await refusal(sql.raw(`TRUNCATE later_thing`))).toBe('42501');
    expect(await refusal(sql.raw(`UPDATE serial_events SET type = 'forged'`))).toBe('42501');
  });
});
