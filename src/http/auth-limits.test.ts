import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { bearer, makeApp } from '../../test/app.ts';
import { cleanUpAuthCounters } from '../services/auth-throttle.service.ts';
import { createApiKey, createTenant } from '../services/tenants.service.ts';
import { createUser } from '../services/users.service.ts';
import { buildApp } from './app.ts';

// The limits as designed (core/auth-limits.ts), written out: raising one in code turns this red.
const PER_ACCOUNT_AND_ADDRESS = 10;
const PER_ACCOUNT = 30;
const PER_ADDRESS = 50;
const KEYS_PER_ADDRESS = 20;
const KEYS_PER_TENANT = 100;
const WINDOW = 15 * 60;

const PASSWORD = 'correct horse battery';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof makeApp>>;
let tenantId: string;
let apiKey: string;

// Every test uses its own emails and addresses (from TEST-NET ranges), so counters never cross.
let seq = 0;
const freshAddress = () => `198.51.100.${++seq}`;

async function newUser(): Promise<string> {
  const email = `user${++seq}@example.com`;
  await createUser(t.db, { tenantId, email, password: PASSWORD, role: 'packer' });
  return email;
}

function signIn(email: string, password: string, remoteAddress: string, on = app) {
  return on.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress });
}

async function failTimes(n: number, email: string, address: string, on = app): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await signIn(email, `wrong password ${i}`, address, on)).statusCode);
  return statuses;
}

function expectLimited(res: Awaited<ReturnType<typeof signIn>>, code = 'TOO_MANY_ATTEMPTS') {
  expect(res.statusCode, res.body).toBe(429);
  const body = res.json();
  expect(body.error.code).toBe(code);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW);
  expect(body.error.details.retryAfterSeconds).toBe(retryAfter);
}

/** Moves every counter of these emails and addresses back past the end of its window. */
async function expireWindows(emails: string[], addresses: string[]) {
  await sql`UPDATE sign_in_failures SET window_start = window_start - interval '16 minutes' WHERE email = ANY(${emails})`.execute(t.db);
  await sql`UPDATE address_failures SET window_start = window_start - interval '16 minutes' WHERE address = ANY(${addresses})`.execute(t.db);
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await makeApp(t);
  ({ tenantId, apiKey } = await createTenant(t.db, { name: 'Shop' }));
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('failed sign-ins for one account', () => {
  it(`answers the ${PER_ACCOUNT_AND_ADDRESS}th wrong password from one address with 429 TOO_MANY_ATTEMPTS and Retry-After, then refuses the right password too`, async () => {
    const email = await newUser();
    const address = freshAddress();
    const statuses = await failTimes(PER_ACCOUNT_AND_ADDRESS, email, address);
    expect(statuses.slice(0, -1)).toEqual(Array(PER_ACCOUNT_AND_ADDRESS - 1).fill(401));
    expect(statuses.at(-1)).toBe(429);
    const right = await signIn(email, PASSWORD, address);
    expectLimited(right);
    expect(right.json().error.message).toMatch(/^sign-in: too many failed attempts; try again in 1[45] minutes$/);
    expect(right.cookies).toEqual([]);
  });

  it('answers an unknown email exactly as an existing one: 401 with the same message, then 429 at the same count', async () => {
    const email = await newUser();
    const unknown = `nobody${++seq}@example.com`;
    const [a, b] = [freshAddress(), freshAddress()];
    const known = await failTimes(PER_ACCOUNT_AND_ADDRESS, email, a);
    const stranger = await failTimes(PER_ACCOUNT_AND_ADDRESS, unknown, b);
    expect(stranger).toEqual(known);
    const [r1, r2] = [await signIn(email, 'x', a), await signIn(unknown, 'x', b)];
    expect(r1.json().error.message).toBe(r2.json().error.message);
    expect(Math.abs(Number(r1.headers['retry-after']) - Number(r2.headers['retry-after']))).toBeLessThan(30);
    const first = await signIn(`nobody${++seq}@example.com`, 'x', freshAddress());
    expect(first.json().error).toEqual({ code: 'UNAUTHENTICATED', message: 'email or password is wrong' });
  });

  it('lets the same account in from another address, and another account in from the limited address', async () => {
    const email = await newUser();
    const other = await newUser();
    const [attacker, owner] = [freshAddress(), freshAddress()];
    await failTimes(PER_ACCOUNT_AND_ADDRESS, email, attacker);
    expectLimited(await signIn(email, PASSWORD, attacker));
    // The limited address may still sign in to another account: its own limit is per address.
    expect((await signIn(other, PASSWORD, attacker)).statusCode).toBe(200);
    // From another address the account answers as usual: one attacker cannot lock its owner out.
    expect((await signIn(email, 'still wrong', owner)).statusCode).toBe(401);
    expect((await signIn(email, PASSWORD, owner)).statusCode).toBe(200);
  });

  it(`caps the account at ${PER_ACCOUNT} failures from every address together, then refuses it from any address`, async () => {
    const email = await newUser();
    const addresses = Array.from({ length: PER_ACCOUNT / PER_ACCOUNT_AND_ADDRESS }, freshAddress);
    const statuses: number[] = [];
    for (const address of addresses) statuses.push(...(await failTimes(PER_ACCOUNT_AND_ADDRESS - 1, email, address)));
    expect(statuses.every((s) => s === 401)).toBe(true);
    // 27 failures so far; three more from fresh addresses fill the account's window.
    const last = [await signIn(email, 'a', freshAddress()), await signIn(email, 'b', freshAddress()), await signIn(email, 'c', freshAddress())];
    expect(last.map((r) => r.statusCode)).toEqual([401, 401, 429]);
    expectLimited(await signIn(email, PASSWORD, freshAddress()));
  });

  it('forgets the failures after a right password before the limit', async () => {
    const email = await newUser();
    const address = freshAddress();
    expect(await failTimes(PER_ACCOUNT_AND_ADDRESS - 1, email, address)).toEqual(Array(PER_ACCOUNT_AND_ADDRESS - 1).fill(401));
    expect((await signIn(email, PASSWORD, address)).statusCode).toBe(200);
    const again = await failTimes(PER_ACCOUNT_AND_ADDRESS, email, address);
    expect(again).toEqual([...Array(PER_ACCOUNT_AND_ADDRESS - 1).fill(401), 429]);
  });

  it('lets the user in again once the window has closed (counters back-dated by 16 minutes)', async () => {
    const email = await newUser();
    const address = freshAddress();
    await failTimes(PER_ACCOUNT_AND_ADDRESS, email, address);
    expectLimited(await signIn(email, PASSWORD, address));
    await expireWindows([email], [address]);
    const res = await signIn(email, PASSWORD, address);
    expect(res.statusCode, res.body).toBe(200);
    // Still limited 14 minutes in: back-date a fresh lock by 14 minutes only.
    await failTimes(PER_ACCOUNT_AND_ADDRESS, email, address);
    await sql`UPDATE sign_in_failures SET window_start = window_start - interval '14 minutes' WHERE email = ${email}`.execute(t.db);
    const early = await signIn(email, PASSWORD, address);
    expectLimited(early);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('judges concurrent guesses one after another: of 25 at once, only the first 10 are checked', async () => {
    const email = await newUser();
    const address = freshAddress();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => signIn(email, `parallel guess ${i}`, address)));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_ACCOUNT_AND_ADDRESS - 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25 - (PER_ACCOUNT_AND_ADDRESS - 1));
    const [{ failures }] = (
      await sql<{ failures: number }>`SELECT failures FROM sign_in_failures WHERE email = ${email} AND address = ${address}`.execute(t.db)
    ).rows;
    expect(failures).toBe(PER_ACCOUNT_AND_ADDRESS);
  });
});

