import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { createDatabase, type DatabaseHandle } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/adapters/embeddedPostgres';

export interface BenchServer {
  /** A server URL (DATABASE_URL's, or the embedded default's). */
  serverUrl: string;
  postgresVersion: string;
  label: string;
  /** A fresh, migrated database, dropped by dropAll(). */
  freshDatabase(poolSize: number): Promise<DatabaseHandle & { name: string }>;
  dropAll(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface BenchServerOptions {
  /** Caps every fresh database's pool (a quick run: it checks the report, not the figures). */
  poolSizeAtMost?: number;
}

export async function openBenchServer({
  poolSizeAtMost = Infinity,
}: BenchServerOptions = {}): Promise<BenchServer> {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (config.databaseUrl === undefined) embedded = await startEmbeddedPostgres(config.dataDir);
  const serverUrl = embedded?.url ?? config.databaseUrl!;
  const created: Array<{ name: string; close(): Promise<void> }> = [];
  const postgresVersion = await admin(
    serverUrl,
    async (c) =>
      (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
  );
  return {
    serverUrl,
    postgresVersion: `PostgreSQL ${postgresVersion}`,
    label: embedded ? 'embedded default' : 'DATABASE_URL',
    async freshDatabase(poolSize) {
      const name = `fbt_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
      await admin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
      const handle = createDatabase(withDatabase(serverUrl, name), {
        poolSize: Math.min(poolSize, poolSizeAtMost),
      });
      await migrateToLatest(handle.db);
      const database = { ...handle, name };
      created.push(database);
      return database;
    },
    async dropAll() {
      for (const database of created) {
        await database.close();
        await admin(serverUrl, (c) =>
          c.query(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`),
        );
      }
      await embedded?.stop();
    },
  };
}

export const benchLog = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
