import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { signToken } from '../src/auth/signToken';
import type { CommandContext } from '../src/commands/commandContext';
import { createDomainEventStore } from '../src/commands/domainEventStore';
import {
  recordTikTokOrder,
  type RecordTikTokOrderInput,
  recordTikTokOrderStatus,
} from '../src/commands/orderCommands';
import { connectStore, updateFbtSyncRules } from '../src/commands/storeCommands';
import { loadConfig } from '../src/config';
import { createDatabase } from '../src/db/database';
import { noRefusalReporter } from '../src/db/connectionRefusals';
import type { Database } from '../src/db/schema';
import { orderStreamId } from '../src/domain/eventCatalog';
import type { EventStore } from '../src/eventstore/createEventStore';
import { createWakeups } from '../src/eventstore/wakeups';
import { READ_CONSISTENCY_HEADER } from '../src/graphql/consistency/consistentReads';
import { installGraphql } from '../src/graphql/installGraphql';
import { responseCacheLookups } from '../src/graphql/responseCache/responseCache';
import { orderCursor } from '../src/graphql/pagination/cursors';
import { collectProcessMetrics, createMetricsRegistry } from '../src/http/metrics';
import { MAX_BODY_BYTES } from '../src/main';
import type { ServiceParts } from '../src/serviceParts';
import { allProjections } from '../src/projections/allProjections';
import { installProjections } from '../src/projections/installProjections';
import { orderToRow } from '../src/projections/orderRow';
import { projectionStatuses } from '../src/projections/projectionCheckpoints';
import type { OrderView } from '../src/projections/read/orderView';
import { readOrderCounts } from '../src/projections/read/readOrderCounts';
import { readOrderPages } from '../src/projections/read/readOrderPages';
import { readOrdersByIds } from '../src/projections/read/readOrdersByIds';
import { readStoresByIds } from '../src/projections/read/readStoresByIds';
import { startProjectionRunners } from '../src/projections/runProjections';
import { benchLog, type BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { runConcurrently } from './support/stats';

const AUTH_SECRET = 'graphql-bench-secret-0123456789abcdefghijkl';
const PAGE_SIZE = 50;

/** (a) A store's newest orders, each with its store, and the store's counts. */
const ORDERS_PAGE = `query StoreOrders($id: ID!) {
  store(id: $id) {
    id name plan
    orderCounts { pending blocked synced failed cancelled }
    orders(first: ${PAGE_SIZE}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        id tiktokOrderId fulfillmentType tiktokStatus syncStatus totalAmount currency placedAt
        store { id name }
      } }
    }
  }
}`;

/** (b) One order with every event of its stream. */
const ORDER_HISTORY = `query OrderHistory($id: ID!) {
  order(id: $id) {
    id tiktokOrderId syncStatus tiktokStatus placedAt version
    history { globalPosition streamVersion type data metadata recordedAt }
  }
}`;

/** (c) Record a new order. */
const RECORD_ORDER = `mutation Record($input: RecordTikTokOrderInput!) {
  recordTikTokOrder(input: $input) {
    order { id tiktokOrderId syncStatus version placedAt totalAmount }
    userErrors { field message code }
  }
}`;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

// The baseline: the same statements, and the same JSON by hand, on a bare node:http server.

async function ordersPageJson(db: Kysely<Database>, id: string): Promise<unknown> {
  const store = (await readStoresByIds(db, [id])).get(id);
  if (store === undefined) return { data: { store: null } };
  const [pages, counts] = await Promise.all([
    readOrderPages(db, [id], { filter: {}, limit: PAGE_SIZE + 1 }),
    readOrderCounts(db, [id]),
  ]);
  const rows = pages.get(id)!;
  const count = counts.get(id)!;
  const shown = rows.slice(0, PAGE_SIZE);
  return {
    data: {
      store: {
        id: store.id,
        name: store.name,
        plan: store.plan,
        orderCounts: {
          pending: count.PENDING ?? 0,
          blocked: count.BLOCKED ?? 0,
          synced: count.SYNCED ?? 0,
          failed: count.FAILED ?? 0,
          cancelled: count.CANCELLED ?? 0,
        },
        orders: {
          totalCount: Object.values(count).reduce((sum: number, n) => sum + (n ?? 0), 0),
          pageInfo: {
            hasNextPage: rows.length > PAGE_SIZE,
            endCursor: shown.length > 0 ? orderCursor(shown[shown.length - 1]!) : null,
          },
          edges: shown.map((row) => ({
            cursor: orderCursor(row),
            node: {
              id: row.id,
              tiktokOrderId: row.tiktok_order_id,
              fulfillmentType: row.fulfillment_type,
              tiktokStatus: row.tiktok_status,
              syncStatus: row.sync_status,
              totalAmount: row.total_amount,
              currency: row.currency,
              placedAt: row.placed_at.toISOString(),
              store: { id: store.id, name: store.name },
            },
          })),
        },
      },
    },
  };
}

async function orderHistoryJson(
  db: Kysely<Database>,
  eventStore: EventStore,
  id: string,
): Promise<unknown> {
  const row = (await readOrdersByIds(db, [id])).get(id);
  if (row === undefined) return { data: { order: null } };
  const events = (await eventStore.readStreams([orderStreamId(id)])).get(orderStreamId(id))!;
  return {
    data: {
      order: {
        id: row.id,
        tiktokOrderId: row.tiktok_order_id,
        syncStatus: row.sync_status,
        tiktokStatus: row.tiktok_status,
        placedAt: row.placed_at.toISOString(),
        version: row.version,
        history: events.map((e) => ({
          globalPosition: e.globalPosition,
          streamVersion: e.streamVersion,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          recordedAt: e.recordedAt.toISOString(),
        })),
      },
    },
  };
}

function orderPayloadJson(order: OrderView): unknown {
  return {
    data: {
      recordTikTokOrder: {
        order: {
          id: order.id,
          tiktokOrderId: order.tiktok_order_id,
          syncStatus: order.sync_status,
          version: order.version,
          placedAt: iso(order.placed_at),
          totalAmount: order.total_amount,
        },
        userErrors: [],
      },
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** POST /orders-page {id}, /order {id}, /record {input}: what the three GraphQL operations do, bare. */
function baselineHandler(db: Kysely<Database>, eventStore: EventStore) {
  const commands = (): CommandContext => ({
    eventStore,
    now: () => new Date(),
    metadata: { correlationId: 'bench-baseline', actor: 'bench' },
  });
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const body = JSON.parse(await readBody(request)) as {
        id?: string;
        input?: RecordTikTokOrderInput;
      };
      let json: unknown;
      if (request.url === '/orders-page') json = await ordersPageJson(db, body.id!);
      else if (request.url === '/order') json = await orderHistoryJson(db, eventStore, body.id!);
      else if (request.url === '/record') {
        const { state, version } = await recordTikTokOrder(commands(), body.input!);
        json = orderPayloadJson(orderToRow(state!, version));
      } else {
        response.writeHead(404).end();
        return;
      }
      const text = JSON.stringify(json);
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  };
}

/**
 * The child process the load is aimed at: the service's Fastify instance with
 * the GraphQL API and the projections, as `serve` builds them, and beside it
 * the bare node:http baseline on the same database pool. A process of its
 * own, so that autocannon (in the parent) does not share its event loop.
 */
async function serveForBench(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    AUTH_SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const database = createDatabase(databaseUrl);
  const wakeups = createWakeups({ url: databaseUrl });
  const stops: Array<() => Promise<void>> = [];
  const httpLog: FastifyBaseLogger = benchLog;
  // As src/main.ts builds it.
  const newApp = () =>
    Fastify({
      loggerInstance: httpLog,
      bodyLimit: MAX_BODY_BYTES,
      logController: new LogController({ disableRequestLogging: true }),
    });
  const parts: ServiceParts = {
    config,
    log: benchLog,
    database: { ...database, source: 'the bench database', refusals: noRefusalReporter },
    wakeups,
    eventStore: createDomainEventStore(database.db, wakeups, database.pool),
    registry: createMetricsRegistry(),
    app: newApp(),
    onStop: (stop) => stops.push(stop),
  };
  collectProcessMetrics(parts.registry); // a process of its own, as serve
  installProjections(parts);
  await installGraphql(parts);
  await parts.app.listen({ port: 0, host: '127.0.0.1' });
  // The same API with the response cache off, on a Fastify instance of its own.
  const uncached: ServiceParts = {
    ...parts,
    config: { ...config, graphqlCacheMb: 0 },
    app: newApp(),
    registry: createMetricsRegistry(),
  };
  await installGraphql(uncached);
  await uncached.app.listen({ port: 0, host: '127.0.0.1' });
  const baseline = createServer(
    (request, response) => void baselineHandler(database.db, parts.eventStore)(request, response),
  );
  baseline.keepAliveTimeout = 60_000;
  baseline.listen(0, '127.0.0.1');
  await once(baseline, 'listening');
  const port = (server: { address(): AddressInfo | string | null }) =>
    (server.address() as AddressInfo).port;
  process.send!({
    graphql: `http://127.0.0.1:${port(parts.app.server)}/graphql`,
    uncached: `http://127.0.0.1:${port(uncached.app.server)}/graphql`,
    baseline: `http://127.0.0.1:${port(baseline)}`,
  });
  // The parent asks how much CPU this process has used, to put a cost on each
  // request, and what the response cache has done.
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ cpuMicros: process.cpuUsage() });
    if (message === 'cache')
      void responseCacheLookups(parts.registry).then((cache) => process.send!({ cache }));
  });
  process.once('disconnect', () => {
    void (async () => {
      baseline.close();
      await uncached.app.close();
      await parts.app.close();
      for (const stop of stops.reverse()) await stop();
      await wakeups.close();
      await database.close();
      process.exit(0);
    })();
  });
}

