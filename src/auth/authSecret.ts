import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError } from '../config';

export const MIN_SECRET_LENGTH = 32;

/** Where the generated secret is kept when AUTH_SECRET is unset. */
export function authSecretFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'auth-secret');
}

/** A data folder that cannot hold the secret is bad configuration: one line naming DATA_DIR. */
function unusableDataDir(dataDir: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ConfigError(
    'DATA_DIR',
    code === 'ENOTDIR' || code === 'EEXIST'
      ? `${dataDir} is not a folder`
      : `cannot keep the generated token secret in ${dataDir} (${(error as Error).message}); set DATA_DIR to a folder this user can write, or AUTH_SECRET`,
  );
}

function readSecret(dataDir: string, file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusableDataDir(dataDir, error);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      'AUTH_SECRET',
      `unset, and ${file} holds no usable secret (at least ${MIN_SECRET_LENGTH} characters); delete it to generate a new one`,
    );
  }
  return secret;
}

/**
 * The HMAC secret that signs API tokens: AUTH_SECRET, or else a random one
 * generated on first use and kept (mode 0600) under the data folder, so that
 * tokens stay valid across restarts and `fbt-sync token` signs with the
 * secret `serve` verifies with.
 */
export function resolveAuthSecret(config: Pick<Config, 'authSecret' | 'dataDir'>): string {
  if (config.authSecret !== undefined) return config.authSecret;
  const file = authSecretFile(config);
  const existing = readSecret(config.dataDir, file);
  if (existing !== undefined) return existing;
  const secret = randomBytes(32).toString('base64url');
  try {
    mkdirSync(config.dataDir, { recursive: true });
  } catch (error) {
    throw unusableDataDir(config.dataDir, error);
  }
  try {
    // wx: when two processes start at once, one writes and the other reads its secret.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return readSecret(config.dataDir, file)!;
    throw unusableDataDir(config.dataDir, error);
  }
  return secret;
}
