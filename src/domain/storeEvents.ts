import type { EcommercePlatform, FbtSyncMode, Plan } from './storeVocabulary';

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

export type StoreEvent =
  StoreConnected | StorePlanChanged | FbtSyncRulesChanged | FbtSyncRulesReset;
export type StoreEventType = StoreEvent['type'];
