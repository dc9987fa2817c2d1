import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TikTokTokenGrant } from '../../../../src/adapters/tiktok/auth/tikTokAuthApi';
import type { TikTokShopCredential } from '../../../../src/adapters/tiktok/auth/tikTokShopCredential';
import { createTikTokTokenKeeper } from '../../../../src/adapters/tiktok/auth/tikTokTokenKeeper';
import { TikTokApiError } from '../../../../src/adapters/tiktok/TikTokApiError';
import { createCredentialVault } from '../../../../src/credentials/credentialVault';
import { createTestDatabase, type TestDatabase } from '../../../support/database';

/*
 * The race the vault's compare-and-set settles: two processes read the same
 * tokens, both refresh, and TikTok answers both (it may, for a moment, or
 * give the same refresh token back). Both answers arrive before either
 * writes; one write wins, the other process keeps the winner's tokens rather
 * than overwriting them with its own.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(4);
});
afterAll(() => database.drop());

const key = Buffer.alloc(32, 3);
const soon = () => new Date(Date.now() + 5 * 60_000).toISOString();
const credential = (n: number): TikTokShopCredential => ({
  tiktokShopId: '7494',
  accessToken: `TTP_${n}`,
  accessTokenExpiresAt: soon(),
  refreshToken: `TTR_${n}`,
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  shopCipher: 'ROW_c',
});
const grant = (n: number): TikTokTokenGrant => ({
  accessToken: `TTP_${n}`,
  accessTokenExpiresAt: new Date(Date.now() + 7 * 86_400_000),
  refreshToken: `TTR_${n}`,
  refreshTokenExpiresAt: new Date(Date.now() + 60 * 86_400_000),
  openId: 'o',
  sellerName: 's',
  sellerBaseRegion: 'US',
  grantedScopes: [],
});

it('two processes refreshing at once keep one set of tokens (compare-and-set on the version read)', async () => {
  const vault = createCredentialVault(database.db, key);
  await vault.put('s-1', 'tiktok', credential(0), { expiresAt: new Date(soon()) });
  let answered = 0;
  let release!: () => void;
  const bothAnswered = new Promise<void>((resolve) => (release = resolve));
  const keeperAnswering = (n: number) =>
    createTikTokTokenKeeper({
      vault: createCredentialVault(database.db, key),
      authApi: {
        exchangeAuthCode: () => Promise.reject(new Error('not here')),
        async refreshToken(refreshToken) {
          expect(refreshToken).toBe('TTR_0');
          if (++answered === 2) release();
          await bothAnswered;
          return grant(n);
        },
      },
      onRefused: () => Promise.reject(new Error('not refused')),
    });
  const outcomes = await Promise.all([
    keeperAnswering(1).refreshIfDue('s-1'),
    keeperAnswering(2).refreshIfDue('s-1'),
  ]);
  expect(outcomes.sort()).toEqual(['kept_theirs', 'refreshed']);
  const kept = await vault.get<TikTokShopCredential>('s-1', 'tiktok');
  expect(kept!.version).toBe(2);
  expect(['TTR_1', 'TTR_2']).toContain(kept!.secret.refreshToken);
  expect(kept!.secret.shopCipher).toBe('ROW_c');
});

it('callers of one process share one refresh; a token far from expiry is not refreshed', async () => {
  const vault = createCredentialVault(database.db, key);
  await vault.put('s-2', 'tiktok', credential(0), { expiresAt: new Date(soon()) });
  let calls = 0;
  const keeper = createTikTokTokenKeeper({
    vault,
    authApi: {
      exchangeAuthCode: () => Promise.reject(new Error('not here')),
      refreshToken: () => {
        calls += 1;
        return Promise.resolve(grant(calls));
      },
    },
    onRefused: () => Promise.reject(new Error('not refused')),
  });
  const accesses = await Promise.all([keeper.accessFor('s-2'), keeper.accessFor('s-2')]);
  expect(calls).toBe(1);
  expect(accesses).toEqual([
    { accessToken: 'TTP_1', shopCipher: 'ROW_c' },
    { accessToken: 'TTP_1', shopCipher: 'ROW_c' },
  ]);
  expect(await keeper.refreshIfDue('s-2')).toBe('not_due');
  expect(await keeper.accessFor('nobody')).toBeUndefined();
});

it('a refused refresh removes the tokens and reports the store; a failed one keeps them for the next round', async () => {
  const vault = createCredentialVault(database.db, key);
  await vault.put('s-3', 'tiktok', credential(0), { expiresAt: new Date(soon()) });
  const refused: Array<[string, string]> = [];
  let error: Error = new TikTokApiError('SERVER_ERROR', 'HTTP 503');
  const keeper = createTikTokTokenKeeper({
    vault,
    authApi: {
      exchangeAuthCode: () => Promise.reject(new Error('not here')),
      refreshToken: () => Promise.reject(error),
    },
    onRefused: (storeId, reason) => {
      refused.push([storeId, reason]);
      return Promise.resolve();
    },
  });
  expect(await keeper.refreshIfDue('s-3')).toBe('failed');
  // Five minutes left: the token still serves while TikTok cannot be reached.
  expect(await keeper.accessFor('s-3')).toEqual({ accessToken: 'TTP_0', shopCipher: 'ROW_c' });
  error = new TikTokApiError('AUTH_FAILED', 'refused', { tikTokCode: 36004005 });
  expect(await keeper.refreshIfDue('s-3')).toBe('refused');
  expect(await vault.get('s-3', 'tiktok')).toBeUndefined();
  expect(refused).toEqual([['s-3', 'TikTok Shop refused to refresh the tokens (code 36004005)']]);
});
