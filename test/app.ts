import { buildApp } from '../src/http/app.ts';
import type { TestDatabase } from './db.ts';

export async function makeApp(t: TestDatabase) {
  const app = await buildApp({ db: t.db, pool: t.pool });
  await app.ready();
  return app;
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
