import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { ensureDemoUser } from './demo.service.ts';
import { createTenant } from './tenants.service.ts';
import { createUser, signIn } from './users.service.ts';

let t: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ tenantId } = await createTenant(t.db, { name: 'Shop' }));
});
afterAll(async () => {
  await t.close();
});

async function refusal(password: string): Promise<{ code: string; message: string; details: unknown } | null> {
  try {
    await createUser(t.db, { tenantId, email: `u${Math.random()}@example.com`, password, role: 'viewer' });
    return null;
  } catch (error) {
    const { code, message, details } = error as { code: string; message: string; details: unknown };
    return { code, message, details };
  }
}

describe('setting a new password', () => {
  it.each(['password123', 'Password123', 'PASSWORD123', 'qwertyuiop', 'iloveyou123', '1q2w3e4r5t'])(
    'refuses %j, a common password in any case, with 422 PASSWORD_TOO_COMMON naming the field',
    async (password) => {
      const error = await refusal(password);
      expect(error).toMatchObject({ code: 'PASSWORD_TOO_COMMON', details: { field: 'password' } });
      expect(error?.message).toMatch(/^password: is one of the most common passwords/);
    },
  );

  it('still refuses a password shorter than 10 characters with VALIDATION_FAILED', async () => {
    expect(await refusal('Tr0ub4d&')).toMatchObject({ code: 'VALIDATION_FAILED', message: 'password: must be 10 to 200 characters' });
  });

  it('accepts a strong password, and that user can sign in with it', async () => {
    const password = 'quartz lantern 47 heron';
    await createUser(t.db, { tenantId, email: 'strong@example.com', password, role: 'viewer' });
    const session = await signIn(t.db, { email: 'strong@example.com', password }, { address: '192.0.2.1' });
    expect(session.user.email).toBe('strong@example.com');
  });

  it("creates the demo user with its generated password, which passes the rules", async () => {
    const demo = await ensureDemoUser(t.db, tenantId);
    expect(demo?.password).toHaveLength(12);
    const session = await signIn(t.db, { email: demo!.email, password: demo!.password }, { address: '192.0.2.2' });
    expect(session.user.role).toBe('admin');
  });
});
