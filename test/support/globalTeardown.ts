import { rmSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedDatabase } from '../../src/adapters/embeddedPostgres';
import { withAdminClient } from './testServer';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.FBT_TEST_SERVER_URL;
  const runId = process.env.FBT_TEST_RUN_ID;
  if (serverUrl && runId) {
    await withAdminClient(serverUrl, async (client) => {
      const ours = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [runId],
      );
      for (const { datname } of ours.rows)
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      // Roles a test made (they outlive databases), should it not have dropped its own.
      const roles = await client.query<{ rolname: string }>(
        'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)',
        [runId],
      );
      for (const { rolname } of roles.rows) await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
    });
  }
  const embedded = (globalThis as { embeddedPostgres?: EmbeddedDatabase }).embeddedPostgres;
  await embedded?.stop();
  const embeddedDir = process.env.FBT_TEST_EMBEDDED_DIR;
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  // A cluster placed outside the run's folder (root, with a temporary folder the
  // postgres user cannot reach) goes with it.
  if (embedded && embeddedDir && path.dirname(embedded.pgDir) !== embeddedDir)
    rmSync(path.dirname(embedded.pgDir), { recursive: true, force: true });
}
