import type { Logger } from 'pino';
import type { Config } from '../config';
import { migrateToLatest } from '../db/migrate';
import { openDatabase } from '../db/openDatabase';
import {
  type ConnectionBudget,
  isTooManyConnections,
  tooManyConnectionsError,
} from '../db/tooManyConnections';

const MIGRATE_BUDGET: ConnectionBudget = { poolSize: 2, own: 0 };

export async function migrateCommand(config: Config, log: Logger): Promise<void> {
  const database = await openDatabase(config, log, { budget: MIGRATE_BUDGET });
  try {
    const { applied } = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length === 0
        ? 'database is up to date\n'
        : `applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
    );
  } catch (error) {
    throw isTooManyConnections(error)
      ? tooManyConnectionsError(database, MIGRATE_BUDGET, error)
      : error;
  } finally {
    await database.close();
  }
}
