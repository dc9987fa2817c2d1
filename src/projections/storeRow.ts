import type { Selectable } from 'kysely';
import type { Store } from '../domain/storeDecider';
import type { StoresTable } from './tables';

export type StoreRow = Selectable<StoresTable>;

export function storeFromRow(row: StoreRow): Store {
  return {
    storeId: row.id,
    name: row.name,
    tiktokShopId: row.tiktok_shop_id,
    platform: row.platform,
    shopDomain: row.shop_domain,
    plan: row.plan,
    rules: {
      mode: row.fbt_mode,
      orderTag: row.fbt_order_tag,
      updatedAt: row.fbt_updated_at?.toISOString() ?? null,
      updatedBy: row.fbt_updated_by,
    },
    orderSettings: {
      onHoldOrders: row.on_hold_orders,
      restockReturns: row.restock_returns,
      updatedAt: row.order_settings_updated_at?.toISOString() ?? null,
      updatedBy: row.order_settings_updated_by,
    },
    shopifyConnection: row.shopify_connection,
    tiktokAuthorization: row.tiktok_authorization,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function storeToRow(store: Store, version: number): StoreRow {
  return {
    id: store.storeId,
    name: store.name,
    tiktok_shop_id: store.tiktokShopId,
    platform: store.platform,
    shop_domain: store.shopDomain,
    plan: store.plan,
    fbt_mode: store.rules.mode,
    fbt_order_tag: store.rules.orderTag,
    fbt_updated_at: store.rules.updatedAt === null ? null : new Date(store.rules.updatedAt),
    fbt_updated_by: store.rules.updatedBy,
    on_hold_orders: store.orderSettings.onHoldOrders,
    restock_returns: store.orderSettings.restockReturns,
    order_settings_updated_at:
      store.orderSettings.updatedAt === null ? null : new Date(store.orderSettings.updatedAt),
    order_settings_updated_by: store.orderSettings.updatedBy,
    shopify_connection: store.shopifyConnection,
    tiktok_authorization: store.tiktokAuthorization,
    created_at: new Date(store.createdAt),
    updated_at: new Date(store.updatedAt),
    version,
  };
}

export const STORE_RECORD_COLUMNS: ReadonlyArray<[keyof StoresTable, string]> = [
  ['id', 'text'],
  ['name', 'text'],
  ['tiktok_shop_id', 'text'],
  ['platform', 'text'],
  ['shop_domain', 'text'],
  ['plan', 'text'],
  ['fbt_mode', 'text'],
  ['fbt_order_tag', 'text'],
  ['fbt_updated_at', 'timestamptz'],
  ['fbt_updated_by', 'text'],
  ['on_hold_orders', 'text'],
  ['restock_returns', 'boolean'],
  ['order_settings_updated_at', 'timestamptz'],
  ['order_settings_updated_by', 'text'],
  ['shopify_connection', 'json'],
  ['tiktok_authorization', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['version', 'integer'],
];
