import type { Role } from '../core/model.ts';
import type { Db } from './database.ts';

export type UserRow = { tenantId: string; tenantName: string; id: string; email: string; role: Role; passwordHash: string };

export async function insertUser(
  db: Db,
  user: { tenantId: string; id: string; email: string; passwordHash: string; role: Role },
): Promise<void> {
  await db
    .insertInto('users')
    .values({ tenant_id: user.tenantId, id: user.id, email: user.email, password_hash: user.passwordHash, role: user.role })
    .execute();
}

/** Whether anyone can sign in to the web app at all (an active user in any tenant). */
export async function hasActiveUser(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('disabled_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

const userColumns = ['u.tenant_id', 't.name as tenant_name', 'u.id', 'u.email', 'u.role', 'u.password_hash'] as const;

function toUser(r: { tenant_id: string; tenant_name: string; id: string; email: string; role: Role; password_hash: string }): UserRow {
  return { tenantId: r.tenant_id, tenantName: r.tenant_name, id: r.id, email: r.email, role: r.role, passwordHash: r.password_hash };
}

/** Active accounts with this email, in every tenant (sign-in does not know the tenant yet). */
export async function findUsersByEmail(db: Db, email: string): Promise<UserRow[]> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select(userColumns)
    .where('u.email', '=', email)
    .where('u.disabled_at', 'is', null)
    .execute();
  return rows.map(toUser);
}

export async function insertSession(
  db: Db,
  session: { tenantId: string; tokenHash: Buffer; userId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ tenant_id: session.tenantId, token_hash: session.tokenHash, user_id: session.userId, expires_at: session.expiresAt })
    .execute();
}

export async function findSessionUser(db: Db, tenantId: string, tokenHash: Buffer, now: Date): Promise<UserRow | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'))
    .innerJoin('tenants as t', 't.id', 'u.tenant_id')
    .select(userColumns)
    .where('s.tenant_id', '=', tenantId)
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function deleteSession(db: Db, tenantId: string, tokenHash: Buffer): Promise<void> {
  await db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).execute();
}

/** The tenant's user with this email, disabled or not, locked for the transaction. */
export async function findTenantUserByEmail(
  db: Db,
  tenantId: string,
  email: string,
): Promise<{ id: string; email: string; role: Role; disabledAt: Date | null } | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'disabled_at'])
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .forUpdate()
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, role: row.role, disabledAt: row.disabled_at };
}

/** The tenant's users, disabled ones too, by email. */
export async function listTenantUsers(
  db: Db,
  tenantId: string,
): Promise<Array<{ id: string; email: string; role: Role; createdAt: Date; disabledAt: Date | null }>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'created_at', 'disabled_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('email')
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at }));
}

/** Ends a user's sessions, all of them or all but the one `except` names. */
async function endSessions(db: Db, tenantId: string, userId: string, except?: Buffer): Promise<void> {
  let query = db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId);
  if (except) query = query.where('token_hash', '<>', except);
  await query.execute();
}

/** Gives a user another role; their sessions end, so the new role applies from their next sign-in on. */
export async function updateUserRole(db: Db, tenantId: string, userId: string, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
  await endSessions(db, tenantId, userId);
}

/** Sets a user's password hash and ends their sessions but `keepTokenHash` (the one that asked). */
export async function updateUserPassword(db: Db, tenantId: string, userId: string, passwordHash: string, keepTokenHash: Buffer): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
  await endSessions(db, tenantId, userId, keepTokenHash);
}

/** Disables a user and ends their sessions. */
export async function markUserDisabled(db: Db, tenantId: string, userId: string, at: Date): Promise<void> {
  await db.updateTable('users').set({ disabled_at: at }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
  await endSessions(db, tenantId, userId);
}
