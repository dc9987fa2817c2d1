import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from '@jest/globals';
import { type Kysely, sql } from 'kysely';
import { createDatabase } from '../../src/db/database';
import type { Database } from '../../src/db/schema';
import { SERVE_OWN_CONNECTIONS } from '../../src/serveConnectionBudget';
import { runCli, TEST_SERVE_POOL_SIZE, tempDataDir } from '../support/cli';
import { createTestDatabase } from '../support/database';
import { createGraphqlClient, type GraphqlClient, Targets } from '../support/graphqlClient';
import {
  connectStores,
  MIXED_STORES,
  planOrders,
  type PlannedOrder,
  type Store,
  startLoad,
  type TikTokStatus,
} from '../support/loadGenerator';
import {
  mismatches,
  projectionLag,
  readFacts,
  readOrderViews,
  streamsWithGaps,
  until,
  untilSettled,
} from './endState';
import { startOwnPostgres } from './ownPostgres';
import {
  attemptsInFlight,
  connectionsByProcess,
  type NamedServe,
  startNamedServe,
  syncLeader,
} from './serveFleet';

/**
 * Faults a running `serve` must ride out by itself: its database restarted,
 * the platform down for a while, the platform slow past its timeout. Each
 * ends with every order the generator got an answer for where the decision
 * table puts it, synced at most once, and the read models equal to a rebuild.
 *
 * EVIDENCE_FAULT_ORDERS sets the orders of the database-restart run (default 120).
 */
const AUTH_SECRET = 'evidence-faults-secret-0123456789abcdefghij';
const FAULT_ORDERS = Number(process.env.EVIDENCE_FAULT_ORDERS ?? 120);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function serveOn(
  url: string,
  name: string,
): Promise<{ serve: NamedServe; client: GraphqlClient }> {
  const serve = await startNamedServe(name, {
    DATABASE_URL: url,
    AUTH_SECRET,
    PLATFORM: 'sandbox',
    DATA_DIR: tempDataDir(),
  });
  cleanups.push(() => serve.stop('SIGTERM'));
  const client = createGraphqlClient({
    targets: new Targets([serve.url]),
    secret: AUTH_SECRET,
    retryForMs: 120_000,
  });
  return { serve, client };
}

async function verifyClean(url: string): Promise<void> {
  const verify = await runCli(['verify'], { DATABASE_URL: url, DATA_DIR: tempDataDir() });
  expect(verify.stdout).toMatch(/every read model equals a rebuild/);
  expect(verify.code).toBe(0);
}

const httpStatus = async (url: string) =>
  (await fetch(url, { signal: AbortSignal.timeout(15_000) })).status;

/** Orders due for sync as soon as they are recorded, whatever their store's rules: one message each. */
function dueOrders(stores: Store[], count: number, idPrefix: string): PlannedOrder[] {
  return planOrders({ count, seed: 5, stores, idPrefix, messy: false }).map((order) => {
    const status: TikTokStatus =
      order.fulfillmentType === 'FULFILLED_BY_TIKTOK' ? 'AWAITING_COLLECTION' : 'AWAITING_SHIPMENT';
    return { ...order, messages: [{ kind: 'record', status }] };
  });
}

async function sandbox(db: Kysely<Database>, settings: string): Promise<void> {
  await sql`UPDATE sandbox_settings SET ${sql.raw(settings)}`.execute(db);
}

