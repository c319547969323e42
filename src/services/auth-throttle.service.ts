import { addressKey, limits, retryAfterSeconds, WINDOW_SECONDS } from '../core/auth-limits.ts';
import { DomainError } from '../core/errors.ts';
import {
  countAddressAttempt,
  countApiKeyFailure,
  countSignInAttempt,
  deleteClosedWindows,
  deleteSignInFailures,
  lockSignInCounters,
  uncountAddressAttempt,
  type WindowCount,
} from '../storage/auth-throttle.repository.ts';
import type { Db } from '../storage/database.ts';

// Limits on failed sign-ins and wrong API keys, counted in PostgreSQL so that every API node sees
// the same counts (docs/architecture.md, "Sign-in and API-key limits"; the numbers are in
// core/auth-limits.ts).

/** Who is calling: the client address as the HTTP layer sees it (fastify's request.ip). */
export type Client = { address?: string };

function wait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function tooMany(what: string, counters: WindowCount[]): DomainError {
  const retry = retryAfterSeconds(Math.max(...counters.map((c) => c.secondsLeft)));
  return new DomainError('TOO_MANY_ATTEMPTS', `${what}; try again in ${wait(retry)}`, { retryAfterSeconds: retry });
}

const SIGN_IN_LIMITED = 'sign-in: too many failed attempts';

/** A sign-in attempt counted before its password is checked; settle it with the outcome. */
export type SignInAttempt = { email: string; address: string; fills: WindowCount[] };

/**
 * Counts a sign-in attempt as failed before its password is checked, so that concurrent guesses
 * cannot all slip under the limit: against this email from this address, this email from every
 * address, and this address for every email. When any of them is already at its limit nothing is
 * counted and TOO_MANY_ATTEMPTS is thrown, whether or not the email has an account and whatever
 * the password: the password is not even checked.
 */
export async function beginSignInAttempt(db: Db, email: string, client: Client): Promise<SignInAttempt> {
  const address = addressKey(client.address);
  const attempt = await db.transaction().execute(async (trx) => {
    await lockSignInCounters(trx, email);
    const counted = [
      { limit: limits.signInPerAccountAndAddress, count: await countSignInAttempt(trx, { email, address }, WINDOW_SECONDS, limits.signInPerAccountAndAddress) },
      { limit: limits.signInPerAccount, count: await countSignInAttempt(trx, { email, address: '*' }, WINDOW_SECONDS, limits.signInPerAccount) },
      { limit: limits.signInPerAddress, count: await countAddressAttempt(trx, { address, kind: 'sign-in' }, WINDOW_SECONDS, limits.signInPerAddress) },
    ];
    const held = counted.filter((c) => !c.count.counted).map((c) => c.count);
    // Throwing rolls back the transaction: an attempt refused here counts nowhere.
    if (held.length > 0) throw tooMany(SIGN_IN_LIMITED, held);
    return { email, address, fills: counted.filter((c) => c.count.failures >= c.limit).map((c) => c.count) };
  });
  await cleanUpNowAndThen(db);
  return attempt;
}

/**
 * The password was wrong: the attempt stays counted. Throws TOO_MANY_ATTEMPTS when it was the one
 * that filled a limit (so the client learns at once to wait), and `wrong` otherwise (at sign-in,
 * UNAUTHENTICATED).
 */
export function failSignInAttempt(attempt: SignInAttempt, wrong = new DomainError('UNAUTHENTICATED', 'email or password is wrong')): never {
  if (attempt.fills.length > 0) throw tooMany(SIGN_IN_LIMITED, attempt.fills);
  throw wrong;
}

/**
 * The password was right: forgets the email's failures (from every address) and takes this attempt
 * back from the address's count, in the caller's transaction. The address keeps its other failures:
 * signing in to an account of one's own does not buy more guesses at others.
 */
export async function succeedSignInAttempt(trx: Db, attempt: SignInAttempt): Promise<void> {
  await lockSignInCounters(trx, attempt.email);
  await deleteSignInFailures(trx, attempt.email);
  await uncountAddressAttempt(trx, { address: attempt.address, kind: 'sign-in' }, WINDOW_SECONDS);
}

/**
 * Counts a wrong, unknown or revoked API key from this client (and against its tenant, when the
 * key names one that exists). Throws TOO_MANY_ATTEMPTS when the address or the tenant has reached
 * its limit; returns otherwise. A valid key is never counted nor refused: it cannot have been
 * guessed (256 random bits), and refusing it would let anyone who knows a tenant's id shut out its
 * integrations.
 */
export async function recordWrongApiKey(db: Db, client: Client, tenantId: string | null): Promise<void> {
  const address = addressKey(client.address);
  const byAddress = await countAddressAttempt(db, { address, kind: 'api-key' }, WINDOW_SECONDS, null);
  const byTenant = tenantId ? await countApiKeyFailure(db, tenantId, WINDOW_SECONDS) : undefined;
  await cleanUpNowAndThen(db);
  const over = [
    ...(byAddress.failures >= limits.apiKeyPerAddress ? [byAddress] : []),
    ...(byTenant && byTenant.failures >= limits.apiKeyPerTenant ? [byTenant] : []),
  ];
  if (over.length > 0) throw tooMany('authorization: too many wrong API keys', over);
}

const CLEAN_UP_EVERY_MS = 60_000;
const CLEAN_UP_BATCH = 10_000;
let nextCleanUp = 0;

/** Deletes counters whose window has closed (a batch per table); returns how many rows went. */
export async function cleanUpAuthCounters(db: Db): Promise<number> {
  return deleteClosedWindows(db, WINDOW_SECONDS, CLEAN_UP_BATCH);
}

// At most once a minute per process, on the sign-in and wrong-key paths: no timer to start or stop, and the
// tables stay about as small as the failures of the last window.
async function cleanUpNowAndThen(db: Db): Promise<void> {
  const now = Date.now();
  if (now < nextCleanUp) return;
  nextCleanUp = now + CLEAN_UP_EVERY_MS;
  await cleanUpAuthCounters(db);
}
