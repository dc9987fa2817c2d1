import { sql } from 'kysely';
import type { TestDatabase } from '../support/database';
import { type FakeShopify, type FakeVariant, startFakeShopify } from '../support/fakeShopify';

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
  close(): Promise<void>;
}

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
    close: () => fake.close(),
  };
}
