import type {
  FulfillmentType,
  LineItem,
  PlatformOrderStatus,
  InventoryLocation,
  SyncPlan,
} from './orderVocabulary';
import type { EcommercePlatform, Plan, RulesInForce } from './storeVocabulary';
import type { TikTokOrderStatus } from './tiktokStatus';

/** A TikTok Shop order recorded, with the store's rules in force at that moment (schema version 2). */
export interface OrderPlaced {
  type: 'OrderPlaced';
  data: {
    orderId: string;
    storeId: string;
    tiktokOrderId: string;
    fulfillmentType: FulfillmentType;
    /** The TikTok status it was first seen with. */
    status: TikTokOrderStatus;
    lineItems: LineItem[];
    currency: string;
    totalAmount: string;
    placedAt: string;
    /** The store as it was: which platform receives the order, on which plan. */
    store: { platform: EcommercePlatform; plan: Plan };
    /** The rules this order is decided under, whatever the store chooses later. */
    rules: RulesInForce;
    recordedAt: string;
  };
}

interface StatusChange {
  orderId: string;
  from: TikTokOrderStatus;
  to: TikTokOrderStatus;
  /** When TikTok Shop says it changed. */
  changedAt: string;
  recordedAt: string;
}

/** TikTok Shop moved an FBT order on. */
export interface FbtStatusChanged {
  type: 'FbtStatusChanged';
  data: StatusChange;
}

/** TikTok Shop moved a seller-fulfilled order on. */
export interface OrderStatusChanged {
  type: 'OrderStatusChanged';
  data: StatusChange;
}

/** An FBT order held back by WAIT_FOR_AWAITING_COLLECTION. */
export interface OrderBlocked {
  type: 'OrderBlocked';
  data: { orderId: string; reason: string; waitingFor: 'AWAITING_COLLECTION'; blockedAt: string };
}

/** The order is due for sync, with how it must reach the platform and why. */
export interface OrderSyncRequested {
  type: 'OrderSyncRequested';
  data: {
    orderId: string;
    plan: SyncPlan;
    reason: string;
    /** Set when a person asked for it (retryOrderSync). */
    requestedBy: string | null;
    requestedAt: string;
  };
}

/** A sync attempt began: from here the platform may have the order, whatever happens next. */
export interface OrderSyncStarted {
  type: 'OrderSyncStarted';
  data: { orderId: string; attempt: number; startedAt: string };
}

export interface OrderSynced {
  type: 'OrderSynced';
  data: {
    orderId: string;
    attempt: number;
    platformOrderId: string;
    platformOrderStatus: PlatformOrderStatus;
    tags: string[];
    /** The platform already had it (an earlier attempt created it before a crash). */
    alreadyOnPlatform: boolean;
    syncedAt: string;
  };
}

/** The order's items were deducted from one inventory, once. */
export interface InventoryDeducted {
  type: 'InventoryDeducted';
  data: {
    orderId: string;
    storeId: string;
    location: InventoryLocation;
    items: Array<{ sku: string; quantity: number }>;
    deductedAt: string;
  };
}

export interface OrderSyncFailed {
  type: 'OrderSyncFailed';
  data: {
    orderId: string;
    attempt: number;
    reason: string;
    retryable: boolean;
    /** No more automatic attempts: the order is FAILED (or CANCELLED meanwhile). */
    final: boolean;
    nextAttemptAt: string | null;
    failedAt: string;
  };
}

/** Cancelled on TikTok Shop before it was synced: never synced, nothing deducted. */
export interface OrderCancelled {
  type: 'OrderCancelled';
  data: { orderId: string; reason: string; cancelledAt: string };
}

export type OrderEvent =
  | OrderPlaced
  | FbtStatusChanged
  | OrderStatusChanged
  | OrderBlocked
  | OrderSyncRequested
  | OrderSyncStarted
  | OrderSynced
  | InventoryDeducted
  | OrderSyncFailed
  | OrderCancelled;
export type OrderEventType = OrderEvent['type'];
