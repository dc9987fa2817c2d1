import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import { createDomainEventStore } from './commands/domainEventStore';
import type { Config } from './config';
import { createLogger } from './logger';
import { isMigrated, migrateToLatest } from './db/migrate';
import { openDatabase } from './db/openDatabase';
import { isTooManyConnections, tooManyConnectionsError } from './db/tooManyConnections';
import { createWakeups } from './eventstore/wakeups';
import { registerAdminApp } from './http/adminApp';
import { registerHealthRoutes } from './http/healthRoutes';
import { collectProcessMetrics, createMetricsRegistry, registerMetricsRoute } from './http/metrics';
import { installGraphql } from './graphql/installGraphql';
import { installProjections } from './projections/installProjections';
import { installTikTokReconcile } from './adapters/tiktok/installTikTokReconcile';
import { installTikTokWebhooks } from './adapters/tiktok/installTikTokWebhooks';
import { installShopifyApp } from './adapters/shopify/auth/installShopifyApp';
import { installTikTokAuthorization } from './adapters/tiktok/auth/installTikTokAuthorization';
import { platformFromConfig } from './platformFromConfig';
import { installSync } from './sync/installSync';
import { serveConnectionBudget } from './serveConnectionBudget';
import type { ServiceParts } from './serviceParts';

/** Request bodies above this are refused with 413 (GraphQL and webhooks alike). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface Service {
  /** http://host:port */
  url: string;
  parts: ServiceParts;
  stop(): Promise<void>;
}

/**
 * The composition root of `serve`: the database (migrated), the event store,
 * the HTTP server with its routes, and the background workers. Stopping
 * closes the HTTP server first, then the workers, then the database.
 */
export async function startService(
  config: Config,
  log: Logger = createLogger(config),
): Promise<Service> {
  const budget = serveConnectionBudget(config.databasePoolSize);
  const database = await openDatabase(config, log, { budget, reportRefusals: true });
  const stops: Array<() => Promise<void>> = [() => database.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, 'stopping'));
  };
  try {
    const { applied } = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'applied database migrations');

    const wakeups = createWakeups({
      url: database.url,
      onError: (error) => {
        if (!database.refusals.refused(error))
          log.warn({ err: error }, 'event wake-up connection failed; readers fall back to polling');
      },
    });
    stops.push(() => wakeups.close());
    const httpLog: FastifyBaseLogger = log.child({ component: 'http' });
    const parts: ServiceParts = {
      config,
      log,
      database,
      wakeups,
      eventStore: createDomainEventStore(database.db, wakeups, database.pool),
      registry: createMetricsRegistry(),
      app: Fastify({
        loggerInstance: httpLog,
        bodyLimit: MAX_BODY_BYTES,
        // Request latencies go to /metrics; a log line per request would cost more than the request.
        logController: new LogController({ disableRequestLogging: true }),
      }),
      onStop: (stop) => stops.push(stop),
    };

    collectProcessMetrics(parts.registry); // serve is one service in one process
    installHealth(parts);
    installProjections(parts); // the read models, kept up to date from the log
    installTikTokWebhooks(parts); // POST /webhooks/tiktok-shop + its inbox worker
    installShopifyApp(parts); // GET /auth/shopify + its callback, POST /webhooks/shopify
    installTikTokReconcile(parts); // lost webhooks: TikTok's order search, every RECONCILE_INTERVAL_S
    installTikTokAuthorization(parts); // GET /auth/tiktok-shop(+/callback), the token refresh loop
    await installGraphql(parts); // POST /graphql, the public API
    // the sync reactor: due orders to the platform (PLATFORM)
    installSync(parts, platformFromConfig(config, database.db, log));
    await registerAdminApp(parts.app, log); // GET /admin, the admin web app on the API
    registerMetricsRoute(parts.app, parts.registry);

    const { app } = parts;
    await app.listen({ port: config.port, host: config.host });
    stops.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return { url, parts, stop: stopAll };
  } catch (error) {
    await stopAll();
    // Refused after the first connection (by a server that filled up meanwhile): the same one line.
    throw isTooManyConnections(error) ? tooManyConnectionsError(database, budget, error) : error;
  }
}

function installHealth({ app, database }: ServiceParts): void {
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
}
