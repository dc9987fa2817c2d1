import { randomUUID } from 'node:crypto';
import type { Viewer } from '../auth/viewer';
import type { CommandContext } from '../commands/commandContext';
import type { GraphqlServices } from './graphqlServices';
import { createLoaders, type Loaders } from './loaders';
import { type CacheTicket, markingLogReads } from './responseCache/responseCache';

/** One request's context: who calls, and its own DataLoaders (so nothing is cached across requests). */
export interface GraphqlContext {
  viewer: Viewer;
  loaders: Loaders;
  services: GraphqlServices;
  /** Carried by the events the request's commands append. */
  correlationId: string;
  /** What the response cache learns from this request, when it looks at it. */
  cacheTicket?: CacheTicket;
  /** The query runs on read models that had not caught up with the writes before it (the wait ran out). */
  readModelsBehind?: boolean;
}

export function createGraphqlContext(
  shared: GraphqlServices,
  viewer: Viewer,
  cacheTicket?: CacheTicket,
): GraphqlContext {
  // Every read of the event log, by a loader, a resolver or a command, marks the answer as not cacheable.
  const services =
    cacheTicket === undefined
      ? shared
      : { ...shared, eventStore: markingLogReads(shared.eventStore, cacheTicket) };
  return {
    viewer,
    loaders: createLoaders(services),
    services,
    correlationId: randomUUID(),
    ...(cacheTicket === undefined ? {} : { cacheTicket }),
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
