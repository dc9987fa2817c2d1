import { setTimeout as delay } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createSandboxPlatform } from '../src/adapters/sandbox/createSandboxPlatform';
import type { CommandContext } from '../src/commands/commandContext';
import { createDomainEventStore } from '../src/commands/domainEventStore';
import { orderIdFor } from '../src/commands/ids';
import { recordTikTokOrder } from '../src/commands/orderCommands';
import { connectStore } from '../src/commands/storeCommands';
import { orderStreamId } from '../src/domain/eventCatalog';
import type { OrderPlaced, OrderSynced } from '../src/domain/orderEvents';
import { createWakeups } from '../src/eventstore/wakeups';
import { startSyncReactor } from '../src/sync/startSyncReactor';
import { benchLog, type BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { findOrCreateOrder, LINE_ITEMS } from './support/platformBaseline';
import { atRate, measurement, type Measurement } from './support/stats';

/**
 * Placed→SYNCED latency through the whole service on the sandbox platform:
 * recordTikTokOrder (paid, so OrderSyncRequested in the same append), NOTIFY,
 * the queue's subscription, the worker, OrderSyncStarted, findOrder and
 * createOrder on the sandbox, OrderSynced + InventoryDeducted. Against the
 * bare cost of those platform calls alone, at the same rate.
 */
export async function syncBench(server: BenchServer, quick: boolean): Promise<Section> {
  const database = await server.freshDatabase(24);
  const wakeups = createWakeups({ url: database.url });
  const eventStore = createDomainEventStore(database.db, wakeups, database.pool);
  const platform = createSandboxPlatform(database.db);
  const reactor = startSyncReactor({
    db: database.db,
    databaseUrl: database.url,
    eventStore,
    platform,
    log: benchLog,
    registry: new Registry(),
  });
  const context: CommandContext = {
    eventStore,
    now: () => new Date(),
    metadata: { correlationId: 'bench', actor: 'bench' },
  };
  const { state } = await connectStore(context, {
    name: 'Bench',
    tiktokShopId: 'bench-shop',
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: 'bench.myshopify.com',
  });
  const storeId = state!.storeId;
  let nextOrder = 0;

  /** Places `total` paid orders at `perSecond`; once all are SYNCED, the latencies from their events. */
  const throughTheService = async (perSecond: number, total: number): Promise<Measurement> => {
    const tiktokOrderIds = Array.from(
      { length: total },
      () => `58${String(++nextOrder).padStart(10, '0')}`,
    );
    const streams = tiktokOrderIds.map((id) => orderStreamId(orderIdFor(storeId, id)));
    const t0 = performance.now();
    await atRate(perSecond, total, async (i) => {
      await recordTikTokOrder(context, {
        storeId,
        tiktokOrderId: tiktokOrderIds[i]!,
        fulfillmentType: 'FULFILLED_BY_SELLER',
        status: 'AWAITING_SHIPMENT',
        lineItems: LINE_ITEMS,
        currency: 'USD',
        placedAt: new Date().toISOString(),
      });
    });
    for (;;) {
      const { synced } = await database.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('synced'))
        .where('type', '=', 'OrderSynced')
        .where('stream_id', 'in', streams)
        .executeTakeFirstOrThrow();
      if (Number(synced) === total) break;
      await delay(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    const latencies: number[] = [];
    for (const events of (await eventStore.readStreams(streams)).values()) {
      const placed = events.find((e) => e.type === 'OrderPlaced')!.data as OrderPlaced['data'];
      const synced = events.find((e) => e.type === 'OrderSynced')!.data as OrderSynced['data'];
      latencies.push(Date.parse(synced.syncedAt) - Date.parse(placed.recordedAt));
    }
    return measurement(latencies, seconds);
  };

  /** The same platform operations, called directly at the same rate. */
  const platformAlone = async (perSecond: number, total: number): Promise<Measurement> => {
    const latencies: number[] = [];
    const t0 = performance.now();
    await atRate(perSecond, total, async () => {
      const tiktokOrderId = `59${String(++nextOrder).padStart(10, '0')}`;
      const s = performance.now();
      await findOrCreateOrder(platform, 'baseline', tiktokOrderId);
      latencies.push(performance.now() - s);
    });
    return measurement(latencies, (performance.now() - t0) / 1000);
  };

  const rows: Row[] = [];
  try {
    // Warm the pool, the caches and the JIT.
    await throughTheService(50, quick ? 25 : 100);
    await platformAlone(50, quick ? 25 : 100);
    const seconds = quick ? 2 : 10;
    for (const perSecond of [50, 200]) {
      const total = perSecond * seconds;
      const ours = await throughTheService(perSecond, total);
      const bare = await platformAlone(perSecond, total);
      rows.push({
        case: `placed→SYNCED at ${perSecond} orders/s for ${seconds} s, sandbox`,
        unit: 'ms p50',
        value: ours.p50Ms,
        p50Ms: ours.p50Ms,
        p99Ms: ours.p99Ms,
        baseline: {
          name: 'sandbox findOrder + createOrder alone, same rate',
          value: bare.p50Ms,
          p50Ms: bare.p50Ms,
          p99Ms: bare.p99Ms,
        },
        ratio: bare.p50Ms / ours.p50Ms,
        note: `${total.toLocaleString('en-US')} orders placed over ${seconds} s, the last SYNCED ${ours.seconds.toFixed(1)} s after the first was placed: ${(total / ours.seconds).toFixed(0)} orders/s sustained`,
      });
    }
  } finally {
    await reactor.stop();
    await wakeups.close();
  }
  return {
    name: 'sync',
    description:
      "Latency from OrderPlaced (a paid order, recorded through the command handler) to OrderSynced, at a steady rate below saturation, through NOTIFY, the sync queue subscription, the worker (12 in flight) and the sandbox platform in the same PostgreSQL; timed from the events' own timestamps. Baseline: the sandbox's findOrder + createOrder called directly at the same rate.",
    rows,
  };
}
