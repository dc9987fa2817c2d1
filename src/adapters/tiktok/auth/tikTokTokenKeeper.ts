import type { CredentialVault, StoredCredential } from '../../../credentials/credentialVault';
import { TikTokApiError } from '../TikTokApiError';
import type { TikTokAuthApi } from './tikTokAuthApi';
import { credentialOf, type TikTokShopCredential } from './tikTokShopCredential';

/** A store's own way into the Open API. */
export interface TikTokShopAccess {
  accessToken: string;
  shopCipher: string;
}

/**
 * refreshed: new tokens are in the vault; kept_theirs: another process
 * refreshed first (its compare-and-set won) and its tokens are kept;
 * not_due: nothing to do; refused: TikTok refused the refresh token (expired
 * or revoked), the store must authorize again; failed: TikTok could not be
 * asked (timeout, 5xx), the next round tries again.
 */
export type TokenRefreshOutcome = 'refreshed' | 'kept_theirs' | 'not_due' | 'refused' | 'failed';
export const TOKEN_REFRESH_OUTCOMES: readonly TokenRefreshOutcome[] = [
  'refreshed',
  'kept_theirs',
  'not_due',
  'refused',
  'failed',
];

export interface TikTokTokenKeeper {
  /** The store's token and cipher, refreshed first when they expire soon; undefined when it has none. */
  accessFor(storeId: string): Promise<TikTokShopAccess | undefined>;
  /** Refreshes the store's tokens when they expire within the window (the refresh loop's step). */
  refreshIfDue(storeId: string): Promise<TokenRefreshOutcome>;
}

export interface TikTokTokenKeeperOptions {
  vault: CredentialVault;
  authApi: TikTokAuthApi;
  /** Tokens expiring within this are refreshed before use (30 min). */
  refreshAheadMs?: number;
  now?: () => number;
  /**
   * TikTok refused the store's refresh token: the tokens are already removed
   * from the vault; record what happened (no secret in `reason`).
   */
  onRefused: (storeId: string, reason: string) => Promise<void>;
  onOutcome?: (outcome: TokenRefreshOutcome, storeId: string) => void;
}

export const DEFAULT_REFRESH_AHEAD_MS = 30 * 60 * 1000;
/** A claim outlives the token request's timeout; a claimant that died is replaced after it. */
const CLAIM_MS = 60_000;
const PROVIDER = 'tiktok';

/**
 * Keeps each store's TikTok Shop tokens fresh. TikTok rotates the refresh
 * token on refresh and the old one stops working, so two processes
 * refreshing the same store must end with one set of tokens. The race: both
 * read version v; if both asked TikTok, the second would be refused (its
 * refresh token was just used) before the first had written, and could not
 * tell that from a revoked token. So a process first claims the refresh
 * with the vault's compare-and-set (v to v+1, the same tokens marked as
 * being refreshed for a minute); only the claimant asks TikTok, and writes
 * the new tokens with compare-and-set on v+1; the others, whether their
 * claim lost or they read the mark, keep the current tokens (due, not
 * expired). A refusal the claimant gets is TikTok's own. In one process,
 * concurrent callers share one refresh.
 */
export function createTikTokTokenKeeper({
  vault,
  authApi,
  refreshAheadMs = DEFAULT_REFRESH_AHEAD_MS,
  now = () => Date.now(),
  onRefused,
  onOutcome = () => {},
}: TikTokTokenKeeperOptions): TikTokTokenKeeper {
  const inFlight = new Map<string, Promise<TokenRefreshOutcome>>();
  const read = (storeId: string) => vault.get<TikTokShopCredential>(storeId, PROVIDER);
  const due = (credential: StoredCredential<TikTokShopCredential>) =>
    Date.parse(credential.secret.accessTokenExpiresAt) - now() < refreshAheadMs;

  async function refused(
    storeId: string,
    claimedVersion: number,
    reason: string,
  ): Promise<TokenRefreshOutcome> {
    // Only if nobody replaced them meanwhile (a new authorization through the callback).
    const current = await vault.get<TikTokShopCredential>(storeId, PROVIDER);
    if (current !== undefined && current.version !== claimedVersion) return 'kept_theirs';
    if (current !== undefined) await vault.remove(storeId, PROVIDER);
    await onRefused(storeId, reason);
    return 'refused';
  }

  async function refresh(storeId: string): Promise<TokenRefreshOutcome> {
    const stored = await read(storeId);
    if (stored === undefined || !due(stored)) return 'not_due';
    const claimedUntil = stored.secret.refreshClaimedUntil;
    if (claimedUntil !== undefined && Date.parse(claimedUntil) > now()) return 'kept_theirs';
    const claim = {
      ...stored.secret,
      refreshClaimedUntil: new Date(now() + CLAIM_MS).toISOString(),
    };
    const claimed = await vault.put(storeId, PROVIDER, claim, {
      expiresAt: stored.expiresAt,
      replacingVersion: stored.version,
    });
    if (!claimed) return 'kept_theirs';
    const claimedVersion = stored.version + 1;
    if (Date.parse(stored.secret.refreshTokenExpiresAt) <= now()) {
      return refused(storeId, claimedVersion, 'the TikTok Shop refresh token expired');
    }
    let grant;
    try {
      grant = await authApi.refreshToken(stored.secret.refreshToken);
    } catch (error) {
      if (error instanceof TikTokApiError && !error.retryable) {
        const code = error.tikTokCode === undefined ? '' : ` (code ${error.tikTokCode})`;
        return refused(storeId, claimedVersion, `TikTok Shop refused to refresh the tokens${code}`);
      }
      // Let the next round (of any process) try at once rather than after the claim runs out.
      const { refreshClaimedUntil: _claim, ...unclaimed } = claim;
      await vault.put(storeId, PROVIDER, unclaimed, {
        expiresAt: stored.expiresAt,
        replacingVersion: claimedVersion,
      });
      return 'failed';
    }
    const renewed = credentialOf(grant, stored.secret);
    const written = await vault.put(storeId, PROVIDER, renewed, {
      expiresAt: grant.accessTokenExpiresAt,
      replacingVersion: claimedVersion,
    });
    return written ? 'refreshed' : 'kept_theirs';
  }

  function refreshIfDue(storeId: string): Promise<TokenRefreshOutcome> {
    let running = inFlight.get(storeId);
    if (running === undefined) {
      running = refresh(storeId)
        .then((outcome) => {
          onOutcome(outcome, storeId);
          return outcome;
        })
        .finally(() => inFlight.delete(storeId));
      inFlight.set(storeId, running);
    }
    return running;
  }

  return {
    async accessFor(storeId) {
      let stored = await read(storeId);
      if (stored === undefined) return undefined;
      if (due(stored)) {
        const outcome = await refreshIfDue(storeId);
        stored = await read(storeId);
        if (stored === undefined) return undefined;
        // A token not refreshed here (TikTok unreachable, or another process refreshing it)
        // may still work for a while; once expired, the call waits for the refresh: retryable.
        if (Date.parse(stored.secret.accessTokenExpiresAt) <= now()) {
          throw new TikTokApiError(
            'NETWORK',
            outcome === 'failed'
              ? `the TikTok Shop token of store ${storeId} expired and could not be refreshed yet`
              : `the TikTok Shop token of store ${storeId} expired and is being refreshed`,
          );
        }
      }
      return { accessToken: stored.secret.accessToken, shopCipher: stored.secret.shopCipher };
    },
    refreshIfDue,
  };
}
