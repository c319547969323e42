import { pingDatabase } from '../storage/health.repository.ts';
import type { Db } from '../storage/database.ts';

export async function checkDatabase(db: Db): Promise<boolean> {
  try {
    await pingDatabase(db);
    return true;
  } catch {
    return false;
  }
}
