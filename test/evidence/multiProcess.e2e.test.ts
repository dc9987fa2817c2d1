import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { runCli, tempDataDir } from '../support/cli';
import { createEmptyDatabase, type TestDatabase } from '../support/database';
import { createGraphqlClient, Targets } from '../support/graphqlClient';
import {
  connectStores,
  expectedEnd,
  MIXED_STORES,
  planOrders,
  refusedRules,
  setRules,
  startLoad,
  statusesForUnknownOrders,
} from '../support/loadGenerator';
import {
  countEvents,
  mismatches,
  percentile,
  readFacts,
  requestedToSyncedMs,
  readStoreView,
  streamsWithGaps,
  until,
  untilSettled,
} from './endState';
import { attemptsInFlight, type NamedServe, startNamedServe, syncLeader } from './serveFleet';

/**
 * Three `serve` processes on one fresh database behind one load generator;
 * the one leading the sync reactor is SIGKILLed at 40% of the load and
 * started again.
 * The claims: nothing lost, nothing duplicated, every order where the FBT
 * decision table puts it, the read models equal to a rebuild, no hole in
 * any stream.
 *
 * EVIDENCE_ORDERS sets the number of orders (default 240, ~1,100 requests);
 * EVIDENCE_SEED the seed of their stories. A longer run:
 *   EVIDENCE_ORDERS=3000 npx jest test/evidence/multiProcess
 */
const ORDERS = Number(process.env.EVIDENCE_ORDERS ?? 240);
const SEED = Number(process.env.EVIDENCE_SEED ?? 20261128);
const AUTH_SECRET = 'evidence-multi-process-secret-0123456789abcdef';

let database: TestDatabase;
/** The three slots the load goes to. */
const processes: NamedServe[] = [];
/** Every process started, stopped by afterAll whatever happens (SIGTERM to one that exited does nothing). */
const started: NamedServe[] = [];
const startServeNamed = async (name: string, env: NodeJS.ProcessEnv) => {
  const serve = await startNamedServe(name, env);
  started.push(serve);
  return serve;
};

beforeAll(async () => {
  // Empty, not migrated: the three processes migrate it at once (an advisory lock decides).
  database = await createEmptyDatabase(2);
});

afterAll(async () => {
  for (const serve of started) await serve.stop('SIGTERM');
  await database.drop();
});