it(`PostgreSQL restarted under load: /readyz goes 503 and back to 200 without restarting serve, and nothing acknowledged is lost (${FAULT_ORDERS} orders)`, async () => {
  const postgres = await startOwnPostgres();
  cleanups.push(() => postgres.destroy());
  const checker = createDatabase(postgres.url, { poolSize: 2 });
  cleanups.push(() => checker.close());
  const { serve, client } = await serveOn(postgres.url, 'evidence-pg-restart');
  const runId = randomBytes(3).toString('hex');
  const stores = await connectStores(client, MIXED_STORES, runId);
  const orders = planOrders({ count: FAULT_ORDERS, seed: 11, stores, idPrefix: `58${runId}` });
  const run = startLoad({ client, orders, concurrency: 8, maxGapMs: 30, seed: 11 });

  await until(() => run.sent >= run.total / 4, 'a quarter of the load');
  await postgres.stop();
  const stoppedAt = Date.now();
  const sentAtStop = run.sent;
  const healthDuringOutage: number[] = [];
  await until(async () => {
    healthDuringOutage.push(await httpStatus(`${serve.url}/healthz`));
    return (await httpStatus(`${serve.url}/readyz`)) === 503;
  }, '/readyz to answer 503 with the database down');
  // Down until the load has felt it (requests the client had to send again) and the
  // service's reconnect loops have failed a few times over (at least 2 s of outage).
  const retriesAtStop = client.stats.retries;
  await until(
    () => client.stats.retries >= retriesAtStop + 5 && Date.now() - stoppedAt >= 2_000,
    'requests failing for the outage',
  );
  healthDuringOutage.push(await httpStatus(`${serve.url}/healthz`));
  expect(await httpStatus(`${serve.url}/readyz`)).toBe(503);

  await postgres.start();
  const downMs = Date.now() - stoppedAt;
  const readyAfterMs = await until(
    async () => (await httpStatus(`${serve.url}/readyz`)) === 200,
    '/readyz back to 200 with the database up',
  );
  await run.done;
  expect(healthDuringOutage.every((status) => status === 200)).toBe(true);
  expect(serve.child.exitCode).toBeNull(); // the same process throughout
  expect(run.unexpected).toEqual([]);

  const { waitedMs } = await untilSettled(checker.db, client, async () =>
    mismatches(run.orders, await readFacts(checker.db, client, stores), stores),
  );
  const facts = await readFacts(checker.db, client, stores);
  expect(mismatches(run.orders, facts, stores)).toEqual([]);
  expect(facts.views.size).toBe(FAULT_ORDERS);
  expect(await streamsWithGaps(checker.db)).toEqual([]);
  await verifyClean(postgres.url);
  // Its background connections are back too: the sync reactor's lead, the LISTENs for wake-ups.
  expect(await syncLeader(checker.db, new URL(postgres.url).pathname.slice(1))).toBe(serve.name);
  const listening = await listenConnections(checker.db, serve.name);
  expect(listening.get('LISTEN fbt_events')).toBeGreaterThanOrEqual(1);
  process.stdout.write(
    `${JSON.stringify({
      orders: FAULT_ORDERS,
      messages: run.total,
      sentAtStop,
      downMs,
      readyAgainAfterStartMs: readyAfterMs,
      retried: client.stats.retriedBecause,
      settleMs: waitedMs,
      listenConnectionsAfter: Object.fromEntries(listening),
    })}\n`,
  );
}, 300_000);

/** The LISTEN connections of a process, by what they listen to. */
async function listenConnections(db: Kysely<Database>, name: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ query: string; n: number }>`
    SELECT query, count(*)::int AS n FROM pg_stat_activity
    WHERE application_name = ${name} AND query LIKE 'LISTEN %' GROUP BY query`.execute(db);
  return new Map(rows.map((r) => [r.query, r.n]));
}

