import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Logger, run, type Runner, type Task } from 'graphile-worker';
import { isLocalHostName, signatureHeader, WEBHOOK_TIMEOUT_MS, type WebhookEnvelope } from '../core/webhooks.ts';
import { openDatabase } from '../storage/database.ts';
import {
  DELIVER_TASK,
  findDeliveryLockHolders,
  findDeliveryToSend,
  openWorkerLiveness,
  recordAttempt,
  unlockJobsOfDeadPool,
} from '../storage/webhooks.repository.ts';

// Addresses a webhook must never reach (SSRF): this machine, private networks, link-local (cloud
// metadata at 169.254.169.254), carrier-grade NAT, documentation, benchmarking, multicast and
// reserved ranges, and IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4). Two lists: a
// BlockList checks IPv4 addresses against its IPv6 rules too (as ::ffff:a.b.c.d).
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked6.addSubnet(net, prefix, 'ipv6');
}

/**
 * Whether `address` (an IP literal) is a public unicast address a webhook may go to. A host name
 * is not an address: it is refused unless `hostNamesPass` (its addresses are checked when it is
 * resolved, at every delivery).
 */
export function isPublicAddress(address: string, options: { hostNamesPass?: boolean } = {}): boolean {
  const family = isIP(address);
  if (family === 0) return options.hostNamesPass ?? false;
  return family === 4 ? !blocked4.check(address, 'ipv4') : !blocked6.check(address, 'ipv6');
}

export type AttemptResult = { statusCode: number | null; error: string | null };

/**
 * One POST of a delivery, with a deadline for the whole exchange. Unless `allowPrivate`, the host
 * is resolved here and every address it resolves to must be public; the connection is made to the
 * address that was checked (no second lookup an attacker's DNS could answer differently).
 * Redirects are not followed: a 3xx is a failed attempt.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptResult> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && !options.allowPrivate) {
    return { statusCode: null, error: 'url: only https:// URLs are delivered to (UNITRACE_WEBHOOKS_ALLOW_HTTP is off)' };
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && (isLocalHostName(host) || !isPublicAddress(host, { hostNamesPass: true }))) {
    return { statusCode: null, error: `url: ${host} is not a public address` };
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = options.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(new Error(`${hostname} resolves to ${refused.address}, which is not a public address`), '', 0);
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise<AttemptResult>((resolve) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup, signal, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < 500) text += chunk;
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve({ statusCode: status, error: ok ? null : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}` });
        });
        response.on('error', (error) => resolve({ statusCode: response.statusCode ?? null, error: describe(error, options.timeoutMs) }));
      },
    );
    request.on('error', (error) => resolve({ statusCode: null, error: describe(error, options.timeoutMs) }));
    request.end(body);
  });
}

function describe(error: Error, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  return error.message.slice(0, 300);
}

type Log = {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
};

const quiet: Log = { error() {}, warn() {}, info() {}, debug() {} };

export type WebhookWorkerOptions = {
  /** The database the jobs are in (ours): the worker opens its own connections. */
  connectionString: string;
  /** The development setting: deliver to http:// and to loopback and private addresses. */
  allowHttp: boolean;
  timeoutMs?: number;
  /** Deliveries sent at once. */
  concurrency?: number;
  /** How often due retries are looked for (new jobs arrive at once, by LISTEN/NOTIFY). */
  pollIntervalMs?: number;
  /** How often jobs of crashed processes are looked for. */
  recoverIntervalMs?: number;
  log?: Log;
};

export type WebhookWorker = { stop(): Promise<void> };

/**
 * The delivery worker: graphile-worker running the `webhook-deliver` task in this process. Each
 * job is one delivery. A 2xx answer marks it delivered; anything else (a status, a refused
 * address, a timeout, a network error) is recorded and thrown, and the queue retries it after
 * exp(attempt) seconds; the last attempt marks it failed and ends the job. Jobs that a crashed
 * process held are unlocked (see openWorkerLiveness) and run again. Nothing here crashes the
 * server: failures are logged, and a queue that stops is started again.
 */
