import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../adapters/embeddedPostgres';
import type { Config } from '../config';
import { checkDatabase, createDatabase, type DatabaseHandle } from './database';

export interface OpenedDatabase extends DatabaseHandle {
  /** Where the database came from, for messages: DATABASE_URL or the embedded default. */
  source: string;
}

/**
 * The database the service runs on: DATABASE_URL's when set, else the embedded
 * default under the data folder. Closing it also stops an embedded server this
 * process started.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  poolSize?: number,
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
  const handle = createDatabase(embedded?.url ?? config.databaseUrl!, {
    poolSize,
    onIdleError: (error) =>
      log.warn({ err: error }, 'a database connection broke; the pool will reconnect'),
  });
  const source = embedded ? 'the embedded default database' : 'DATABASE_URL';
  try {
    await checkDatabase(handle, source);
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    throw error;
  }
  return {
    ...handle,
    source,
    close: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}
