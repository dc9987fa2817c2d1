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

/**
 * How paid orders in TikTok Shop's ON_HOLD window (the buyer's hour of
 * remorse) are treated: kept PENDING until TikTok releases them, or synced at
 * once with the platform's fulfilment held.
 */
export const ON_HOLD_ORDERS = ['WAIT_FOR_RELEASE', 'SYNC_ON_HOLD'] as const;
export type OnHoldOrders = (typeof ON_HOLD_ORDERS)[number];

/**
 * The store's order settings, on every plan (unlike the FBT rules): how ON_HOLD
 * orders are treated and whether completed returns are restocked at the
 * platform. Like the FBT rules, an order is handled under the settings in
 * force when it was placed.
 */
export interface OrderSettings {
  onHoldOrders: OnHoldOrders;
  restockReturns: boolean;
}

export const DEFAULT_ORDER_SETTINGS: OrderSettings = {
  onHoldOrders: 'WAIT_FOR_RELEASE',
  restockReturns: false,
};

/**
 * What every order placed before stores could choose was handled under (the
 * behaviour of that time). An order's stream records its settings
 * (OrderSettingsRecorded) only when they differ from these, so the streams of
 * stores that keep them read exactly as before, and old streams fold to these.
 * Equal to DEFAULT_ORDER_SETTINGS today; kept apart so that a new default
 * would never change how an old order folds.
 */
export const ORDER_SETTINGS_BEFORE_CHOICE: OrderSettings = {
  onHoldOrders: 'WAIT_FOR_RELEASE',
  restockReturns: false,
};

export function sameOrderSettings(a: OrderSettings, b: OrderSettings): boolean {
  return a.onHoldOrders === b.onHoldOrders && a.restockReturns === b.restockReturns;
}

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
