import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../adapters/embeddedPostgres';
import type { Config } from '../config';
import {
  type ConnectionRefusals,
  reportConnectionRefusals,
  noRefusalReporter,
} from './connectionRefusals';
import {
  checkDatabase,
  createDatabase,
  type DatabaseHandle,
  DatabaseUnreachable,
} from './database';
import {
  type ConnectionBudget,
  isTooManyConnections,
  tooManyConnectionsError,
  tooManyConnectionsMessage,
} from './tooManyConnections';

export interface OpenedDatabase extends DatabaseHandle {
  /** Where the database came from, for messages: DATABASE_URL or the embedded default. */
  source: string;
  /** Where every connection of the process reports the server refusing it (SQLSTATE 53300). */
  refusals: ConnectionRefusals;
}

export interface OpenDatabaseOptions {
  /** What the process opens at most, named when the server refuses connections. */
  budget: ConnectionBudget;
  /**
   * Log refusals once per burst and carry on (serve); otherwise they are left
   * to the caller, which fails with one line (the commands).
   */
  reportRefusals?: boolean;
}

/**
 * The database the service runs on: DATABASE_URL's when set, else the embedded
 * default under the data folder. Closing it also stops an embedded server this
 * process started. A server that refuses the first connection (too many
 * clients) stops it with one line naming DATABASE_URL and DATABASE_POOL_SIZE.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  { budget, reportRefusals = false }: OpenDatabaseOptions,
): Promise<OpenedDatabase> {
  const embedded =
    config.databaseUrl === undefined
      ? await startEmbeddedPostgres(config.dataDir, (line) =>
          log.debug({ component: 'embedded-postgres' }, line),
        )
      : undefined;
  if (embedded) {
    log.info(
      { dataDir: config.dataDir, owned: embedded.owned },
      'using the embedded PostgreSQL (DATABASE_URL is unset)',
    );
  }
  const url = embedded?.url ?? config.databaseUrl!;
  const source = embedded ? 'the embedded default database' : 'DATABASE_URL';
  // Quiet until the first connection succeeded: a refusal then is the start-up error.
  let refusals = noRefusalReporter;
  const handle = createDatabase(url, {
    poolSize: budget.poolSize,
    onIdleError: (error) =>
      log.warn({ err: error }, 'a database connection broke; the pool will reconnect'),
    onConnectFailed: (error) => refusals.refused(error),
    onConnected: () => refusals.accepted(),
  });
  try {
    await checkDatabase(handle, source);
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    const cause = error instanceof DatabaseUnreachable ? error.cause : undefined;
    throw isTooManyConnections(cause)
      ? tooManyConnectionsError({ url, source }, budget, cause)
      : error;
  }
  if (reportRefusals) {
    refusals = reportConnectionRefusals({
      log: log.child({ component: 'database' }),
      describe: (error) => tooManyConnectionsMessage({ url, source }, budget, error),
    });
  }
  return {
    ...handle,
    source,
    refusals,
    close: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}
