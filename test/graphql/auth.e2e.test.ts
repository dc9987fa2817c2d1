import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  AUTH_SECRET,
  startGraphqlTestService,
  storeViewer,
  tokenFor,
  type GraphqlTestService,
} from './graphqlTestService';

let database: TestDatabase;
let service: GraphqlTestService;
beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database, { projections: false });
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

const key = new TextEncoder().encode(AUTH_SECRET);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

async function post(authorization: string | null) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === null ? {} : { authorization }),
    },
    body: JSON.stringify({ query: '{ stores { totalCount } }' }),
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: (await response.json()) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions: { code: string; stacktrace?: unknown } }>;
    },
  };
}

async function expectUnauthenticated(authorization: string | null, message: RegExp) {
  const { status, wwwAuthenticate, body } = await post(authorization);
  expect(status).toBe(401);
  expect(wwwAuthenticate).toBe('Bearer');
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
  expect(body.errors![0]!.extensions.stacktrace).toBeUndefined();
  expect(body.errors![0]!.message).toMatch(message);
}

describe('authentication (Authorization: Bearer <HS256 JWT>)', () => {
  it('lets an admin token and a store token in', async () => {
    expect((await post(`Bearer ${await tokenFor({ role: 'admin', sub: 'ops' })}`)).status).toBe(
      200,
    );
    expect((await post(`Bearer ${await tokenFor(storeViewer('s-1'))}`)).status).toBe(200);
  });

  it('accepts a token without exp (the contract does not require one) and any case of "Bearer"', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('partner')
      .sign(key);
    expect((await post(`bearer ${token}`)).status).toBe(200);
  });

  it('refuses a request without a token, or with another scheme', async () => {
    await expectUnauthenticated(null, /Authorization: Bearer <token> header is required/);
    await expectUnauthenticated('', /required/);
    await expectUnauthenticated('Basic YWRtaW46YWRtaW4=', /not Bearer <JWT>/);
    await expectUnauthenticated('Bearer not-a-jwt', /not Bearer <JWT>/);
  });

  it('refuses alg "none" (an unsigned token)', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin' })}.`;
    await expectUnauthenticated(`Bearer ${token}`, /invalid/);
  });

  it('refuses other algorithms, even HS512 with the right secret, and RS256', async () => {
    const hs512 = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(key);
    await expectUnauthenticated(`Bearer ${hs512}`, /invalid/);
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectUnauthenticated(`Bearer ${rs256}`, /invalid/);
  });

  it('refuses a bad signature: another secret, or claims changed after signing', async () => {
    const other = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode('another-secret-0123456789abcdefghijkl'));
    await expectUnauthenticated(`Bearer ${other}`, /invalid/);
    const [header, , signature] = (await tokenFor(storeViewer('s-1'))).split('.');
    const forged = `${header}.${b64({ sub: 'x', role: 'admin', exp: now() + 60 })}.${signature}`;
    await expectUnauthenticated(`Bearer ${forged}`, /invalid/);
  });

  it('refuses an expired token, and one not valid yet', async () => {
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime(now() - 10)
      .sign(key);
    await expectUnauthenticated(`Bearer ${expired}`, /expired/);
    const early = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setNotBefore(now() + 3600)
      .sign(key);
    await expectUnauthenticated(`Bearer ${early}`, /invalid/);
  });

  it('refuses claims that name no caller', async () => {
    for (const claims of [
      { role: 'root', sub: 'x' },
      { role: 'admin' },
      { role: 'admin', sub: '' },
      { role: 'store', sub: 'x' },
      { role: 'store', sub: 'x', storeId: 42 },
    ]) {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
      await expectUnauthenticated(`Bearer ${token}`, /claims/);
    }
  });
});
