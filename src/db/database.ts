import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/** The database could not be reached: one line naming DATABASE_URL, no stack trace. */
export class DatabaseUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnreachable';
  }
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Connections in the pool (default 16). */
  poolSize?: number;
  /** Called when a connection breaks (the server restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/** Where the URL points, without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

export function createDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 16,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A client whose server went away emits 'error'; without a listener that
  // would crash the process. An idle one is dropped by the pool; one checked
  // out between two statements (inside a transaction) fails its next query,
  // and the pool discards it when it is released with that error.
  pool.on('error', (error) => options.onIdleError?.(error));
  pool.on('connect', (client) => client.on('error', (error) => options.onIdleError?.(error)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    url,
    close: () => (closed ??= db.destroy()),
  };
}

/** Connects once; a failure becomes one clear line naming DATABASE_URL. */
export async function checkDatabase(
  handle: DatabaseHandle,
  source = 'DATABASE_URL',
): Promise<void> {
  try {
    await handle.pool.query('SELECT 1');
  } catch (error) {
    const reason = (error as Error).message || (error as { code?: string }).code || String(error);
    throw new DatabaseUnreachable(
      `cannot reach the database at ${describeUrl(handle.url)} (${source}): ${reason}`,
    );
  }
}
