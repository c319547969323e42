import type { DuplicateScope, Role } from '../core/model.ts';
import type { Db } from './database.ts';

export async function insertTenant(db: Db, tenant: { id: string; name: string }): Promise<void> {
  await db.insertInto('tenants').values(tenant).execute();
  await db.insertInto('settings').values({ tenant_id: tenant.id }).execute();
}

export async function tenantExists(db: Db, tenantId: string): Promise<boolean> {
  const row = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
  return row !== undefined;
}

export async function listTenants(db: Db): Promise<Array<{ id: string; name: string; createdAt: Date }>> {
  const rows = await db.selectFrom('tenants').select(['id', 'name', 'created_at']).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
}

export async function insertApiKey(
  db: Db,
  key: { tenantId: string; id: string; keyHash: Buffer; role: Role; label: string | null },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({ tenant_id: key.tenantId, id: key.id, key_hash: key.keyHash, role: key.role, label: key.label })
    .execute();
}

export async function findActiveApiKey(
  db: Db,
  tenantId: string,
  keyHash: Buffer,
): Promise<{ id: string; role: Role } | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'role'])
    .where('tenant_id', '=', tenantId)
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export type SettingsRow = {
  allowDuplicateSerialsInOrder: boolean;
  gs1Fnc1Substitute: string | null;
  duplicateScope: DuplicateScope;
  requireReceivedSerials: boolean;
  /** What the tenant's order numbers look like (serial-format language), so a scanned slip is not taken for a serial. */
  orderNumberFormat: string | null;
};

const settingsColumns = [
  'allow_duplicate_serials_in_order',
  'gs1_fnc1_substitute',
  'duplicate_scope',
  'require_received_serials',
  'order_number_format',
] as const;

function toSettings(row: {
  allow_duplicate_serials_in_order: boolean;
  gs1_fnc1_substitute: string | null;
  duplicate_scope: DuplicateScope;
  require_received_serials: boolean;
  order_number_format: string | null;
}): SettingsRow {
  return {
    allowDuplicateSerialsInOrder: row.allow_duplicate_serials_in_order,
    gs1Fnc1Substitute: row.gs1_fnc1_substitute,
    duplicateScope: row.duplicate_scope,
    requireReceivedSerials: row.require_received_serials,
    orderNumberFormat: row.order_number_format,
  };
}

export async function findSettings(db: Db, tenantId: string): Promise<SettingsRow> {
  const row = await db.selectFrom('settings').select(settingsColumns).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row
    ? toSettings(row)
    : { allowDuplicateSerialsInOrder: false, gs1Fnc1Substitute: null, duplicateScope: 'sku', requireReceivedSerials: false, orderNumberFormat: null };
}

export async function updateSettings(db: Db, tenantId: string, patch: Partial<SettingsRow>): Promise<SettingsRow> {
  const values: {
    allow_duplicate_serials_in_order?: boolean;
    gs1_fnc1_substitute?: string | null;
    duplicate_scope?: DuplicateScope;
    require_received_serials?: boolean;
    order_number_format?: string | null;
  } = {};
  if (patch.allowDuplicateSerialsInOrder !== undefined) values.allow_duplicate_serials_in_order = patch.allowDuplicateSerialsInOrder;
  if (patch.gs1Fnc1Substitute !== undefined) values.gs1_fnc1_substitute = patch.gs1Fnc1Substitute;
  if (patch.duplicateScope !== undefined) values.duplicate_scope = patch.duplicateScope;
  if (patch.requireReceivedSerials !== undefined) values.require_received_serials = patch.requireReceivedSerials;
  if (patch.orderNumberFormat !== undefined) values.order_number_format = patch.orderNumberFormat;
  const row = await db
    .insertInto('settings')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .returning(settingsColumns)
    .executeTakeFirstOrThrow();
  return toSettings(row);
}
