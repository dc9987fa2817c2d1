import { DomainError } from './domainError';

/**
 * A store's Shopify app installation, as the event log tells it. The events
 * say what happened (installed, with which scopes; uninstalled): the access
 * and refresh tokens never enter the log, they are sealed in the credential
 * vault (src/credentials).
 */

/** The merchant approved the app on their shop: fbt-sync holds an offline token of its own for it. */
export interface ShopifyAppInstalled {
  type: 'ShopifyAppInstalled';
  data: {
    storeId: string;
    shopDomain: string;
    /** The access scopes Shopify granted, sorted. */
    scopes: string[];
    installedAt: string;
    installedBy: string;
  };
}

/** Shopify said the app was removed from the shop (app/uninstalled): its token no longer works. */
export interface ShopifyAppUninstalled {
  type: 'ShopifyAppUninstalled';
  data: {
    storeId: string;
    shopDomain: string;
    /** Shopify's X-Shopify-Webhook-Id of the delivery that said so; null when recorded otherwise. */
    webhookId: string | null;
    uninstalledAt: string;
    uninstalledBy: string;
  };
}

export type ShopifyConnectionEvent = ShopifyAppInstalled | ShopifyAppUninstalled;

export interface ShopifyConnection {
  state: 'INSTALLED' | 'UNINSTALLED';
  scopes: string[];
  installedAt: string;
  uninstalledAt: string | null;
}

export interface RecordShopifyInstall {
  type: 'RecordShopifyInstall';
  data: { shopDomain: string; scopes: string[]; now: string; actor: string };
}

export interface RecordShopifyUninstall {
  type: 'RecordShopifyUninstall';
  data: { shopDomain: string; webhookId: string | null; now: string; actor: string };
}

export type ShopifyConnectionCommand = RecordShopifyInstall | RecordShopifyUninstall;

/** What the decider needs of the store. */
export interface ShopifyConnectionStore {
  storeId: string;
  platform: string;
  shopDomain: string | null;
  shopifyConnection: ShopifyConnection | null;
}

const SCOPE_SHAPE = /^[a-z_]{1,100}$/;

function checkShop(store: ShopifyConnectionStore, shopDomain: string): void {
  if (store.platform !== 'SHOPIFY') {
    throw DomainError.of('PLATFORM_NOT_SUPPORTED', ['platform'], 'the store is not on Shopify');
  }
  if (store.shopDomain !== shopDomain.trim().toLowerCase()) {
    throw DomainError.of(
      'INVALID_INPUT',
      ['shopDomain'],
      `the store's Shopify shop is ${store.shopDomain ?? '(none)'}, not ${shopDomain}`,
    );
  }
}

/**
 * An install is recorded when the store was not installed, or when the
 * granted scopes changed (a re-approval after the app asked for more). A
 * repeat of the same install appends nothing: the new token is the vault's
 * business, not a fact of the store's life.
 */
export function decideShopifyInstall(
  { data }: RecordShopifyInstall,
  store: ShopifyConnectionStore,
): ShopifyConnectionEvent[] {
  checkShop(store, data.shopDomain);
  const bad = data.scopes.find((scope) => !SCOPE_SHAPE.test(scope));
  if (bad !== undefined) {
    throw DomainError.of('INVALID_INPUT', ['scopes'], `not a Shopify access scope: ${bad}`);
  }
  const scopes = [...new Set(data.scopes)].sort();
  const current = store.shopifyConnection;
  if (
    current?.state === 'INSTALLED' &&
    current.scopes.length === scopes.length &&
    current.scopes.every((scope, index) => scope === scopes[index])
  ) {
    return [];
  }
  return [
    {
      type: 'ShopifyAppInstalled',
      data: {
        storeId: store.storeId,
        shopDomain: store.shopDomain!,
        scopes,
        installedAt: data.now,
        installedBy: data.actor,
      },
    },
  ];
}

/** Shopify repeats its webhooks: an uninstall of a store not installed appends nothing. */
export function decideShopifyUninstall(
  { data }: RecordShopifyUninstall,
  store: ShopifyConnectionStore,
): ShopifyConnectionEvent[] {
  checkShop(store, data.shopDomain);
  if (store.shopifyConnection?.state !== 'INSTALLED') return [];
  return [
    {
      type: 'ShopifyAppUninstalled',
      data: {
        storeId: store.storeId,
        shopDomain: store.shopDomain!,
        webhookId: data.webhookId,
        uninstalledAt: data.now,
        uninstalledBy: data.actor,
      },
    },
  ];
}

export function evolveShopifyConnection(
  current: ShopifyConnection | null,
  event: ShopifyConnectionEvent,
): ShopifyConnection | null {
  switch (event.type) {
    case 'ShopifyAppInstalled':
      return {
        state: 'INSTALLED',
        scopes: event.data.scopes,
        installedAt: event.data.installedAt,
        uninstalledAt: null,
      };
    case 'ShopifyAppUninstalled':
      return (
        current && { ...current, state: 'UNINSTALLED', uninstalledAt: event.data.uninstalledAt }
      );
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
