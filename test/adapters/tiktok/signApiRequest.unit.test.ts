import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { signApiRequest } from '../../../src/adapters/tiktok/signApiRequest';

const appSecret = 'e59af819cc';
const hmacHex = (text: string) =>
  createHmac('sha256', appSecret).update(text, 'utf8').digest('hex');

describe('signApiRequest', () => {
  it('signs a GET: secret + path + sorted {key}{value} without sign and access_token + secret', () => {
    const query = {
      timestamp: '1696909648',
      shop_cipher: 'ROW_xkMbgAAAeVAQra0eZWebFQq5aIK',
      ids: '576461413038785752',
      sign: 'a-previous-signature',
      app_key: '68xu9ks5p4i8',
      access_token: 'TTP_token',
    };
    // The text to sign, written out by hand.
    const text =
      'e59af819cc/order/202309/orders' +
      'app_key68xu9ks5p4i8' +
      'ids576461413038785752' +
      'shop_cipherROW_xkMbgAAAeVAQra0eZWebFQq5aIK' +
      'timestamp1696909648' +
      'e59af819cc';
    const sign = signApiRequest({ path: '/order/202309/orders', query, appSecret });
    expect(sign).toBe(hmacHex(text));
    // The same vector computed outside Node, with Python's hmac module.
    expect(sign).toBe('dfd62145e9e80d289a995dc01be699f3e76cc559b76c17f17280404c46d24253');
  });

  it('appends the raw JSON body, byte for byte, before the closing secret', () => {
    const body = '{"order_id":"576461413038785752","note":"café"}';
    const query = { app_key: '68xu9ks5p4i8', timestamp: '1696909648' };
    const sign = signApiRequest({ path: '/order/202309/orders/notes', query, body, appSecret });
    expect(sign).toBe(
      hmacHex(
        `e59af819cc/order/202309/orders/notesapp_key68xu9ks5p4i8timestamp1696909648${body}e59af819cc`,
      ),
    );
    expect(sign).toBe('a674b8680b2b24e741882a5a4b3c096aef37e904b8bd6f0abc62a5f4edea05db');
    // Re-serializing the body with other spacing changes the signature.
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect(
      signApiRequest({ path: '/order/202309/orders/notes', query, body: reserialized, appSecret }),
    ).not.toBe(sign);
  });

  it('leaves a multipart body out of the signed text', () => {
    const query = { app_key: '68xu9ks5p4i8', timestamp: '1696909648' };
    const sign = signApiRequest({
      path: '/product/202309/images/upload',
      query,
      body: '--boundary\r\nbinary image bytes\r\n--boundary--',
      isMultipart: true,
      appSecret,
    });
    expect(sign).toBe('59c0e27af52d8d4cb8ab324f9e2f0a499557a320c3ff45627c14de243a731d8b');
  });

  it('sorts keys by code unit, so an underscore sorts after capitals and before lowercase', () => {
    const query = { b: '2', a_b: '3', a: '1', aB: '4' };
    expect(signApiRequest({ path: '/p', query, appSecret })).toBe(
      hmacHex('e59af819cc/pa1aB4a_b3b2e59af819cc'),
    );
  });
});
