import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getIntrospectionQuery } from 'graphql';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startGraphqlTestService,
  tokenFor,
  admin,
  type GraphqlTestService,
} from './graphqlTestService';
import { seedOrder, seedStore } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let storeId: string;
let orderId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  storeId = await seedStore(service.commands, 'limits-shop');
  orderId = await seedOrder(service.commands, storeId, 'L1');
  await service.caughtUp();
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  body.errors?.map((e) => e.extensions?.code);

async function raw(body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(admin)}`, ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('query depth', () => {
  it('allows a page of orders with their store and its counts', async () => {
    const response = await service.query(
      `query($id: ID!) { store(id: $id) { orders { edges { node { store { orders { edges { node { store { orderCounts { pending } } } } } } } } } } }`,
      { id: storeId },
    );
    expect(response.body.errors).toBeUndefined();
  });

  it('refuses deeper queries before running them (400, GRAPHQL_VALIDATION_FAILED)', async () => {
    const response = await service.query(
      `query Deep($id: ID!) { store(id: $id) { orders { edges { node { store { orders { edges { node { store { orders { edges { node { id } } } } } } } } } } } } }`,
      { id: storeId },
    );
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.body.errors![0]!.message).toBe("'Deep' exceeds maximum operation depth of 10");
  });

  it('refuses fragment cycles and unknown fragments as invalid, without crashing the depth check', async () => {
    for (const query of [
      'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
      'query { ...Missing }',
    ]) {
      const response = await service.query(query);
      expect(response.status).toBe(400);
      expect(codes(response.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });
});

describe('query complexity', () => {
  it('allows a full page of 100 orders with every field, their store and its counts', async () => {
    const response = await service.query(
      `query($id: ID!) { store(id: $id) { orders(first: 100) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id tiktokOrderId fulfillmentType isFbt tiktokStatus syncStatus blockedReason failureReason
          syncAttempts appliedFbtSyncMode platformOrderId platformOrderStatus tags inventoryDeductedFrom
          lineItems { sku title quantity unitPrice } currency totalAmount placedAt syncedAt updatedAt version
          history { type } store { id name plan version fbtSyncRules { mode orderTag } orderCounts { pending blocked synced failed cancelled } } } } } } }`,
      { id: storeId },
    );
    expect(response.body.errors).toBeUndefined();
  });

  it('refuses pages of pages, counting `first` from literals and variables (400, QUERY_TOO_COMPLEX)', async () => {
    for (const [query, variables] of [
      [
        '{ stores(first: 100) { edges { node { orders(first: 100) { edges { node { id } } } } } } }',
        {},
      ],
      [
        'query($n: Int) { stores(first: $n) { edges { node { orders(first: $n) { edges { node { id tags } } } } } } }',
        { n: 60 },
      ],
    ] as const) {
      const response = await service.query(query, variables);
      expect(response.status).toBe(400);
      expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(response.body.errors![0]!.extensions).toMatchObject({
        maximumComplexity: 10_000,
        complexity: expect.any(Number),
      });
    }
  });

  it('counts each mutation as 100 besides its selection: 98 in one request run, 99 are refused', async () => {
    // retryOrderSync on an order that has not failed: INVALID_STATE, nothing written.
    const mutations = (count: number) =>
      `mutation { ${Array.from(
        { length: count },
        (_, i) => `a${i}: retryOrderSync(input: {orderId: "${orderId}"}) { userErrors { code } }`,
      ).join(' ')} }`;
    const allowed = await service.query(mutations(98));
    expect(allowed.body.errors).toBeUndefined();
    expect(Object.keys(allowed.body.data as object)).toHaveLength(98);
    const refused = await service.query(mutations(99));
    expect(refused.status).toBe(400);
    expect(codes(refused.body)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ complexity: 99 * 102 });
  });

  it('refuses a document too large to cost, whatever its fields, before any of it runs', async () => {
    const events = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(database.db))
        .rows[0]!.n;
    const before = await events();
    // 5,000 aliased mutations: more fields than the cost is counted over.
    const mutations = `mutation { ${Array.from(
      { length: 5000 },
      (_, i) =>
        `a${i}: updateFbtSyncRules(input: {storeId: "${storeId}", mode: SYNC_AND_DEDUCT_INVENTORY, orderTag: "T${i}"}) { userErrors { code } }`,
    ).join(' ')} }`;
    // A fragment spread ten times at each of five levels: a small document, 100,000 fields.
    const levels = [1, 2, 3, 4].map(
      (n) =>
        `fragment F${n} on Store { ${Array.from({ length: 10 }, (_, i) => `s${i}: fbtSyncRules { mode } ...F${n + 1}`).join(' ')} }`,
    );
    const bomb = `query($id: ID!) { store(id: $id) { ...F1 } }
      ${levels.join('\n')}
      fragment F5 on Store { ${Array.from({ length: 10 }, (_, i) => `n${i}: name`).join(' ')} }`;
    for (const [query, variables] of [
      [mutations, {}],
      [bomb, { id: storeId }],
    ] as const) {
      const response = await service.query(query, variables);
      expect(response.status).toBe(400);
      expect(codes(response.body)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(response.body.errors![0]!.message).toMatch(/too large to cost/);
    }
    expect(await events()).toBe(before);
  });

  it('refuses first above 100 as BAD_USER_INPUT, not as a complex query', async () => {
    const response = await service.query('{ stores(first: 1000) { edges { node { id } } } }');
    expect(codes(response.body)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toBe('first must be from 0 to 100, got 1000');
  });

  it('lets introspection through (admin tools need it)', async () => {
    const response = await service.query<{ __schema: { queryType: { name: string } } }>(
      getIntrospectionQuery(),
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.__schema.queryType.name).toBe('Query');
  });
});

describe('the HTTP edge', () => {
  it('refuses a body above 1 MiB with 413', async () => {
    const query = `{ stores { totalCount } } # ${'x'.repeat(1024 * 1024)}`;
    const response = await raw(JSON.stringify({ query }), { 'content-type': 'application/json' });
    expect(response.status).toBe(413);
  });

  it('refuses simple requests a browser would send cross-site (CSRF prevention)', async () => {
    const body = JSON.stringify({ query: '{ stores { totalCount } }' });
    const plain = await raw(body, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(plain.text).toContain('Cross-Site Request Forgery');
    const form = await raw(`query=${encodeURIComponent('{ stores { totalCount } }')}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.text).not.toContain('totalCount');
    // The same document as JSON is answered.
    expect((await raw(body, { 'content-type': 'application/json' })).status).toBe(200);
  });

  it('serves the API on POST only', async () => {
    const response = await fetch(`${service.url}/graphql?query=%7Bstores%7BtotalCount%7D%7D`);
    expect(response.status).toBe(404);
  });
});

describe('errors', () => {
  let broken: TestDatabase;
  let production: GraphqlTestService;
  let development: GraphqlTestService;
  beforeAll(async () => {
    broken = await createTestDatabase();
    // A read model gone missing: every read of it fails as an unexpected error would.
    await sql`ALTER TABLE stores RENAME TO stores_gone`.execute(broken.db);
    production = await startGraphqlTestService(broken, { projections: false });
    development = await startGraphqlTestService(broken, {
      projections: false,
      env: { NODE_ENV: 'development' },
    });
  });
  afterAll(async () => {
    await production.stop();
    await development.stop();
    await broken.drop();
  });

  it('hide unexpected errors and every stack trace outside development', async () => {
    const failed = await production.query('{ stores { totalCount } }');
    expect(failed.body).toEqual({
      data: null,
      errors: [
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 3 }],
          path: ['stores'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    const refused = await production.query('{ stores(first: 101) { totalCount } }');
    expect(refused.body.errors![0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'first',
    });
    const invalid = await production.query('{ nope }');
    expect(invalid.body.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('show the message and the stack trace in development', async () => {
    const failed = await development.query('{ stores { totalCount } }');
    const error = failed.body.errors![0]!;
    expect(error.message).toContain('stores');
    expect(error.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions!.stacktrace).toEqual(expect.arrayContaining([expect.any(String)]));
    const refused = await development.query('{ stores(first: 101) { totalCount } }');
    expect(refused.body.errors![0]!.extensions!.stacktrace).toBeDefined();
  });
});

describe('the database out of reach', () => {
  it('answers SERVICE_UNAVAILABLE with HTTP 503, so clients retry, and recovers by itself', async () => {
    const database = await createTestDatabase();
    const service = await startGraphqlTestService(database, { projections: false });
    const admin = await createTestDatabase(1);
    const setConnections = (allowed: boolean) =>
      sql`ALTER DATABASE ${sql.id(database.name)} WITH ALLOW_CONNECTIONS ${sql.raw(String(allowed))}`.execute(
        admin.db,
      );
    try {
      expect((await service.query('{ stores { totalCount } }')).status).toBe(200);
      // Every connection cut and none allowed, as while the server restarts.
      await setConnections(false);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = ${database.name}`.execute(admin.db);
      const cut = await service.query('{ stores { totalCount } }');
      expect(cut.status).toBe(503);
      expect(cut.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(cut.body.errors?.[0]?.message).toMatch(/database is unavailable/);
      // Back: the pool connects anew and the same request is served.
      await setConnections(true);
      let answer = await service.query('{ stores { totalCount } }');
      for (let i = 0; answer.status !== 200 && i < 50; i++)
        answer = await service.query('{ stores { totalCount } }');
      expect(answer.status).toBe(200);
    } finally {
      await setConnections(true);
      await service.stop();
      await database.drop();
      await admin.drop();
    }
  });
});
