import { randomBytes } from 'node:crypto';
import { type KeptSecret, readOrGenerateKeptSecret } from '../auth/keptSecret';
import type { Config } from '../config';
import {
  CREDENTIALS_KEY_BYTES,
  credentialsKeyProblem,
  parseCredentialsKey,
} from './credentialsKeyText';

const CREDENTIALS_KEY: KeptSecret = {
  variable: 'CREDENTIALS_KEY',
  fileName: 'credentials-key',
  purpose: 'credentials key',
  generate: () => randomBytes(CREDENTIALS_KEY_BYTES).toString('base64'),
  problem: credentialsKeyProblem,
};

/**
 * The AES-256 key that encrypts stores' tokens in the database:
 * CREDENTIALS_KEY, or else one generated on first use and kept (mode 0600)
 * under the data folder, beside the token secret. Losing it loses the tokens
 * (each store then installs the app again), never anything else.
 */
export function resolveCredentialsKey(config: Pick<Config, 'credentialsKey' | 'dataDir'>): Buffer {
  const text = config.credentialsKey ?? readOrGenerateKeptSecret(config.dataDir, CREDENTIALS_KEY);
  return parseCredentialsKey(text)!;
}
