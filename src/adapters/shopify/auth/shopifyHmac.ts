import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs what it sends an app with the app's client secret
 * (SHOPIFY_API_SECRET): a request to the app's URLs carries `hmac` in its
 * query, a webhook carries `X-Shopify-Hmac-Sha256`.
 */

/**
 * The query's own `hmac`: hex HMAC-SHA256 of the other parameters, sorted by
 * name and joined as a query string (`signature`, an older form, is left out
 * too). Shopify says the parameters may change, so every one is covered.
 */
export function queryHmac(query: URLSearchParams, secret: string): string {
  const rest = [...query.entries()]
    .filter(([name]) => name !== 'hmac' && name !== 'signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', secret).update(new URLSearchParams(rest).toString()).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when the query's `hmac` is Shopify's signature of the rest of it. */
export function verifyQueryHmac(query: URLSearchParams, secret: string): boolean {
  const given = query.get('hmac');
  if (given === null || query.getAll('hmac').length !== 1) return false;
  return sameText(given.toLowerCase(), queryHmac(query, secret));
}

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the body's exact bytes. */
export function webhookHmac(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function verifyWebhookHmac(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || header === '') return false;
  return sameText(header, webhookHmac(rawBody, secret));
}

/** A shop's own domain, as Shopify names it: `{handle}.myshopify.com`, nothing else. */
const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]{0,98}\.myshopify\.com$/;

/** The shop domain in canonical form, or null when it is not a myshopify.com domain. */
export function shopDomainFrom(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  const domain = text.trim().toLowerCase();
  return MYSHOPIFY_DOMAIN.test(domain) ? domain : null;
}
