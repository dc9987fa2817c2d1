import { existsSync } from 'node:fs';
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
});
