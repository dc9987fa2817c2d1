import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { type KeptSecret, keptSecretFile, readOrGenerateKeptSecret } from './keptSecret';

export const MIN_SECRET_LENGTH = 32;

const AUTH_SECRET: KeptSecret = {
  variable: 'AUTH_SECRET',
  fileName: 'auth-secret',
  purpose: 'token secret',
  generate: () => randomBytes(32).toString('base64url'),
  problem: (text) =>
    text.length < MIN_SECRET_LENGTH ? `at least ${MIN_SECRET_LENGTH} characters` : undefined,
};

/** Where the generated secret is kept when AUTH_SECRET is unset. */
export function authSecretFile(config: Pick<Config, 'dataDir'>): string {
  return keptSecretFile(config.dataDir, AUTH_SECRET);
}

/**
 * The HMAC secret that signs API tokens: AUTH_SECRET, or else a random one
 * generated on first use and kept (mode 0600) under the data folder, so that
 * tokens stay valid across restarts and `fbt-sync token` signs with the
 * secret `serve` verifies with.
 */
export function resolveAuthSecret(config: Pick<Config, 'authSecret' | 'dataDir'>): string {
  return config.authSecret ?? readOrGenerateKeptSecret(config.dataDir, AUTH_SECRET);
}
