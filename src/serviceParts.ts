import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config';
import type { OpenedDatabase } from './db/openDatabase';
import type { EventStore } from './eventstore/createEventStore';
import type { Wakeups } from './eventstore/wakeups';

/*
 * Its own file, not src/main.ts: each part's install function takes these,
 * and the composition root imports those functions, so a type that lived in
 * main.ts made every part import the root back (a cycle).
 */

/** What the parts of the service are built from. */
export interface ServiceParts {
  config: Config;
  log: Logger;
  database: OpenedDatabase;
  wakeups: Wakeups;
  eventStore: EventStore;
  registry: Registry;
  /** The HTTP server, before it listens: parts add their routes. */
  app: FastifyInstance;
  /** Runs at shutdown, after the HTTP server closed, in reverse order of registration. */
  onStop(stop: () => Promise<void>): void;
}
