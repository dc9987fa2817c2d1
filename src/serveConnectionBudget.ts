import type { ConnectionBudget } from './db/tooManyConnections';
import { allProjections } from './projections/allProjections';

/**
 * The connections `serve` opens besides its pool: LISTEN and NOTIFY for the
 * log's wake-ups, the LISTEN of queries waiting to read their own writes
 * (fbt_read_models, which also feeds subscriptions), one per leader election
 * (each projection, the sync reactor, the mirroring reactor, the webhook
 * inbox worker, the reconcile schedule, the TikTok token refresh), the webhook inbox's LISTEN while
 * this process leads it, and the store lock while a store is reconciled. A
 * standby holds its election's connection too.
 */
export const SERVE_OWN_CONNECTIONS = 2 + 1 + allProjections.length + 5 + 1 + 1;

/** What `serve` opens at most: DATABASE_POOL_SIZE and its own connections. */
export function serveConnectionBudget(poolSize: number): ConnectionBudget {
  return {
    poolSize,
    poolSizeSetting: 'DATABASE_POOL_SIZE',
    own: SERVE_OWN_CONNECTIONS,
    ownFor: 'LISTEN, NOTIFY, leader elections and the reconcile lock',
  };
}
