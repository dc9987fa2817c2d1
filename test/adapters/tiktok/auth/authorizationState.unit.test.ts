import { expect, it } from '@jest/globals';
import {
  authorizationStateKey,
  readAuthorizationState,
  signAuthorizationState,
} from '../../../../src/adapters/tiktok/auth/authorizationState';

const key = authorizationStateKey('a-secret-of-at-least-32-characters-long');
const state = { storeId: 'store-1', nonce: 'n0nce', expiresAt: 1_000_000 };

it('reads back what it signed until it expires', () => {
  const text = signAuthorizationState(state, key);
  expect(readAuthorizationState(text, key, 999_999)).toEqual({ ok: true, state });
  expect(readAuthorizationState(text, key, 1_000_000)).toEqual({ ok: false, reason: 'expired' });
});

it('refuses a state signed with another key, or changed, or not a state at all', () => {
  const other = authorizationStateKey('another-secret-of-at-least-32-characters');
  expect(readAuthorizationState(signAuthorizationState(state, other), key, 0)).toEqual({
    ok: false,
    reason: 'forged',
  });
  const [, signature] = signAuthorizationState(state, key).split('.');
  const changed = `${Buffer.from(JSON.stringify({ s: 'store-2', n: 'n0nce', e: 1_000_000 })).toString('base64url')}.${signature}`;
  expect(readAuthorizationState(changed, key, 0)).toEqual({ ok: false, reason: 'forged' });
  for (const text of ['', 'abc', 'a.b.c', '.x'])
    expect(readAuthorizationState(text, key, 0)).toMatchObject({ ok: false });
});

it('derives a key of its own: the API token secret itself does not sign states', () => {
  const secret = 'a-secret-of-at-least-32-characters-long';
  expect(authorizationStateKey(secret).equals(Buffer.from(secret))).toBe(false);
  expect(authorizationStateKey(secret)).toHaveLength(32);
});