describe('failed sign-ins from one address (credential stuffing)', () => {
  it(`answers the ${PER_ADDRESS}th failure across many accounts with 429, then refuses a right password from there; a success does not reset it`, async () => {
    const address = freshAddress();
    const own = await newUser();
    const victim = await newUser();
    const half = PER_ADDRESS / 2;
    const statuses: number[] = [];
    for (let i = 0; i < half; i++) statuses.push((await signIn(`stuffed${++seq}@example.com`, 'Summer2024!', address)).statusCode);
    // Signing in to an account of one's own does not buy more guesses at the others.
    expect((await signIn(own, PASSWORD, address)).statusCode).toBe(200);
    for (let i = half; i < PER_ADDRESS; i++) statuses.push((await signIn(`stuffed${++seq}@example.com`, 'Summer2024!', address)).statusCode);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expectLimited(await signIn(victim, PASSWORD, address));
    expectLimited(await signIn(own, PASSWORD, address));
    // The accounts themselves are not limited: from another address they sign in.
    expect((await signIn(victim, PASSWORD, freshAddress())).statusCode).toBe(200);
    await expireWindows([], [address]);
    expect((await signIn(victim, PASSWORD, address)).statusCode).toBe(200);
  });

  it('counts IPv6 clients by their /64: stepping through addresses in one /64 does not reset the count', async () => {
    const email = await newUser();
    const statuses = [];
    for (let i = 1; i <= PER_ACCOUNT_AND_ADDRESS; i++) statuses.push((await signIn(email, 'nope', `2001:db8:77:1::${i.toString(16)}`)).statusCode);
    expect(statuses.at(-1)).toBe(429);
    expectLimited(await signIn(email, PASSWORD, '2001:db8:77:1:ffff:1:2:3'));
    expect((await signIn(email, PASSWORD, '2001:db8:77:2::1')).statusCode).toBe(200);
  });
});

