import { registerEnumType } from 'type-graphql';
import { FULFILLMENT_TYPES, ORDER_SYNC_STATUSES } from '../../domain/orderVocabulary';
import {
  CANCEL_INITIATORS,
  MIRRORING_STATUSES,
  type MirroringKind as DomainMirroringKind,
  RETURN_TYPES,
  type RestockType as DomainRestockType,
} from '../../domain/afterSyncVocabulary';
import {
  ECOMMERCE_PLATFORMS,
  FBT_SYNC_MODES,
  ON_HOLD_ORDERS,
  PLANS,
} from '../../domain/storeVocabulary';
import { TIKTOK_ORDER_STATUSES } from '../../domain/tiktokStatus';
import type { DomainErrorCode } from '../../domain/domainError';

/**
 * The contract's enums, with the domain's own vocabulary as their values:
 * a value read from a row or an event is already the enum's value.
 */
function enumOf<const T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const Plan = enumOf(PLANS);
registerEnumType(Plan, {
  name: 'Plan',
  description: "The store's subscription plan; PRO and ENTERPRISE may choose their FBT sync rules.",
  valuesConfig: {
    FREE: { description: 'Free plan: FBT orders use the default rule.' },
    ESSENTIALS: { description: 'Essentials plan: FBT orders use the default rule.' },
    PRO: { description: 'Pro plan: FBT sync rules are configurable.' },
    ENTERPRISE: { description: 'Enterprise plan: FBT sync rules are configurable.' },
  },
});

export const EcommercePlatform = enumOf(ECOMMERCE_PLATFORMS);
registerEnumType(EcommercePlatform, {
  name: 'EcommercePlatform',
  description: "The e-commerce platform the store's TikTok Shop orders are synced into.",
  valuesConfig: {
    SHOPIFY: {
      description: 'Shopify (the only platform with WAIT_FOR_AWAITING_COLLECTION and order tags).',
    },
    WOOCOMMERCE: { description: 'WooCommerce.' },
    BIGCOMMERCE: { description: 'BigCommerce.' },
    MAGENTO: { description: 'Magento (Adobe Commerce).' },
    WIX: { description: 'Wix.' },
  },
});

export const FbtSyncMode = enumOf(FBT_SYNC_MODES);
registerEnumType(FbtSyncMode, {
  name: 'FbtSyncMode',
  description:
    'How FBT orders reach the e-commerce platform. Configurable on PRO and ENTERPRISE plans.',
  valuesConfig: {
    SYNC_AND_DEDUCT_INVENTORY: {
      description:
        'Default, every platform. Sync as soon as the order is placed (paid), with\nplatform status AWAITING_SHIPMENT, and deduct inventory on the platform.',
    },
    WAIT_FOR_AWAITING_COLLECTION: {
      description:
        'Shopify only. Hold the order as BLOCKED until TikTok Shop reports\nAWAITING_COLLECTION, then sync it as FULFILLED without adjusting platform\ninventory; the TikTok Shop inventory is deducted instead.',
    },
  },
});

export const FulfillmentType = enumOf(FULFILLMENT_TYPES);
registerEnumType(FulfillmentType, {
  name: 'FulfillmentType',
  description: 'Who packs and ships the order.',
  valuesConfig: {
    FULFILLED_BY_TIKTOK: { description: "Fulfilled by TikTok (FBT): TikTok's warehouses ship it." },
    FULFILLED_BY_SELLER: { description: 'The seller ships it.' },
  },
});

export const TikTokOrderStatus = enumOf(TIKTOK_ORDER_STATUSES);
registerEnumType(TikTokOrderStatus, {
  name: 'TikTokOrderStatus',
  description:
    'TikTok Shop order status, in lifecycle order; CANCELLED can follow any status before DELIVERED.',
  valuesConfig: {
    UNPAID: { description: 'Placed, not paid yet.' },
    ON_HOLD: {
      description: 'Paid, held by TikTok Shop (e.g. for a risk check) before fulfilment.',
    },
    AWAITING_SHIPMENT: {
      description: 'Paid and waiting to be shipped ("paid" means this or later).',
    },
    PARTIALLY_SHIPPING: { description: 'Some packages of the order have shipped.' },
    AWAITING_COLLECTION: { description: 'Packed and waiting for the carrier to collect it.' },
    IN_TRANSIT: { description: 'With the carrier.' },
    DELIVERED: { description: 'Delivered to the buyer.' },
    COMPLETED: { description: 'Completed: the return window has closed.' },
    CANCELLED: { description: 'Cancelled; terminal.' },
  },
});

export const OrderSyncStatus = enumOf(ORDER_SYNC_STATUSES);
registerEnumType(OrderSyncStatus, {
  name: 'OrderSyncStatus',
  description: 'Where the order stands in this service (the Orders section).',
  valuesConfig: {
    PENDING: {
      description: 'Not synced yet: waiting for payment, or queued/retrying to reach the platform.',
    },
    BLOCKED: {
      description:
        'FBT order held by WAIT_FOR_AWAITING_COLLECTION until TikTok reports AWAITING_COLLECTION.',
    },
    SYNCED: { description: 'The platform has the order.' },
    FAILED: {
      description: 'The platform refused the order, or retries ran out; see failureReason.',
    },
    CANCELLED: {
      description: 'Cancelled on TikTok Shop before it was synced; it will never be synced.',
    },
  },
});

export const PlatformOrderStatus = enumOf(['AWAITING_SHIPMENT', 'FULFILLED'] as const);
registerEnumType(PlatformOrderStatus, {
  name: 'PlatformOrderStatus',
  description: 'The status the order was given on the platform when it was synced.',
  valuesConfig: {
    AWAITING_SHIPMENT: { description: 'Unfulfilled: the platform expects it to be shipped.' },
    FULFILLED: { description: 'Fulfilled: TikTok ships it, the platform has nothing to ship.' },
  },
});

