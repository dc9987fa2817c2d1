import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookSigningKeys {
  appKey: string;
  appSecret: string;
}

/**
 * The `Authorization` header TikTok Shop puts on a webhook: lowercase hex of
 * HMAC-SHA256 keyed with the app secret over the app key followed by the raw
 * body bytes. Used by the tests and the fake; production only verifies.
 */
export function signWebhook({
  rawBody,
  appKey,
  appSecret,
}: WebhookSigningKeys & { rawBody: Buffer | string }): string {
  return createHmac('sha256', appSecret).update(appKey, 'utf8').update(rawBody).digest('hex');
}

const SHA256_HEX_LENGTH = 64;

function isHex(text: string): boolean {
  for (const char of text) {
    if (!((char >= '0' && char <= '9') || (char >= 'a' && char <= 'f'))) return false;
  }
  return true;
}

/**
 * Whether a webhook really comes from TikTok Shop. The signature covers the
 * bytes as received: re-serialized JSON would differ in spacing or key order
 * and never match, so pass the raw body. The comparison runs in constant time
 * so a forger learns nothing from how long a wrong guess takes.
 */
export function verifyWebhookSignature({
  rawBody,
  authorization,
  appKey,
  appSecret,
}: WebhookSigningKeys & { rawBody: Buffer; authorization: string | undefined }): boolean {
  if (authorization === undefined) return false;
  const received = authorization.trim().toLowerCase();
  // Buffer.from(…, 'hex') stops silently at the first non-hex character, so a
  // malformed header must be refused before it can decode to a short buffer.
  if (received.length !== SHA256_HEX_LENGTH || !isHex(received)) return false;
  const expected = createHmac('sha256', appSecret).update(appKey, 'utf8').update(rawBody).digest();
  return timingSafeEqual(Buffer.from(received, 'hex'), expected);
}
