import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { makeApp } from '../../test/app.ts';
import { createTenant } from '../services/tenants.service.ts';
import { createUser } from '../services/users.service.ts';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  const { tenantId } = await createTenant(t.db, { name: 'Shop' });
  await createUser(t.db, { tenantId, email: 'Packer@Example.com', password: 'correct horse battery', role: 'packer' });
});
afterAll(async () => {
  await app.close();
  await t.close();
});

async function signIn(email: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
}

function sessionCookie(res: Awaited<ReturnType<typeof signIn>>): string {
  const cookie = res.cookies.find((c) => c.name === 'unitrace_session');
  if (!cookie) throw new Error('no session cookie');
  return `unitrace_session=${cookie.value}`;
}

describe('signing in to the web app', () => {
  it('signs in with email (any case) and password and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await signIn('packer@example.COM', 'correct horse battery');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: 'packer@example.com', role: 'packer', tenantName: 'Shop' });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: sessionCookie(res) } });
    expect(me.json().user.email).toBe('packer@example.com');
  });

  it('refuses a wrong password and an unknown email alike with 401 UNAUTHENTICATED', async () => {
    for (const [email, password] of [
      ['packer@example.com', 'wrong password!'],
      ['nobody@example.com', 'correct horse battery'],
    ]) {
      const res = await signIn(email, password);
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'UNAUTHENTICATED', message: 'email or password is wrong' });
    }
  });

  it('lets the session call the API with its role, and refuses what the role may not do with 403', async () => {
    const cookie = sessionCookie(await signIn('packer@example.com', 'correct horse battery'));
    expect((await app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie } })).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/api/v1/products', headers: { cookie }, payload: { sku: 'X', name: 'X' } });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a cookie-authenticated change sent from another origin with 403 FORBIDDEN', async () => {
    const cookie = sessionCookie(await signIn('packer@example.com', 'correct horse battery'));
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: { cookie, origin: 'https://evil.example', host: 'localhost:80' },
      payload: { allowDuplicateSerialsInOrder: true },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('origin');
  });

  it('ends the session on sign-out', async () => {
    const cookie = sessionCookie(await signIn('packer@example.com', 'correct horse battery'));
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie } })).statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/v1/products', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });
});
