import { Counter, type Registry } from 'prom-client';
import { TOKEN_REFRESH_OUTCOMES, type TokenRefreshOutcome } from './tikTokTokenKeeper';

export const AUTHORIZATION_OUTCOMES = ['authorized', 'refused', 'deauthorized'] as const;
export type AuthorizationOutcome = (typeof AUTHORIZATION_OUTCOMES)[number];

export interface TikTokAuthMetrics {
  refresh(outcome: TokenRefreshOutcome): void;
  /** authorized: a callback stored tokens; refused: a callback was turned away; deauthorized: a revocation applied. */
  authorization(outcome: AuthorizationOutcome): void;
}

export function createTikTokAuthMetrics(registry: Registry): TikTokAuthMetrics {
  const refreshes = new Counter({
    name: 'fbt_sync_tiktok_token_refreshes_total',
    help: "Refreshes of stores' TikTok Shop tokens, by outcome (kept_theirs: another process refreshed first; refused: the store must authorize again).",
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of TOKEN_REFRESH_OUTCOMES) refreshes.inc({ outcome }, 0);
  const authorizations = new Counter({
    name: 'fbt_sync_tiktok_authorizations_total',
    help: 'TikTok Shop authorization callbacks and revocations, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of AUTHORIZATION_OUTCOMES) authorizations.inc({ outcome }, 0);
  return {
    refresh: (outcome) => refreshes.inc({ outcome }),
    authorization: (outcome) => authorizations.inc({ outcome }),
  };
}