export const InventoryLocation = enumOf(['ECOMMERCE_PLATFORM', 'TIKTOK_SHOP'] as const);
registerEnumType(InventoryLocation, {
  name: 'InventoryLocation',
  description: "Whose inventory an order's items are deducted from.",
  valuesConfig: {
    ECOMMERCE_PLATFORM: { description: "The e-commerce platform's inventory." },
    TIKTOK_SHOP: { description: "TikTok Shop's (FBT warehouse) inventory." },
  },
});

export type UserErrorCode = DomainErrorCode | 'FORBIDDEN';
export const UserErrorCode = enumOf<UserErrorCode>([
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PLAN_NOT_ELIGIBLE',
  'PLATFORM_NOT_SUPPORTED',
  'VERSION_CONFLICT',
  'INVALID_STATE',
  'FORBIDDEN',
]);
registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'What kind of business-rule or validation failure a UserError is.',
  valuesConfig: {
    INVALID_INPUT: { description: 'An input field is malformed or out of range.' },
    NOT_FOUND: {
      description: 'The store or order does not exist (or is not visible to the caller).',
    },
    ALREADY_EXISTS: { description: 'The TikTok shop is already connected.' },
    PLAN_NOT_ELIGIBLE: { description: "The store's plan does not include this feature." },
    PLATFORM_NOT_SUPPORTED: { description: "The store's platform does not support this setting." },
    VERSION_CONFLICT: {
      description: 'expectedVersion no longer matches the stream: reload and decide again.',
    },
    INVALID_STATE: { description: 'The object is not in a state that allows this change.' },
    FORBIDDEN: { description: 'The caller may not make this change.' },
  },
});

export const OnHoldOrders = enumOf(ON_HOLD_ORDERS);
registerEnumType(OnHoldOrders, {
  name: 'OnHoldOrders',
  description: "How paid orders in TikTok Shop's ON_HOLD window (about an hour) are treated.",
  valuesConfig: {
    WAIT_FOR_RELEASE: {
      description: 'Default: the order waits as PENDING and is synced when TikTok releases it.',
    },
    SYNC_ON_HOLD: {
      description:
        "Synced at once with the platform's fulfilment held; the hold is released when TikTok releases the order.",
    },
  },
});

export const MirroringStatus = enumOf(['NONE', 'PENDING', 'MIRRORED', 'FAILED'] as const);
registerEnumType(MirroringStatus, {
  name: 'MirroringStatus',
  description:
    'Whether the platform order says what TikTok Shop said after sync (cancellations, refunds, hold releases), in one word.',
  valuesConfig: {
    NONE: { description: 'Nothing to mirror.' },
    PENDING: { description: 'A mirroring is due or being tried.' },
    MIRRORED: { description: 'Every mirroring is done.' },
    FAILED: { description: 'A mirroring gave up; retryOrderSync tries it again.' },
  },
});

export const PlatformMirroringStatus = enumOf(MIRRORING_STATUSES);
registerEnumType(PlatformMirroringStatus, {
  name: 'PlatformMirroringStatus',
  description: 'Where one mirroring stands.',
  valuesConfig: {
    PENDING: { description: 'Due, or being tried.' },
    MIRRORED: { description: 'The platform order says it.' },
    FAILED: { description: 'Given up on until retryOrderSync.' },
    SUPERSEDED: {
      description: 'Made pointless by a later fact (a hold release once the order was cancelled).',
    },
  },
});

export const MirroringKind = enumOf([
  'CANCEL_ORDER',
  'CANCEL_LINES',
  'REFUND',
  'RELEASE_HOLD',
] as const satisfies readonly DomainMirroringKind[]);
registerEnumType(MirroringKind, {
  name: 'MirroringKind',
  description: 'What a mirroring does to the platform order.',
  valuesConfig: {
    CANCEL_ORDER: { description: 'Cancel the whole platform order.' },
    CANCEL_LINES: { description: 'Remove cancelled units of some lines.' },
    REFUND: { description: 'Record a refund for a completed TikTok return or refund.' },
    RELEASE_HOLD: { description: 'Release the fulfilment hold and mark the order paid.' },
  },
});

export const CancelInitiator = enumOf(CANCEL_INITIATORS);
registerEnumType(CancelInitiator, {
  name: 'CancelInitiator',
  description: 'Who cancelled, as TikTok Shop names it.',
  valuesConfig: {
    BUYER: { description: 'The buyer.' },
    SELLER: { description: 'The seller.' },
    OPERATOR: { description: 'TikTok Shop (an operator).' },
    SYSTEM: { description: 'TikTok Shop (automatically, e.g. not shipped in time).' },
    UNKNOWN: { description: 'TikTok Shop did not say.' },
  },
});

export const ReturnType = enumOf(RETURN_TYPES);
registerEnumType(ReturnType, {
  name: 'ReturnType',
  description: 'A refund with nothing sent back, or goods sent back and refunded.',
  valuesConfig: {
    REFUND_ONLY: { description: 'Money refunded, nothing sent back.' },
    RETURN_AND_REFUND: { description: 'Goods sent back and refunded.' },
  },
});

export const RestockType = enumOf([
  'CANCEL',
  'RETURN',
  'NO_RESTOCK',
] as const satisfies readonly DomainRestockType[]);
registerEnumType(RestockType, {
  name: 'RestockType',
  description: "Whether units go back into the platform's stock, and as what.",
  valuesConfig: {
    CANCEL: { description: 'Restocked as cancelled units.' },
    RETURN: { description: 'Restocked as returned units.' },
    NO_RESTOCK: { description: 'Not restocked.' },
  },
});
