import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TikTokTokenGrant } from '../../../../src/adapters/tiktok/auth/tikTokAuthApi';
import type { TikTokShopCredential } from '../../../../src/adapters/tiktok/auth/tikTokShopCredential';
import { createTikTokTokenKeeper } from '../../../../src/adapters/tiktok/auth/tikTokTokenKeeper';
import { TikTokApiError } from '../../../../src/adapters/tiktok/TikTokApiError';
import { createCredentialVault } from '../../../../src/credentials/credentialVault';
import { createTestDatabase, type TestDatabase } from '../../../support/database';

/*
 * The race the vault's compare-and-set settles: two processes read the same
 * tokens and both find them due. TikTok takes a refresh token once, so if
 * both asked, the second would be refused while the first's answer is still
 * on its way, and could not tell that from a revoked token. Only the process
 * whose claim (a compare-and-set on the version read) wins asks TikTok; the
 * other keeps the current tokens.
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

it('two processes refreshing at once ask TikTok once and keep one set of tokens', async () => {
  const vault = createCredentialVault(database.db, key);
  await vault.put('s-1', 'tiktok', credential(0), { expiresAt: new Date(soon()) });
  const asked: string[] = [];
  // Each process its own vault and keeper, as two processes have; TikTok slow to answer.
  const processLike = (n: number) =>
    createTikTokTokenKeeper({
      vault: createCredentialVault(database.db, key),
      authApi: {
        exchangeAuthCode: () => Promise.reject(new Error('not here')),
        async refreshToken(refreshToken) {
          asked.push(refreshToken);
          await delay(150);
          return grant(n);
        },
      },
      onRefused: () => Promise.reject(new Error('not refused')),
    });
  const [one, two] = [processLike(1), processLike(2)];
  const outcomes = await Promise.all([one.refreshIfDue('s-1'), two.refreshIfDue('s-1')]);
  expect(outcomes.sort()).toEqual(['kept_theirs', 'refreshed']);
  expect(asked).toEqual(['TTR_0']);
  const kept = await vault.get<TikTokShopCredential>('s-1', 'tiktok');
  expect(['TTR_1', 'TTR_2']).toContain(kept!.secret.refreshToken);
  expect(kept!.secret.shopCipher).toBe('ROW_c');
  // The process that lost the claim keeps serving the current token until it expires.
  expect(await two.accessFor('s-1')).toEqual({
    accessToken: kept!.secret.accessToken,
    shopCipher: 'ROW_c',
  });
  // The second process arriving while the first waits on TikTok: it reads the claim and keeps out.
  await vault.put('s-1', 'tiktok', credential(3), { expiresAt: new Date(soon()) });
  asked.length = 0;
  const staggered = await Promise.all([
    one.refreshIfDue('s-1'),
    delay(50).then(() => two.refreshIfDue('s-1')),
  ]);
  expect(staggered).toEqual(['refreshed', 'kept_theirs']);
  expect(asked).toEqual(['TTR_3']);
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
