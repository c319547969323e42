import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';
import { createUser } from '../services/users.service.ts';

// Admins manage the tenant's users over HTTP (the web app's Settings uses these routes).
let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let admin: Record<string, string>;
let viewer: Record<string, string>;
let other: Record<string, string>;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const tenant = await createTenant(t.db, { name: 'Shop' });
  admin = bearer(tenant.apiKey);
  viewer = bearer((await createApiKey(t.db, { tenantId: tenant.tenantId, role: 'viewer' })).apiKey);
  await createUser(t.db, { tenantId: tenant.tenantId, email: 'boss@example.com', password: PASSWORD, role: 'admin' });
  other = bearer((await createTenant(t.db, { name: 'Other shop' })).apiKey);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const signIn = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
const cookieOf = (res: Awaited<ReturnType<typeof signIn>>) => `unitrace_session=${res.cookies.find((c) => c.name === 'unitrace_session')!.value}`;

describe('users over HTTP', () => {
  it('creates a user who can then sign in with their role, lists them, and records who did it in the audit trail', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { email: 'Pat@Example.com', role: 'packer', password: PASSWORD } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'pat@example.com', role: 'packer' });

    const signedIn = await signIn('pat@example.com', PASSWORD);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.role).toBe('packer');

    const list = await app.inject({ method: 'GET', url: '/api/v1/users', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({ email: 'boss@example.com', role: 'admin', disabledAt: null }),
      expect.objectContaining({ email: 'pat@example.com', role: 'packer', disabledAt: null }),
    ]);
    expect(JSON.stringify(list.json())).not.toMatch(/hash|password|scrypt/i);

    const audit = await app.inject({ method: 'GET', url: '/api/v1/audit?subject=user', headers: admin });
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json())).toContain('user.created');
  });

  it('refuses a second account for one email, a common password, a bad email and an unknown role, naming the field', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload });
    const again = await post({ email: 'pat@example.com', role: 'viewer', password: PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('USER_ALREADY_EXISTS');
    const common = await post({ email: 'sam@example.com', role: 'viewer', password: 'password123' });
    expect(common.statusCode).toBeGreaterThanOrEqual(400);
    expect(common.statusCode).toBeLessThan(500);
    expect(common.json().error.message).toMatch(/^password:/);
    const email = await post({ email: 'not-an-email', role: 'viewer', password: PASSWORD });
    expect(email.statusCode).toBe(400);
    expect(email.json().error.message).toMatch(/^email:/);
    const role = await post({ email: 'sam@example.com', role: 'owner', password: PASSWORD });
    expect(role.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: admin })).json().items.map((u: { email: string }) => u.email)).not.toContain('sam@example.com');
  });

  it('changes a role: the session ends, the next sign-in has the new role, and the audit trail has before and after', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { email: 'rita@example.com', role: 'packer', password: PASSWORD } });
    const cookie = cookieOf(await signIn('rita@example.com', PASSWORD));
    const changed = await app.inject({ method: 'PATCH', url: '/api/v1/users/rita%40example.com', headers: admin, payload: { role: 'viewer' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ email: 'rita@example.com', role: 'viewer' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } })).statusCode).toBe(401);
    const again = await signIn('rita@example.com', PASSWORD);
    expect(again.json().user.role).toBe('viewer');
    const cookie2 = cookieOf(again);
    expect((await app.inject({ method: 'POST', url: '/api/v1/returns', headers: { cookie: cookie2 }, payload: { orderNumber: 'X', items: [{ serial: 'S' }] } })).statusCode).toBe(403);

    const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit?action=user.role_changed', headers: admin })).json();
    expect(audit.items).toEqual([expect.objectContaining({ action: 'user.role_changed', before: { role: 'packer' }, after: { role: 'viewer' } })]);

    // The same role again changes nothing and ends no session.
    expect((await app.inject({ method: 'PATCH', url: '/api/v1/users/rita%40example.com', headers: admin, payload: { role: 'viewer' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie: cookie2 } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/audit?action=user.role_changed', headers: admin })).json().items).toHaveLength(1);

    const bad = await app.inject({ method: 'PATCH', url: '/api/v1/users/rita%40example.com', headers: admin, payload: { role: 'owner' } });
    expect(bad.statusCode).toBe(400);
    const nobody = await app.inject({ method: 'PATCH', url: '/api/v1/users/nobody%40example.com', headers: admin, payload: { role: 'viewer' } });
    expect(nobody.json().error.code).toBe('USER_NOT_FOUND');
  });

  it('disables a user: their session ends at once and they cannot sign in again; twice is harmless', async () => {
    const cookie = cookieOf(await signIn('pat@example.com', PASSWORD));
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } })).statusCode).toBe(200);
    const disabled = await app.inject({ method: 'POST', url: '/api/v1/users/pat%40example.com/disable', headers: admin });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabledAt).toMatch(/^\d{4}-/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie } })).statusCode).toBe(401);
    expect((await signIn('pat@example.com', PASSWORD)).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/v1/users/pat%40example.com/disable', headers: admin });
    expect(again.json().disabledAt).toBe(disabled.json().disabledAt);
    const list = (await app.inject({ method: 'GET', url: '/api/v1/users', headers: admin })).json().items;
    expect(list.find((u: { email: string }) => u.email === 'pat@example.com').disabledAt).toBe(disabled.json().disabledAt);
  });

  it('does not let a signed-in admin disable themself or change their own role', async () => {
    const cookie = cookieOf(await signIn('boss@example.com', PASSWORD));
    const res = await app.inject({ method: 'POST', url: '/api/v1/users/boss%40example.com/disable', headers: { cookie } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CANNOT_DISABLE_SELF');
    const demote = await app.inject({ method: 'PATCH', url: '/api/v1/users/boss%40example.com', headers: { cookie }, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('CANNOT_CHANGE_OWN_ROLE');
    expect((await signIn('boss@example.com', PASSWORD)).statusCode).toBe(200);
  });

  it("keeps tenants apart and users to admins: another tenant's admin finds nobody, a viewer is refused", async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: other })).json().items).toEqual([]);
    const foreign = await app.inject({ method: 'POST', url: '/api/v1/users/boss%40example.com/disable', headers: other });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('USER_NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: viewer })).statusCode).toBe(403);
    const create = await app.inject({ method: 'POST', url: '/api/v1/users', headers: viewer, payload: { email: 'x@example.com', role: 'admin', password: PASSWORD } });
    expect(create.statusCode).toBe(403);
  });
});

