import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { migrations } from '../../migrations';

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies every pending migration in one transaction. Kysely's Migrator holds
 * a PostgreSQL advisory lock while it runs, so two processes starting at once
 * do not both migrate: the second waits and then finds nothing to do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const error =
      result.error instanceof Error ? result.error : new Error(JSON.stringify(result.error));
    error.message = `migration ${failed?.migrationName ?? '(unknown)'} failed: ${error.message}`;
    throw error;
  }
  return { applied: (result.results ?? []).map((r) => r.migrationName) };
}

/** True when every migration this build knows has been applied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
