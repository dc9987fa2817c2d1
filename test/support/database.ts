import { randomBytes } from 'node:crypto';
import { createDatabase, type DatabaseHandle } from '../../src/db/database';
import { withAdminClient, withDatabase } from './testServer';

export interface TestDatabase extends DatabaseHandle {
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/*
 * The test fleet's connection budget. PostgreSQL refuses connections past its
 * max_connections (100 by default: "sorry, too many clients already"), the
 * suite runs two files at once (maxWorkers 2), and the server may be shared.
 * A file opens at most, at once:
 *   - its database's pool: createTestDatabase(poolSize), 10 unless it says less;
 *   - for an in-process service (testServiceParts): LISTEN and NOTIFY, and one
 *     connection per leader election it starts (a projection runner, the sync
 *     reactor, the webhook inbox worker), up to 8 with the inbox's LISTEN;
 *   - per `serve` it starts: DATABASE_POOL_SIZE (TEST_SERVE_POOL_SIZE, 8, in
 *     test/support/cli.ts) + SERVE_OWN_CONNECTIONS (13) = 21;
 *   - per command it runs: replay or verify 4 + 2, migrate 2.
 * The largest files: evidence/multiProcess, three serve processes of 4 + 12
 * and its own 2, then verify: 50; serveCrash 1 + 8 + 2 + 20 = 31;
 * eventstore/concurrency, 20 writers on connections of their own and 2 more:
 * 22; faults 2 + 20 + 6 = 28; bench/benchSmoke 21 (a quick bench caps its
 * pools at 8). So two files together stay under 80.
 */

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