export async function startWebhookWorker(options: WebhookWorkerOptions): Promise<WebhookWorker> {
  const log = options.log ?? quiet;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const concurrency = options.concurrency ?? 4;
  const handle = openDatabase(options.connectionString, { max: concurrency + 1 });
  const { db } = handle;

  const deliver: Task = async (payload, helpers) => {
    const { tenantId, deliveryId } = payload as { tenantId: string; deliveryId: string };
    const delivery = await findDeliveryToSend(db, tenantId, deliveryId);
    // Its endpoint was deleted, or another job already settled it (a redelivery, a retry after a crash).
    if (!delivery || delivery.status !== 'pending') return;
    if (!delivery.enabled) {
      await recordAttempt(db, tenantId, deliveryId, { sent: false, status: 'failed', statusCode: null, error: 'endpoint disabled', retryInSeconds: null });
      return;
    }
    const envelope: WebhookEnvelope = {
      id: delivery.event.id,
      type: delivery.event.type,
      occurredAt: delivery.event.occurredAt.toISOString(),
      data: delivery.event.data,
    };
    const body = JSON.stringify(envelope);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      delivery.url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'Unitrace-Webhooks/1',
        'unitrace-event-id': envelope.id,
        'unitrace-event-type': envelope.type,
        'unitrace-delivery-id': deliveryId,
        'unitrace-delivery-attempt': String(helpers.job.attempts),
        'unitrace-signature': signatureHeader(delivery.secrets, timestamp, body),
      },
      { timeoutMs, allowPrivate: options.allowHttp },
    );
    if (result.error === null) {
      await recordAttempt(db, tenantId, deliveryId, { sent: true, status: 'delivered', statusCode: result.statusCode, error: null, retryInSeconds: null });
      return;
    }
    const last = helpers.job.attempts >= helpers.job.max_attempts;
    await recordAttempt(db, tenantId, deliveryId, {
      sent: true,
      status: last ? 'failed' : 'pending',
      statusCode: result.statusCode,
      error: result.error,
      // The queue's own backoff (graphile-worker): exp(min(attempts, 10)) seconds.
      retryInSeconds: last ? null : Math.exp(Math.min(helpers.job.attempts, 10)),
    });
    if (!last) throw new Error(result.error);
  };

  let stopping = false;
  let runner: Runner | null = null;
  let liveness: ReturnType<typeof openWorkerLiveness> | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let recoverTimer: NodeJS.Timeout | null = null;

  const logger = new Logger((scope) => (level, message, meta) => {
    const obj = { queue: 'graphile-worker', ...scope, ...meta };
    if (level === 'error') log.error(obj, message);
    else if (level === 'warning') log.warn(obj, message);
    else log.debug(obj, message);
  });

  const recover = async (poolId: string) => {
    try {
      if (!liveness) return;
      await liveness.hold();
      for (const holder of await findDeliveryLockHolders(db, poolId, 5)) {
        if (await unlockJobsOfDeadPool(liveness.db, holder)) log.warn({ pool: holder }, 'webhooks: unlocked the deliveries of a stopped process; they run again');
      }
    } catch (error) {
      log.warn({ err: error }, 'webhooks: could not look for deliveries of stopped processes');
    }
  };

  const start = async (): Promise<void> => {
    const events = new EventEmitter();
    let poolId = '';
    events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
      poolId = workerPool.id;
      liveness = openWorkerLiveness(options.connectionString, poolId);
      // Take the lock now, before other processes look (they leave jobs locked < 5 s alone).
      liveness.hold().catch((error: unknown) => log.warn({ err: error }, 'webhooks: could not take the liveness lock'));
    });
    runner = await run({
      connectionString: options.connectionString,
      maxPoolSize: concurrency + 2,
      concurrency,
      pollInterval: options.pollIntervalMs ?? 2000,
      noHandleSignals: true,
      crontab: '',
      logger,
      events,
      taskList: { [DELIVER_TASK]: deliver },
    });
    void recover(poolId);
    recoverTimer = setInterval(() => void recover(poolId), options.recoverIntervalMs ?? 10_000);
    recoverTimer.unref();
    runner.promise.then(
      () => restart('stopped'),
      (error: unknown) => restart(error),
    );
  };

  const release = async () => {
    if (recoverTimer) clearInterval(recoverTimer);
    recoverTimer = null;
    const session = liveness;
    liveness = null;
    await session?.close().catch(() => {});
  };

  const restart = (reason: unknown) => {
    if (stopping) return;
    log.error({ err: reason }, 'webhooks: the delivery queue stopped; starting it again in 5 s');
    runner = null;
    void release();
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (!stopping) start().catch((error: unknown) => restart(error));
    }, 5000);
    restartTimer.unref();
  };

  try {
    await start();
  } catch (error) {
    // The server runs without deliveries for now; nothing is lost (the jobs wait in the database).
    restart(error);
  }

  return {
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      try {
        await runner?.stop();
      } catch (error) {
        log.warn({ err: error }, 'webhooks: the delivery queue did not stop cleanly');
      }
      await release();
      await handle.close();
    },
  };
}
