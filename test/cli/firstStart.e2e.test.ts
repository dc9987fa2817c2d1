import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SHARED_STATE_DIR } from '../../src/adapters/postgresUser';

/**
 * The most common first run on a fresh server or container: root, a clone in
 * a folder only root can enter (under /root, a `mktemp -d`), nothing
 * configured. PostgreSQL refuses to run as root, and the postgres user it runs
 * as instead cannot enter the project's folder: neither the binaries in
 * node_modules nor the default DATA_DIR (.data in the project) are within its
 * reach. `npm start` and the test suite's embedded server must start anyway.
 */
const PROJECT = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;

/** The environment of a fresh shell: no DATABASE_URL, nothing of this test run's own. */
function freshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|DATA_DIR|AUTH_SECRET|PORT|NODE_ENV|JEST_WORKER_ID)$/.test(name)) continue;
    if (/^(FBT_TEST_|npm_)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/**
 * The project as a clone of it holds it (tracked files and new ones, uncommitted
 * changes included), in a new folder of mode 0700; node_modules hard-linked
 * (`cp -al`), or copied, never installed from the network.
 */
function cloneIntoPrivateFolder(): { folder: string; project: string } {
  const folder = mkdtempSync(path.join(tmpdir(), 'fbt-sync-first-start-'));
  const project = path.join(folder, 'fbt-sync');
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: PROJECT,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(PROJECT, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    copyFileSync(path.join(PROJECT, file), path.join(project, file));
  }
  const modules = [path.join(PROJECT, 'node_modules'), project];
  try {
    execFileSync('cp', ['-al', ...modules], { stdio: 'ignore' });
  } catch {
    rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', ...modules], { stdio: 'ignore' });
  }
  return { folder, project };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve((address as net.AddressInfo).port));
    });
  });
}

interface Run {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once every process of the group has let go of its output. */
  exited: Promise<number | null>;
  /** SIGKILLs whatever is left of the process group (npm, sh, node, postgres). */
  killAll(): void;
}

const runs: Run[] = [];

/** Starts a command in a process group of its own, so that nothing it started outlives the test. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  const started: Run = {
    child,
    output: () => output,
    exited,
    killAll: () => {
      // Once it is all over, the group's id may be another's.
      if (closed) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Nothing left.
      }
    },
  };
  runs.push(started);
  return started;
}

async function finished(
  started: Run,
  bound = 300_000,
): Promise<{ code: number | null; output: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), bound)));
  const code = await Promise.race([started.exited, late]);
  clearTimeout(timer);
  if (code === 'late') {
    started.killAll();
    throw new Error(`${started.child.spawnargs.join(' ')} did not finish:\n${started.output()}`);
  }
  return { code, output: started.output() };
}

/** The pids below `pid` (npm runs `sh -c`, which runs node), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const below = (parent: number): number[] =>
    [...parents].filter(([, of]) => of === parent).flatMap(([child]) => [child, ...below(child)]);
  return below(pid);
}

function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}

async function readyz(url: string, started: Run, bound = 300_000): Promise<void> {
  const deadline = Date.now() + bound;
  while (Date.now() < deadline && started.child.exitCode === null) {
    const status = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} never answered 200:\n${started.output()}`);
}

/** Cluster folders under the shared state folder that belong to a DATA_DIR inside `folder`. */
function clustersOf(folder: string): string[] {
  const clusters = path.join(SHARED_STATE_DIR, 'clusters');
  if (!existsSync(clusters)) return [];
  return readdirSync(clusters)
    .map((name) => path.join(clusters, name))
    .filter((cluster) => {
      const owner = path.join(cluster, 'DATA_DIR');
      return existsSync(owner) && readFileSync(owner, 'utf8').startsWith(folder);
    });
}

(asRoot ? describe : describe.skip)('a first start as root in a folder only root can enter', () => {
  let folder: string;
  let project: string;

  beforeAll(() => {
    ({ folder, project } = cloneIntoPrivateFolder());
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });

  afterAll(() => {
    for (const started of runs) started.killAll();
    for (const cluster of clustersOf(folder)) rmSync(cluster, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('`npm start` with no DATABASE_URL serves /readyz 200 and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const start = run('npm', ['start'], project, freshEnv({ PORT: String(port) }));
    await readyz(`http://127.0.0.1:${port}/readyz`, start);
    // SIGTERM to serve itself, as a supervisor stops it; npm then exits with its status.
    // (node itself, not the `sh -c` whose command line names it too)
    const serve = descendants(start.child.pid!).find((pid) => {
      const args = argv(pid);
      return path.basename(args[0] ?? '') === 'node' && args.at(-1) === 'serve';
    });
    expect(serve).toBeDefined();
    process.kill(serve!, 'SIGTERM');
    expect(await finished(start)).toEqual({
      code: 0,
      output: expect.stringContaining('fbt-sync is listening on') as unknown,
    });

    // The cluster lives where the postgres user can reach it, DATA_DIR/pg links to it, and
    // the server stopped with serve.
    const link = path.join(project, '.data', 'pg');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const cluster = realpathSync(link);
    expect(cluster.startsWith(`${folder}${path.sep}`)).toBe(false);
    expect(existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(cluster, 'postmaster.pid'))).toBe(false);

    // A later command finds the same cluster again, with the password kept in DATA_DIR.
    const migrate = run(process.execPath, ['dist/src/cli/main.js', 'migrate'], project, freshEnv());
    expect(await finished(migrate)).toEqual({
      code: 0,
      output: 'database is up to date\n',
    });
    expect(realpathSync(link)).toBe(cluster);
  }, 600_000);

  it('a DATA_DIR the postgres user can reach keeps the cluster in DATA_DIR/pg', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fbt-sync-first-start-data-'));
    try {
      chmodSync(dataDir, 0o755);
      const migrate = run(
        'npm',
        ['run', '-s', 'cli', '--', 'migrate'],
        project,
        freshEnv({ DATA_DIR: dataDir }),
      );
      expect(await finished(migrate)).toEqual({
        code: 0,
        output: expect.any(String) as unknown,
      });
      expect(lstatSync(path.join(dataDir, 'pg')).isDirectory()).toBe(true);
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);

  it('the test suite runs on its embedded server with no DATABASE_URL', async () => {
    // A temporary folder only root can enter too: the run's cluster goes outside, and
    // its teardown removes it.
    const privateTmp = path.join(folder, 'tmp');
    mkdirSync(privateTmp, { mode: 0o700 });
    const jest = run(
      'npx',
      ['jest', '--ci', 'test/db/migrate.int.test.ts'],
      project,
      freshEnv({ TMPDIR: privateTmp }),
    );
    expect(await finished(jest)).toEqual({
      code: 0,
      output: expect.stringMatching(/Tests:\s+1 passed, 1 total/) as unknown,
    });
    expect(clustersOf(privateTmp)).toEqual([]);
  }, 600_000);
});