// The parent: seed, start the child, aim autocannon at both servers in turn.

interface Seeded {
  storeIds: string[];
  orderIds: string[];
}

const SKUS = ['MUG', 'CAP', 'TEE', 'HOODIE', 'SOCKS', 'BAG', 'PIN', 'POSTER'];

function lineItems(n: number) {
  return Array.from({ length: 1 + (n % 3) }, (_, i) => ({
    sku: SKUS[(n + i) % SKUS.length]!,
    title: `Item ${i}`,
    quantity: 1 + ((n + i) % 4),
    unitPrice: `${5 + ((n * 7 + i) % 40)}.${String((n * 13) % 100).padStart(2, '0')}`,
  }));
}

/**
 * Orders through the command functions, as the API and the webhooks write
 * them (FBT and seller, paid and not, under both rules; a fifth moved on to
 * AWAITING_COLLECTION), spread over 60 days in four stores; then the
 * projections run until the read models hold them all.
 */
async function seed(db: Kysely<Database>, url: string, orders: number): Promise<Seeded> {
  const context: CommandContext = {
    eventStore: createDomainEventStore(db),
    now: () => new Date(),
    metadata: { correlationId: 'bench-seed', actor: 'bench' },
  };
  const storeIds: string[] = [];
  for (const [i, spec] of (
    [
      { platform: 'SHOPIFY', plan: 'PRO', shopDomain: 'wait.myshopify.com' },
      { platform: 'SHOPIFY', plan: 'ENTERPRISE', shopDomain: 'deduct.myshopify.com' },
      { platform: 'WOOCOMMERCE', plan: 'FREE', shopDomain: null },
      { platform: 'SHOPIFY', plan: 'PRO', shopDomain: 'default.myshopify.com' },
    ] as const
  ).entries()) {
    const { state } = await connectStore(context, {
      name: `Bench store ${i}`,
      tiktokShopId: `bench-graphql-${i}`,
      ...spec,
    });
    storeIds.push(state!.storeId);
  }
  await updateFbtSyncRules(context, {
    storeId: storeIds[0]!,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  const statuses = ['UNPAID', 'AWAITING_SHIPMENT', 'AWAITING_SHIPMENT', 'ON_HOLD'] as const;
  const start = Date.parse('2026-09-01T00:00:00.000Z');
  const orderIds: string[] = new Array<string>(orders);
  await runConcurrently(16, orders, async (n) => {
    const storeId = storeIds[n % storeIds.length]!;
    const tiktokOrderId = `58${String(n).padStart(10, '0')}`;
    const { state } = await recordTikTokOrder(context, {
      storeId,
      tiktokOrderId,
      fulfillmentType: n % 5 < 3 ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
      status: statuses[n % statuses.length]!,
      lineItems: lineItems(n),
      currency: 'USD',
      placedAt: new Date(start + Math.floor((n / orders) * 60 * 86_400_000)).toISOString(),
    });
    orderIds[n] = state!.orderId;
    if (n % 5 === 0)
      await recordTikTokOrderStatus(context, {
        storeId,
        tiktokOrderId,
        status: 'AWAITING_COLLECTION',
        changedAt: new Date().toISOString(),
      });
  });
  const runners = startProjectionRunners({
    db,
    url,
    eventStore: context.eventStore,
    log: benchLog,
  });
  for (;;) {
    const lagging = (await projectionStatuses(db, context.eventStore, allProjections)).filter(
      (s) => s.lag > 0,
    );
    if (lagging.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await runners.stop();
  // As autovacuum would have by now on a live database: planner statistics, and a
  // visibility map for index-only scans. Both sides are measured on the same tables.
  await sql`VACUUM ANALYZE`.execute(db);
  return { storeIds, orderIds };
}

interface Figures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time the server process spent per request (user + system). */
  cpuMsPerRequest: number;
}

/** What a case's target is judged on. */
interface Measured {
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  baselineP50Ms: number;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  /** The body of the i-th request. */
  body(i: number): string;
}

/** Sends the child a question and waits for its reply. */
async function ask<Reply>(child: ChildProcess, question: string): Promise<Reply> {
  const reply = once(child, 'message') as Promise<[Reply]>;
  child.send(question);
  return (await reply)[0];
}

/** What the child's response cache has done so far, by result (hit, miss, bypass). */
const cacheOf = async (child: ChildProcess) =>
  (await ask<{ cache: Record<string, number> }>(child, 'cache')).cache;

/** CPU microseconds the child process has used so far. */
async function cpuOf(child: ChildProcess): Promise<number> {
  const { cpuMicros } = await ask<{ cpuMicros: NodeJS.CpuUsage }>(child, 'cpu');
  return cpuMicros.user + cpuMicros.system;
}

async function load(
  child: ChildProcess,
  target: Target,
  connections: number,
  seconds: number,
  /** Requests per second over all connections; as fast as they go when left out. */
  overallRate?: number,
): Promise<Figures> {
  let i = 0;
  const cpuBefore = await cpuOf(child);
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    connections,
    duration: seconds,
    ...(overallRate === undefined ? {} : { overallRate }),
    requests: [{ setupRequest: (request) => ({ ...request, body: target.body(i++) }) }],
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(
      `${target.url}: ${result.errors} errors, ${result.non2xx} non-2xx of ${result.requests.total}`,
    );
  const cpuMicros = (await cpuOf(child)) - cpuBefore;
  return {
    perSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: cpuMicros / 1000 / result.requests.total,
  };
}

/**
 * The better of two runs: the machine is shared (autocannon, PostgreSQL and
 * the server on the same cores, and whatever else runs), and one slow
 * stretch should not decide a figure.
 */
const best = (a: Figures, b: Figures) => (a.perSecond >= b.perSecond ? a : b);

export async function graphqlBench(server: BenchServer, quick: boolean): Promise<Section> {
  const database = await server.freshDatabase(20);
  const orders = quick ? 4_000 : 20_000;
  const seeded = await seed(database.db, database.url, orders);
  const token = await signToken(AUTH_SECRET, { role: 'admin', sub: 'bench' }, '1d');

  const child = fork(__filename, [], {
    env: { ...process.env, BENCH_DATABASE_URL: database.url, FBT_GRAPHQL_BENCH_SERVER: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [urls] = (await once(child, 'message')) as [
    { graphql: string; uncached: string; baseline: string },
  ];
  const rows: Row[] = [];
  // The background writer wakes the projections after each commit, as the service's own writers do.
  const backgroundWakeups = createWakeups({ url: database.url });
  try {
    const graphql = (
      query: string,
      variables: (i: number) => unknown,
      url = urls.graphql,
      headers: Record<string, string> = {},
    ): Target => ({
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: (i) => JSON.stringify({ query, variables: variables(i) }),
    });
    const bare = (path: string, body: (i: number) => unknown): Target => ({
      url: `${urls.baseline}${path}`,
      headers: {},
      body: (i) => JSON.stringify(body(i)),
    });
    const storeAt = (i: number) => seeded.storeIds[i % seeded.storeIds.length]!;
    // A different order each time, in a fixed scatter over the whole set.
    const orderAt = (i: number) => seeded.orderIds[(i * 7919) % seeded.orderIds.length]!;
    /** A new order each time (the GraphQL side and the baseline never record the same one). */
    const newOrder = (side: string, n: number): RecordTikTokOrderInput => ({
      storeId: storeAt(n),
      tiktokOrderId: `${side}${n}`,
      fulfillmentType: n % 2 ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
      status: 'AWAITING_SHIPMENT',
      lineItems: lineItems(n),
      currency: 'USD',
      placedAt: new Date().toISOString(),
    });
    let recorded = 0;
    let backgroundRuns = 0;
    /** While a case runs: orders recorded through the commands, as webhooks would, 20 a second. */
    const recordingInBackground = () => {
      const side = `w${backgroundRuns++}-`;
      const context: CommandContext = {
        eventStore: createDomainEventStore(database.db, backgroundWakeups),
        now: () => new Date(),
        metadata: { correlationId: 'bench-background', actor: 'bench' },
      };
      let sent = 0;
      let written = 0;
      let failure: Error | undefined;
      const timer = setInterval(() => {
        recordTikTokOrder(context, newOrder(side, sent++)).then(
          () => (written += 1),
          (error: unknown) =>
            (failure ??= error instanceof Error ? error : new Error(String(error))),
        );
      }, 50);
      return () => {
        clearInterval(timer);
        if (failure !== undefined) throw failure;
        return written;
      };
    };

    interface Case {
      name: string;
      ours: Target;
      baseline: Target;
      /** What the baseline is, when it is not the bare handler. */
      baselineName?: string;
      /** The target of the case at a number of connections, when it has one there. */
      target?: (
        connections: number,
      ) => { target: string; met: (row: Measured) => boolean } | undefined;
      connections: number[];
      /** Started before the case's runs, stopped after them. */
      during?: () => () => number;
    }
    const ordersPage = (url?: string, headers?: Record<string, string>) =>
      graphql(ORDERS_PAGE, (i) => ({ id: storeAt(i) }), url, headers);
    const ordersPageBare = bare('/orders-page', (i) => ({ id: storeAt(i) }));
    /** The same requests without read-your-writes: the API answers from the read models as they are. */
    const eventual = { [READ_CONSISTENCY_HEADER]: 'eventual' };
    const consistentReadTarget = (connections: number) =>
      connections === 1
        ? {
            target: 'p50 at most 1 ms above the same requests without it',
            met: (row: Measured) => row.p50Ms - row.baselineP50Ms <= 1,
          }
        : connections === 32
          ? {
              target: '>= 0.9x the same requests without it',
              met: (row: Measured) => row.ratio >= 0.9,
            }
          : undefined;
    const cases: Case[] = [
      {
        name: `orders page of ${PAGE_SIZE} with store and counts`,
        ours: ordersPage(),
        baseline: ordersPageBare,
        target: (connections) =>
          connections === 32
            ? {
                target: '>= 0.5x baseline, p99 < 20 ms',
                met: (row) => row.ratio >= 0.5 && row.p99Ms < 20,
              }
            : undefined,
        connections: [8, 32, 128],
      },
      {
        name: `orders page of ${PAGE_SIZE} with store and counts, response cache off`,
        ours: ordersPage(urls.uncached),
        baseline: ordersPageBare,
        connections: [8, 32, 128],
      },
      {
        name: `orders page of ${PAGE_SIZE} with store and counts, while 20 orders/s are recorded`,
        ours: ordersPage(),
        baseline: ordersPageBare,
        connections: [32],
        during: recordingInBackground,
      },
      {
        name: `orders page of ${PAGE_SIZE}: consistent read (read-your-writes) on, against off; response cache on`,
        ours: ordersPage(),
        baseline: ordersPage(urls.graphql, eventual),
        baselineName: 'the same API, read-consistency: eventual',
        target: consistentReadTarget,
        connections: [1, 32],
      },
      {
        name: `orders page of ${PAGE_SIZE}: consistent read on, against off; response cache off`,
        ours: ordersPage(urls.uncached),
        baseline: ordersPage(urls.uncached, eventual),
        baselineName: 'the same API, read-consistency: eventual',
        target: consistentReadTarget,
        connections: [1, 32],
      },
      {
        name: `orders page of ${PAGE_SIZE}: consistent read on, against off; response cache on, while 20 orders/s are recorded`,
        ours: ordersPage(),
        baseline: ordersPage(urls.graphql, eventual),
        baselineName: 'the same API, read-consistency: eventual',
        connections: [32],
        during: recordingInBackground,
      },
      {
        name: 'one order with its history',
        ours: graphql(ORDER_HISTORY, (i) => ({ id: orderAt(i) })),
        baseline: bare('/order', (i) => ({ id: orderAt(i) })),
        connections: [8, 32, 128],
      },
      {
        name: 'recordTikTokOrder',
        ours: graphql(RECORD_ORDER, () => ({ input: newOrder('g', recorded++) })),
        baseline: bare('/record', () => ({ input: newOrder('b', recorded++) })),
        connections: [8, 32, 128],
      },
    ];

    // The same answers, byte for byte once parsed: the baseline does the same work.
    for (const [name, query, path, id] of [
      ['orders page', ORDERS_PAGE, '/orders-page', seeded.storeIds[0]!],
      ['order history', ORDER_HISTORY, '/order', seeded.orderIds[0]!],
    ] as const) {
      const post = async (
        url: string,
        body: unknown,
        headers: Record<string, string>,
      ): Promise<unknown> => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        return response.json();
      };
      const theirs = await post(`${urls.baseline}${path}`, { id }, {});
      for (const url of [urls.graphql, urls.uncached]) {
        const ours = await post(
          url,
          { query, variables: { id } },
          { authorization: `Bearer ${token}` },
        );
        if (!isDeepStrictEqual(ours, theirs))
          throw new Error(`${name}: the baseline does not answer what the API answers`);
      }
    }

    const seconds = quick ? 2 : 6;
    for (const benchCase of cases) {
      const stop = benchCase.during?.();
      try {
        // Warm both: JIT, the pool's connections, PostgreSQL's caches.
        await load(child, benchCase.ours, 8, quick ? 1 : 2);
        await load(child, benchCase.baseline, 8, quick ? 1 : 2);
        for (const connections of benchCase.connections) {
          const run = (target: Target) => load(child, target, connections, seconds);
          const baseline1 = await run(benchCase.baseline);
          const cacheBefore = await cacheOf(child);
          const ours1 = await run(benchCase.ours);
          const ours2 = await run(benchCase.ours);
          const cacheAfter = await cacheOf(child);
          const baseline = best(baseline1, await run(benchCase.baseline));
          const ours = best(ours1, ours2);
          const ratio = ours.perSecond / baseline.perSecond;
          const targeted = benchCase.target?.(connections);
          const hits = (cacheAfter.hit ?? 0) - (cacheBefore.hit ?? 0);
          const looked =
            hits +
            (cacheAfter.miss ?? 0) -
            (cacheBefore.miss ?? 0) +
            (cacheAfter.bypass ?? 0) -
            (cacheBefore.bypass ?? 0);
          rows.push({
            case: `${benchCase.name}, ${connections} connections`,
            unit: 'requests/s',
            value: ours.perSecond,
            p50Ms: ours.p50Ms,
            p99Ms: ours.p99Ms,
            baseline: {
              name: benchCase.baselineName ?? 'bare node:http, same SQL and JSON',
              value: baseline.perSecond,
              p50Ms: baseline.p50Ms,
              p99Ms: baseline.p99Ms,
            },
            ratio,
            note:
              `server CPU per request: ${ours.cpuMsPerRequest.toFixed(2)} ms, baseline ${baseline.cpuMsPerRequest.toFixed(2)} ms` +
              (looked > 0
                ? `; answered from the response cache: ${((100 * hits) / looked).toFixed(1)}%`
                : '; response cache: not looked at'),
            ...(targeted
              ? {
                  target: targeted.target,
                  met: targeted.met({
                    ratio,
                    p50Ms: ours.p50Ms,
                    p99Ms: ours.p99Ms,
                    baselineP50Ms: baseline.p50Ms,
                  }),
                }
              : {}),
          });
        }
      } finally {
        const written = stop?.();
        if (written !== undefined)
          rows[rows.length - 1]!.note += `; ${written} orders recorded in the background`;
      }
    }
  } finally {
    await backgroundWakeups.close();
    child.disconnect();
    await once(child, 'exit');
  }
  return {
    name: 'graphql',
    description: `POST /graphql (Fastify, Apollo Server 5, type-graphql, JWT verified per request, DataLoader) under autocannon against a bare node:http handler that runs the same statements and writes the same JSON (no auth, no GraphQL, no framework, no cache), both in one child process on the same pool; ${orders.toLocaleString('en-US')} orders in 4 stores, projections running. The API runs as served, with its response cache: the pages of the 4 stores repeat, so they are answered from it while the read models stay where they are, after one read of the read models' version; the rows "response cache off" run the same API without it, and "while 20 orders/s are recorded" keep the projections changing the read models during the runs. Every query waits, as served, until the read models hold the writes committed before it arrived (read-your-writes: one statement reads the log's head with the projections' checkpoints, shared with the cache's version read); the rows "consistent read on, against off" measure that against the same requests sent with \`read-consistency: eventual\`, which skips the wait, at 1 connection (an idle service: the p50 it adds) and at 32. Order history is read from the log and never cached; mutations never are. Best of two runs each; the note gives the server process's CPU time per request, which machine noise moves less than throughput.`,
    rows,
  };
}

if (require.main === module && process.env.FBT_GRAPHQL_BENCH_SERVER === '1') {
  serveForBench().catch((error: unknown) => {
    process.stderr.write(`graphql bench server failed: ${String(error)}\n`);
    process.exit(1);
  });
}
