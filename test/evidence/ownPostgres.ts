import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { CLI, tempDataDir } from '../support/cli';

/**
 * A PostgreSQL server of the test's own, to stop and start under a running
 * `serve` — never the machine's shared server, which other tests use.
 *
 * The data folder is made by the product's own startEmbeddedPostgres (the
 * embedded default's binaries, user and password), in a child process: it is
 * an ES module behind a dynamic import, which jest's CommonJS runtime cannot
 * load. From then on the test drives the server with the bundled pg_ctl, on
 * one port, so that a `serve` holding the URL finds it again after a restart.
 */
export interface OwnPostgres {
  url: string;
  /** `pg_ctl stop -m fast`: clients are disconnected, nothing is lost that was committed. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

const EMBEDDED = path.resolve(path.dirname(CLI), '../adapters/embeddedPostgres.js');

function run(
  command: string,
  args: string[],
  options: { asPostgres?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    void (async () => {
      const ids = options.asPostgres && userInfo().uid === 0 ? await postgresIds() : {};
      const child = spawn(command, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')}: ${output}`)),
      );
    })().catch(reject);
  });
}

let ids: Promise<{ uid: number; gid: number }> | undefined;
function postgresIds(): Promise<{ uid: number; gid: number }> {
  ids ??= Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]).then(
    ([uid, gid]) => ({ uid: Number(uid.trim()), gid: Number(gid.trim()) }),
  );
  return ids;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dataDir = tempDataDir();
  // Initialise with the product's code, note the URL and pg_ctl, and stop it again.
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(EMBEDDED)});
    (async () => {
      const db = await startEmbeddedPostgres(${JSON.stringify(dataDir)});
      await db.stop();
      process.stdout.write('\\nOWN_PG ' + JSON.stringify({ url: db.url, pgCtl: db.pgCtl, pgDir: db.pgDir }) + '\\n');
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const output = await run(process.execPath, ['-e', script]);
  const { url, pgCtl, pgDir } = JSON.parse(/^OWN_PG (.*)$/m.exec(output)![1]!) as {
    url: string;
    pgCtl: string;
    pgDir: string;
  };
  const port = new URL(url).port;
  const pgCtlRun = (args: string[]) => run(pgCtl, ['-D', pgDir, ...args], { asPostgres: true });
  const start = async () => {
    await pgCtlRun([
      '-l',
      path.join(pgDir, 'server.log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${pgDir}`,
      '-w',
      'start',
    ]);
  };
  const stop = async () => {
    await pgCtlRun(['-m', 'fast', '-w', 'stop']);
  };
  await start();
  return {
    url,
    start,
    stop,
    async destroy() {
      await stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      if (path.dirname(pgDir) !== dataDir)
        rmSync(path.dirname(pgDir), { recursive: true, force: true });
    },
  };
}
