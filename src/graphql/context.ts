import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer';
import type { CommandContext } from '../commands/commandContext';
import type { Database } from '../db/schema';
import type { EventStore } from '../eventstore/createEventStore';
import { createLoaders, type Loaders } from './loaders';

/** What the API reads from and writes to, shared by every request. */
export interface GraphqlServices {
  db: Kysely<Database>;
  eventStore: EventStore;
  now(): Date;
}

/** One request's context: who calls, and its own DataLoaders (so nothing is cached across requests). */
export interface GraphqlContext {
  viewer: Viewer;
  loaders: Loaders;
  services: GraphqlServices;
  /** Carried by the events the request's commands append. */
  correlationId: string;
}

export function createGraphqlContext(services: GraphqlServices, viewer: Viewer): GraphqlContext {
  return {
    viewer,
    loaders: createLoaders(services),
    services,
    correlationId: randomUUID(),
  };
}

/** Commands run on the caller's behalf: the token's subject is their actor. */
export function commandContextOf(context: GraphqlContext): CommandContext {
  return {
    eventStore: context.services.eventStore,
    now: () => context.services.now(),
    metadata: { correlationId: context.correlationId, actor: context.viewer.sub },
  };
}
