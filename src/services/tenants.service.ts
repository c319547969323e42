import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { changedFields } from '../core/audit.ts';
import { DomainError, isDomainError } from '../core/errors.ts';
import { compileSerialFormat } from '../core/serial-format/index.ts';
import { type Actor, type Role, roles } from '../core/model.ts';
import type { Db } from '../storage/database.ts';
import { recordAudit } from './audit.service.ts';
import { type Client, recordWrongApiKey } from './auth-throttle.service.ts';
import {
  type ApiKeyRow,
  findActiveApiKey,
  findApiKey,
  findSettings,
  insertApiKey,
  insertTenant,
  listApiKeys,
  listTenants,
  markApiKeyRevoked,
  type SettingsRow,
  tenantExists,
  updateSettings,
} from '../storage/tenants.repository.ts';

export type { ApiKeyRow };

// An API key is `ut_<tenant id, 32 hex>_<secret>`: the tenant part finds the tenant's keys without a
// cross-tenant lookup, the 256-bit secret makes it unguessable, and only its SHA-256 is stored (a
// fast hash is right for random secrets; people's passwords get scrypt).
const KEY_PATTERN = /^ut_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function tenantIdFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function createTenant(db: Db, input: { name: string }): Promise<{ tenantId: string; apiKey: string }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new DomainError('VALIDATION_FAILED', 'name: must be 1 to 200 characters', { field: 'name' });
  }
  const tenantId = randomUUID();
  return db.transaction().execute(async (trx) => {
    await insertTenant(trx, { id: tenantId, name });
    const { apiKey } = await addApiKey(trx, { tenantId, role: 'admin', label: 'first admin key', by: 'cli' });
    return { tenantId, apiKey };
  });
}

/**
 * A new API key for the tenant; the key itself is returned once and only its hash is kept. `by`
 * is who asked (an actor id; the command line when not given), for the audit trail.
 */
export async function createApiKey(
  db: Db,
  input: { tenantId: string; role: Role; label?: string | null; by?: string },
): Promise<{ apiKey: string; keyId: string; key: ApiKeyRow }> {
  if (!roles.includes(input.role)) {
    throw new DomainError('VALIDATION_FAILED', `role: must be one of ${roles.join(', ')}`, { field: 'role' });
  }
  await requireTenant(db, input.tenantId);
  return db.transaction().execute((trx) => addApiKey(trx, { ...input, by: input.by ?? 'cli' }));
}

async function addApiKey(
  trx: Db,
  input: { tenantId: string; role: Role; label?: string | null; by: string },
): Promise<{ apiKey: string; keyId: string; key: ApiKeyRow }> {
  const apiKey = `ut_${input.tenantId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
  const keyId = randomUUID();
  const label = input.label?.trim() || null;
  const { createdAt } = await insertApiKey(trx, { tenantId: input.tenantId, id: keyId, keyHash: hashKey(apiKey), role: input.role, label });
  await recordAudit(trx, { tenantId: input.tenantId, id: input.by }, [
    { action: 'api_key.created', subjectType: 'api_key', subjectId: keyId, after: { role: input.role, label } },
  ]);
  return { apiKey, keyId, key: { id: keyId, role: input.role, label, createdAt, revokedAt: null } };
}

/** The tenant's API keys: id, role, label, when made and revoked; never the key or its hash. */
export async function getApiKeys(db: Db, actor: Actor): Promise<ApiKeyRow[]> {
  return listApiKeys(db, actor.tenantId);
}

/** Revokes one of the tenant's API keys: it stops working at once. Revoking twice is harmless. */
export async function revokeApiKey(db: Db, actor: Actor, keyId: string): Promise<ApiKeyRow> {
  return db.transaction().execute(async (trx) => {
    const key = UUID.test(keyId) ? await findApiKey(trx, actor.tenantId, keyId, { lock: true }) : undefined;
    if (!key) throw new DomainError('API_KEY_NOT_FOUND', `id: no API key ${keyId}`, { id: keyId });
    if (key.revokedAt) return key;
    const revoked = await markApiKeyRevoked(trx, actor.tenantId, keyId, new Date());
    await recordAudit(trx, actor, [
      { action: 'api_key.revoked', subjectType: 'api_key', subjectId: keyId, before: { revokedAt: null }, after: { revokedAt: revoked.revokedAt } },
    ]);
    return revoked;
  });
}

/**
 * The actor behind an API key, or null when the key is malformed, unknown or revoked. Such a
 * failure is counted against the client's address and the tenant the key names, and past their
 * limits it throws TOO_MANY_ATTEMPTS instead (auth-throttle.service.ts).
 */
export async function authenticateApiKey(db: Db, apiKey: string, client: Client): Promise<Actor | null> {
  const match = KEY_PATTERN.exec(apiKey);
  const tenantId = match ? tenantIdFromHex(match[1]) : null;
  const key = tenantId ? await findActiveApiKey(db, tenantId, hashKey(apiKey)) : undefined;
  if (tenantId && key) return { tenantId, id: `key:${key.id}`, role: key.role };
  await recordWrongApiKey(db, client, tenantId);
  return null;
}

/** Throws TENANT_NOT_FOUND unless the tenant exists. */
export async function requireTenant(db: Db, tenantId: string): Promise<void> {
  if (!UUID.test(tenantId) || !(await tenantExists(db, tenantId))) {
    throw new DomainError('TENANT_NOT_FOUND', `tenant: no tenant ${tenantId}`);
  }
}

export async function getTenants(db: Db) {
  return listTenants(db);
}

export async function getSettings(db: Db, actor: Actor): Promise<SettingsRow> {
  return findSettings(db, actor.tenantId);
}

export async function changeSettings(db: Db, actor: Actor, patch: Partial<SettingsRow>): Promise<SettingsRow> {
  if (patch.orderNumberFormat) {
    try {
      compileSerialFormat(patch.orderNumberFormat);
    } catch (error) {
      if (isDomainError(error)) {
        throw new DomainError(error.code, `orderNumberFormat: ${error.message.replace(/^[a-zA-Z]+: /, '')}`, { field: 'orderNumberFormat' });
      }
      throw error;
    }
  }
  return db.transaction().execute(async (trx) => {
    const before = await findSettings(trx, actor.tenantId, { lock: true });
    const after = await updateSettings(trx, actor.tenantId, patch);
    const changed = changedFields(before, after);
    if (changed) await recordAudit(trx, actor, [{ action: 'settings.updated', subjectType: 'settings', subjectId: null, ...changed }]);
    return after;
  });
}
