import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import type { EventStore } from '../../src/eventstore/createEventStore';
import type { RecordedEvent } from '../../src/eventstore/types';
import { inventoryProjection } from '../../src/projections/inventoryProjection';
import { ordersProjection } from '../../src/projections/ordersProjection';
import { applyBatch, type Projection } from '../../src/projections/projection';
import { storesProjection } from '../../src/projections/storesProjection';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { projectionSpec } from '../support/projectionSpec';

let database: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  database = await createTestDatabase(4);
  store = createDomainEventStore(database.db);
});
afterAll(() => database.drop());

const T = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00.000Z`;
const rules = { mode: 'WAIT_FOR_AWAITING_COLLECTION', orderTag: 'FBT' };
const plan = {
  platformOrderStatus: 'FULFILLED',
  inventoryBehaviour: 'BYPASS',
  inventoryLocation: 'TIKTOK_SHOP',
  tags: ['FBT'],
};

/** Writes events to their streams, then applies exactly those through the projection, in a transaction. */
async function given(
  projection: Projection,
  streams: Record<string, Array<{ type: string; data: object }>>,
): Promise<RecordedEvent[]> {
  const written: RecordedEvent[] = [];
  for (const [streamId, events] of Object.entries(streams)) {
    await store.appendToStream(streamId, events, { expectedVersion: 'any' });
    written.push(...(await store.readStream(streamId)).events);
  }
  await apply(database.db, projection, written);
  return written;
}

const apply = (db: Kysely<Database>, projection: Projection, events: RecordedEvent[]) =>
  db.transaction().execute((trx) => applyBatch(projection, trx, 'public', events));

describe('orders projection', () => {
  it('writes the Orders view row, BLOCKED with its reason, and keeps the counts in step', async () => {
    const events = await given(ordersProjection, {
      'order-o1': [
        {
          type: 'OrderPlaced',
          data: {
            orderId: 'o1',
            storeId: 's1',
            tiktokOrderId: '5770001',
            fulfillmentType: 'FULFILLED_BY_TIKTOK',
            status: 'AWAITING_SHIPMENT',
            lineItems: [{ sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' }],
            currency: 'USD',
            totalAmount: '25.00',
            placedAt: T(0),
            store: { platform: 'SHOPIFY', plan: 'PRO' },
            rules,
            recordedAt: T(1),
          },
        },
        {
          type: 'OrderBlocked',
          data: {
            orderId: 'o1',
            reason: 'held until AWAITING_COLLECTION',
            waitingFor: 'AWAITING_COLLECTION',
            blockedAt: T(1),
          },
        },
      ],
    });
    const row = await database.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', 'o1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      store_id: 's1',
      tiktok_order_id: '5770001',
      fulfillment_type: 'FULFILLED_BY_TIKTOK',
      applied_mode: 'WAIT_FOR_AWAITING_COLLECTION',
      tiktok_status: 'AWAITING_SHIPMENT',
      sync_status: 'BLOCKED',
      blocked_reason: 'held until AWAITING_COLLECTION',
      sync_attempts: 0,
      tags: [],
      total_amount: '25.00',
      currency: 'USD',
      version: 1,
      line_items: [{ sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' }],
    });
    expect(row.placed_at.toISOString()).toBe(T(0));
    expect(await counts('s1')).toEqual({ BLOCKED: 1 });

    // Applying the same events again changes nothing: they are already reflected.
    await apply(database.db, ordersProjection, events);
    expect(await counts('s1')).toEqual({ BLOCKED: 1 });

    await given(ordersProjection, {
      'order-o1': [
        {
          type: 'FbtStatusChanged',
          data: {
            orderId: 'o1',
            from: 'AWAITING_SHIPMENT',
            to: 'AWAITING_COLLECTION',
            changedAt: T(5),
            recordedAt: T(5),
          },
        },
        {
          type: 'OrderSyncRequested',
          data: {
            orderId: 'o1',
            plan,
            reason: 'reached AWAITING_COLLECTION',
            requestedBy: null,
            requestedAt: T(5),
          },
        },
        { type: 'OrderSyncStarted', data: { orderId: 'o1', attempt: 1, startedAt: T(6) } },
        {
          type: 'OrderSynced',
          data: {
            orderId: 'o1',
            attempt: 1,
            platformOrderId: 'gid://shopify/Order/9',
            platformOrderStatus: 'FULFILLED',
            tags: ['FBT'],
            alreadyOnPlatform: false,
            syncedAt: T(7),
          },
        },
        {
          type: 'InventoryDeducted',
          data: {
            orderId: 'o1',
            storeId: 's1',
            location: 'TIKTOK_SHOP',
            items: [{ sku: 'MUG', quantity: 2 }],
            deductedAt: T(7),
          },
        },
      ],
    });
    const synced = await database.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', 'o1')
      .executeTakeFirstOrThrow();
    expect(synced).toMatchObject({
      sync_status: 'SYNCED',
      blocked_reason: null,
      tiktok_status: 'AWAITING_COLLECTION',
      sync_attempts: 1,
      platform_order_id: 'gid://shopify/Order/9',
      platform_order_status: 'FULFILLED',
      tags: ['FBT'],
      inventory_deducted_from: 'TIKTOK_SHOP',
      version: 6,
    });
    expect(synced.synced_at?.toISOString()).toBe(T(7));
    // A count back at zero has no row.
    expect(await counts('s1')).toEqual({ SYNCED: 1 });
  });
});

async function counts(storeId: string) {
  const rows = await database.db
    .selectFrom('order_counts')
    .selectAll()
    .where('store_id', '=', storeId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.sync_status, r.count]));
}

describe('stores projection', () => {
  it('writes plan, platform, shop domain and the FBT rules with who changed them and when', async () => {
    await given(storesProjection, {
      'store-s9': [
        {
          type: 'StoreConnected',
          data: {
            storeId: 's9',
            name: 'Acme',
            tiktokShopId: '749',
            platform: 'SHOPIFY',
            shopDomain: 'acme.myshopify.com',
            plan: 'PRO',
            connectedAt: T(0),
            connectedBy: 'admin',
          },
        },
        {
          type: 'FbtSyncRulesChanged',
          data: {
            storeId: 's9',
            mode: 'WAIT_FOR_AWAITING_COLLECTION',
            orderTag: 'FBT',
            previousMode: 'SYNC_AND_DEDUCT_INVENTORY',
            previousOrderTag: null,
            changedAt: T(3),
            changedBy: 'merchant',
          },
        },
      ],
    });
    const row = await database.db
      .selectFrom('stores')
      .selectAll()
      .where('id', '=', 's9')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Acme',
      tiktok_shop_id: '749',
      platform: 'SHOPIFY',
      shop_domain: 'acme.myshopify.com',
      plan: 'PRO',
      fbt_mode: 'WAIT_FOR_AWAITING_COLLECTION',
      fbt_order_tag: 'FBT',
      fbt_updated_by: 'merchant',
      version: 1,
    });
    expect(row.fbt_updated_at?.toISOString()).toBe(T(3));

    await given(storesProjection, {
      'store-s9': [
        {
          type: 'StorePlanChanged',
          data: {
            storeId: 's9',
            previousPlan: 'PRO',
            plan: 'FREE',
            changedAt: T(9),
            changedBy: 'admin',
          },
        },
        {
          type: 'FbtSyncRulesReset',
          data: {
            storeId: 's9',
            mode: 'SYNC_AND_DEDUCT_INVENTORY',
            orderTag: null,
            previousMode: 'WAIT_FOR_AWAITING_COLLECTION',
            previousOrderTag: 'FBT',
            reason: 'plan',
            resetAt: T(9),
            resetBy: 'admin',
          },
        },
      ],
    });
    expect(
      await database.db
        .selectFrom('stores')
        .selectAll()
        .where('id', '=', 's9')
        .executeTakeFirstOrThrow(),
    ).toMatchObject({
      plan: 'FREE',
      fbt_mode: 'SYNC_AND_DEDUCT_INVENTORY',
      fbt_order_tag: null,
      fbt_updated_by: 'admin',
      version: 3,
    });
  });

  it("keeps the store's TikTok Shop authorization: null, AUTHORIZED with its scopes, then DEAUTHORIZED", async () => {
    const readAuthorization = async () =>
      await database.db
        .selectFrom('stores')
        .select(['tiktok_authorization', 'updated_at', 'version'])
        .where('id', '=', 's10')
        .executeTakeFirstOrThrow();
    await given(storesProjection, {
      'store-s10': [
        {
          type: 'StoreConnected',
          data: {
            storeId: 's10',
            name: 'Beta',
            tiktokShopId: '750',
            platform: 'SHOPIFY',
            shopDomain: 'beta.myshopify.com',
            plan: 'FREE',
            connectedAt: T(0),
            connectedBy: 'admin',
          },
        },
      ],
    });
    expect((await readAuthorization()).tiktok_authorization).toBeNull();

    await given(storesProjection, {
      'store-s10': [
        {
          type: 'TikTokShopAuthorized',
          data: {
            storeId: 's10',
            tiktokShopId: '750',
            shopName: 'Beta Shop',
            grantedScopes: ['seller.authorization.info', 'seller.order.info'],
            authorizedAt: T(5),
            authorizedBy: 'tiktok-shop-authorization',
          },
        },
      ],
    });
    const authorized = await readAuthorization();
    expect(authorized.tiktok_authorization).toEqual({
      state: 'AUTHORIZED',
      grantedScopes: ['seller.authorization.info', 'seller.order.info'],
      at: T(5),
    });
    expect(authorized.updated_at.toISOString()).toBe(T(5));
    expect(authorized.version).toBe(1); // stream versions count from 0

    await given(storesProjection, {
      'store-s10': [
        {
          type: 'TikTokShopDeauthorized',
          data: {
            storeId: 's10',
            tiktokShopId: '750',
            reason: 'revoked by the seller',
            deauthorizedAt: T(8),
            deauthorizedBy: 'tiktok-shop-webhook',
          },
        },
      ],
    });
    expect((await readAuthorization()).tiktok_authorization).toEqual({
      state: 'DEAUTHORIZED',
      grantedScopes: ['seller.authorization.info', 'seller.order.info'],
      at: T(8),
    });
  });
});

describe('inventory projection', () => {
  it('sums deductions per store, SKU and location, each order once', async () => {
    const events = await given(inventoryProjection, {
      'order-i1': [
        {
          type: 'InventoryDeducted',
          data: {
            orderId: 'i1',
            storeId: 's5',
            location: 'ECOMMERCE_PLATFORM',
            items: [
              { sku: 'MUG', quantity: 2 },
              { sku: 'CAP', quantity: 1 },
            ],
            deductedAt: T(1),
          },
        },
      ],
      'order-i2': [
        {
          type: 'InventoryDeducted',
          data: {
            orderId: 'i2',
            storeId: 's5',
            location: 'ECOMMERCE_PLATFORM',
            items: [{ sku: 'MUG', quantity: 3 }],
            deductedAt: T(2),
          },
        },
      ],
      'order-i3': [
        {
          type: 'InventoryDeducted',
          data: {
            orderId: 'i3',
            storeId: 's5',
            location: 'TIKTOK_SHOP',
            items: [{ sku: 'MUG', quantity: 1 }],
            deductedAt: T(3),
          },
        },
      ],
    });
    await apply(database.db, inventoryProjection, events);
    const rows = await database.db
      .selectFrom('inventory_deductions')
      .selectAll()
      .where('store_id', '=', 's5')
      .orderBy('sku')
      .orderBy('location')
      .execute();
    expect(rows.map((r) => [r.sku, r.location, Number(r.quantity)])).toEqual([
      ['CAP', 'ECOMMERCE_PLATFORM', 1],
      ['MUG', 'ECOMMERCE_PLATFORM', 5],
      ['MUG', 'TIKTOK_SHOP', 1],
    ]);
  });
});

describe("the stores projection and the Shopify app's installation", () => {
  const connected = {
    type: 'StoreConnected',
    data: {
      storeId: 's11',
      name: 'Gamma',
      tiktokShopId: '751',
      platform: 'SHOPIFY',
      shopDomain: 'gamma.myshopify.com',
      plan: 'PRO',
      connectedAt: T(0),
      connectedBy: 'admin',
    },
  };
  const spec = () => projectionSpec(storesProjection, { db: database.db, eventStore: store });

  it('keeps it: null before an install, INSTALLED with its scopes, then UNINSTALLED when Shopify says so', async () => {
    await spec()
      .given({ 'store-s11': [connected] })
      .then('stores', { id: 's11' }, [{ shopify_connection: null, version: 0 }]);
    await spec()
      .given({
        'store-s11': [
          {
            type: 'ShopifyAppInstalled',
            data: {
              storeId: 's11',
              shopDomain: 'gamma.myshopify.com',
              scopes: ['read_orders', 'write_orders'],
              installedAt: T(4),
              installedBy: 'shopify-oauth',
            },
          },
        ],
      })
      .then('stores', { id: 's11' }, [
        {
          shopify_connection: {
            state: 'INSTALLED',
            scopes: ['read_orders', 'write_orders'],
            installedAt: T(4),
            uninstalledAt: null,
          },
          version: 1,
        },
      ]);
    const [row] = await spec()
      .given({
        'store-s11': [
          {
            type: 'ShopifyAppUninstalled',
            data: {
              storeId: 's11',
              shopDomain: 'gamma.myshopify.com',
              webhookId: 'wh-7',
              uninstalledAt: T(8),
              uninstalledBy: 'shopify-webhook',
            },
          },
        ],
      })
      .then('stores', { id: 's11' }, [
        {
          shopify_connection: {
            state: 'UNINSTALLED',
            scopes: ['read_orders', 'write_orders'],
            installedAt: T(4),
            uninstalledAt: T(8),
          },
          version: 2,
        },
      ]);
    expect((row!.updated_at as Date).toISOString()).toBe(T(8));
  });
});
