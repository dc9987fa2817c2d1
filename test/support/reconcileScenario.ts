import type { CommandContext } from '../../src/commands/commandContext';
import { orderIdFor } from '../../src/commands/ids';
import { connectStore, updateFbtSyncRules } from '../../src/commands/storeCommands';
import type { OrderSyncStatus } from '../../src/domain/orderVocabulary';
import type { EventStore } from '../../src/eventstore/createEventStore';
import { type FakeTikTokShop, tikTokOrderJson } from './fakeTikTokShop';

const HOUR_MS = 60 * 60 * 1000;

/**
 * A PRO Shopify store under WAIT_FOR_AWAITING_COLLECTION, connected two days
 * ago (its clock set back), so that its orders of the last hours fall inside
 * a first reconcile's window and inside the 16 h overlap of the next.
 */
export async function connectStoreTwoDaysAgo(
  eventStore: EventStore,
  tiktokShopId: string,
): Promise<string> {
  const context: CommandContext = {
    eventStore,
    now: () => new Date(Date.now() - 48 * HOUR_MS),
    metadata: { correlationId: 'reconcile-test', actor: 'test' },
  };
  const { state } = await connectStore(context, {
    name: `Shop ${tiktokShopId}`,
    tiktokShopId,
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: `${tiktokShopId}.myshopify.com`,
  });
  const storeId = state!.storeId;
  await updateFbtSyncRules(context, {
    storeId,
    mode: 'WAIT_FOR_AWAITING_COLLECTION',
    orderTag: null,
  });
  return storeId;
}

export type Fulfillment = 'FULFILLMENT_BY_SELLER' | 'FULFILLMENT_BY_TIKTOK';

/** One order of the scenario: what TikTok Shop says of it, and whether its webhooks came. */
export interface ScenarioOrder {
  tiktokOrderId: string;
  fulfillment: Fulfillment;
  /** The status it was placed with; its first webhook, when delivered, says this. */
  firstStatus: string;
  /** Set when TikTok moved it on later and that webhook was lost. */
  laterStatus?: string;
  /** Whether the first webhook reached us. */
  delivered: boolean;
  /** Unix seconds. */
  createTime: number;
}

const CYCLE = [
  'UNPAID',
  'ON_HOLD',
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'IN_TRANSIT',
  'CANCELLED',
];

/**
 * `count` orders, placed over the last 10 hours: even ones seller-fulfilled,
 * odd ones FBT, statuses cycling through the lifecycle. A third of them had
 * their first webhook delivered (the others were lost); of those, some were
 * moved on later by TikTok with that webhook lost: UNPAID orders paid up to
 * AWAITING_COLLECTION or cancelled, AWAITING_COLLECTION ones taken IN_TRANSIT
 * (a change after sync).
 */
export function scenarioOrders(prefix: string, count: number): ScenarioOrder[] {
  const start = Math.floor(Date.now() / 1000) - 10 * 3600;
  return Array.from({ length: count }, (_, i) => {
    const firstStatus = CYCLE[i % CYCLE.length]!;
    const delivered = i % 3 === 0;
    let laterStatus: string | undefined;
    if (delivered && firstStatus === 'UNPAID') {
      laterStatus = i % 12 === 0 ? 'AWAITING_COLLECTION' : 'CANCELLED';
    } else if (delivered && firstStatus === 'AWAITING_COLLECTION' && i % 12 === 3) {
      laterStatus = 'IN_TRANSIT';
    }
    return {
      tiktokOrderId: `${prefix}${String(i).padStart(6, '0')}`,
      fulfillment: i % 2 === 0 ? 'FULFILLMENT_BY_SELLER' : 'FULFILLMENT_BY_TIKTOK',
      firstStatus,
      laterStatus,
      delivered,
      createTime: start + i * 10,
    };
  });
}

/** The order as TikTok Shop serves it: at its first status, or moved on an hour later. */
export function putScenarioOrder(fake: FakeTikTokShop, order: ScenarioOrder, moved: boolean): void {
  const status = moved && order.laterStatus !== undefined ? order.laterStatus : order.firstStatus;
  fake.addOrder(
    tikTokOrderJson({
      id: order.tiktokOrderId,
      status,
      fulfillmentType: order.fulfillment,
      createTime: order.createTime,
      updateTime:
        moved && order.laterStatus !== undefined ? order.createTime + 3600 : order.createTime,
      items: [
        { sellerSku: 'MUG-RED', productName: 'Red mug', salePrice: '12.50', quantity: 2 },
        { sellerSku: 'CAP-BLUE', productName: 'Blue cap', salePrice: '9.90', quantity: 1 },
      ],
    }),
  );
}

/** Where the decision table puts an order of the scenario's store (WAIT_FOR_AWAITING_COLLECTION). */
export function expectedSyncStatus(order: ScenarioOrder): OrderSyncStatus {
  const status = order.laterStatus ?? order.firstStatus;
  // Written out from docs/fbt-sync-rules.md rather than taken from the domain it checks.
  const table: Record<string, Record<Fulfillment, OrderSyncStatus>> = {
    UNPAID: { FULFILLMENT_BY_SELLER: 'PENDING', FULFILLMENT_BY_TIKTOK: 'BLOCKED' },
    ON_HOLD: { FULFILLMENT_BY_SELLER: 'PENDING', FULFILLMENT_BY_TIKTOK: 'BLOCKED' },
    AWAITING_SHIPMENT: { FULFILLMENT_BY_SELLER: 'SYNCED', FULFILLMENT_BY_TIKTOK: 'BLOCKED' },
    AWAITING_COLLECTION: { FULFILLMENT_BY_SELLER: 'SYNCED', FULFILLMENT_BY_TIKTOK: 'SYNCED' },
    IN_TRANSIT: { FULFILLMENT_BY_SELLER: 'SYNCED', FULFILLMENT_BY_TIKTOK: 'SYNCED' },
    CANCELLED: { FULFILLMENT_BY_SELLER: 'CANCELLED', FULFILLMENT_BY_TIKTOK: 'CANCELLED' },
  };
  return table[status]![order.fulfillment];
}

export const scenarioOrderId = (storeId: string, order: ScenarioOrder) =>
  orderIdFor(storeId, order.tiktokOrderId);
