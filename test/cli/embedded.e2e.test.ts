import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCli, startServe, tempDataDir } from '../support/cli';

/** With DATABASE_URL unset, everything runs on the embedded PostgreSQL under DATA_DIR. */
describe('the embedded default database', () => {
  it('comes up with no configuration, survives a SIGKILL of its owner, and stops with the service', async () => {
    const dataDir = tempDataDir();
    const env = { DATABASE_URL: '', DATA_DIR: dataDir };
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');

    const first = await startServe(env);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    // Killed without a chance to stop its database: the server lives on, stale.
    await first.stop('SIGKILL');
    expect(existsSync(pidFile)).toBe(true);

    // The next start stops the stale server and starts its own.
    const second = await startServe(env);
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      // Another command while serve runs shares the running server.
      const migrate = await runCli(['migrate'], env);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toBe('database is up to date\n');
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(pidFile)).toBe(false);
  });

  it('that cannot start stops start-up with one line naming DATA_DIR and DATABASE_URL (exit 1)', async () => {
    // DATA_DIR a file, a folder below a file, and a cluster PostgreSQL refuses to start.
    const file = path.join(tempDataDir(), 'a-file');
    writeFileSync(file, '');
    const broken = tempDataDir();
    mkdirSync(path.join(broken, 'pg'));
    writeFileSync(path.join(broken, 'pg', 'PG_VERSION'), '18\n');
    const cases = [
      { dataDir: file, reason: `${file} is not a folder` },
      { dataDir: path.join(file, 'below'), reason: 'is not a folder' },
      { dataDir: broken, reason: 'postgres exited during start-up' },
    ];
    for (const { dataDir, reason } of cases) {
      for (const command of ['serve', 'migrate']) {
        const result = await runCli([command], { DATABASE_URL: '', DATA_DIR: dataDir, PORT: '0' });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.split('\n').filter((line) => line !== '');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`DATA_DIR ${dataDir}`);
        expect(lines[0]).toContain(reason);
        expect(lines[0]).toContain('DATABASE_URL');
      }
    }
  });
});
