import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import type { Config } from '../../src/config';
import { createWakeups } from '../../src/eventstore/wakeups';
import { createMetricsRegistry } from '../../src/http/metrics';
import { MAX_BODY_BYTES } from '../../src/main';
import type { ServiceParts } from '../../src/serviceParts';
import { noRefusalReporter } from '../../src/db/connectionRefusals';
import type { DatabaseHandle } from '../../src/db/database';

/**
 * The parts src/main.ts composes a service from (same Fastify options, event
 * store with wake-ups, metrics registry), on a test database; the caller
 * installs the pieces it tests. `stop` runs what the parts registered, last
 * first, and leaves the database to its owner.
 */
export function testServiceParts(
  database: DatabaseHandle,
  config: Config,
): { parts: ServiceParts; stop: () => Promise<void> } {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const httpLog: FastifyBaseLogger = log;
  const wakeups = createWakeups({ url: database.url });
  const stops: Array<() => Promise<void>> = [() => wakeups.close()];
  const parts: ServiceParts = {
    config,
    log,
    database: {
      ...database,
      close: () => Promise.resolve(),
      source: 'the test database',
      refusals: noRefusalReporter,
    },
    wakeups,
    eventStore: createDomainEventStore(database.db, wakeups),
    registry: createMetricsRegistry(),
    app: Fastify({ loggerInstance: httpLog, bodyLimit: MAX_BODY_BYTES }),
    onStop: (stop) => stops.push(stop),
  };
  return {
    parts,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
