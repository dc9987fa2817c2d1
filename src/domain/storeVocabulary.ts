export const PLANS = ['FREE', 'ESSENTIALS', 'PRO', 'ENTERPRISE'] as const;
export type Plan = (typeof PLANS)[number];

export const ECOMMERCE_PLATFORMS = [
  'SHOPIFY',
  'WOOCOMMERCE',
  'BIGCOMMERCE',
  'MAGENTO',
  'WIX',
] as const;
export type EcommercePlatform = (typeof ECOMMERCE_PLATFORMS)[number];

export const FBT_SYNC_MODES = [
  'SYNC_AND_DEDUCT_INVENTORY',
  'WAIT_FOR_AWAITING_COLLECTION',
] as const;
export type FbtSyncMode = (typeof FBT_SYNC_MODES)[number];

export const DEFAULT_FBT_SYNC_MODE = 'SYNC_AND_DEDUCT_INVENTORY' satisfies FbtSyncMode;

/** The FBT sync rules an order is decided under; recorded in OrderPlaced. */
export interface RulesInForce {
  mode: FbtSyncMode;
  /** Shopify only: the tag put on FBT orders; null for none. */
  orderTag: string | null;
}

export const DEFAULT_RULES: RulesInForce = { mode: DEFAULT_FBT_SYNC_MODE, orderTag: null };

/** Only PRO and ENTERPRISE may choose their FBT sync rules. */
export function planAllowsFbtRules(plan: Plan): boolean {
  return plan === 'PRO' || plan === 'ENTERPRISE';
}

/** WAIT_FOR_AWAITING_COLLECTION and order tags exist on Shopify only. */
export function platformSupportsFbtWait(platform: EcommercePlatform): boolean {
  return platform === 'SHOPIFY';
}

/** The modes a store may choose now, given its plan and platform. */
export function availableFbtSyncModes(plan: Plan, platform: EcommercePlatform): FbtSyncMode[] {
  return planAllowsFbtRules(plan) && platformSupportsFbtWait(platform)
    ? [...FBT_SYNC_MODES]
    : [DEFAULT_FBT_SYNC_MODE];
}
