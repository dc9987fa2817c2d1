import { resolveAuthSecret } from '../auth/authSecret';
import { DEFAULT_TOKEN_LIFETIME, signToken, TOKEN_LIFETIME_SHAPE } from '../auth/signToken';
import { MAX_STORE_ID_LENGTH, MAX_SUB_LENGTH } from '../auth/tokenClaims';
import type { Viewer } from '../auth/viewer';
import type { Config } from '../config';
import { UsageError } from './usageError';

export interface TokenOptions {
  admin?: boolean;
  store?: string;
  sub?: string;
  expiresIn?: string;
}

/** The caller the options describe; UsageError when they describe none or two. */
export function viewerFromOptions({ admin, store, sub }: TokenOptions): Viewer {
  if (admin === true && store !== undefined)
    throw new UsageError('token: give --admin or --store ID, not both');
  if (admin !== true && store === undefined)
    throw new UsageError('token: give --admin or --store ID');
  if (store !== undefined && (store.length === 0 || store.length > MAX_STORE_ID_LENGTH))
    throw new UsageError(
      `token: --store takes a store id of 1 to ${MAX_STORE_ID_LENGTH} characters`,
    );
  if (sub !== undefined && (sub.length === 0 || sub.length > MAX_SUB_LENGTH))
    throw new UsageError(`token: --sub takes a name of 1 to ${MAX_SUB_LENGTH} characters`);
  return store === undefined
    ? { role: 'admin', sub: sub ?? 'admin' }
    : { role: 'store', sub: sub ?? `store-${store}`, storeId: store };
}

/**
 * `fbt-sync token`: a signed API token on stdout and nothing else, so that
 * `TOKEN=$(npm run -s cli -- token --admin)` works. Signed with AUTH_SECRET,
 * or the secret generated under the data folder (created now if need be),
 * the one `serve` verifies with.
 */
export async function tokenCommand(config: Config, options: TokenOptions): Promise<void> {
  const viewer = viewerFromOptions(options);
  const expiresIn = options.expiresIn ?? DEFAULT_TOKEN_LIFETIME;
  if (!TOKEN_LIFETIME_SHAPE.test(expiresIn))
    throw new UsageError(
      `token: --expires-in takes a number and a unit (s, m, h, d or w), e.g. 12h or 30d, got ${JSON.stringify(expiresIn)}`,
    );
  process.stdout.write(`${await signToken(resolveAuthSecret(config), viewer, expiresIn)}\n`);
}
