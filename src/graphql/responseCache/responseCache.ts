import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyRequest } from 'fastify';
import { OperationTypeNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import type { Viewer } from '../../auth/viewer';
import type { EventStore } from '../../eventstore/createEventStore';

/**
 * What one request's execution tells the cache about its answer. The API
 * fills it in as it runs; the cache keeps the answer only when it is a
 * query's, without errors, read from the read models alone.
 */
export class CacheTicket {
  /** The operation is a query (not a mutation). */
  isQuery = false;
  /** It read the event log, which the read models' version does not cover. */
  readsLog = false;
  /** The answer has no errors. */
  succeeded = false;
  /** Set when identical requests at the same version wait for this one's answer. */
  flight?: Flight;

  constructor(
    /** The operation's name and text: what the cache learns a request's kind by. */
    readonly textKey: string,
    /** Who asks, how, and the whole request body. */
    readonly key: string,
    /** The read models' version read before execution; undefined when it could not be read. */
    readonly version: string | undefined,
  ) {}
}

export interface CachedAnswer {
  body: string;
  contentType: string;
}

interface Entry extends CachedAnswer {
  version: string;
}

/** A request running at a version; identical requests at that version wait for its answer. */
interface Flight {
  version: string;
  answer: Promise<CachedAnswer | undefined>;
  settle(answer: CachedAnswer | undefined): void;
}

export interface ResponseCache {
  /**
   * The stored answer to this request if the read models have not changed
   * since it was stored; else a ticket to run it with; undefined when the
   * request is not one the cache looks at (not a JSON body with a query).
   */
  lookup(
    request: FastifyRequest,
    viewer: Viewer,
    /**
     * Where the read models stand for this request, when the caller has read
     * it already; `behind`: they had not caught up with the writes before the
     * request, so its answer is neither looked up nor kept.
     */
    known?: { version: string; behind: boolean },
  ): Promise<CachedAnswer | CacheTicket | undefined>;
  /**
   * After the request ran (or failed: body undefined), always: keeps its
   * answer if the ticket allows, and hands it to identical requests waiting.
   */
  remember(ticket: CacheTicket, status: number, body: unknown, contentType: unknown): void;
}

export interface ResponseCacheOptions {
  /** About how many bytes of answers (and their keys) to keep. */
  maxBytes: number;
  /** The read models' version now (see readModelsVersion), shared among concurrent callers. */
  readVersion: () => Promise<string>;
  registry?: Registry;
}

const LOOKUPS_METRIC = 'fbt_sync_graphql_response_cache_lookups_total';

/** What the response cache of this registry has done so far: lookups by result (hit, miss, bypass). */
export async function responseCacheLookups(registry: Registry): Promise<Record<string, number>> {
  const counted: Record<string, number> = { hit: 0, miss: 0, bypass: 0 };
  for (const { labels, value } of (await registry.getSingleMetric(LOOKUPS_METRIC)?.get())?.values ??
    [])
    counted[String(labels.result)] = value;
  return counted;
}

/** Operation texts remembered as not cacheable (mutations, history, events): how many, and their characters in all. */
const KNOWN_TEXTS = 1000;
const KNOWN_TEXT_CHARS = 4 * 1024 * 1024;

const scopeOf = (viewer: Viewer) => (viewer.role === 'admin' ? 'admin' : `store:${viewer.storeId}`);

interface GraphqlBody {
  query: string;
  operationName?: unknown;
}

/** Requests larger than this (as JSON text) are not looked up. */
const MAX_KEY_CHARS = 64 * 1024;

/** Who asks, what they accept, and the body; undefined for a body too large or deep to key on. */
function keyOf(viewer: Viewer, accept: string | undefined, body: GraphqlBody): string | undefined {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    return undefined; // nested too deep to write back out; Apollo will refuse it
  }
  if (text.length > MAX_KEY_CHARS) return undefined;
  return `${scopeOf(viewer)}\n${accept ?? ''}\n${text}`;
}

const isGraphqlBody = (body: unknown): body is GraphqlBody =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  typeof (body as { query?: unknown }).query === 'string';

/**
 * Whole answers of POST /graphql, kept per caller scope (admin, or one
 * store), Accept header and request body, and good for as long as the read
 * models stay where they were when the answer was computed. Each lookup
 * reads the read models' version, begun after the request arrived, so a
 * cached answer is never older than what running the request would read.
 * Answers that read the event log (order history, events, projection
 * status, a store the projection has not caught up with) are never kept,
 * and neither are mutations' or answers with errors.
 */
