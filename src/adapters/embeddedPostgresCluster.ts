import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { postgresUserCanReach, sharedStateDir } from './postgresUser';
import type { OsUser } from './runProcess';

async function lstatOrNothing(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The folder of the embedded cluster: `<dataDir>/pg`, where the server's user
 * can reach it.
 *
 * As root the server runs as the postgres user, who must traverse every folder
 * down to it. When it cannot reach DATA_DIR (the default `.data` of a project
 * only root can enter, such as a clone under /root), the cluster is made in a
 * folder of its own under SHARED_STATE_DIR and `<dataDir>/pg` becomes a
 * symbolic link to it. The parents of DATA_DIR are never opened up: they are
 * the user's (often the home folder), not ours to change. The link keeps
 * DATA_DIR the one place that says where the database is: a later start
 * follows it, and a DATA_DIR removed and made again starts a fresh cluster,
 * as it does anywhere else (the old one stays where the link pointed, with a
 * DATA_DIR file naming the folder it belonged to).
 */
export async function embeddedPostgresCluster(
  dataDir: string,
  user: OsUser | undefined,
): Promise<string> {
  const pgDir = path.join(dataDir, 'pg');
  const found = await lstatOrNothing(pgDir);
  if (found?.isSymbolicLink()) {
    // Placed outside by an earlier start. A folder removed since is made again, open to
    // be traversed (initdb makes the cluster in it, as for a fresh DATA_DIR).
    const target = path.resolve(dataDir, await readlink(pgDir));
    const made = await mkdir(path.dirname(target), { recursive: true });
    if (made !== undefined) {
      for (let level = path.dirname(target); level.startsWith(made); level = path.dirname(level))
        await chmod(level, 0o755);
    }
    return target;
  }
  if (!user || (await postgresUserCanReach(user, [dataDir]))) return pgDir;

  if (found) {
    // An empty folder is what a start that failed here leaves behind.
    if (found.isDirectory() && (await readdir(pgDir)).length === 0) await rmdir(pgDir);
    else
      throw new Error(
        `the postgres user (PostgreSQL refuses to run as root) cannot reach the cluster in ${pgDir}; move DATA_DIR to a folder it can enter`,
      );
  }
  const clusters = await sharedStateDir('clusters');
  const name = path
    .basename(path.dirname(dataDir))
    .replace(/[^\w.-]/g, '_')
    .slice(0, 32);
  const home = await mkdtemp(path.join(clusters, `${name}-`));
  await chmod(home, 0o755);
  await writeFile(path.join(home, 'DATA_DIR'), `${dataDir}\n`);
  const target = path.join(home, 'pg');
  try {
    await symlink(target, pgDir);
  } catch (error) {
    // Another process starting on the same DATA_DIR linked its own first: use that one.
    await rm(home, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return embeddedPostgresCluster(dataDir, user);
    throw error;
  }
  return target;
}
