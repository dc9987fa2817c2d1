import { type Kysely, sql } from 'kysely';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';
import type { Database } from '../../src/db/schema';
import { DomainError } from '../../src/domain/domainError';
import { orderStreamId, schemaVersionOf, storeStreamId } from '../../src/domain/eventCatalog';
import { decideOrder, type OrderCommand, type StoreSnapshot } from '../../src/domain/orderDecider';
import { evolveOrder, type OrderState } from '../../src/domain/orderState';
import {
  decideStore,
  evolveStore,
  orderSettingsInForce,
  rulesInForce,
  type StoreCommand,
  type StoreState,
} from '../../src/domain/storeDecider';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';

/** A small deterministic generator (mulberry32): the same log on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TimedEvent {
  at: number;
  streamId: string;
  version: number;
  type: string;
  data: unknown;
}

const START = Date.parse('2026-10-01T00:00:00.000Z');
const SKUS = ['MUG', 'CAP', 'TEE', 'HOODIE', 'SOCKS', 'BAG', 'PIN', 'POSTER'];

export interface GeneratedLog {
  events: number;
  orders: number;
  stores: string[];
}

/**
 * Writes a realistic log straight into the events table: stores under both
 * FBT rules and on several plans and platforms, FBT and seller orders,
 * payments, duplicate and stale statuses, cancellations, sync attempts,
 * successes, retryable and final failures. Every event is decided by the
 * real deciders, so the streams are exactly what the service would write;
 * they are interleaved in time as live traffic is.
 */
