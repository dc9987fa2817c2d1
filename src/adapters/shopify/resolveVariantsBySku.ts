import { FIND_VARIANTS_BY_SKU } from './documents';
import { isJsonObject, unexpectedAnswer } from './jsonObject';
import type { ShopifyGraphqlClient, ShopifyLog } from './shopifyGraphqlClient';
import { anySkuQuery } from './shopifySearchQuery';

// Keeps each search query short; a TikTok order rarely has more SKUs.
const SKUS_PER_QUERY = 50;
// Shopify's search may match more than the exact SKU (other spellings,
// shared SKUs): a few pages find it, beyond that it is not there.
const MAX_PAGES_PER_QUERY = 5;
const MAX_PAGE_SIZE = 250;

interface VariantPage {
  variants: { id: string; sku: string | null }[];
  endCursor: string | null;
  hasNextPage: boolean;
}

function readVariantPage(data: unknown): VariantPage {
  const connection = isJsonObject(data) ? data.productVariants : undefined;
  const pageInfo = isJsonObject(connection) ? connection.pageInfo : undefined;
  const nodes = isJsonObject(connection) ? connection.nodes : undefined;
  if (!Array.isArray(nodes) || !isJsonObject(pageInfo)) {
    throw unexpectedAnswer('productVariants without nodes or pageInfo');
  }
  const variants = nodes.map((node) => {
    if (!isJsonObject(node) || typeof node.id !== 'string') {
      throw unexpectedAnswer('a product variant without an id');
    }
    return { id: node.id, sku: typeof node.sku === 'string' ? node.sku : null };
  });
  return {
    variants,
    endCursor: typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : null,
    hasNextPage: pageInfo.hasNextPage === true,
  };
}

/**
 * The variant id of each SKU Shopify has, matched exactly. Where a SKU is on
 * several variants the first Shopify lists wins (oldest first: productVariants
 * sorts by id), and the log says so.
 */
export async function resolveVariantsBySku(
  client: ShopifyGraphqlClient,
  shop: string,
  skus: readonly string[],
  log: ShopifyLog,
): Promise<Map<string, string>> {
  const variantIdBySku = new Map<string, string>();
  const distinct = [...new Set(skus)];
  for (let start = 0; start < distinct.length; start += SKUS_PER_QUERY) {
    const wanted = new Set(distinct.slice(start, start + SKUS_PER_QUERY));
    const query = anySkuQuery([...wanted]);
    const first = Math.min(MAX_PAGE_SIZE, wanted.size * 2);
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES_PER_QUERY; page += 1) {
      const data = await client.request(shop, FIND_VARIANTS_BY_SKU, { first, query, after });
      const { variants, endCursor, hasNextPage } = readVariantPage(data);
      for (const { id, sku } of variants) {
        if (sku === null || !wanted.has(sku)) continue;
        const chosen = variantIdBySku.get(sku);
        if (chosen === undefined) variantIdBySku.set(sku, id);
        else if (chosen !== id) {
          log('SKU on several Shopify variants; using the first', {
            shop,
            sku,
            chosen,
            ignored: id,
          });
        }
      }
      const allFound = [...wanted].every((sku) => variantIdBySku.has(sku));
      if (allFound || !hasNextPage || endCursor === null) break;
      after = endCursor;
    }
  }
  return variantIdBySku;
}
