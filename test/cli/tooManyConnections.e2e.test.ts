import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { SERVE_OWN_CONNECTIONS } from '../../src/serveConnectionBudget';
import { runCli, type ServeProcess, startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signAdminToken } from '../support/graphqlClient';
import { withAdminClient } from '../support/testServer';

/**
 * A server that refuses more connections (SQLSTATE 53300, too_many_connections)
 * gets one clear line: at start-up the one line of a failed start (exit 1),
 * at run time one log line per burst while GraphQL answers 503
 * SERVICE_UNAVAILABLE. The test's own database stands for the full server:
 * its CONNECTION LIMIT, set to 0, refuses every new connection of a role that
 * is not a superuser (superusers are exempt, so the test's own role keeps its
 * connections), and PostgreSQL refuses with the same SQLSTATE as when
 * max_connections is reached. The server-wide settings stay as they are.
 */
const AUTH_SECRET = 'too-many-connections-secret-0123456789abcdef';

let database: TestDatabase;
/** A role that reads and writes every table, and is subject to connection limits. */
let role: string;
let roleUrl: string;

beforeAll(async () => {
  database = await createTestDatabase(1);
  role = `${process.env.FBT_TEST_RUN_ID!}_limited_${randomBytes(3).toString('hex')}`;
  await sql`CREATE ROLE ${sql.id(role)} LOGIN IN ROLE pg_read_all_data, pg_write_all_data`.execute(
    database.db,
  );
  const url = new URL(database.url);
  url.username = role;
  url.password = '';
  roleUrl = url.toString();
});
afterAll(async () => {
  await database.drop();
  await withAdminClient(process.env.FBT_TEST_SERVER_URL!, (admin) =>
    admin.query(`DROP ROLE IF EXISTS "${role}"`),
  );
});

const connectionLimit = (limit: number) =>
  sql`ALTER DATABASE ${sql.id(database.name)} CONNECTION LIMIT ${sql.raw(String(limit))}`.execute(
    database.db,
  );

async function graphql(serve: ServeProcess): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${serve.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${signAdminToken(AUTH_SECRET)}`,
    },
    body: JSON.stringify({ query: '{ stores { totalCount } }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code };
}

/** The lines of a process's output that hold the text. */
const linesAbout = (output: string, text: string) =>
  output.split('\n').filter((line) => line.includes(text));

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a server that refuses more connections', () => {
  it('stops serve and migrate at start-up with one line naming DATABASE_URL, DATABASE_POOL_SIZE and the reason, exit 1', async () => {
    await connectionLimit(0);
    try {
      const serve = await runCli(['serve'], {
        DATABASE_URL: roleUrl,
        DATABASE_POOL_SIZE: '6',
        DATA_DIR: tempDataDir(),
      });
      expect(serve.code).toBe(1);
      expect(serve.stderr.trim().split('\n')).toHaveLength(1);
      expect(serve.stderr).toContain(
        `fbt-sync: the database server at 127.0.0.1:5432/${database.name} (DATABASE_URL) refuses connections: ` +
          `too many connections for database "${database.name}" (SQLSTATE 53300); ` +
          `this process opens up to ${6 + SERVE_OWN_CONNECTIONS}, its pool (DATABASE_POOL_SIZE=6) and ` +
          `${SERVE_OWN_CONNECTIONS} for LISTEN, NOTIFY, leader elections and the reconcile lock; lower DATABASE_POOL_SIZE`,
      );

      const migrate = await runCli(['migrate'], { DATABASE_URL: roleUrl, DATA_DIR: tempDataDir() });
      expect(migrate.code).toBe(1);
      expect(migrate.stderr.trim().split('\n')).toHaveLength(1);
      expect(migrate.stderr).toMatch(
        /^fbt-sync: the database server at .* \(DATABASE_URL\) refuses connections: too many connections .*SQLSTATE 53300.*its pool \(2\)/,
      );
    } finally {
      await connectionLimit(-1);
    }
  });

  it('answers GraphQL 503 SERVICE_UNAVAILABLE while it refuses, logs it once for the burst, and serves again after', async () => {
    const serve = await startServe({
      DATABASE_URL: roleUrl,
      DATABASE_POOL_SIZE: '2',
      AUTH_SECRET,
      DATA_DIR: tempDataDir(),
      LOG_LEVEL: 'info',
    });
    try {
      expect(await graphql(serve)).toEqual({ status: 200 });

      // Full: no new connection is accepted, and every one the process holds is cut, so
      // that its pool, its leader elections and its LISTEN all have to connect anew.
      await connectionLimit(0);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${role}`.execute(
        database.db,
      );
      await until(
        async () =>
          (await graphql(serve)).status === 503 && /refuses connections/.test(serve.output()),
        'a request refused for want of a connection',
      );
      const refused: Array<{ status: number; code?: string }> = [];
      for (let i = 0; i < 10; i++) refused.push(await graphql(serve));
      expect(refused).toEqual(
        Array.from({ length: 10 }, () => ({ status: 503, code: 'SERVICE_UNAVAILABLE' })),
      );

      // Time for the background connections (elections retrying each second, the
      // LISTENs, the queue readers) to meet the refusal too.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      // Ten requests, the elections, the LISTENs: one line, and no other line with
      // the server's reason.
      const burst = linesAbout(serve.output(), 'refuses connections');
      expect(burst).toHaveLength(1);
      expect(JSON.parse(burst[0]!)).toMatchObject({
        level: 50,
        sqlstate: '53300',
        reason: `too many connections for database "${database.name}"`,
      });
      expect(burst[0]).toContain('(DATABASE_URL)');
      expect(burst[0]).toContain('DATABASE_POOL_SIZE=2');
      expect(linesAbout(serve.output(), 'too many connections')).toHaveLength(1);

      await connectionLimit(-1);
      await until(async () => (await graphql(serve)).status === 200, 'the API to serve again');
      const again = linesAbout(serve.output(), 'accepts connections again');
      expect(again).toHaveLength(1);
      expect((JSON.parse(again[0]!) as { refused: number }).refused).toBeGreaterThanOrEqual(10);
    } finally {
      await connectionLimit(-1);
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
  });
});