// Fails today: createWakeups (src/eventstore/wakeups.ts) opens a LISTEN connection
// for every onWake() that comes while the first one is still connecting (the
// three projections and the sync queue subscribe at once), keeps only the last,
// and close() never ends the others. Each database outage repeats it when the
// subscriptions start again.
it('serve holds one LISTEN connection for event wake-ups, not one per subscription (nor per waiting query)', async () => {
  const database = await createTestDatabase(2);
  cleanups.push(() => database.drop());
  const { serve, client } = await serveOn(database.url, 'evidence-listen');
  await connectStores(client, MIXED_STORES.slice(0, 1), randomBytes(3).toString('hex'));
  // Every subscription has started: the projections have applied the store's events.
  await until(async () => (await projectionLag(client)) === 0, 'the projections to catch up');
  await until(
    async () => (await syncLeader(database.db, database.name)) === serve.name,
    'the sync reactor to start',
  );
  const listening = await listenConnections(database.db, serve.name);
  expect(Object.fromEntries(listening)).toEqual({
    'LISTEN fbt_events': 1,
    // The queries waiting to read their own writes share one, whatever their number.
    'LISTEN fbt_read_models': 1,
    'LISTEN fbt_tiktok_webhook_inbox': 1,
  });
}, 60_000);

it('the platform down for a while, then back: orders wait PENDING with a failureReason, are retried, and sync once each', async () => {
  const database = await createTestDatabase(2);
  cleanups.push(() => database.drop());
  const { client } = await serveOn(database.url, 'evidence-platform-down');
  const runId = randomBytes(3).toString('hex');
  const stores = await connectStores(client, MIXED_STORES, runId);

  // Down "for good" until every order has felt it; then back a few seconds later.
  await sandbox(database.db, `unavailable_until = now() + interval '1 hour'`);
  const orders = dueOrders(stores, 24, `59${runId}`);
  const run = startLoad({ client, orders, concurrency: 24, maxGapMs: 0 });
  await run.done;
  expect(run.unexpected).toEqual([]);
  await until(async () => {
    const views = [...(await readOrderViews(client, stores)).values()];
    return (
      views.length === orders.length &&
      views.every((v) => v.syncStatus === 'PENDING' && /unavailable/.test(v.failureReason ?? ''))
    );
  }, 'every order PENDING with the outage as its failureReason');
  const { rows: onPlatformMeanwhile } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM sandbox_orders`.execute(database.db);
  expect(onPlatformMeanwhile[0]!.n).toBe(0);

  await sandbox(database.db, `unavailable_until = now() + interval '3 seconds'`);
  const backAt = Date.now();
  const { waitedMs } = await untilSettled(database.db, client, async () =>
    mismatches(run.orders, await readFacts(database.db, client, stores), stores),
  );
  const facts = await readFacts(database.db, client, stores);
  expect(mismatches(run.orders, facts, stores)).toEqual([]);
  const views = [...facts.views.values()];
  expect(views.map((v) => v.syncStatus)).toEqual(orders.map(() => 'SYNCED'));
  expect(views.every((v) => v.syncAttempts >= 2)).toBe(true);
  // Every failure on the way was retryable and none was final.
  const { rows: failures } = await sql<{ retryable: boolean; final: boolean; n: number }>`
    SELECT (data->>'retryable')::boolean AS retryable, (data->>'final')::boolean AS final, count(*)::int AS n
    FROM events WHERE type = 'OrderSyncFailed' GROUP BY 1, 2`.execute(database.db);
  expect(failures.map((f) => [f.retryable, f.final])).toEqual([[true, false]]);
  expect(await streamsWithGaps(database.db)).toEqual([]);
  await verifyClean(database.url);
  const attempts = views.map((v) => v.syncAttempts).sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      orders: orders.length,
      failuresRecorded: failures[0]?.n,
      attemptsPerOrder: { min: attempts[0], max: attempts.at(-1) },
      syncedWithinMsOfComingBack: Date.now() - backAt,
      settleMs: waitedMs,
    })}\n`,
  );
}, 180_000);

