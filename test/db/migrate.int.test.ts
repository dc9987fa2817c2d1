import { expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database';
import { isMigrated, migrateToLatest } from '../../src/db/migrate';
import { migrations } from '../../migrations';
import { createEmptyDatabase } from '../support/database';

it('applies every migration once when two processes migrate at the same moment', async () => {
  const database = await createEmptyDatabase();
  // A second pool stands for a second process.
  const other = createDatabase(database.url, { poolSize: 2 });
  try {
    expect(await isMigrated(database.db)).toBe(false);
    const [a, b] = await Promise.all([migrateToLatest(database.db), migrateToLatest(other.db)]);
    // One applied them all; the other waited on the advisory lock and found nothing to do.
    expect([a.applied.length, b.applied.length].sort()).toEqual([
      0,
      Object.keys(migrations).length,
    ]);
    const rows = await sql<{
      name: string;
    }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
    expect(await isMigrated(database.db)).toBe(true);
  } finally {
    await other.close();
    await database.drop();
  }
});
