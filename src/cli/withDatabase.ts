import type { Logger } from 'pino';
import { createDomainEventStore } from '../commands/domainEventStore';
import type { Config } from '../config';
import { migrateToLatest } from '../db/migrate';
import { openDatabase, type OpenedDatabase } from '../db/openDatabase';
import {
  type ConnectionBudget,
  isTooManyConnections,
  tooManyConnectionsError,
} from '../db/tooManyConnections';
import type { EventStore } from '../eventstore/createEventStore';

export interface CommandDatabase {
  database: OpenedDatabase;
  eventStore: EventStore;
}

/** A command's pool, and the two connections of its own that replay and verify open (the rebuild's lock and its bulk writer). */
const COMMAND_BUDGET: ConnectionBudget = {
  poolSize: 4,
  own: 2,
  ownFor: "a rebuild's lock and bulk writer",
};

/**
 * Opens the database (migrated) for one command and closes it after, whatever
 * happens. The server refusing a connection on the way fails the command
 * with one line.
 */
export async function withDatabase<T>(
  config: Config,
  log: Logger,
  run: (open: CommandDatabase) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, log, { budget: COMMAND_BUDGET });
  try {
    await migrateToLatest(database.db);
    return await run({
      database,
      eventStore: createDomainEventStore(database.db, undefined, database.pool),
    });
  } catch (error) {
    throw isTooManyConnections(error)
      ? tooManyConnectionsError(database, COMMAND_BUDGET, error)
      : error;
  } finally {
    await database.close();
  }
}
