import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';

/**
 * A secret the operator may set in the environment, or else generated on
 * first use and kept (mode 0600) in a file under the data folder, so that it
 * outlives restarts and every process on the folder (serve, the CLI) uses the
 * same one. The token secret and the credentials key are kept this way.
 */
export interface KeptSecret {
  /** The environment variable that overrides the file; named in errors. */
  variable: string;
  /** The file's name under the data folder. */
  fileName: string;
  /** What the secret is for, in error messages ("token secret"). */
  purpose: string;
  /** A new random secret, as kept in the file. */
  generate: () => string;
  /** Why the file's text is unusable, or undefined when it is fine. */
  problem: (text: string) => string | undefined;
}

export function keptSecretFile(dataDir: string, secret: Pick<KeptSecret, 'fileName'>): string {
  return path.join(dataDir, secret.fileName);
}

/** A data folder that cannot hold the secret is bad configuration: one line naming DATA_DIR. */
function unusableDataDir(dataDir: string, secret: KeptSecret, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ConfigError(
    'DATA_DIR',
    code === 'ENOTDIR' || code === 'EEXIST'
      ? `${dataDir} is not a folder`
      : `cannot keep the generated ${secret.purpose} in ${dataDir} (${(error as Error).message}); set DATA_DIR to a folder this user can write, or ${secret.variable}`,
  );
}

function readKept(dataDir: string, secret: KeptSecret, file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusableDataDir(dataDir, secret, error);
  }
  const kept = text.trim();
  const problem = secret.problem(kept);
  if (problem !== undefined) {
    throw new ConfigError(
      secret.variable,
      `unset, and ${file} holds no usable ${secret.purpose} (${problem}); delete it to generate a new one`,
    );
  }
  return kept;
}

/** The kept secret's text: read from its file, or generated and written there first. */
export function readOrGenerateKeptSecret(dataDir: string, secret: KeptSecret): string {
  const file = keptSecretFile(dataDir, secret);
  const existing = readKept(dataDir, secret, file);
  if (existing !== undefined) return existing;
  const generated = secret.generate();
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw unusableDataDir(dataDir, secret, error);
  }
  try {
    // wx: when two processes start at once, one writes and the other reads its secret.
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKept(dataDir, secret, file)!;
    throw unusableDataDir(dataDir, secret, error);
  }
  return generated;
}
