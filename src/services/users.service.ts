import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DomainError } from '../core/errors.ts';
import { type Actor, type Role, roles } from '../core/model.ts';
import { checkNewPassword } from '../core/passwords.ts';
import type { Db } from '../storage/database.ts';
import { isUniqueViolation } from '../storage/errors.ts';
import {
  deleteSession,
  findSessionUser,
  findTenantUserByEmail,
  findUsersByEmail,
  hasActiveUser,
  insertSession,
  insertUser,
  listTenantUsers,
  markUserDisabled,
  updateUserPassword,
  updateUserRole,
  type UserRow,
} from '../storage/users.repository.ts';
import { beginSignInAttempt, type Client, failSignInAttempt, succeedSignInAttempt } from './auth-throttle.service.ts';
import { recordAudit } from './audit.service.ts';
import { requireTenant } from './tenants.service.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

// scrypt with N=2^15, r=8, p=1 (about 32 MiB and tens of milliseconds per hash): stored as
// scrypt$N$r$p$salt$hash so the cost can be raised later without breaking old hashes.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SESSION_DAYS = 14;
export const SESSION_COOKIE = 'unitrace_session';
const TOKEN_PATTERN = /^us_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

// The common-password list (about 49,000 passwords, from @zxcvbn-ts/language-common, MIT), loaded
// on the first password set rather than by every CLI command.
let commonPasswords: Promise<ReadonlySet<string>> | null = null;

function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())),
  );
  return commonPasswords;
}

/** Throws unless `password` may be set as a new password (length, not a common one). */
export async function checkPasswordRules(password: string, field = 'password'): Promise<void> {
  checkNewPassword(password, await loadCommonPasswords(), field);
}

export type PublicUser = { id: string; email: string; role: Role; tenantId: string; tenantName: string };

const present = (u: UserRow): PublicUser => ({ id: u.id, email: u.email, role: u.role, tenantId: u.tenantId, tenantName: u.tenantName });

/** Whether any person can sign in yet (a fresh install has only the first tenant's API key). */
export async function anyoneCanSignIn(db: Db): Promise<boolean> {
  return hasActiveUser(db);
}

