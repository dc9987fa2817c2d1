import type { CommandContext } from '../../src/commands/commandContext';
import {
  recordOrderSynced,
  recordOrderSyncFailure,
  recordTikTokOrder,
  recordTikTokOrderStatus,
  startOrderSync,
} from '../../src/commands/orderCommands';
import {
  changeStorePlan,
  connectStore,
  updateFbtSyncRules,
} from '../../src/commands/storeCommands';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { DomainError } from '../../src/domain/domainError';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';

/** A small deterministic generator (mulberry32), so a scenario is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function commandContext(
  db: Kysely<Database>,
  start = Date.parse('2026-11-01T00:00:00.000Z'),
): CommandContext {
  let clock = start;
  return {
    eventStore: createDomainEventStore(db),
    now: () => new Date((clock += 1000)),
    metadata: { correlationId: 'scenario', actor: 'scenario' },
  };
}

const later: TikTokOrderStatus[] = [
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'DELIVERED',
  'CANCELLED',
  'ON_HOLD',
];
const first: TikTokOrderStatus[] = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'CANCELLED',
];

/**
 * Stores under both rules (Shopify PRO waiting with a tag, Shopify ENTERPRISE
 * default, WooCommerce FREE), FBT and seller orders, status changes with
 * duplicates and stale ones, syncs, failures, retries and a plan change:
 * the kinds of events the read models must fold.
 */
export async function runScenario(
  context: CommandContext,
  options: { seed: number; orders: number; prefix: string },
): Promise<string[]> {
  const random = seeded(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const stores = [];
  for (const [i, spec] of (
    [
      { platform: 'SHOPIFY', plan: 'PRO', shopDomain: 'wait.myshopify.com' },
      { platform: 'SHOPIFY', plan: 'ENTERPRISE', shopDomain: 'deduct.myshopify.com' },
      { platform: 'WOOCOMMERCE', plan: 'FREE', shopDomain: null },
    ] as const
  ).entries()) {
    const { state } = await connectStore(context, {
      name: `Store ${i}`,
      tiktokShopId: `${options.prefix}-shop-${i}`,
      ...spec,
    });
    stores.push(state!.storeId);
  }
  await updateFbtSyncRules(context, {
    storeId: stores[0]!,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: 'FBT',
  });
  await updateFbtSyncRules(context, {
    storeId: stores[1]!,
    mode: 'SYNC_AND_DEDUCT_INVENTORY',
    orderTag: 'tiktok',
  });

  const orders: Array<{ storeId: string; tiktokOrderId: string; orderId: string }> = [];
  for (let n = 0; n < options.orders; n++) {
    const storeId = pick(stores);
    const tiktokOrderId = `${options.prefix}${n}`;
    const { state } = await recordTikTokOrder(context, {
      storeId,
      tiktokOrderId,
      fulfillmentType: random() < 0.6 ? 'FULFILLED_BY_TIKTOK' : 'FULFILLED_BY_SELLER',
      status: pick(first),
      lineItems: [
        {
          sku: pick(['MUG', 'CAP', 'TEE']),
          title: 'Item',
          quantity: 1 + Math.floor(random() * 3),
          unitPrice: '12.50',
        },
        ...(random() < 0.3 ? [{ sku: 'TEE', title: null, quantity: 1, unitPrice: '0.99' }] : []),
      ],
      currency: 'USD',
      placedAt: new Date(Date.parse('2026-10-01T00:00:00.000Z') + n * 60_000).toISOString(),
    });
    orders.push({ storeId, tiktokOrderId, orderId: state!.orderId });
    if (n === Math.floor(options.orders / 2))
      await changeStorePlan(context, { storeId: stores[1]!, plan: 'FREE' });
  }

  for (let round = 0; round < 3; round++) {
    for (const order of orders) {
      const roll = random();
      try {
        if (roll < 0.35) {
          await recordTikTokOrderStatus(context, {
            ...order,
            status: pick(later),
            changedAt: context.now().toISOString(),
          });
        } else if (roll < 0.75) {
          const started = await startOrderSync(context, order.orderId);
          const attempt = started.state!.syncAttempts;
          if (random() < 0.8) {
            await recordOrderSynced(context, order.orderId, {
              attempt,
              platformOrderId: `P-${order.tiktokOrderId}`,
              platformOrderStatus: started.state!.syncPlan!.platformOrderStatus,
              tags: started.state!.syncPlan!.tags,
              alreadyOnPlatform: false,
            });
          } else {
            await recordOrderSyncFailure(context, order.orderId, {
              attempt,
              reason: 'platform answered 503',
              retryable: random() < 0.5,
              maxAttempts: 2,
              nextAttemptAt: context.now().toISOString(),
            });
          }
        }
      } catch (error) {
        // Not due for sync, and the like: the domain refused, nothing was written.
        if (!(error instanceof DomainError)) throw error;
      }
    }
  }
  return orders.map((o) => o.orderId);
}
