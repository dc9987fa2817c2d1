import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../src/db/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGraphqlTestService, type GraphqlTestService } from './graphqlTestService';
import { seedOrder, seedStore, seedSynced } from './seed';

/**
 * The API on a pool of its own whose every statement is counted: kysely runs
 * each statement as client.query on a checked-out client, so every client is
 * wrapped as the pool creates it. Nothing else uses this pool (the
 * projections run beside it, on the test database's own pool).
 */
function countingDatabase(url: string): DatabaseHandle & { statements: string[] } {
  const handle = createDatabase(url, { poolSize: 4 });
  const statements: string[] = [];
  handle.pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const text = args[0];
      statements.push(typeof text === 'string' ? text : String((text as { text?: string }).text));
      return query(...args);
    };
  });
  return Object.assign(handle, { statements });
}

let database: TestDatabase;
let writer: GraphqlTestService;
let counted: DatabaseHandle & { statements: string[] };
let api: GraphqlTestService;
let cached: GraphqlTestService;
let bigStore: string;

beforeAll(async () => {
  database = await createTestDatabase();
  writer = await startGraphqlTestService(database);
  const { commands } = writer;
  bigStore = await seedStore(commands, 'loader-big');
  for (let i = 0; i < 110; i++) {
    const orderId = await seedOrder(commands, bigStore, `B${i}`, {
      placedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
      fulfillmentType: i % 2 ? 'FULFILLED_BY_SELLER' : 'FULFILLED_BY_TIKTOK',
    });
    if (i % 10 === 0) await seedSynced(commands, orderId);
  }
  for (let s = 0; s < 55; s++) {
    const storeId = await seedStore(commands, `loader-${s}`, { plan: s % 2 ? 'FREE' : 'PRO' });
    for (let i = 0; i < 3; i++) await seedOrder(commands, storeId, `S${s}-${i}`);
  }
  await writer.caughtUp();
  counted = countingDatabase(database.url);
  // The statements of each request as it runs: the response cache would answer repeats.
  api = await startGraphqlTestService(counted, {
    projections: false,
    env: { GRAPHQL_CACHE_MB: '0' },
  });
  cached = await startGraphqlTestService(counted, { projections: false });
}, 120_000);
afterAll(async () => {
  await cached.stop();
  await api.stop();
  await counted.close();
  await writer.stop();
  await database.drop();
});

/**
 * The statements one request's execution runs, after the one reading that
 * checks the read models hold every write before it (read-your-writes).
 */
async function statementsOf(query: string, variables: Record<string, unknown>): Promise<string[]> {
  // Warm: the pool's connections are open, so only the request's own statements are counted.
  await api.query('{ stores(first: 1) { totalCount } }');
  counted.statements.length = 0;
  const response = await api.query(query, variables);
  expect(response.body.errors).toBeUndefined();
  expect(response.body.extensions).toBeUndefined();
  const [reading, ...execution] = counted.statements;
  expect(reading).toMatch(/FROM subscription_checkpoints/);
  return execution;
}

describe('DataLoader: one statement per field, not per parent', () => {
  it("reads a page of orders with each order's store, counts and history in the same few statements, 10 or 100", async () => {
    const QUERY = `query($id: ID!, $first: Int) { store(id: $id) { orders(first: $first) { totalCount edges { node {
      id store { id name fbtSyncRules { mode } orderCounts { pending synced } inventoryDeductions { sku quantity } }
      history { type } } } } } }`;
    const ten = await statementsOf(QUERY, { id: bigStore, first: 10 });
    const hundred = await statementsOf(QUERY, { id: bigStore, first: 100 });
    // The store, its page of orders, the counts (orderCounts and totalCount share them),
    // the inventory and the histories: one statement each.
    expect(hundred).toHaveLength(5);
    expect(hundred.length).toBe(ten.length);
  });

  it("reads a page of stores with each store's counts, inventory and first orders in the same few statements, 5 or 50", async () => {
    const QUERY = `query($first: Int) { stores(first: $first) { totalCount edges { node {
      id orderCounts { pending blocked } availableFbtSyncModes inventoryDeductions(skus: ["MUG-RED"]) { quantity }
      orders(first: 2, filter: { fulfillmentType: FULFILLED_BY_TIKTOK }) { totalCount edges { node { id store { id } history { type } } } }
    } } } }`;
    const five = await statementsOf(QUERY, { first: 5 });
    const fifty = await statementsOf(QUERY, { first: 50 });
    // The stores page, its count, the counts, the inventory, one LATERAL statement for every
    // store's page of orders, one count for the filtered totals, and the histories.
    expect(fifty).toHaveLength(7);
    expect(fifty.length).toBe(five.length);
    expect(fifty.filter((s) => /lateral/i.test(s))).toHaveLength(1);
  });
});

describe('the response cache', () => {
  it("answers a repeated page with one statement, the read models' version", async () => {
    const PAGE = `query($id: ID!) { store(id: $id) { orderCounts { pending synced }
      orders(first: 100) { totalCount edges { node { id store { id name } } } } } }`;
    const first = await cached.query(PAGE, { id: bigStore });
    expect(first.body.errors).toBeUndefined();
    counted.statements.length = 0;
    const again = await cached.query(PAGE, { id: bigStore });
    expect(again).toEqual(first);
    expect(counted.statements).toEqual([expect.stringMatching(/FROM subscription_checkpoints/)]);
  });

  it('runs eight identical requests arriving together once', async () => {
    const PAGE = `query($id: ID!) { store(id: $id) { orderCounts { pending }
      orders(first: 7) { edges { node { id } } } } }`;
    counted.statements.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => cached.query(PAGE, { id: bigStore })),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const reads = counted.statements.filter((s) => !/FROM subscription_checkpoints/.test(s));
    // The store, its page of orders, its counts: once, not eight times.
    expect(reads).toHaveLength(3);
  });
});