/** A person who signs in to the web app. `by` is who asked (an actor id; the command line when not given). */
export async function createUser(
  db: Db,
  input: { tenantId: string; email: string; password: string; role: Role; by?: string },
): Promise<{ id: string; email: string; role: Role }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
    throw new DomainError('VALIDATION_FAILED', 'email: must be an email address like name@example.com', { field: 'email' });
  }
  checkRole(input.role);
  await checkPasswordRules(input.password);
  await requireTenant(db, input.tenantId);
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  try {
    await db.transaction().execute(async (trx) => {
      await insertUser(trx, { tenantId: input.tenantId, id, email, passwordHash, role: input.role });
      await recordAudit(trx, { tenantId: input.tenantId, id: input.by ?? 'cli' }, [
        { action: 'user.created', subjectType: 'user', subjectId: id, after: { email, role: input.role } },
      ]);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('USER_ALREADY_EXISTS', `email: ${email} already has an account in this tenant`);
    throw error;
  }
  return { id, email, role: input.role };
}

function checkRole(role: Role): void {
  if (!roles.includes(role)) throw new DomainError('VALIDATION_FAILED', `role: must be one of ${roles.join(', ')}`, { field: 'role' });
}

/**
 * The tenant's user with this email, locked for the transaction, when it is not the actor: nobody
 * signed in disables themself or changes their own role (`selfCode`, saying another admin must `what`).
 */
async function lockOtherUser(trx: Db, actor: Actor, rawEmail: string, selfCode: 'CANNOT_DISABLE_SELF' | 'CANNOT_CHANGE_OWN_ROLE', what: string) {
  const email = rawEmail.trim().toLowerCase();
  const user = await findTenantUserByEmail(trx, actor.tenantId, email);
  if (!user) throw new DomainError('USER_NOT_FOUND', `email: no user ${email} in this tenant`, { email });
  if (actor.id === `user:${user.id}`) throw new DomainError(selfCode, `email: ${email} is you; another admin must ${what}`, { email });
  return { user, email };
}

/** The people of the actor's tenant, with their roles and whether they are disabled. */
export async function listUsers(db: Db, actor: Actor) {
  return listTenantUsers(db, actor.tenantId);
}

/**
 * Disables a user of the actor's tenant: they can no longer sign in, and their sessions end. Twice
 * is harmless. A signed-in person cannot disable themself (an admin would lock themself out).
 */
export async function disableUser(db: Db, actor: Actor, rawEmail: string): Promise<{ id: string; email: string; disabledAt: Date }> {
  return db.transaction().execute(async (trx) => {
    const { user, email } = await lockOtherUser(trx, actor, rawEmail, 'CANNOT_DISABLE_SELF', 'disable your account');
    if (user.disabledAt) return { id: user.id, email, disabledAt: user.disabledAt };
    const at = new Date();
    await markUserDisabled(trx, actor.tenantId, user.id, at);
    await recordAudit(trx, actor, [
      { action: 'user.disabled', subjectType: 'user', subjectId: user.id, before: { disabledAt: null }, after: { disabledAt: at } },
    ]);
    return { id: user.id, email, disabledAt: at };
  });
}

/**
 * Gives a user of the actor's tenant another role. Their sessions end (they sign in again with the
 * new role). The same role again changes nothing; nobody signed in changes their own role.
 */
export async function changeUserRole(db: Db, actor: Actor, rawEmail: string, role: Role): Promise<{ id: string; email: string; role: Role }> {
  checkRole(role);
  return db.transaction().execute(async (trx) => {
    const { user, email } = await lockOtherUser(trx, actor, rawEmail, 'CANNOT_CHANGE_OWN_ROLE', 'change your role');
    if (user.role === role) return { id: user.id, email, role };
    await updateUserRole(trx, actor.tenantId, user.id, role);
    await recordAudit(trx, actor, [{ action: 'user.role_changed', subjectType: 'user', subjectId: user.id, before: { role: user.role }, after: { role } }]);
    return { id: user.id, email, role };
  });
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

// A real hash to compare against when the email is unknown, so a wrong email takes as long as a
// wrong password and sign-in does not reveal which accounts exist.
let decoy: Promise<string> | null = null;

/**
 * Checks email and password and opens a session. With accounts in several tenants, `tenantId`
 * chooses; without it the first tenant (by name) whose password matches is used. Failed attempts
 * are limited per email and per client address (auth-throttle.service.ts): past a limit the answer
 * is TOO_MANY_ATTEMPTS, even for the right password, until the window closes.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; tenantId?: string },
  client: Client,
): Promise<{ token: string; user: PublicUser; expiresAt: Date }> {
  const email = input.email.trim().toLowerCase();
  const attempt = await beginSignInAttempt(db, email, client);
  const candidates = (await findUsersByEmail(db, email))
    .filter((u) => !input.tenantId || u.tenantId === input.tenantId)
    .sort((a, b) => a.tenantName.localeCompare(b.tenantName));
  let user: UserRow | undefined;
  for (const candidate of candidates) {
    if (await verifyPassword(input.password, candidate.passwordHash)) {
      user = candidate;
      break;
    }
  }
  if (candidates.length === 0) {
    decoy ??= hashPassword('decoy password for timing');
    await verifyPassword(input.password, await decoy);
  }
  if (!user) failSignInAttempt(attempt);
  const signedIn = user;
  const token = `us_${user.tenantId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await db.transaction().execute(async (trx) => {
    await succeedSignInAttempt(trx, attempt);
    await insertSession(trx, { tenantId: signedIn.tenantId, tokenHash: tokenHash(token), userId: signedIn.id, expiresAt });
  });
  return { token, user: present(user), expiresAt };
}

function tenantOfToken(token: string): string | null {
  const m = TOKEN_PATTERN.exec(token);
  if (!m) return null;
  const h = m[1];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A signed-in person sets a new password, giving the current one. Wrong current passwords count as
 * failed sign-ins (the same limits, per email and address), so a session left open does not allow
 * unlimited guessing. Their other sessions end; the one that asked stays signed in.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  token: string | undefined,
  input: { currentPassword: string; newPassword: string },
  client: Client,
): Promise<void> {
  const tenantId = token ? tenantOfToken(token) : null;
  const user = token && tenantId ? await findSessionUser(db, tenantId, tokenHash(token), new Date()) : undefined;
  if (!token || !user || actor.id !== `user:${user.id}`) {
    throw new DomainError('FORBIDDEN', 'session: only a person signed in to the web app has a password to change');
  }
  await checkPasswordRules(input.newPassword, 'newPassword');
  const attempt = await beginSignInAttempt(db, user.email, client);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    failSignInAttempt(attempt, new DomainError('VALIDATION_FAILED', 'currentPassword: is not your current password', { field: 'currentPassword' }));
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await succeedSignInAttempt(trx, attempt);
    await updateUserPassword(trx, user.tenantId, user.id, passwordHash, tokenHash(token));
    await recordAudit(trx, { tenantId: user.tenantId, id: `user:${user.id}` }, [{ action: 'user.password_changed', subjectType: 'user', subjectId: user.id }]);
  });
}

export async function authenticateSession(db: Db, token: string): Promise<{ actor: Actor; user: PublicUser } | null> {
  const tenantId = tenantOfToken(token);
  if (!tenantId) return null;
  const user = await findSessionUser(db, tenantId, tokenHash(token), new Date());
  if (!user) return null;
  return { actor: { tenantId, id: `user:${user.id}`, role: user.role }, user: present(user) };
}

export async function signOut(db: Db, token: string): Promise<void> {
  const tenantId = tenantOfToken(token);
  if (tenantId) await deleteSession(db, tenantId, tokenHash(token));
}
