import type { ConnectionBudget } from './db/tooManyConnections';
import { allProjections } from './projections/allProjections';

/**
 * The connections `serve` opens besides its pool: LISTEN and NOTIFY for the
 * log's wake-ups, one per leader election (each projection, the sync
 * reactor, the webhook inbox worker), and the webhook inbox's LISTEN while
 * this process leads it. A standby holds its election's connection too.
 */
export const SERVE_OWN_CONNECTIONS = 2 + allProjections.length + 2 + 1;

/** What `serve` opens at most: DATABASE_POOL_SIZE and its own connections. */
export function serveConnectionBudget(poolSize: number): ConnectionBudget {
  return {
    poolSize,
    poolSizeSetting: 'DATABASE_POOL_SIZE',
    own: SERVE_OWN_CONNECTIONS,
    ownFor: 'LISTEN, NOTIFY and leader elections',
  };
}
