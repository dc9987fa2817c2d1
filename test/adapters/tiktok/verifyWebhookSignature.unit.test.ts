import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  signWebhook,
  verifyWebhookSignature,
} from '../../../src/adapters/tiktok/verifyWebhookSignature';

const appKey = '68xu9ks5p4i8';
const appSecret = 'e59af819cc';
const rawBody = Buffer.from(
  '{"type":1,"tts_notification_id":"7327111111111111111","shop_id":"7494222222222222222","timestamp":1706000000,"data":{"order_id":"577033333333333333","order_status":"CANCEL","is_on_hold_order":false,"update_time":1706000000}}',
);
// Derived by hand, independently of signWebhook: HMAC-SHA256(app secret, app key + body).
const goodHeader = createHmac('sha256', appSecret)
  .update(Buffer.concat([Buffer.from(appKey), rawBody]))
  .digest('hex');

const verify = (authorization: string | undefined, body: Buffer = rawBody) =>
  verifyWebhookSignature({ rawBody: body, authorization, appKey, appSecret });

describe('verifyWebhookSignature', () => {
  it('accepts the signature TikTok computes over app key + raw body', () => {
    expect(verify(goodHeader)).toBe(true);
  });

  it('matches a vector computed outside Node (Python hmac)', () => {
    const body = Buffer.from('{"type":1,"tts_notification_id":"7327"}');
    const header = 'e5ac111411417a359fcea57327c0c183c51e548ed96fc31397f5f14d0b49ef4d';
    expect(verify(header, body)).toBe(true);
    expect(signWebhook({ rawBody: body, appKey, appSecret })).toBe(header);
  });

  it('accepts uppercase hex and surrounding whitespace', () => {
    expect(verify(goodHeader.toUpperCase())).toBe(true);
    expect(verify(` ${goodHeader}\n`)).toBe(true);
  });

  it('signWebhook produces the header verify accepts, as lowercase hex', () => {
    const header = signWebhook({ rawBody, appKey, appSecret });
    expect(header).toBe(goodHeader);
    expect(header).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a signature forged with another secret or another app key', () => {
    expect(verify(signWebhook({ rawBody, appKey, appSecret: 'not-the-secret' }))).toBe(false);
    expect(verify(signWebhook({ rawBody, appKey: 'other-app', appSecret }))).toBe(false);
    // Signing the body alone, without the app key prefix, is a common mistake.
    expect(verify(createHmac('sha256', appSecret).update(rawBody).digest('hex'))).toBe(false);
  });

  it('refuses the right signature over different body bytes', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString()), null, 1));
    expect(verify(goodHeader, reserialized)).toBe(false);
    // "CANCEL" becomes "CANCEM": one bit of one byte.
    const oneByteChanged = Buffer.from(rawBody.toString().replace('CANCEL', 'CANCEM'));
    expect(oneByteChanged.length).toBe(rawBody.length);
    expect(verify(goodHeader, oneByteChanged)).toBe(false);
    expect(verify(goodHeader, Buffer.concat([rawBody, Buffer.from('\n')]))).toBe(false);
  });

  it('refuses truncated, padded, empty and missing headers without throwing', () => {
    expect(verify(goodHeader.slice(0, 63))).toBe(false);
    expect(verify(goodHeader.slice(0, 32))).toBe(false);
    expect(verify(`${goodHeader}00`)).toBe(false);
    expect(verify('')).toBe(false);
    expect(verify(undefined)).toBe(false);
  });

  it('refuses non-hex headers, even ones that would decode to 32 bytes up to the bad character', () => {
    expect(verify(`${goodHeader.slice(0, 62)}zz`)).toBe(false);
    expect(verify('g'.repeat(64))).toBe(false);
    expect(verify(`sha256=${goodHeader}`)).toBe(false);
    expect(verify(Buffer.from(goodHeader, 'hex').toString('base64'))).toBe(false);
  });
});
