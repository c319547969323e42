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
): Promise<{ createdAt: Date }> {
  const row = await db
    .insertInto('api_keys')
    .values({ tenant_id: key.tenantId, id: key.id, key_hash: key.keyHash, role: key.role, label: key.label })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return { createdAt: row.created_at };
}

export type ApiKeyRow = { id: string; role: Role; label: string | null; createdAt: Date; revokedAt: Date | null };

const keyColumns = ['id', 'role', 'label', 'created_at', 'revoked_at'] as const;

function toKey(r: { id: string; role: Role; label: string | null; created_at: Date; revoked_at: Date | null }): ApiKeyRow {
  return { id: r.id, role: r.role, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at };
}

/** The tenant's API keys, newest first (never their hashes). */
export async function listApiKeys(db: Db, tenantId: string): Promise<ApiKeyRow[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(keyColumns)
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toKey);
}

export async function findApiKey(db: Db, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<ApiKeyRow | undefined> {
  let query = db.selectFrom('api_keys').select(keyColumns).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toKey(row);
}

export async function markApiKeyRevoked(db: Db, tenantId: string, id: string, at: Date): Promise<ApiKeyRow> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(keyColumns)
    .executeTakeFirstOrThrow();
  return toKey(row);
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

export const settingsColumns = [
  'allow_duplicate_serials_in_order',
  'gs1_fnc1_substitute',
  'duplicate_scope',
  'require_received_serials',
  'order_number_format',
] as const;

export function toSettings(row: {
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

export async function findSettings(db: Db, tenantId: string, options: { lock?: boolean } = {}): Promise<SettingsRow> {
  let query = db.selectFrom('settings').select(settingsColumns).where('tenant_id', '=', tenantId);
  if (options.lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
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
