import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { CredentialProvider } from './credentialTables';
import { openSealedSecret, sealSecret } from './sealSecret';

export type { CredentialProvider } from './credentialTables';

export interface StoredCredential<Secret> {
  secret: Secret;
  /** When the access token stops working, if it does; refreshers look ahead of it. */
  expiresAt: Date | null;
  /** Rises on every write: pass it back to `put` to replace exactly this credential. */
  version: number;
  updatedAt: Date;
}

export interface PutCredentialOptions {
  expiresAt?: Date | null;
  /**
   * Replace only the credential of this version (a refresh that rotated the
   * refresh token). Another process's write in between makes `put` return
   * false and write nothing; the caller reads theirs.
   */
  replacingVersion?: number;
}

/**
 * Stores' own tokens, sealed (AES-256-GCM) in store_credentials. A secret is
 * any JSON value (an access token, its refresh token, the shop cipher); it
 * is authenticated with its row's store and provider. Nothing here logs or
 * returns a secret except `get`.
 */
export interface CredentialVault {
  put(
    storeId: string,
    provider: CredentialProvider,
    secret: unknown,
    options?: PutCredentialOptions,
  ): Promise<boolean>;
  get<Secret>(
    storeId: string,
    provider: CredentialProvider,
  ): Promise<StoredCredential<Secret> | undefined>;
  /** True when there was one to remove. */
  remove(storeId: string, provider: CredentialProvider): Promise<boolean>;
  /** The stores whose token of `provider` expires before `at`, soonest first. */
  expiringBefore(
    provider: CredentialProvider,
    at: Date,
  ): Promise<Array<{ storeId: string; expiresAt: Date; version: number }>>;
}

const rowContext = (storeId: string, provider: CredentialProvider) =>
  `store_credentials:${provider}:${storeId}`;

export function createCredentialVault(db: Kysely<Database>, key: Buffer): CredentialVault {
  return {
    async put(storeId, provider, secret, options = {}) {
      const sealed = sealSecret(key, JSON.stringify(secret), rowContext(storeId, provider));
      const expiresAt = options.expiresAt ?? null;
      const now = new Date();
      if (options.replacingVersion !== undefined) {
        const replaced = await db
          .updateTable('store_credentials')
          .set({
            sealed,
            expires_at: expiresAt,
            version: options.replacingVersion + 1,
            updated_at: now,
          })
          .where('store_id', '=', storeId)
          .where('provider', '=', provider)
          .where('version', '=', options.replacingVersion)
          .executeTakeFirst();
        return replaced.numUpdatedRows === 1n;
      }
      await db
        .insertInto('store_credentials')
        .values({
          store_id: storeId,
          provider,
          sealed,
          expires_at: expiresAt,
          version: 1,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['store_id', 'provider']).doUpdateSet((eb) => ({
            sealed,
            expires_at: expiresAt,
            version: eb('store_credentials.version', '+', 1),
            updated_at: now,
          })),
        )
        .execute();
      return true;
    },

    async get<Secret>(storeId: string, provider: CredentialProvider) {
      const row = await db
        .selectFrom('store_credentials')
        .select(['sealed', 'expires_at', 'version', 'updated_at'])
        .where('store_id', '=', storeId)
        .where('provider', '=', provider)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const text = openSealedSecret(key, row.sealed, rowContext(storeId, provider));
      return {
        secret: JSON.parse(text) as Secret,
        expiresAt: row.expires_at,
        version: row.version,
        updatedAt: row.updated_at,
      };
    },

    async remove(storeId, provider) {
      const removed = await db
        .deleteFrom('store_credentials')
        .where('store_id', '=', storeId)
        .where('provider', '=', provider)
        .executeTakeFirst();
      return removed.numDeletedRows > 0n;
    },

    async expiringBefore(provider, at) {
      const rows = await db
        .selectFrom('store_credentials')
        .select(['store_id', 'expires_at', 'version'])
        .where('provider', '=', provider)
        .where('expires_at', '<', at)
        .orderBy('expires_at')
        .execute();
      return rows.map((row) => ({
        storeId: row.store_id,
        expiresAt: row.expires_at!,
        version: row.version,
      }));
    },
  };
}
