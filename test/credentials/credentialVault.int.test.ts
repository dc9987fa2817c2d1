import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createCredentialVault } from '../../src/credentials/credentialVault';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
const key = randomBytes(32);

beforeAll(async () => {
  database = await createTestDatabase(4);
});
afterAll(async () => {
  await database.drop();
});

describe('the credential vault', () => {
  it('keeps a secret sealed: the row holds no byte of the token, and it reads back whole', async () => {
    const vault = createCredentialVault(database.db, key);
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    const expiresAt = new Date('2026-12-04T16:00:00.000Z');
    expect(
      await vault.put(
        'store-a',
        'shopify',
        { accessToken: token, scopes: ['write_orders'] },
        { expiresAt },
      ),
    ).toBe(true);

    const { rows } = await sql<{ sealed: Buffer }>`
      SELECT sealed FROM store_credentials WHERE store_id = 'store-a'`.execute(database.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed.includes(Buffer.from(token))).toBe(false);
    expect(rows[0]!.sealed.includes(Buffer.from(token.slice(6, 22)))).toBe(false);

    expect(await vault.get('store-a', 'shopify')).toMatchObject({
      secret: { accessToken: token, scopes: ['write_orders'] },
      expiresAt,
      version: 1,
    });
    expect(await vault.get('store-a', 'tiktok')).toBeUndefined();
  });

  it('opens a row only under its own store and provider, and only with its key', async () => {
    const vault = createCredentialVault(database.db, key);
    await vault.put('store-b', 'tiktok', { accessToken: 'b-token' });
    await vault.put('store-c', 'tiktok', { accessToken: 'c-token' });
    // A row copied onto another store's does not open as that store's token.
    await sql`UPDATE store_credentials SET sealed = (SELECT sealed FROM store_credentials
      WHERE store_id = 'store-b' AND provider = 'tiktok') WHERE store_id = 'store-c'`.execute(
      database.db,
    );
    await expect(vault.get('store-c', 'tiktok')).rejects.toThrow(/moved from another row/);
    await expect(
      createCredentialVault(database.db, randomBytes(32)).get('store-b', 'tiktok'),
    ).rejects.toThrow(/another CREDENTIALS_KEY/);
    expect((await vault.get('store-b', 'tiktok'))?.secret).toEqual({ accessToken: 'b-token' });
  });

  it('lets one of two refreshes of a rotating token win: the other writes nothing', async () => {
    const vault = createCredentialVault(database.db, key);
    await vault.put('store-d', 'shopify', { refreshToken: 'r1' });
    const read = (await vault.get<{ refreshToken: string }>('store-d', 'shopify'))!;
    const [first, second] = await Promise.all([
      vault.put(
        'store-d',
        'shopify',
        { refreshToken: 'r2-first' },
        { replacingVersion: read.version },
      ),
      vault.put(
        'store-d',
        'shopify',
        { refreshToken: 'r2-second' },
        { replacingVersion: read.version },
      ),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const kept = (await vault.get<{ refreshToken: string }>('store-d', 'shopify'))!;
    expect(kept.version).toBe(read.version + 1);
    expect(kept.secret.refreshToken).toBe(first ? 'r2-first' : 'r2-second');
  });

  it('lists the tokens expiring before a time, soonest first, and removes one', async () => {
    const vault = createCredentialVault(database.db, key);
    await vault.put('store-e', 'tiktok', { a: 1 }, { expiresAt: new Date('2027-01-02T00:00:00Z') });
    await vault.put('store-f', 'tiktok', { a: 2 }, { expiresAt: new Date('2027-01-01T00:00:00Z') });
    await vault.put('store-g', 'tiktok', { a: 3 }, { expiresAt: new Date('2027-02-01T00:00:00Z') });
    const expiring = await vault.expiringBefore('tiktok', new Date('2027-01-15T00:00:00Z'));
    expect(expiring.map((e) => e.storeId)).toEqual(['store-f', 'store-e']);
    expect(await vault.remove('store-f', 'tiktok')).toBe(true);
    expect(await vault.remove('store-f', 'tiktok')).toBe(false);
    expect(await vault.get('store-f', 'tiktok')).toBeUndefined();
  });
});
