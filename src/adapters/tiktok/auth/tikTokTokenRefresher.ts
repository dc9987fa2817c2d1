import type { Logger } from 'pino';
import type { CredentialVault } from '../../../credentials/credentialVault';
import { type ConnectionRefusals, noRefusalReporter } from '../../../db/connectionRefusals';
import { createLeaderRounds, type LeaderRounds } from '../../../db/leaderRounds';
import { DEFAULT_REFRESH_AHEAD_MS, type TikTokTokenKeeper } from './tikTokTokenKeeper';

export interface TikTokTokenRefresherOptions {
  url: string;
  vault: CredentialVault;
  keeper: TikTokTokenKeeper;
  log: Logger;
  /** From one round over the expiring tokens to the next (a minute). */
  intervalMs?: number;
  /** Tokens expiring within this are refreshed (the keeper's own window). */
  windowMs?: number;
  leaderRetryMs?: number;
  refusals?: ConnectionRefusals;
  now?: () => number;
}

export type TikTokTokenRefresher = LeaderRounds;

/**
 * Refreshes stores' TikTok Shop tokens before they expire, so that a webhook
 * or a reconciliation rarely waits for a refresh. One process at a time
 * (leader election, like the reconcile schedule); a request that finds its
 * token due refreshes it too, and the keeper's compare-and-set keeps one of
 * two refreshes that race.
 */
export function createTikTokTokenRefresher({
  url,
  vault,
  keeper,
  log,
  intervalMs = 60_000,
  windowMs = DEFAULT_REFRESH_AHEAD_MS,
  leaderRetryMs,
  refusals = noRefusalReporter,
  now = () => Date.now(),
}: TikTokTokenRefresherOptions): TikTokTokenRefresher {
  async function round(lost: AbortSignal): Promise<void> {
    let due;
    try {
      due = await vault.expiringBefore('tiktok', new Date(now() + windowMs));
    } catch (error) {
      if (!refusals.refused(error))
        log.warn({ err: error }, 'cannot list the TikTok Shop tokens due');
      return;
    }
    for (const { storeId } of due) {
      if (lost.aborted) return;
      try {
        const outcome = await keeper.refreshIfDue(storeId);
        if (outcome === 'failed')
          log.warn({ storeId }, 'refreshing a TikTok Shop token failed; trying again next round');
      } catch (error) {
        if (!refusals.refused(error))
          log.warn({ err: error, storeId }, 'refreshing a TikTok Shop token failed');
      }
    }
  }

  return createLeaderRounds({
    url,
    name: 'tiktok-token-refresh',
    intervalMs,
    leaderRetryMs,
    round,
    onElectionError: (error) => {
      if (!refusals.refused(error)) log.warn({ err: error }, 'token refresh leader election');
    },
  });
}
