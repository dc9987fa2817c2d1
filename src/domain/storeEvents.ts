import type { ShopifyConnectionEvent } from './shopifyConnection';
import type { EcommercePlatform, FbtSyncMode, OnHoldOrders, Plan } from './storeVocabulary';
import type { TikTokShopAuthorized, TikTokShopDeauthorized } from './tiktokAuthorization';

export type { TikTokShopAuthorized, TikTokShopDeauthorized } from './tiktokAuthorization';

/** A TikTok Shop connected to an e-commerce platform. */
export interface StoreConnected {
  type: 'StoreConnected';
  data: {
    storeId: string;
    name: string;
    tiktokShopId: string;
    platform: EcommercePlatform;
    shopDomain: string | null;
    plan: Plan;
    connectedAt: string;
    connectedBy: string;
  };
}

export interface StorePlanChanged {
  type: 'StorePlanChanged';
  data: { storeId: string; previousPlan: Plan; plan: Plan; changedAt: string; changedBy: string };
}

/** The merchant chose new FBT sync rules. They apply to orders placed afterwards. */
export interface FbtSyncRulesChanged {
  type: 'FbtSyncRulesChanged';
  data: {
    storeId: string;
    mode: FbtSyncMode;
    orderTag: string | null;
    previousMode: FbtSyncMode;
    previousOrderTag: string | null;
    changedAt: string;
    changedBy: string;
  };
}

/** The rules went back to the default because the store left PRO/ENTERPRISE. */
export interface FbtSyncRulesReset {
  type: 'FbtSyncRulesReset';
  data: {
    storeId: string;
    mode: 'SYNC_AND_DEDUCT_INVENTORY';
    orderTag: null;
    previousMode: FbtSyncMode;
    previousOrderTag: string | null;
    reason: string;
    resetAt: string;
    resetBy: string;
  };
}

/**
 * The merchant chose new order settings (every plan). Like the FBT rules, they
 * apply to orders placed afterwards: each order records the settings it is
 * handled under.
 */
export interface StoreOrderSettingsChanged {
  type: 'StoreOrderSettingsChanged';
  data: {
    storeId: string;
    onHoldOrders: OnHoldOrders;
    restockReturns: boolean;
    previousOnHoldOrders: OnHoldOrders;
    previousRestockReturns: boolean;
    changedAt: string;
    changedBy: string;
  };
}

export type StoreEvent =
  | StoreConnected
  | StorePlanChanged
  | FbtSyncRulesChanged
  | FbtSyncRulesReset
  | StoreOrderSettingsChanged
  | ShopifyConnectionEvent
  | TikTokShopAuthorized
  | TikTokShopDeauthorized;
export type StoreEventType = StoreEvent['type'];