export async function generateLog(
  db: Kysely<Database>,
  targetEvents: number,
  seed = 7,
): Promise<GeneratedLog> {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const timed: TimedEvent[] = [];

  const storeSpecs = [
    { platform: 'SHOPIFY', plan: 'PRO', mode: 'WAIT_FOR_AWAITING_COLLECTION', tag: 'FBT' },
    {
      platform: 'SHOPIFY',
      plan: 'ENTERPRISE',
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      tag: 'tiktok-fbt',
    },
    { platform: 'SHOPIFY', plan: 'PRO', mode: 'SYNC_AND_DEDUCT_INVENTORY', tag: 'FBT' },
    { platform: 'SHOPIFY', plan: 'FREE', mode: null, tag: null },
    { platform: 'WOOCOMMERCE', plan: 'ESSENTIALS', mode: null, tag: null },
    { platform: 'BIGCOMMERCE', plan: 'ENTERPRISE', mode: 'SYNC_AND_DEDUCT_INVENTORY', tag: null },
    { platform: 'SHOPIFY', plan: 'PRO', mode: 'WAIT_FOR_AWAITING_COLLECTION', tag: null },
    { platform: 'WIX', plan: 'FREE', mode: null, tag: null },
  ] as const;
  const stores: Array<{ snapshot: StoreSnapshot; storeId: string }> = [];
  for (const [i, spec] of storeSpecs.entries()) {
    const storeId = storeIdFor(`bench-shop-${seed}-${i}`);
    let state: StoreState = null;
    let version = -1;
    const run = (command: StoreCommand, at: number) => {
      for (const event of decideStore(command, state)) {
        state = evolveStore(state, event);
        timed.push({
          at,
          streamId: storeStreamId(storeId),
          version: ++version,
          type: event.type,
          data: event.data,
        });
      }
    };
    const at = START + i * 1000;
    const now = new Date(at).toISOString();
    run(
      {
        type: 'ConnectStore',
        data: {
          storeId,
          name: `Bench store ${i}`,
          tiktokShopId: `bench-shop-${seed}-${i}`,
          platform: spec.platform,
          plan: spec.plan,
          shopDomain: spec.platform === 'SHOPIFY' ? `bench-${i}.myshopify.com` : null,
          now,
          actor: 'bench',
        },
      },
      at,
    );
    if (spec.mode)
      run(
        {
          type: 'UpdateFbtSyncRules',
          data: { mode: spec.mode, orderTag: spec.tag, now, actor: 'bench' },
        },
        at + 1,
      );
    const store = state as unknown as Parameters<typeof rulesInForce>[0];
    stores.push({
      storeId,
      snapshot: {
        storeId,
        platform: store.platform,
        plan: store.plan,
        rules: rulesInForce(store),
        settings: orderSettingsInForce(store),
      },
    });
  }

  let orders = 0;
  const paidPath: TikTokOrderStatus[] = [
    'AWAITING_SHIPMENT',
    'AWAITING_COLLECTION',
    'IN_TRANSIT',
    'DELIVERED',
    'COMPLETED',
  ];
  while (timed.length < targetEvents) {
    const n = orders++;
    const { storeId, snapshot } = pick(stores);
    const tiktokOrderId = `${seed}${String(n).padStart(9, '0')}`;
    const orderId = orderIdFor(storeId, tiktokOrderId);
    let state: OrderState = null;
    let version = -1;
    let at = START + 10_000 + n * 400 + Math.floor(random() * 400);
    const run = (command: OrderCommand) => {
      try {
        for (const event of decideOrder(command, state)) {
          state = evolveOrder(state, event);
          timed.push({
            at,
            streamId: orderStreamId(orderId),
            version: ++version,
            type: event.type,
            data: event.data,
          });
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    };
    const iso = () => new Date(at).toISOString();
    const later = (minutes: number) => (at += Math.floor((0.2 + random()) * minutes * 60_000));
    const roll = random();
    const first: TikTokOrderStatus =
      roll < 0.2
        ? 'UNPAID'
        : roll < 0.25
          ? 'ON_HOLD'
          : roll < 0.27
            ? 'CANCELLED'
            : roll < 0.35
              ? 'AWAITING_COLLECTION'
              : 'AWAITING_SHIPMENT';
    run({
      type: 'RecordTikTokOrder',
      data: {
        orderId,
        tiktokOrderId,
        fulfillmentType: random() < 0.6 ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
        status: first,
        lineItems: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          sku: pick(SKUS),
          title: 'Bench item',
          quantity: 1 + Math.floor(random() * 3),
          unitPrice: `${5 + Math.floor(random() * 60)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`,
        })),
        currency: 'USD',
        placedAt: iso(),
        store: snapshot,
        now: iso(),
      },
    });
    const sync = () => {
      const order = state;
      if (order === null || order.syncStatus !== 'PENDING' || order.syncPlan === null) return;
      later(1);
      run({ type: 'StartOrderSync', data: { now: iso() } });
      const attempt = (state as unknown as { syncAttempts: number }).syncAttempts;
      const outcome = random();
      later(0.05);
      if (outcome < 0.9) {
        run({
          type: 'RecordOrderSynced',
          data: {
            attempt,
            platformOrderId: `P-${tiktokOrderId}`,
            platformOrderStatus: order.syncPlan.platformOrderStatus,
            tags: order.syncPlan.tags,
            alreadyOnPlatform: false,
            now: iso(),
          },
        });
      } else {
        run({
          type: 'RecordOrderSyncFailure',
          data: {
            attempt,
            reason: outcome < 0.97 ? 'Shopify answered 503' : 'unknown SKU',
            retryable: outcome < 0.97,
            maxAttempts: 8,
            nextAttemptAt: new Date(at + 60_000).toISOString(),
            now: iso(),
          },
        });
        if (outcome < 0.97) {
          later(2);
          run({ type: 'StartOrderSync', data: { now: iso() } });
          later(0.05);
          const second = (state as unknown as { syncAttempts: number }).syncAttempts;
          run({
            type: 'RecordOrderSynced',
            data: {
              attempt: second,
              platformOrderId: `P-${tiktokOrderId}`,
              platformOrderStatus: order.syncPlan.platformOrderStatus,
              tags: order.syncPlan.tags,
              alreadyOnPlatform: random() < 0.1,
              now: iso(),
            },
          });
        }
      }
    };
    sync();
    const status = (to: TikTokOrderStatus) =>
      run({ type: 'RecordTikTokOrderStatus', data: { status: to, changedAt: iso(), now: iso() } });
    for (const next of paidPath.slice(0, 1 + Math.floor(random() * paidPath.length))) {
      later(random() < 0.5 ? 30 : 600);
      if (random() < 0.04) {
        status('CANCELLED');
        break;
      }
      status(next);
      if (random() < 0.1) status(next); // a duplicate delivery
      if (random() < 0.05) status('UNPAID'); // a stale one
      sync();
    }
  }

  timed.sort((a, b) => a.at - b.at);
  // Large batches, one transaction each: the rows' transaction ids rise batch by batch.
  for (let i = 0; i < timed.length; i += 5000) {
    const rows = timed.slice(i, i + 5000).map((e) => ({
      stream_id: e.streamId,
      stream_version: e.version,
      type: e.type,
      data: e.data,
      metadata: {
        correlationId: `bench-${e.streamId}`,
        actor: 'bench',
        schemaVersion: schemaVersionOf(e.type),
      },
      recorded_at: new Date(e.at).toISOString(),
    }));
    await sql`
      INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at)
      SELECT r.stream_id, r.stream_version, r.type, r.data, r.metadata, r.recorded_at
      FROM json_to_recordset(${JSON.stringify(rows)}::json)
        AS r(stream_id text, stream_version integer, type text, data json, metadata json, recorded_at timestamptz)`.execute(
      db,
    );
  }
  return { events: timed.length, orders, stores: stores.map((s) => s.storeId) };
}
