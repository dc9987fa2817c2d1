import type { OrderEvent } from './orderEvents';
import type { StoreEvent } from './storeEvents';

export type DomainEvent = OrderEvent | StoreEvent;
export type DomainEventType = DomainEvent['type'];

interface CatalogEntry {
  stream: 'order' | 'store';
  /** The shape events of this type are written with now. */
  schemaVersion: number;
  description: string;
}

/**
 * Every event type, the stream it lives in and its current schema version.
 * Stored events are never rewritten: a changed shape gets a new version here
 * and an upcaster in upcast.ts.
 */
export const eventCatalog: Record<DomainEventType, CatalogEntry> = {
  OrderPlaced: {
    stream: 'order',
    schemaVersion: 2,
    description: 'A TikTok Shop order recorded, with the store and the FBT rules in force then.',
  },
  FbtStatusChanged: {
    stream: 'order',
    schemaVersion: 1,
    description: 'TikTok Shop moved an FBT order to a later status.',
  },
  OrderStatusChanged: {
    stream: 'order',
    schemaVersion: 1,
    description: 'TikTok Shop moved a seller-fulfilled order to a later status.',
  },
  OrderBlocked: {
    stream: 'order',
    schemaVersion: 1,
    description: 'An FBT order is held by WAIT_FOR_AWAITING_COLLECTION.',
  },
  OrderSyncRequested: {
    stream: 'order',
    schemaVersion: 1,
    description:
      'The order is due for sync, with the platform status, inventory behaviour and tags it must get.',
  },
  OrderSyncStarted: { stream: 'order', schemaVersion: 1, description: 'A sync attempt began.' },
  OrderSynced: { stream: 'order', schemaVersion: 1, description: 'The platform has the order.' },
  InventoryDeducted: {
    stream: 'order',
    schemaVersion: 1,
    description: "The order's items were deducted from one inventory (platform or TikTok Shop).",
  },
  OrderSyncFailed: {
    stream: 'order',
    schemaVersion: 1,
    description: 'A sync attempt failed; final when no automatic attempt follows.',
  },
  OrderCancelled: {
    stream: 'order',
    schemaVersion: 1,
    description: 'Cancelled on TikTok Shop before it was synced.',
  },
  OrderSettingsRecorded: {
    stream: 'order',
    schemaVersion: 1,
    description:
      'The order settings (onHoldOrders, restockReturns) an order is handled under, when not the ones before stores could choose.',
  },
  OrderCancelledAfterSync: {
    stream: 'order',
    schemaVersion: 1,
    description: 'TikTok Shop cancelled the whole order after it reached the platform.',
  },
  OrderLinesCancelled: {
    stream: 'order',
    schemaVersion: 1,
    description: 'TikTok Shop cancelled some units of some lines.',
  },
  OrderRefundCompleted: {
    stream: 'order',
    schemaVersion: 1,
    description: 'A TikTok Shop return or refund completed, with its lines and amount.',
  },
  PlatformCancellationRequested: {
    stream: 'order',
    schemaVersion: 1,
    description:
      'The platform order must be cancelled, or lose some lines, with what is restocked per line and why.',
  },
  PlatformRefundRequested: {
    stream: 'order',
    schemaVersion: 1,
    description:
      'A refund must be recorded on the platform order, with its lines, amount, restock per line and why.',
  },
  PlatformHoldReleaseRequested: {
    stream: 'order',
    schemaVersion: 1,
    description: 'TikTok released an order synced in ON_HOLD: the platform hold must be released.',
  },
  PlatformMirroringStarted: {
    stream: 'order',
    schemaVersion: 1,
    description: 'An attempt to mirror an after-sync fact on the platform began.',
  },
  PlatformMirrored: {
    stream: 'order',
    schemaVersion: 1,
    description: 'The platform order says what TikTok Shop said.',
  },
  PlatformMirroringFailed: {
    stream: 'order',
    schemaVersion: 1,
    description: 'A mirroring attempt failed; final when no automatic attempt follows.',
  },
  PlatformMirroringRetryRequested: {
    stream: 'order',
    schemaVersion: 1,
    description: 'A person asked for a failed mirroring to be tried again.',
  },
  InventoryRestocked: {
    stream: 'order',
    schemaVersion: 1,
    description:
      'Units went back into the platform inventory with a mirrored cancellation or refund.',
  },
  StoreConnected: {
    stream: 'store',
    schemaVersion: 1,
    description: 'A TikTok Shop connected to an e-commerce platform.',
  },
  StorePlanChanged: { stream: 'store', schemaVersion: 1, description: "The store's plan changed." },
  FbtSyncRulesChanged: {
    stream: 'store',
    schemaVersion: 1,
    description: 'The merchant chose new FBT sync rules.',
  },
  FbtSyncRulesReset: {
    stream: 'store',
    schemaVersion: 1,
    description:
      'The FBT sync rules went back to the default because the plan no longer includes them.',
  },
  StoreOrderSettingsChanged: {
    stream: 'store',
    schemaVersion: 1,
    description:
      'The merchant chose how ON_HOLD orders are treated (onHoldOrders) and whether returns are restocked (restockReturns).',
  },
  ShopifyAppInstalled: {
    stream: 'store',
    schemaVersion: 1,
    description:
      "The merchant installed the Shopify app on the store's shop, granting these scopes (the token is sealed in the credential vault, never in the log).",
  },
  ShopifyAppUninstalled: {
    stream: 'store',
    schemaVersion: 1,
    description:
      "Shopify said the app was removed from the store's shop: its syncs wait until it is installed again.",
  },
  TikTokShopAuthorized: {
    stream: 'store',
    schemaVersion: 1,
    description:
      "The seller authorized the app for the store's TikTok shop, with the scopes granted (the tokens are kept sealed, never in the log).",
  },
  TikTokShopDeauthorized: {
    stream: 'store',
    schemaVersion: 1,
    description: 'The seller revoked the app on TikTok Shop; its tokens were removed.',
  },
};

export const ORDER_EVENT_TYPES = (Object.keys(eventCatalog) as DomainEventType[]).filter(
  (t) => eventCatalog[t].stream === 'order',
) as OrderEvent['type'][];
export const STORE_EVENT_TYPES = (Object.keys(eventCatalog) as DomainEventType[]).filter(
  (t) => eventCatalog[t].stream === 'store',
) as StoreEvent['type'][];

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The schema version new events of a type are written with (1 for types outside the catalog). */
export function schemaVersionOf(type: string): number {
  return isDomainEventType(type) ? eventCatalog[type].schemaVersion : 1;
}

export const orderStreamId = (orderId: string): string => `order-${orderId}`;
export const storeStreamId = (storeId: string): string => `store-${storeId}`;
export const ORDER_STREAM_PREFIX = 'order-';
export const STORE_STREAM_PREFIX = 'store-';
