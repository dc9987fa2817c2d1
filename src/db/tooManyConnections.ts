import { DatabaseUnreachable, describeUrl } from './database';

/**
 * SQLSTATE 53300 too_many_connections: the server refuses a new connection
 * because max_connections is reached, or the CONNECTION LIMIT of the role or
 * of the database.
 */
export const TOO_MANY_CONNECTIONS = '53300';

export function isTooManyConnections(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === TOO_MANY_CONNECTIONS;
}

/** What a process opens at most on the server, for the message that says so. */
export interface ConnectionBudget {
  poolSize: number;
  /** The setting the pool's size comes from (DATABASE_POOL_SIZE), when it comes from one. */
  poolSizeSetting?: string;
  /** Connections opened besides the pool, and what for. */
  own: number;
  ownFor?: string;
}

/**
 * One line for "the server refuses connections": where (the URL, without its
 * password, and the setting it comes from), the server's own reason, what
 * this process opens at most, and what to change.
 */
export function tooManyConnectionsMessage(
  database: { url: string; source: string },
  budget: ConnectionBudget,
  error: Error,
): string {
  const pool = budget.poolSizeSetting
    ? `${budget.poolSizeSetting}=${budget.poolSize}`
    : String(budget.poolSize);
  const own = budget.own > 0 ? ` and ${budget.own} for ${budget.ownFor ?? 'its own work'}` : '';
  return (
    `the database server at ${describeUrl(database.url)} (${database.source}) refuses connections: ` +
    `${error.message} (SQLSTATE ${TOO_MANY_CONNECTIONS}); this process opens up to ` +
    `${budget.poolSize + budget.own}, its pool (${pool})${own}; lower DATABASE_POOL_SIZE of the ` +
    `processes on that server, run fewer of them, or raise the server's max_connections`
  );
}

/** The error that stops a start-up or a command (one line, exit 1), from the server's refusal. */
export function tooManyConnectionsError(
  database: { url: string; source: string },
  budget: ConnectionBudget,
  error: Error,
): DatabaseUnreachable {
  return new DatabaseUnreachable(tooManyConnectionsMessage(database, budget, error), {
    cause: error,
  });
}
