import { sql } from 'kysely';
import { updateSandboxSettings } from '../../src/adapters/sandbox/sandboxSettings';
import type { TestDatabase } from '../support/database';
import { type FakeShopify, type FakeVariant, startFakeShopify } from '../support/fakeShopify';
import { type PlatformOrderLife, sandboxLife, shopifyLife } from '../sync/mirrorHarness';

/**
 * The platform a `serve` process syncs into, seen from outside the service:
 * the sandbox through its tables (read-only SQL), the fake Shopify through the
 * orders it recorded. Both answer in one shape so a test reads the same on each.
 */

export interface PlatformOrderSeen {
  platformOrderId: string;
  sourceIdentifier: string | null;
  status: 'AWAITING_SHIPMENT' | 'FULFILLED';
  tags: string[];
  inventoryBehaviour: string;
  lineItems: Array<{ sku: string | null; quantity: number; unitPrice: string | null }>;
}

export interface PlatformStore {
  storeId: string;
  shopDomain: string | null;
}

export interface PlatformSide {
  name: 'sandbox' | 'shopify';
  /** What `serve` needs to sync into this platform. */
  env: NodeJS.ProcessEnv;
  /** The SKUs are for sale in the store (on Shopify, variants with 10 in stock; the sandbox sells any SKU). */
  stock(store: PlatformStore, skus: string[]): void;
  /** The platform's stock of a SKU (the sandbox counts an SKU never seen as 0). */
  stockOf(store: PlatformStore, sku: string): Promise<number>;
  ordersOf(store: PlatformStore): Promise<PlatformOrderSeen[]>;
  /** Order-creating calls the platform received for the store (Shopify `orderCreate`); null where not observable. */
  createCalls(store: PlatformStore): number | null;
  /** Requests the platform refused as invalid (Shopify's schema); always empty on the sandbox. */
  validationFailures(): string[];
  /** Whether the platform can hold orders of a store that is not on Shopify. */
  takesNonShopifyStores: boolean;
  /** What the platform order says after sync: cancelled, refunds, hold (mirrorHarness's view). */
  lifeOf(store: PlatformStore, tiktokOrderId: string): Promise<PlatformOrderLife>;
  /**
   * The next cancellation (or refund) is made on the platform and its answer
   * held back: the moment between the platform's effect and the append of
   * its outcome. `effectHeld` says when the platform is there.
   */
  holdAnswerAfter(effect: AfterSyncEffect): Promise<void>;
  effectHeld(
    store: PlatformStore,
    tiktokOrderId: string,
    effect: AfterSyncEffect,
  ): Promise<boolean>;
  /** Answers come at once again. */
  stopHolding(): Promise<void>;
  close(): Promise<void>;
}

export type AfterSyncEffect = 'cancel' | 'refund';

interface SandboxOrderRow {
  id: string;
  source_identifier: string;
  status: 'AWAITING_SHIPMENT' | 'FULFILLED';
  tags: string[];
  inventory_behaviour: string;
  line_items: Array<{ sku: string; quantity: number; unitPrice: string }>;
}

