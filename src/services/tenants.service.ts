import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DomainError, isDomainError } from '../core/errors.ts';
import { compileSerialFormat } from '../core/serial-format/index.ts';
import { type Actor, type Role, roles } from '../core/model.ts';
import type { Db } from '../storage/database.ts';
import { type Client, recordWrongApiKey } from './auth-throttle.service.ts';
import {
  findActiveApiKey,
  findSettings,
  insertApiKey,
  insertTenant,
  listTenants,
  type SettingsRow,
  tenantExists,
  updateSettings,
} from '../storage/tenants.repository.ts';

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
    const { apiKey } = await createApiKey(trx, { tenantId, role: 'admin', label: 'first admin key' });
    return { tenantId, apiKey };
  });
}

export async function createApiKey(
  db: Db,
  input: { tenantId: string; role: Role; label?: string | null },
): Promise<{ apiKey: string; keyId: string }> {
  if (!roles.includes(input.role)) {
    throw new DomainError('VALIDATION_FAILED', `role: must be one of ${roles.join(', ')}`, { field: 'role' });
  }
  await requireTenant(db, input.tenantId);
  const apiKey = `ut_${input.tenantId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
  const keyId = randomUUID();
  await insertApiKey(db, {
    tenantId: input.tenantId,
    id: keyId,
    keyHash: hashKey(apiKey),
    role: input.role,
    label: input.label ?? null,
  });
  return { apiKey, keyId };
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
  return updateSettings(db, actor.tenantId, patch);
}
