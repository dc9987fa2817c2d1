import type { ColumnType } from 'kysely';

export type CredentialProvider = 'shopify' | 'tiktok';

/** Stores' sealed tokens (migration 0011). */
export interface StoreCredentialsTable {
  store_id: string;
  provider: CredentialProvider;
  sealed: Buffer;
  expires_at: Date | null;
  version: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Merged into the Database interface of src/db/schema.ts. */
export interface CredentialTables {
  store_credentials: StoreCredentialsTable;
}
