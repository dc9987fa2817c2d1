import { createHmac } from 'node:crypto';

/** Parameters TikTok leaves out of the signed text: the signature itself, and the token it does not need. */
const UNSIGNED_PARAMETERS = new Set(['sign', 'access_token']);

export interface ApiRequestToSign {
  /** The request path without host or query, e.g. `/order/202309/orders`. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** The exact body text sent; the empty string for none. */
  body?: string;
  /** Multipart bodies are not part of the signed text. */
  isMultipart?: boolean;
  appSecret: string;
}

/**
 * The `sign` query parameter of a TikTok Shop Open API call: hex HMAC-SHA256,
 * keyed with the app secret, of app_secret + path + the query parameters
 * sorted by key as `{key}{value}` + the raw body + app_secret.
 */
export function signApiRequest({
  path,
  query,
  body = '',
  isMultipart = false,
  appSecret,
}: ApiRequestToSign): string {
  const parameters = Object.entries(query)
    .filter(([key]) => !UNSIGNED_PARAMETERS.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}${value}`)
    .join('');
  const signed = `${appSecret}${path}${parameters}${isMultipart ? '' : body}${appSecret}`;
  return createHmac('sha256', appSecret).update(signed, 'utf8').digest('hex');
}
