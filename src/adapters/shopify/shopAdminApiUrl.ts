import { PlatformError, type PlatformStore } from '../../sync/platformPort';

// A DNS name with at least two labels, nothing else: the access token goes to
// this host, so a domain carrying a path, port or `user@` must not slip in.
const HOSTNAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export const SHOP_PLACEHOLDER = '{shop}';

/** The store's Shopify domain, or REJECTED: no retry gives a store a domain. */
export function shopDomainOf(store: PlatformStore): string {
  const domain = store.shopDomain?.trim() ?? '';
  if (domain === '') {
    throw new PlatformError('REJECTED', `Store ${store.storeId} has no Shopify shop domain`);
  }
  if (!HOSTNAME.test(domain)) {
    throw new PlatformError(
      'REJECTED',
      `Store ${store.storeId} has a Shopify shop domain that is not a host name: ${JSON.stringify(domain)}`,
    );
  }
  return domain.toLowerCase();
}

/** The Admin API address for one shop, from a template such as https://{shop}/admin/api/2025-01/graphql.json. */
export function shopAdminApiUrl(template: string, shopDomain: string): string {
  return template.split(SHOP_PLACEHOLDER).join(shopDomain);
}
