/**
 * Shopify's search syntax (shopify.dev/docs/api/usage/search-syntax). A bare
 * value stops at whitespace and at `:`, `\`, `(` and `)`, and a value such as
 * `OR` reads as a connective, so every value we send is double-quoted; inside
 * the quotes a backslash escapes `"` and itself.
 */
export function quoteSearchValue(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** Matches the orders whose sourceIdentifier is this TikTok order id. */
export function sourceIdentifierQuery(tiktokOrderId: string): string {
  return `source_identifier:${quoteSearchValue(tiktokOrderId)}`;
}

/** Matches the product variants carrying any of these SKUs. */
export function anySkuQuery(skus: readonly string[]): string {
  return skus.map((sku) => `sku:${quoteSearchValue(sku)}`).join(' OR ');
}