describe('changing one\u2019s own password', () => {
  const post = (cookie: string, payload: object) => app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie }, payload });

  it('sets a new password given the current one: the old one stops working, other sessions end, this one stays', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { email: 'kim@example.com', role: 'packer', password: PASSWORD } });
    const mine = cookieOf(await signIn('kim@example.com', PASSWORD));
    const elsewhere = cookieOf(await signIn('kim@example.com', PASSWORD));

    const wrong = await post(mine, { currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toMatch(/^currentPassword:/);
    const common = await post(mine, { currentPassword: PASSWORD, newPassword: 'password123' });
    expect(common.json().error.code).toBe('PASSWORD_TOO_COMMON');
    expect(common.json().error.message).toMatch(/^newPassword:/);

    expect((await post(mine, { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })).statusCode).toBe(204);
    expect((await signIn('kim@example.com', PASSWORD)).statusCode).toBe(401);
    expect((await signIn('kim@example.com', 'a brand new passphrase')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie: mine } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders', headers: { cookie: elsewhere } })).statusCode).toBe(401);
    const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit?action=user.password_changed', headers: admin })).json();
    expect(audit.items).toEqual([expect.objectContaining({ action: 'user.password_changed', actor: 'kim@example.com' })]);
  });

  it('counts wrong current passwords as failed sign-ins, so an open session cannot guess without limit', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/users', headers: admin, payload: { email: 'lee@example.com', role: 'viewer', password: PASSWORD } });
    const cookie = cookieOf(await signIn('lee@example.com', PASSWORD));
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await post(cookie, { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' })).statusCode);
    expect(statuses.slice(0, 9).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect((await post(cookie, { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' })).statusCode).toBe(429);
  });

  it('has nothing to change for an API key', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: admin, payload: { currentPassword: 'x', newPassword: 'a brand new passphrase' } });
    expect(res.statusCode).toBe(403);
  });
});