export function createResponseCache({
  maxBytes,
  readVersion,
  registry,
}: ResponseCacheOptions): ResponseCache {
  const entries = new LRUCache<string, Entry>({
    maxSize: maxBytes,
    maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
    // Characters, as a stand-in for bytes: close for the ASCII of JSON answers.
    sizeCalculation: (entry, key) => key.length + entry.body.length + 64,
  });
  const notCacheable = new LRUCache<string, true>({
    max: KNOWN_TEXTS,
    maxSize: KNOWN_TEXT_CHARS,
    sizeCalculation: (_, text) => text.length + 1,
  });
  const flights = new Map<string, Flight>();
  const lookups = new Counter({
    name: LOOKUPS_METRIC,
    help: 'POST /graphql requests by what the response cache did: hit (answered from the cache, or by an identical request running at the same version), miss (ran, and may be kept), bypass (ran; a mutation, a log read, or the version could not be read).',
    labelNames: ['result'],
    registers: registry ? [registry] : [],
  });

  return {
    async lookup(request, viewer, known) {
      const body = request.body;
      if (!isGraphqlBody(body)) return undefined;
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
      const operationName = typeof body.operationName === 'string' ? body.operationName : '';
      const textKey = `${operationName}\n${body.query}`;
      const key = keyOf(viewer, request.headers.accept, body);
      if (key === undefined) return undefined;
      if (notCacheable.has(textKey) || known?.behind) {
        lookups.inc({ result: 'bypass' });
        return new CacheTicket(textKey, key, undefined);
      }
      let version: string;
      try {
        version = known?.version ?? (await readVersion());
      } catch {
        // The request itself will say what is wrong with the database.
        lookups.inc({ result: 'bypass' });
        return new CacheTicket(textKey, key, undefined);
      }
      const entry = entries.get(key);
      if (entry !== undefined && entry.version === version) {
        lookups.inc({ result: 'hit' });
        return { body: entry.body, contentType: entry.contentType };
      }
      // Right after the read models move, every client asks again at once:
      // one request per answer runs, the identical ones wait for it.
      const running = flights.get(key);
      if (running !== undefined && running.version === version) {
        const answer = await running.answer;
        if (answer !== undefined) {
          lookups.inc({ result: 'hit' });
          return answer;
        }
      }
      lookups.inc({ result: 'miss' });
      const ticket = new CacheTicket(textKey, key, version);
      if (running === undefined || running.version !== version) {
        let settle!: Flight['settle'];
        const answer = new Promise<CachedAnswer | undefined>((resolve) => (settle = resolve));
        ticket.flight = { version, answer, settle };
        flights.set(key, ticket.flight);
      }
      return ticket;
    },

    remember(ticket, status, body, contentType) {
      let answer: CachedAnswer | undefined;
      if (!ticket.isQuery || ticket.readsLog) {
        notCacheable.set(ticket.textKey, true);
      } else {
        // A text first seen reading the log (a store not yet projected) is looked at again.
        notCacheable.delete(ticket.textKey);
        if (
          ticket.version !== undefined &&
          ticket.succeeded &&
          status === 200 &&
          typeof body === 'string' &&
          typeof contentType === 'string'
        ) {
          answer = { body, contentType };
          entries.set(ticket.key, { ...answer, version: ticket.version });
        }
      }
      const { flight } = ticket;
      if (flight !== undefined) {
        if (flights.get(ticket.key) === flight) flights.delete(ticket.key);
        flight.settle(answer);
      }
    },
  };
}

/** The event store as one request sees it: any call marks the request as reading the log. */
export function markingLogReads(eventStore: EventStore, ticket: CacheTicket): EventStore {
  return new Proxy(eventStore, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        ticket.readsLog = true;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Fills in each request's ticket: whether it is a query, and whether it answered without errors. */
export function responseCachePlugin(): ApolloServerPlugin<{ cacheTicket?: CacheTicket }> {
  return {
    requestDidStart: ({ contextValue }) => {
      const ticket = contextValue.cacheTicket;
      if (ticket === undefined) return Promise.resolve();
      return Promise.resolve({
        didResolveOperation: ({ operation }) => {
          ticket.isQuery = operation?.operation === OperationTypeNode.QUERY;
          return Promise.resolve();
        },
        willSendResponse: ({ response }) => {
          ticket.succeeded =
            response.body.kind === 'single' && !(response.body.singleResult.errors?.length ?? 0);
          return Promise.resolve();
        },
      });
    },
  };
}
