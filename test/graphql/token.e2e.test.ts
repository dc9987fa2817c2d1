import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, jwtVerify } from 'jose';
import { runCli, startServe, tempDataDir } from '../support/cli';
import { createEmptyDatabase, type TestDatabase } from '../support/database';

const jwtLine = /^[\w-]+\.[\w-]+\.[\w-]+\n$/;

async function verifiedClaims(token: string, secret: string) {
  const { payload } = await jwtVerify(token.trim(), new TextEncoder().encode(secret), {
    algorithms: ['HS256'],
  });
  return payload;
}

describe('fbt-sync token', () => {
  it('prints an admin token and nothing else, signed with a secret it generates once (0600) and reuses', async () => {
    const dataDir = tempDataDir();
    const first = await runCli(['token', '--admin'], { DATA_DIR: dataDir, AUTH_SECRET: '' });
    expect(first).toEqual({ code: 0, stdout: expect.stringMatching(jwtLine), stderr: '' });
    const file = path.join(dataDir, 'auth-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const claims = await verifiedClaims(first.stdout, secret);
    expect(claims).toMatchObject({ sub: 'admin', role: 'admin' });
    // 30 days unless told otherwise.
    expect(claims.exp! - claims.iat!).toBe(30 * 24 * 3600);

    const second = await runCli(['token', '--admin', '--sub', 'ops'], {
      DATA_DIR: dataDir,
      AUTH_SECRET: '',
    });
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(await verifiedClaims(second.stdout, secret)).toMatchObject({
      sub: 'ops',
      role: 'admin',
    });
  });

  it('prints a store token with the subject and lifetime asked for, signed with AUTH_SECRET when set', async () => {
    const secret = 'cli-test-secret-0123456789abcdefghijklmnop';
    const result = await runCli(
      ['token', '--store', 'store-42', '--sub', 'alice', '--expires-in', '2h'],
      {
        DATA_DIR: tempDataDir(),
        AUTH_SECRET: secret,
      },
    );
    expect(result.code).toBe(0);
    const claims = await verifiedClaims(result.stdout, secret);
    expect(claims).toMatchObject({ sub: 'alice', role: 'store', storeId: 'store-42' });
    expect(claims.exp! - claims.iat!).toBe(7200);
  });

  it.each([
    [[], /give --admin or --store ID/],
    [['--admin', '--store', 'x'], /not both/],
    [['--admin', '--expires-in', 'forever'], /--expires-in takes/],
    [['--store', ''], /--store takes/],
  ])('exits 2 on bad usage: %j', async (args, reason) => {
    const result = await runCli(['token', ...args], { DATA_DIR: tempDataDir() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(reason);
  });
});

describe('serve with the generated secret', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createEmptyDatabase(1);
    await database.close();
  });
  afterAll(() => database.drop());

  it('says how to get an admin token, and accepts the tokens `fbt-sync token` prints', async () => {
    const env = { DATABASE_URL: database.url, DATA_DIR: tempDataDir(), AUTH_SECRET: '' };
    const serve = await startServe(env);
    try {
      expect(serve.output()).toContain('npm run -s cli -- token --admin');
      const call = (token: string | null, query: string) =>
        fetch(`${serve.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify({ query }),
        });

      const adminToken = (await runCli(['token', '--admin', '--sub', 'e2e'], env)).stdout.trim();
      expect(decodeJwt(adminToken)).toMatchObject({ role: 'admin' });
      const connected = await call(
        adminToken,
        'mutation { connectStore(input: { name: "E2E", tiktokShopId: "e2e-shop", platform: WIX, plan: FREE }) { store { id fbtSyncRules { mode } } userErrors { code } } }',
      );
      expect(connected.status).toBe(200);
      const { data } = (await connected.json()) as {
        data: { connectStore: { store: { id: string } } };
      };
      const storeId = data.connectStore.store.id;

      const storeToken = (await runCli(['token', '--store', storeId], env)).stdout.trim();
      const stores = async () =>
        (await (await call(storeToken, '{ stores { edges { node { id } } } }')).json()) as {
          data: { stores: { edges: Array<{ node: { id: string } }> } };
        };
      // The stores read model follows the log: its projection reads below the cluster-wide
      // horizon, which a transaction of a test running beside this one can hold back for a
      // moment. Ask again until the store is there.
      let seen = await stores();
      const deadline = Date.now() + 10_000;
      while (seen.data.stores.edges.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = await stores();
      }
      expect(seen).toEqual({ data: { stores: { edges: [{ node: { id: storeId } }] } } });
      const forbidden = await call(storeToken, '{ projections { name } }');
      expect(
        ((await forbidden.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!
          .extensions.code,
      ).toBe('FORBIDDEN');
      expect((await call(null, '{ stores { totalCount } }')).status).toBe(401);
    } finally {
      expect(await serve.stop('SIGTERM')).toBe(0);
    }
  });
});
