import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withAdminClient } from '../support/testServer';
import { createEmptyDatabase, type TestDatabase } from '../support/database';
import { runCli, startServe, tempDataDir } from '../support/cli';

let database: TestDatabase;
beforeAll(async () => {
  database = await createEmptyDatabase(1);
  await database.close();
});
afterAll(() => database.drop());

describe('fbt-sync serve', () => {
  it('migrates, answers /healthz and /readyz, serves /metrics and stops cleanly on SIGTERM', async () => {
    const serve = await startServe({ DATABASE_URL: database.url, DATA_DIR: tempDataDir() });
    try {
      const health = await fetch(`${serve.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'up' });
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toMatch(/^# HELP fbt_sync_/m);
      expect(metrics).toContain('fbt_sync_http_request_duration_seconds_bucket');
      // The process's own figures, collected once per process.
      expect(metrics).toContain('fbt_sync_process_cpu_user_seconds_total');
      expect(metrics).toContain('fbt_sync_nodejs_eventloop_lag_seconds');
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
  });

  it('answers /readyz 503 while the database is gone, /healthz still 200', async () => {
    const doomed = await createEmptyDatabase(1);
    await doomed.close();
    const serve = await startServe({ DATABASE_URL: doomed.url, DATA_DIR: tempDataDir() });
    try {
      expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
      await withAdminClient(process.env.FBT_TEST_SERVER_URL!, (client) =>
        client.query(`DROP DATABASE "${doomed.name}" WITH (FORCE)`),
      );
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toMatch(/database unreachable/);
      expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    } finally {
      await serve.stop('SIGTERM');
    }
  });
});

describe('fbt-sync migrate and bad configuration', () => {
  it('migrates and then finds nothing to do', async () => {
    const fresh = await createEmptyDatabase(1);
    try {
      const first = await runCli(['migrate'], { DATABASE_URL: fresh.url, DATA_DIR: tempDataDir() });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/applied \d+ migration/);
      const second = await runCli(['migrate'], {
        DATABASE_URL: fresh.url,
        DATA_DIR: tempDataDir(),
      });
      expect(second.stdout).toBe('database is up to date\n');
    } finally {
      await fresh.drop();
    }
  });

  it('says in one line that DATABASE_URL cannot be reached, exit 1', async () => {
    const result = await runCli(['migrate'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      DATA_DIR: tempDataDir(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^fbt-sync: cannot reach the database at 127\.0\.0\.1:1\/none \(DATABASE_URL\)/,
    );
  });

  it('stops on bad configuration with one line naming the variable, exit 1', async () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ PORT: 'eighty' }, /^fbt-sync: PORT: /],
      [{ AUTH_SECRET: 'short' }, /^fbt-sync: AUTH_SECRET: must be at least 32 characters/],
      [{ PLATFORM: 'magento' }, /^fbt-sync: PLATFORM: /],
      [{ DATABASE_URL: 'mysql://x' }, /^fbt-sync: DATABASE_URL: /],
      [
        { SYNC_MAX_ATTEMPTS: '0' },
        /^fbt-sync: SYNC_MAX_ATTEMPTS: must be a whole number from 1 to 1000, got 0/,
      ],
      [{ PLATFORM_TIMEOUT_MS: '1.5' }, /^fbt-sync: PLATFORM_TIMEOUT_MS: /],
    ];
    for (const [env, message] of cases) {
      const result = await runCli(['serve'], { DATABASE_URL: database.url, ...env });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });

  it('exits 2 on bad usage', async () => {
    const result = await runCli(['no-such-command'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command/);
  });
});