export function sandboxSide(database: TestDatabase): Promise<PlatformSide> {
  return Promise.resolve({
    name: 'sandbox',
    env: { PLATFORM: 'sandbox' },
    stock: () => undefined,
    async stockOf(store, sku) {
      const { rows } = await sql<{ quantity: number }>`
        SELECT quantity FROM sandbox_inventory WHERE store_id = ${store.storeId} AND sku = ${sku}`.execute(
        database.db,
      );
      return rows[0]?.quantity ?? 0;
    },
    async ordersOf(store) {
      const { rows } = await sql<SandboxOrderRow>`
        SELECT id::text AS id, source_identifier, status, tags, inventory_behaviour, line_items
        FROM sandbox_orders WHERE store_id = ${store.storeId} ORDER BY id`.execute(database.db);
      return rows.map((row) => ({
        platformOrderId: `gid://fbt-sync/SandboxOrder/${row.id}`,
        sourceIdentifier: row.source_identifier,
        status: row.status,
        tags: row.tags,
        inventoryBehaviour: row.inventory_behaviour,
        lineItems: row.line_items.map((line) => ({
          sku: line.sku,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
        })),
      }));
    },
    createCalls: () => null,
    validationFailures: () => [],
    takesNonShopifyStores: true,
    lifeOf: (store, tiktokOrderId) =>
      sandboxLife({ handle: database })({ storeId: store.storeId, shopDomain: '' }, tiktokOrderId),
    // The sandbox answers latency_ms late, after the work is done (below serve's PLATFORM_TIMEOUT_MS).
    holdAnswerAfter: () => updateSandboxSettings(database.db, { latencyMs: 20_000 }),
    async effectHeld(store, tiktokOrderId, effect) {
      const life = await sandboxLife({ handle: database })(
        { storeId: store.storeId, shopDomain: '' },
        tiktokOrderId,
      );
      return effect === 'cancel' ? life.cancelled : life.refunds.length > 0;
    },
    stopHolding: () => updateSandboxSettings(database.db, { latencyMs: 0 }),
    close: () => Promise.resolve(),
  });
}

export async function shopifySide(): Promise<PlatformSide> {
  const fake: FakeShopify = await startFakeShopify();
  const variants = new Map<string, FakeVariant>();
  const shopOf = (store: PlatformStore) => {
    if (store.shopDomain === null) throw new Error(`store ${store.storeId} is not on Shopify`);
    return store.shopDomain;
  };
  return {
    name: 'shopify',
    env: {
      PLATFORM: 'shopify',
      SHOPIFY_ADMIN_API_URL: fake.url,
      SHOPIFY_ACCESS_TOKEN: fake.accessToken,
    },
    stock(store, skus) {
      for (const sku of skus) {
        variants.set(
          `${shopOf(store)} ${sku}`,
          fake.addVariant(shopOf(store), sku, { inventoryQuantity: 10 }),
        );
      }
    },
    stockOf(store, sku) {
      const variant = variants.get(`${shopOf(store)} ${sku}`);
      if (variant === undefined) throw new Error(`no variant ${sku} in ${shopOf(store)}`);
      return Promise.resolve(variant.inventoryQuantity);
    },
    ordersOf(store) {
      return Promise.resolve(
        store.shopDomain === null
          ? []
          : fake.ordersOf(store.shopDomain).map((order) => ({
              platformOrderId: order.id,
              sourceIdentifier: order.sourceIdentifier,
              status:
                order.displayFulfillmentStatus === 'FULFILLED' ? 'FULFILLED' : 'AWAITING_SHIPMENT',
              tags: order.tags,
              inventoryBehaviour: order.inventoryBehaviour,
              lineItems: order.lineItems.map((line) => ({
                sku: line.sku,
                quantity: line.quantity,
                unitPrice: line.price,
              })),
            })),
      );
    },
    createCalls: (store) =>
      fake.requests.filter(
        (r) =>
          r.shop === store.shopDomain &&
          r.operationType === 'mutation' &&
          r.query?.includes('orderCreate') === true,
      ).length,
    validationFailures: () =>
      fake.validationFailures.map((f) => `${f.stage}: ${f.messages.join('; ')}`),
    // A store that is not on Shopify has no shop domain to send its orders to.
    takesNonShopifyStores: false,
    lifeOf: (store, tiktokOrderId) =>
      shopifyLife(fake)({ storeId: store.storeId, shopDomain: shopOf(store) }, tiktokOrderId),
    holdAnswerAfter(effect) {
      fake.inject(
        { kind: 'applyThenHang' },
        { operation: effect === 'cancel' ? 'CancelOrder' : 'CreateRefund' },
      );
      return Promise.resolve();
    },
    effectHeld(store, _tiktokOrderId, effect) {
      const operation = effect === 'cancel' ? 'CancelOrder' : 'CreateRefund';
      return Promise.resolve(
        fake.requests.some(
          (r) =>
            r.shop === store.shopDomain &&
            r.operationName === operation &&
            r.outcome === 'applied-then-hung',
        ),
      );
    },
    stopHolding: () => Promise.resolve(),
    close: () => fake.close(),
  };
}
