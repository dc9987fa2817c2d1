import type { CancelInitiator, LineUnitsOf, PlannedLine, ReturnType } from './afterSyncVocabulary';
import type {
  FulfillmentType,
  LineItem,
  PlatformOrderStatus,
  InventoryLocation,
  SyncPlan,
} from './orderVocabulary';
import type { EcommercePlatform, OnHoldOrders, Plan, RulesInForce } from './storeVocabulary';
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

/**
 * The store's order settings this order is handled under, as they were when
 * it was placed; appended right after OrderPlaced, and only when they differ
 * from ORDER_SETTINGS_BEFORE_CHOICE (WAIT_FOR_RELEASE, no restock), which an
 * order without this event was placed under. A new event rather than a third
 * version of OrderPlaced: the streams of stores that keep those settings stay
 * exactly as they were, and no upcaster has to guess.
 */
export interface OrderSettingsRecorded {
  type: 'OrderSettingsRecorded';
  data: {
    orderId: string;
    onHoldOrders: OnHoldOrders;
    restockReturns: boolean;
    recordedAt: string;
  };
}

// ---------------------------------------------------------------------------
// After sync: TikTok Shop's facts. Each is recorded once (keyed by TikTok's
// id, or, for the whole order, once per order); a duplicate or a fact that
// changes nothing appends nothing.
// ---------------------------------------------------------------------------

/** TikTok Shop cancelled the whole order after it reached the platform. */
export interface OrderCancelledAfterSync {
  type: 'OrderCancelledAfterSync';
  data: {
    orderId: string;
    /** TikTok's cancellation id, when the report carried one. */
    cancellationId: string | null;
    reason: string;
    initiator: CancelInitiator;
    /** When TikTok Shop says it was cancelled. */
    cancelledAt: string;
    recordedAt: string;
  };
}

/** TikTok Shop cancelled some units of some lines (a partial cancellation), before or after sync. */
export interface OrderLinesCancelled {
  type: 'OrderLinesCancelled';
  data: {
    orderId: string;
    cancellationId: string;
    lines: LineUnitsOf[];
    reason: string;
    initiator: CancelInitiator;
    cancelledAt: string;
    recordedAt: string;
  };
}

/** A TikTok Shop return or refund completed, before or after sync; TikTok's figures as it gave them. */
export interface OrderRefundCompleted {
  type: 'OrderRefundCompleted';
  data: {
    orderId: string;
    returnId: string;
    returnType: ReturnType;
    lines: LineUnitsOf[];
    amount: string;
    currency: string;
    completedAt: string;
    recordedAt: string;
  };
}

// ---------------------------------------------------------------------------
// After sync: mirroring, as the sync does it. A request (the plan, decided
// once by afterSyncPolicy, with what is restocked per line and why), then for
// each attempt a start (the intent, before the platform is called) and an
// outcome. A mirroring is named by its key (afterSyncVocabulary.ts).
// ---------------------------------------------------------------------------

/** The platform order must be cancelled (scope ORDER, Shopify orderCancel) or lose some lines (LINES). */
export interface PlatformCancellationRequested {
  type: 'PlatformCancellationRequested';
  data: {
    orderId: string;
    key: string;
    scope: 'ORDER' | 'LINES';
    cancellationId: string | null;
    reason: string;
    initiator: CancelInitiator;
    /** Whether anything goes back into the platform's stock (orderCancel's `restock`). */
    restock: boolean;
    lines: PlannedLine[];
    /** LINES: the cancelled units' value, refunded as TikTok refunded it; ORDER: null (no refund). */
    amount: string | null;
    currency: string;
    why: string;
    requestedAt: string;
  };
}

/** A refund must be recorded on the platform order (Shopify refundCreate, the note naming the return). */
export interface PlatformRefundRequested {
  type: 'PlatformRefundRequested';
  data: {
    orderId: string;
    key: string;
    returnId: string;
    returnType: ReturnType;
    lines: PlannedLine[];
    /** What is refunded on the platform: TikTok's amount, clamped to what the order's total leaves. */
    amount: string;
    currency: string;
    note: string;
    why: string;
    requestedAt: string;
  };
}

/** TikTok released an order synced in ON_HOLD: release the platform's fulfilment hold, mark it paid. */
export interface PlatformHoldReleaseRequested {
  type: 'PlatformHoldReleaseRequested';
  data: { orderId: string; key: string; why: string; requestedAt: string };
}

/** A mirroring attempt began: from here the platform may have the effect, whatever happens next. */
export interface PlatformMirroringStarted {
  type: 'PlatformMirroringStarted';
  data: { orderId: string; key: string; attempt: number; startedAt: string };
}

export interface PlatformMirrored {
  type: 'PlatformMirrored';
  data: {
    orderId: string;
    key: string;
    attempt: number;
    /** The platform's id of what it made (a refund's id), when it has one. */
    platformReference: string | null;
    /** The platform had it already (an earlier attempt made it before a crash). */
    alreadyOnPlatform: boolean;
    mirroredAt: string;
  };
}

export interface PlatformMirroringFailed {
  type: 'PlatformMirroringFailed';
  data: {
    orderId: string;
    key: string;
    attempt: number;
    reason: string;
    retryable: boolean;
    /** No more automatic attempts: the mirroring is FAILED until a person retries it. */
    final: boolean;
    nextAttemptAt: string | null;
    failedAt: string;
  };
}

/** A person asked for a FAILED mirroring to be tried again (retryOrderSync), with the same plan. */
export interface PlatformMirroringRetryRequested {
  type: 'PlatformMirroringRetryRequested';
  data: { orderId: string; key: string; reason: string; requestedBy: string; requestedAt: string };
}

/** Units went back into the platform's stock with a mirrored cancellation or refund, once. */
export interface InventoryRestocked {
  type: 'InventoryRestocked';
  data: {
    orderId: string;
    storeId: string;
    /** The mirroring that restocked them. */
    key: string;
    location: 'ECOMMERCE_PLATFORM';
    lines: LineUnitsOf[];
    restockedAt: string;
  };
}

/** The requests that open a mirroring. */
export type MirroringRequest =
  PlatformCancellationRequested | PlatformRefundRequested | PlatformHoldReleaseRequested;

export type OrderEvent =
  | OrderPlaced
  | OrderSettingsRecorded
  | FbtStatusChanged
  | OrderStatusChanged
  | OrderBlocked
  | OrderSyncRequested
  | OrderSyncStarted
  | OrderSynced
  | InventoryDeducted
  | OrderSyncFailed
  | OrderCancelled
  | OrderCancelledAfterSync
  | OrderLinesCancelled
  | OrderRefundCompleted
  | PlatformCancellationRequested
  | PlatformRefundRequested
  | PlatformHoldReleaseRequested
  | PlatformMirroringStarted
  | PlatformMirrored
  | PlatformMirroringFailed
  | PlatformMirroringRetryRequested
  | InventoryRestocked;
export type OrderEventType = OrderEvent['type'];
