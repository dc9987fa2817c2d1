import { type Kysely, sql } from 'kysely';

/**
 * Each store's own tokens for a platform (Shopify) or for TikTok Shop,
 * sealed with AES-256-GCM under CREDENTIALS_KEY: the table never holds a
 * token in clear, and the event log holds none at all (its events say what
 * happened: installed, with which scopes; revoked). `version` rises on every
 * write, so that two processes refreshing a rotating token cannot both keep
 * theirs: the second compare-and-set fails and it reads the first one's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE store_credentials (
      store_id text NOT NULL,
      provider text NOT NULL CHECK (provider IN ('shopify', 'tiktok')),
      sealed bytea NOT NULL,
      expires_at timestamptz,
      version integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (store_id, provider)
    )`.execute(db);
  await sql`CREATE INDEX store_credentials_expiring ON store_credentials (provider, expires_at)
    WHERE expires_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE store_credentials`.execute(db);
}
