import { randomBytes } from 'node:crypto';
import { createDatabase, type DatabaseHandle } from '../../src/db/database';
import { withAdminClient, withDatabase } from './testServer';

export interface TestDatabase extends DatabaseHandle {
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.FBT_TEST_SERVER_URL;
  if (!url)
    throw new Error(
      'FBT_TEST_SERVER_URL is unset: run the tests through jest (test/support/globalSetup.ts)',
    );
  return url;
}

/** A fresh, migrated database of its own (copied from the run's template). */
export async function createTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const runId = process.env.FBT_TEST_RUN_ID!;
  const name = `${runId}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl(), (client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${runId}_template"`),
  );
  const handle = createDatabase(withDatabase(serverUrl(), name), { poolSize });
  return {
    ...handle,
    name,
    async drop() {
      await handle.close();
      await withAdminClient(serverUrl(), (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/** An empty database (no migrations applied), for migration tests. */
export async function createEmptyDatabase(poolSize = 4): Promise<TestDatabase> {
  const runId = process.env.FBT_TEST_RUN_ID!;
  const name = `${runId}_empty_${randomBytes(4).toString('hex')}`;
  await withAdminClient(serverUrl(), (client) => client.query(`CREATE DATABASE "${name}"`));
  const handle = createDatabase(withDatabase(serverUrl(), name), { poolSize });
  return {
    ...handle,
    name,
    async drop() {
      await handle.close();
      await withAdminClient(serverUrl(), (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}