it('a slow platform, then one slower than its timeout: every order synced once, connections and attempts in flight bounded', async () => {
  const database = await createTestDatabase(2);
  cleanups.push(() => database.drop());
  const name = 'evidence-slow-platform';
  const { client } = await serveOn(database.url, name);
  const runId = randomBytes(3).toString('hex');
  const stores = await connectStores(client, MIXED_STORES, runId);
  const idle = (await connectionsByProcess(database.db, database.name)).get(name) ?? 0;

  // What the serve process holds while it works, sampled until `done` says stop.
  const peaks = { connections: 0, inFlight: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const connections = (await connectionsByProcess(database.db, database.name)).get(name) ?? 0;
      peaks.connections = Math.max(peaks.connections, connections);
      peaks.inFlight = Math.max(peaks.inFlight, await attemptsInFlight(database.db));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  // 1. Slow, under the timeout: 1.5 s per call, 36 orders at once.
  await sandbox(database.db, 'latency_ms = 1500');
  const slow = startLoad({
    client,
    orders: dueOrders(stores, 36, `60${runId}`),
    concurrency: 36,
    maxGapMs: 0,
  });
  await slow.done;
  expect(slow.unexpected).toEqual([]);
  await untilSettled(database.db, client, async () =>
    mismatches(slow.orders, await readFacts(database.db, client, stores), stores),
  );
  const slowPeaks = { ...peaks };

  // 2. Past the timeout while the order is being created: the sandbox creates it and the
  // answer is lost (TIMEOUT). The next attempt must find it, not create a second one.
  await sandbox(database.db, 'latency_ms = 3000');
  const lost = startLoad({
    client,
    orders: dueOrders(stores, 6, `61${runId}`),
    concurrency: 6,
    maxGapMs: 0,
  });
  await lost.done;
  expect(lost.unexpected).toEqual([]);
  const lostIds = lost.orders.map((o) => o.orderId!);
  await until(async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(DISTINCT stream_id)::int AS n FROM events
      WHERE type = 'OrderSyncStarted' AND stream_id = ANY(${lostIds.map((id) => `order-${id}`)}::text[])`.execute(
      database.db,
    );
    return rows[0]!.n === lostIds.length;
  }, 'an attempt started on every order');
  await sandbox(database.db, 'latency_ms = 10000');
  await until(
    async () => {
      const views = await readOrderViews(client, stores);
      return lost.orders.every((o) =>
        /did not answer/.test(views.get(`${o.store.id}/${o.tiktokOrderId}`)?.failureReason ?? ''),
      );
    },
    'every order to have timed out once',
    90_000,
    100,
  );
  await sandbox(database.db, 'latency_ms = 0');
  const all = [...slow.orders, ...lost.orders];
  await untilSettled(database.db, client, async () =>
    mismatches(all, await readFacts(database.db, client, stores), stores),
  );
  sampling = false;
  await sampler;

  const facts = await readFacts(database.db, client, stores);
  expect(mismatches(all, facts, stores)).toEqual([]);
  expect([...facts.views.values()].every((v) => v.syncStatus === 'SYNCED')).toBe(true);
  const foundAfterLostAnswer = lostIds.filter(
    (id) => facts.effects.get(id)?.alreadyOnPlatform === 1,
  );
  // Its pool and its own connections (leader locks, LISTEN/NOTIFY), never more: the budget the message
  // of a full server names (DATABASE_POOL_SIZE + SERVE_OWN_CONNECTIONS).
  expect(peaks.connections).toBeLessThanOrEqual(TEST_SERVE_POOL_SIZE + SERVE_OWN_CONNECTIONS);
  // At most 12 attempts in flight at once (the reactor's concurrency), never one per order.
  expect(peaks.inFlight).toBeLessThanOrEqual(12);
  expect(await streamsWithGaps(database.db)).toEqual([]);
  await verifyClean(database.url);
  process.stdout.write(
    `${JSON.stringify({
      idleConnections: idle,
      peakConnections: peaks.connections,
      peakConnectionsSlowPhase: slowPeaks.connections,
      peakAttemptsInFlight: peaks.inFlight,
      ordersSlow: slow.orders.length,
      ordersTimedOut: lost.orders.length,
      foundOnPlatformAfterLostAnswer: foundAfterLostAnswer.length,
    })}\n`,
  );
}, 240_000);
