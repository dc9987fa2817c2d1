import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/** The database could not be reached: one line naming DATABASE_URL, no stack trace. */
export class DatabaseUnreachable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
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
  /** Called when the pool could not open a connection (the server is down, or refuses it). */
  onConnectFailed?: (error: Error) => void;
  /** Called when the pool opened a connection. */
  onConnected?: () => void;
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

type ConnectCallback = (error: Error | null, client?: pg.Client) => void;

/**
 * pg's Client, telling `onFailed` why a connection could not be opened: the
 * pool hands the failure to whoever asked for the connection and emits no
 * event of its own.
 */
function clientReportingFailures(onFailed: (error: Error) => void): typeof pg.Client {
  return class ReportingClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
      if (callback === undefined) {
        return super.connect().catch((error: Error) => {
          onFailed(error);
          throw error;
        });
      }
      const done = callback as ConnectCallback;
      super.connect(((error: Error | null, client?: pg.Client) => {
        if (error) onFailed(error);
        done(error, client);
      }) as (err: Error) => void);
    }
  };
}

export function createDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const { onConnectFailed, onConnected } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 16,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...(onConnectFailed ? { Client: clientReportingFailures(onConnectFailed) } : {}),
  });
  // A client whose server went away emits 'error'; without a listener that
  // would crash the process. An idle one is dropped by the pool; one checked
  // out between two statements (inside a transaction) fails its next query,
  // and the pool discards it when it is released with that error.
  pool.on('error', (error) => options.onIdleError?.(error));
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onIdleError?.(error));
    onConnected?.();
  });
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
      { cause: error },
    );
  }
}
