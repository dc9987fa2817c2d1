import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/adapters/embeddedPostgres';
import { loadConfig } from '../../src/config';
import { createDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { pidAlive, TEST_DB_PREFIX, withAdminClient, withDatabase } from './testServer';

/**
 * One PostgreSQL server for the run: DATABASE_URL's when set, else the
 * embedded default. A template database is migrated once; every test file
 * then gets a fresh database copied from it (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  let serverUrl = config.databaseUrl;
  if (serverUrl === undefined) {
    // A server of the run's own, in a fresh folder: a test run never shares (or
    // stops) the embedded database of a running `serve` or of another test run.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fbt-sync-test-pg-'));
    chmodSync(dataDir, 0o755);
    process.env.FBT_TEST_EMBEDDED_DIR = dataDir;
    const embedded = await startEmbeddedPostgres(dataDir);
    (globalThis as { embeddedPostgres?: typeof embedded }).embeddedPostgres = embedded;
    serverUrl = embedded.url;
  }

  const runId = `${TEST_DB_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const template = `${runId}_template`;
  await withAdminClient(serverUrl, async (client) => {
    // Databases left by runs whose process is gone.
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE '${TEST_DB_PREFIX}%'`,
    );
    for (const { datname } of stale.rows) {
      const pid = Number(datname.slice(TEST_DB_PREFIX.length).split('_')[0]);
      if (!pidAlive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const staleRoles = await client.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE rolname LIKE '${TEST_DB_PREFIX}%'`,
    );
    for (const { rolname } of staleRoles.rows) {
      const pid = Number(rolname.slice(TEST_DB_PREFIX.length).split('_')[0]);
      if (!pidAlive(pid)) await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
    }
    await client.query(`CREATE DATABASE "${template}"`);
  });
  const handle = createDatabase(withDatabase(serverUrl, template), { poolSize: 1 });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
  process.env.FBT_TEST_SERVER_URL = serverUrl;
  process.env.FBT_TEST_RUN_ID = runId;
}