describe('wrong API keys', () => {
  const wrongKey = (tenant = tenantId) => `ut_${tenant.replaceAll('-', '')}_${'A'.repeat(43)}`;
  const call = (key: string, remoteAddress: string) =>
    app.inject({ method: 'GET', url: '/api/v1/products', headers: bearer(key), remoteAddress });

  it(`answers the ${KEYS_PER_ADDRESS}th wrong key from one address with 429 and Retry-After, while a valid key still works`, async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < KEYS_PER_ADDRESS; i++) statuses.push((await call(i % 2 ? wrongKey() : 'ut_malformed', address)).statusCode);
    expect(statuses).toEqual([...Array(KEYS_PER_ADDRESS - 1).fill(401), 429]);
    expectLimited(await call(wrongKey(), address));
    // A valid key cannot have been guessed: refusing it would only shut out its owner.
    expect((await call(apiKey, address)).statusCode).toBe(200);
    expect((await call(wrongKey(), freshAddress())).statusCode).toBe(401);
    await sql`UPDATE address_failures SET window_start = window_start - interval '16 minutes' WHERE address = ${address}`.execute(t.db);
    expect((await call(wrongKey(), address)).statusCode).toBe(401);
  });

  it(`answers the ${KEYS_PER_TENANT}th wrong key naming one tenant, from any addresses, with 429; its valid keys still work`, async () => {
    const target = await createTenant(t.db, { name: `Target ${++seq}` });
    const statuses: number[] = [];
    for (let i = 0; i < KEYS_PER_TENANT; i++) statuses.push((await call(wrongKey(target.tenantId), `192.0.2.${i + 1}`)).statusCode);
    expect(statuses).toEqual([...Array(KEYS_PER_TENANT - 1).fill(401), 429]);
    expectLimited(await call(wrongKey(target.tenantId), freshAddress()));
    expect((await call(target.apiKey, freshAddress())).statusCode).toBe(200);
    const { apiKey: second } = await createApiKey(t.db, { tenantId: target.tenantId, role: 'viewer' });
    expect((await call(second, freshAddress())).statusCode).toBe(200);
    // Another tenant is not affected.
    expect((await call(wrongKey(), freshAddress())).statusCode).toBe(401);
  });
});

describe('counters in PostgreSQL', () => {
  it('are shared by two API nodes on one database', async () => {
    const other = await buildApp({ db: t.db, pool: t.pool });
    await other.ready();
    try {
      const email = await newUser();
      const address = freshAddress();
      await failTimes(PER_ACCOUNT_AND_ADDRESS / 2, email, address, app);
      const rest = await failTimes(PER_ACCOUNT_AND_ADDRESS / 2, email, address, other);
      expect(rest.at(-1)).toBe(429);
      expectLimited(await signIn(email, PASSWORD, address, app));
      expectLimited(await signIn(email, PASSWORD, address, other));
    } finally {
      await other.close();
    }
  });

  it('are cleaned up once their window has closed, and open windows are kept', async () => {
    const email = await newUser();
    const [gone, kept] = [freshAddress(), freshAddress()];
    await failTimes(1, email, gone);
    await failTimes(1, `other${++seq}@example.com`, kept);
    await call(gone);
    await expireWindows([email], [gone]);
    await cleanUpAuthCounters(t.db);
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM sign_in_failures WHERE email = ${email})::int
           + (SELECT count(*) FROM address_failures WHERE address = ${gone})::int AS n`.execute(t.db);
    expect(left.rows[0].n).toBe(0);
    const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM address_failures WHERE address = ${kept}`.execute(t.db);
    expect(open.rows[0].n).toBe(1);

    async function call(address: string) {
      await app.inject({ method: 'GET', url: '/api/v1/products', headers: bearer('ut_nonsense'), remoteAddress: address });
    }
  });
});

describe('behind a reverse proxy', () => {
  it('counts the X-Forwarded-For client when trustProxy names the proxy, and ignores the header otherwise', async () => {
    const proxied = await buildApp({ db: t.db, pool: t.pool, trustProxy: '127.0.0.1' });
    await proxied.ready();
    try {
      const email = await newUser();
      const viaProxy = (client: string, password: string, on = proxied) =>
        on.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email, password },
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': client },
        });
      const attacker = freshAddress();
      for (let i = 0; i < PER_ACCOUNT_AND_ADDRESS; i++) await viaProxy(attacker, 'wrong');
      expectLimited(await viaProxy(attacker, PASSWORD));
      expect((await viaProxy(freshAddress(), PASSWORD)).statusCode).toBe(200);
      // Without trustProxy the header is the client's own word and is not believed: the address is
      // the socket's, so a client cannot step around its limit by inventing addresses.
      const spoofer = freshAddress();
      const email2 = await newUser();
      const statuses: number[] = [];
      for (let i = 0; i < PER_ACCOUNT_AND_ADDRESS; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/sign-in',
          payload: { email: email2, password: 'wrong' },
          remoteAddress: spoofer,
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await proxied.close();
    }
  });
});

describe('odd emails at sign-in', () => {
  it.each([
    ['only spaces', '   '],
    ['254 characters that lower-case longer', `${'İ'.repeat(240)}@example.com`],
  ])('answers an email of %s with 401 like any wrong one, not 500', async (_, email) => {
    const res = await signIn(email, 'whatever it is', freshAddress());
    expect(res.statusCode, res.body).toBe(401);
  });
});
