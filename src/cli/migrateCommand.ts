import type { Logger } from 'pino';
import type { Config } from '../config';
import { migrateToLatest } from '../db/migrate';
import { openDatabase } from '../db/openDatabase';

export async function migrateCommand(config: Config, log: Logger): Promise<void> {
  const database = await openDatabase(config, log, { budget: { poolSize: 2, own: 0 } });
  try {
    const { applied } = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length === 0
        ? 'database is up to date\n'
        : `applied ${applied.length} migration(s): ${applied.join(', ')}\n`,
    );
  } finally {
    await database.close();
  }
}
