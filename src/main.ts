import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config';
import { openDatabase, type OpenedDatabase } from './db/openDatabase';
import { isMigrated, migrateToLatest } from './db/migrate';
import { createEventStore, type EventStore } from './eventstore/createEventStore';
import { createWakeups } from './eventstore/wakeups';
import { registerHealthRoutes } from './http/healthRoutes';
import { createMetricsRegistry, registerMetricsRoute } from './http/metrics';

/** Request bodies above this are refused with 413 (GraphQL and webhooks alike). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Service {
  /** http://host:port */
  url: string;
  database: OpenedDatabase;
  eventStore: EventStore;
  log: Logger;
  stop(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: 'fbt-sync', pid: process.pid } });
}

/**
 * The composition root of `serve`: the database (migrated), the event store,
 * and the HTTP server. Stopping closes them in reverse order.
 */
export async function startService(
  config: Config,
  log: Logger = createLogger(config),
): Promise<Service> {
  const database = await openDatabase(config, log);
  const stack: Array<() => Promise<void>> = [() => database.close()];
  const stopAll = async () => {
    for (const stop of stack.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, 'stopping'));
  };
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'applied database migrations');

    const wakeups = createWakeups({
      url: database.url,
      onError: (error) =>
        log.warn({ err: error }, 'event wake-up connection failed; readers fall back to polling'),
    });
    stack.push(() => wakeups.close());
    const eventStore = createEventStore({ db: database.db, wakeups });

    const registry = createMetricsRegistry();
    const httpLog: FastifyBaseLogger = log.child({ component: 'http' });
    const app = Fastify({
      loggerInstance: httpLog,
      bodyLimit: MAX_BODY_BYTES,
      // Request latencies go to /metrics; a log line per request would cost more than the request.
      logController: new LogController({ disableRequestLogging: true }),
    });
    let migrated = true;
    registerHealthRoutes(app, {
      async check() {
        try {
          await database.pool.query('SELECT 1');
          migrated ||= await isMigrated(database.db);
          return migrated ? null : 'database migrations are not applied';
        } catch (error) {
          return `database unreachable: ${(error as Error).message}`;
        }
      },
    });
    registerMetricsRoute(app, registry);
    await app.listen({ port: config.port, host: config.host });
    stack.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    return { url, database, eventStore, log, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