it(`three serve processes, one SIGKILLed and restarted under load: ${ORDERS} orders end where the decision table says, once each`, async () => {
  const runId = randomBytes(3).toString('hex');
  const env = {
    DATABASE_URL: database.url,
    AUTH_SECRET,
    PLATFORM: 'sandbox',
    DATA_DIR: tempDataDir(),
    // Three processes of 4 + SERVE_OWN_CONNECTIONS each, beside the other jest worker's
    // file: within the test fleet's connection budget (test/support/database.ts).
    DATABASE_POOL_SIZE: '4',
  };
  const startedAt = Date.now();
  processes.push(
    ...(await Promise.all([0, 1, 2].map((i) => startServeNamed(`evidence-serve-${i}`, env)))),
  );
  const targets = new Targets(processes.map((p) => p.url));
  const client = createGraphqlClient({ targets, secret: AUTH_SECRET });

  const stores = await connectStores(client, MIXED_STORES, runId);
  const byKey = (key: string) => stores.find((s) => s.key === key)!;
  // The table's refusals, through the API: nothing is written for them.
  const free = byKey('woocommerce-free');
  const essentials = byKey('shopify-default');
  const refusedFree = await refusedRules(client, free, {
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: null,
  });
  const refusedEssentials = await refusedRules(client, essentials, {
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  expect(refusedFree.map((e) => e.code)).toEqual(
    expect.arrayContaining([expect.stringMatching(/PLAN_NOT_ELIGIBLE|PLATFORM_NOT_SUPPORTED/)]),
  );
  expect(refusedEssentials.map((e) => e.code)).toContain('PLAN_NOT_ELIGIBLE');

  const orders = planOrders({ count: ORDERS, seed: SEED, stores, idPrefix: `57${runId}` });
  const run = startLoad({ client, orders, concurrency: 24, seed: SEED });

  // A quarter of the way: the switching store changes its rules between two messages
  // of every order in flight; orders placed from then on are decided under the new ones.
  await until(() => run.sent >= run.total / 4, 'a quarter of the load');
  await run.pause();
  const switching = byKey('shopify-enterprise-switch');
  await setRules(client, switching, switching.laterRules!);
  run.resume();

  // At 40%: SIGKILL the process that leads the sync reactor, mid-attempts, and start it again.
  await until(() => run.sent >= run.total * 0.4, '40% of the load');
  let leader: string | null = null;
  await until(
    async () => (leader = await syncLeader(database.db, database.name)) !== null,
    'a process to lead the sync reactor',
  );
  const victimSlot = processes.findIndex((p) => p.name === leader);
  const victim = processes[victimSlot]!;
  targets.down(victimSlot);
  const exitCode = await victim.stop('SIGKILL');
  const inFlightAtKill = await attemptsInFlight(database.db);
  const sentAtKill = run.sent;
  // The load goes on against the other two while the victim is down; it waits
  // for the restart only if it would otherwise finish first (a slow machine),
  // so that the restarted process always takes part.
  let up = false;
  const restarting = startServeNamed(`${victim.name}-restarted`, env).then((serve) => {
    up = true;
    return serve;
  });
  await until(() => up || run.sent >= run.total * 0.6, 'the restart or 60% of the load');
  await run.pause();
  const restarted = await restarting;
  processes[victimSlot] = restarted;
  targets.up(victimSlot, restarted.url);
  run.resume();

  await run.done;
  const answeredBy = Object.fromEntries(
    processes.map((p) => [p.name, client.stats.answeredBy[p.url] ?? 0]),
  );
  answeredBy[victim.name] = client.stats.answeredBy[victim.url] ?? 0;
  // The restarted process took its share of what was left.
  expect(answeredBy[restarted.name]).toBeGreaterThan(0);
  const loadSeconds = (Date.now() - startedAt) / 1000;
  expect(run.unexpected).toEqual([]);
  expect(exitCode).toBeNull(); // killed by the signal, not exited

  // Statuses for orders never recorded: NOT_FOUND, nothing written.
  const unknown = await statusesForUnknownOrders(client, essentials, [
    `99${runId}000001`,
    `99${runId}000002`,
  ]);
  expect(unknown.map((errors) => errors.map((e) => e.code))).toEqual([
    ['NOT_FOUND'],
    ['NOT_FOUND'],
  ]);

  const sentOrders = run.orders;
  const { waitedMs } = await untilSettled(database.db, client, async () =>
    mismatches(sentOrders, await readFacts(database.db, client, stores), stores),
  );
  const facts = await readFacts(database.db, client, stores);
  expect(mismatches(sentOrders, facts, stores)).toEqual([]);
  expect(facts.views.size).toBe(ORDERS);
  expect(await streamsWithGaps(database.db)).toEqual([]);

  // The refused rule changes wrote nothing: the stores are at the version their rules left them.
  expect((await readStoreView(client, free)).version).toBe(0);
  expect((await readStoreView(client, essentials)).version).toBe(0);
  expect((await readStoreView(client, switching)).fbtSyncRules).toMatchObject(
    switching.laterRules!,
  );

  const latencies = await requestedToSyncedMs(database.db);
  const leaderAfter = await syncLeader(database.db, database.name);
  expect(processes.map((p) => p.name)).toContain(leaderAfter);
  // Every process, the restarted one too, stops cleanly on SIGTERM.
  const stopped = await Promise.all(processes.splice(0).map((p) => p.stop('SIGTERM')));
  expect(stopped).toEqual([0, 0, 0]);

  const verify = await runCli(['verify'], { DATABASE_URL: database.url, DATA_DIR: env.DATA_DIR });
  expect(verify.stderr).not.toMatch(/differ/);
  expect(verify.code).toBe(0);

  const bySyncStatus: Record<string, number> = {};
  for (const view of facts.views.values())
    bySyncStatus[view.syncStatus] = (bySyncStatus[view.syncStatus] ?? 0) + 1;
  const alreadyOnPlatform = [...facts.effects.values()].reduce(
    (n, e) => n + e.alreadyOnPlatform,
    0,
  );
  const placedUnderNewRules = sentOrders.filter(
    (o) => o.store === switching && o.placedUnder?.mode === 'WAIT_FOR_AWAITING_COLLECTION',
  ).length;
  // Cancellations that came once the order was due race its sync; the table allows either end.
  const raced = { synced: 0, cancelled: 0 };
  for (const order of sentOrders) {
    if (order.placedUnder === null) continue;
    if (expectedEnd({ ...order, placedUnder: order.placedUnder }).syncStatus.length < 2) continue;
    const view = facts.views.get(`${order.store.id}/${order.tiktokOrderId}`);
    if (view?.syncStatus === 'SYNCED') raced.synced++;
    else raced.cancelled++;
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        orders: ORDERS,
        seed: SEED,
        messages: run.total,
        requests: client.stats.requests,
        retried: client.stats.retriedBecause,
        answeredBy,
        killed: victim.name,
        syncLeaderAfter: leaderAfter,
        sentAtKill,
        attemptsInFlightAtKill: inFlightAtKill,
        syncedFoundOnPlatformAfterCrash: alreadyOnPlatform,
        placedUnderNewRules,
        cancellationsRacingSync: raced,
        bySyncStatus,
        requestedToSyncedMs: {
          p50: Math.round(percentile(latencies, 50)),
          p99: Math.round(percentile(latencies, 99)),
        },
        log: await countEvents(database.db),
        loadSeconds,
        settleMs: waitedMs,
        requestsPerSecond: Math.round(run.total / loadSeconds),
      },
      null,
      2,
    )}\n`,
  );
}, 300_000);
