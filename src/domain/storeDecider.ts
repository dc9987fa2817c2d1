import { DomainError, Problems } from './domainError';
import {
  decideShopifyInstall,
  decideShopifyUninstall,
  evolveShopifyConnection,
  type RecordShopifyInstall,
  type RecordShopifyUninstall,
  type ShopifyConnection,
} from './shopifyConnection';
import type { StoreEvent } from './storeEvents';
import {
  decideTikTokAuthorization,
  decideTikTokDeauthorization,
  evolveTikTokAuthorization,
  type TikTokAuthorization,
  type TikTokAuthorizationCommand,
} from './tiktokAuthorization';
import {
  DEFAULT_FBT_SYNC_MODE,
  DEFAULT_RULES,
  ECOMMERCE_PLATFORMS,
  type EcommercePlatform,
  DEFAULT_ORDER_SETTINGS,
  FBT_SYNC_MODES,
  type FbtSyncMode,
  ON_HOLD_ORDERS,
  type OnHoldOrders,
  type OrderSettings,
  PLANS,
  type Plan,
  planAllowsFbtRules,
  platformSupportsFbtWait,
  type RulesInForce,
} from './storeVocabulary';

export interface FbtSyncRules extends RulesInForce {
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface StoreOrderSettings extends OrderSettings {
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface Store {
  storeId: string;
  name: string;
  tiktokShopId: string;
  platform: EcommercePlatform;
  shopDomain: string | null;
  plan: Plan;
  rules: FbtSyncRules;
  /** How ON_HOLD orders are treated and whether returns are restocked (every plan). */
  orderSettings: StoreOrderSettings;
  /** The Shopify app's installation on the store's shop; null until the merchant installs it. */
  shopifyConnection: ShopifyConnection | null;
  /** Whether the seller authorized the app on TikTok Shop; null until a first authorization. */
  tiktokAuthorization: TikTokAuthorization | null;
  createdAt: string;
  updatedAt: string;
}

/** null until the store is connected. */
export type StoreState = Store | null;

export const initialStoreState = (): StoreState => null;

export interface ConnectStore {
  type: 'ConnectStore';
  data: {
    storeId: string;
    name: string;
    tiktokShopId: string;
    platform: EcommercePlatform;
    plan: Plan;
    shopDomain: string | null;
    now: string;
    actor: string;
  };
}

export interface ChangeStorePlan {
  type: 'ChangeStorePlan';
  data: { plan: Plan; now: string; actor: string };
}

export interface UpdateFbtSyncRules {
  type: 'UpdateFbtSyncRules';
  data: { mode: FbtSyncMode; orderTag: string | null; now: string; actor: string };
}

/** The store's order settings, on every plan. Both are given: the edge fills in the one not changed. */
export interface UpdateOrderSettings {
  type: 'UpdateOrderSettings';
  data: { onHoldOrders: OnHoldOrders; restockReturns: boolean; now: string; actor: string };
}

export type StoreCommand =
  | ConnectStore
  | ChangeStorePlan
  | UpdateFbtSyncRules
  | UpdateOrderSettings
  | RecordShopifyInstall
  | RecordShopifyUninstall
  | TikTokAuthorizationCommand;

export const MAX_STORE_NAME_LENGTH = 200;
export const MAX_ORDER_TAG_LENGTH = 40;
const tiktokShopIdShape = /^[A-Za-z0-9_.-]{1,64}$/;
const shopDomainShape =
  /^(?=.{4,255}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The rules an order placed now is decided under: a plan without FBT rules always uses the default. */
export function rulesInForce(store: Store): RulesInForce {
  return planAllowsFbtRules(store.plan)
    ? { mode: store.rules.mode, orderTag: store.rules.orderTag }
    : DEFAULT_RULES;
}

/** The order settings an order placed now is handled under (every plan may choose them). */
export function orderSettingsInForce(store: Store): OrderSettings {
  return {
    onHoldOrders: store.orderSettings.onHoldOrders,
    restockReturns: store.orderSettings.restockReturns,
  };
}

/** A tag is trimmed, 1–40 characters, no commas (Shopify separates tags with commas). */
export function normalizeOrderTag(tag: string | null, problems: Problems): string | null {
  if (tag === null) return null;
  const trimmed = tag.trim();
  // Characters, not UTF-16 code units: an emoji is one character of a tag.
  const characters = [...trimmed].length;
  if (characters === 0 || characters > MAX_ORDER_TAG_LENGTH) {
    problems.invalid(
      ['orderTag'],
      `orderTag must be 1 to ${MAX_ORDER_TAG_LENGTH} characters after trimming`,
    );
  } else if (trimmed.includes(',')) {
    problems.invalid(['orderTag'], 'orderTag must not contain a comma');
  } else if (/[\p{Cc}\p{Cs}]/u.test(trimmed)) {
    problems.invalid(['orderTag'], 'orderTag must not contain control characters');
  }
  return trimmed;
}

function connect({ data }: ConnectStore, state: StoreState): StoreEvent[] {
  if (state !== null) {
    throw DomainError.of(
      'ALREADY_EXISTS',
      ['tiktokShopId'],
      `TikTok shop ${state.tiktokShopId} is already connected`,
    );
  }
  const problems = new Problems();
  const name = data.name.trim();
  if (name.length === 0 || name.length > MAX_STORE_NAME_LENGTH || /[\p{Cc}\p{Cs}]/u.test(name)) {
    problems.invalid(['name'], `name must be 1 to ${MAX_STORE_NAME_LENGTH} printable characters`);
  }
  if (!tiktokShopIdShape.test(data.tiktokShopId)) {
    problems.invalid(
      ['tiktokShopId'],
      'tiktokShopId must be 1 to 64 letters, digits, dots, dashes or underscores',
    );
  }
  if (!(ECOMMERCE_PLATFORMS as readonly string[]).includes(data.platform)) {
    problems.invalid(['platform'], `platform must be one of ${ECOMMERCE_PLATFORMS.join(', ')}`);
  }
  if (!(PLANS as readonly string[]).includes(data.plan)) {
    problems.invalid(['plan'], `plan must be one of ${PLANS.join(', ')}`);
  }
  const shopDomain = data.shopDomain === null ? null : data.shopDomain.trim().toLowerCase();
  if (data.platform === 'SHOPIFY') {
    if (shopDomain === null || shopDomain === '') {
      problems.invalid(
        ['shopDomain'],
        'shopDomain is required for a Shopify store, e.g. acme.myshopify.com',
      );
    } else if (!shopDomainShape.test(shopDomain)) {
      problems.invalid(
        ['shopDomain'],
        `shopDomain must be a host name such as acme.myshopify.com, got ${JSON.stringify(data.shopDomain)}`,
      );
    }
  } else if (shopDomain !== null) {
    problems.invalid(['shopDomain'], 'shopDomain is for Shopify stores only');
  }
  problems.throwIfAny();
  return [
    {
      type: 'StoreConnected',
      data: {
        storeId: data.storeId,
        name,
        tiktokShopId: data.tiktokShopId,
        platform: data.platform,
        shopDomain,
        plan: data.plan,
        connectedAt: data.now,
        connectedBy: data.actor,
      },
    },
  ];
}

function changePlan({ data }: ChangeStorePlan, store: Store): StoreEvent[] {
  if (!(PLANS as readonly string[]).includes(data.plan)) {
    throw DomainError.of('INVALID_INPUT', ['plan'], `plan must be one of ${PLANS.join(', ')}`);
  }
  if (data.plan === store.plan) return [];
  const events: StoreEvent[] = [
    {
      type: 'StorePlanChanged',
      data: {
        storeId: store.storeId,
        previousPlan: store.plan,
        plan: data.plan,
        changedAt: data.now,
        changedBy: data.actor,
      },
    },
  ];
  const leavesRules = planAllowsFbtRules(store.plan) && !planAllowsFbtRules(data.plan);
  const customised = store.rules.mode !== DEFAULT_FBT_SYNC_MODE || store.rules.orderTag !== null;
  if (leavesRules && customised) {
    events.push({
      type: 'FbtSyncRulesReset',
      data: {
        storeId: store.storeId,
        mode: DEFAULT_FBT_SYNC_MODE,
        orderTag: null,
        previousMode: store.rules.mode,
        previousOrderTag: store.rules.orderTag,
        reason: `the ${data.plan} plan does not include FBT sync rules`,
        resetAt: data.now,
        resetBy: data.actor,
      },
    });
  }
  return events;
}

function updateRules({ data }: UpdateFbtSyncRules, store: Store): StoreEvent[] {
  const problems = new Problems();
  if (!(FBT_SYNC_MODES as readonly string[]).includes(data.mode)) {
    problems.invalid(['mode'], `mode must be one of ${FBT_SYNC_MODES.join(', ')}`);
  }
  const orderTag = normalizeOrderTag(data.orderTag, problems);
  problems.throwIfAny();
  if (!planAllowsFbtRules(store.plan)) {
    throw DomainError.of(
      'PLAN_NOT_ELIGIBLE',
      ['mode'],
      `FBT sync rules need the PRO or ENTERPRISE plan; this store is on ${store.plan}`,
    );
  }
  if (!platformSupportsFbtWait(store.platform)) {
    const unsupported = new Problems();
    if (data.mode === 'WAIT_FOR_AWAITING_COLLECTION') {
      unsupported.add(
        'PLATFORM_NOT_SUPPORTED',
        ['mode'],
        `WAIT_FOR_AWAITING_COLLECTION is for Shopify stores only; this store is on ${store.platform}`,
      );
    }
    if (orderTag !== null) {
      unsupported.add(
        'PLATFORM_NOT_SUPPORTED',
        ['orderTag'],
        `order tags are for Shopify stores only; this store is on ${store.platform}`,
      );
    }
    unsupported.throwIfAny();
  }
  if (data.mode === store.rules.mode && orderTag === store.rules.orderTag) return [];
  return [
    {
      type: 'FbtSyncRulesChanged',
      data: {
        storeId: store.storeId,
        mode: data.mode,
        orderTag,
        previousMode: store.rules.mode,
        previousOrderTag: store.rules.orderTag,
        changedAt: data.now,
        changedBy: data.actor,
      },
    },
  ];
}

function updateOrderSettings({ data }: UpdateOrderSettings, store: Store): StoreEvent[] {
  const problems = new Problems();
  if (!(ON_HOLD_ORDERS as readonly string[]).includes(data.onHoldOrders)) {
    problems.invalid(['onHoldOrders'], `onHoldOrders must be one of ${ON_HOLD_ORDERS.join(', ')}`);
  }
  if (typeof data.restockReturns !== 'boolean') {
    problems.invalid(['restockReturns'], 'restockReturns must be true or false');
  }
  problems.throwIfAny();
  // No plan or platform check: holding a platform order's fulfilment and
  // restocking a return are things every platform does, on every plan.
  const { onHoldOrders, restockReturns } = store.orderSettings;
  if (data.onHoldOrders === onHoldOrders && data.restockReturns === restockReturns) return [];
  return [
    {
      type: 'StoreOrderSettingsChanged',
      data: {
        storeId: store.storeId,
        onHoldOrders: data.onHoldOrders,
        restockReturns: data.restockReturns,
        previousOnHoldOrders: onHoldOrders,
        previousRestockReturns: restockReturns,
        changedAt: data.now,
        changedBy: data.actor,
      },
    },
  ];
}

export function decideStore(command: StoreCommand, state: StoreState): StoreEvent[] {
  if (command.type === 'ConnectStore') return connect(command, state);
  if (state === null) throw DomainError.of('NOT_FOUND', ['storeId'], 'no such store');
  switch (command.type) {
    case 'ChangeStorePlan':
      return changePlan(command, state);
    case 'UpdateFbtSyncRules':
      return updateRules(command, state);
    case 'UpdateOrderSettings':
      return updateOrderSettings(command, state);
    case 'RecordShopifyInstall':
      return decideShopifyInstall(command, state);
    case 'RecordShopifyUninstall':
      return decideShopifyUninstall(command, state);
    case 'RecordTikTokAuthorization':
      return decideTikTokAuthorization(command, state);
    case 'RecordTikTokDeauthorization':
      return decideTikTokDeauthorization(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export function evolveStore(state: StoreState, event: StoreEvent): StoreState {
  if (event.type === 'TikTokShopAuthorized' || event.type === 'TikTokShopDeauthorized') {
    return state && evolveTikTokAuthorization(state, event);
  }
  const { type, data } = event;
  switch (type) {
    case 'StoreConnected':
      return {
        storeId: data.storeId,
        name: data.name,
        tiktokShopId: data.tiktokShopId,
        platform: data.platform,
        shopDomain: data.shopDomain,
        plan: data.plan,
        rules: { ...DEFAULT_RULES, updatedAt: null, updatedBy: null },
        orderSettings: { ...DEFAULT_ORDER_SETTINGS, updatedAt: null, updatedBy: null },
        shopifyConnection: null,
        tiktokAuthorization: null,
        createdAt: data.connectedAt,
        updatedAt: data.connectedAt,
      };
    case 'StorePlanChanged':
      return state && { ...state, plan: data.plan, updatedAt: data.changedAt };
    case 'FbtSyncRulesChanged':
      return (
        state && {
          ...state,
          rules: {
            mode: data.mode,
            orderTag: data.orderTag,
            updatedAt: data.changedAt,
            updatedBy: data.changedBy,
          },
          updatedAt: data.changedAt,
        }
      );
    case 'FbtSyncRulesReset':
      return (
        state && {
          ...state,
          rules: {
            mode: data.mode,
            orderTag: data.orderTag,
            updatedAt: data.resetAt,
            updatedBy: data.resetBy,
          },
          updatedAt: data.resetAt,
        }
      );
    case 'StoreOrderSettingsChanged':
      return (
        state && {
          ...state,
          orderSettings: {
            onHoldOrders: data.onHoldOrders,
            restockReturns: data.restockReturns,
            updatedAt: data.changedAt,
            updatedBy: data.changedBy,
          },
          updatedAt: data.changedAt,
        }
      );
    case 'ShopifyAppInstalled':
    case 'ShopifyAppUninstalled':
      return (
        state && {
          ...state,
          shopifyConnection: evolveShopifyConnection(state.shopifyConnection, event),
          updatedAt: type === 'ShopifyAppInstalled' ? data.installedAt : data.uninstalledAt,
        }
      );
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

export const storeDecider = {
  initialState: initialStoreState,
  evolve: evolveStore,
  decide: decideStore,
};
