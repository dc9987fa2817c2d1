import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { orderIdFor } from '../../src/commands/ids';
import type { Viewer } from '../../src/auth/viewer';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  startGraphqlTestService,
  storeViewer,
  type GraphqlTestService,
} from './graphqlTestService';
import { orderFacts, seedFailed, seedOrder, seedStore } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let mine: string;
let theirs: string;
let me: Viewer;
let myOrder: string;
let theirOrder: string;

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  mine = await seedStore(service.commands, 'iso-mine');
  theirs = await seedStore(service.commands, 'iso-theirs');
  me = { ...storeViewer(mine), sub: 'merchant@mine' };
  myOrder = await seedOrder(service.commands, mine, 'M1', {
    fulfillmentType: 'FULFILLED_BY_SELLER',
  });
  theirOrder = await seedOrder(service.commands, theirs, 'T1', {
    fulfillmentType: 'FULFILLED_BY_SELLER',
  });
  await seedFailed(service.commands, myOrder);
  await seedFailed(service.commands, theirOrder);
  await service.caughtUp();
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
    database.db,
  );
  return rows[0]!.n;
}

describe('a store token', () => {
  it('lists only its own store', async () => {
    const response = await service.query(
      '{ stores { totalCount edges { node { id } } } }',
      {},
      { as: me },
    );
    expect(response.body.data!.stores).toEqual({ totalCount: 1, edges: [{ node: { id: mine } }] });
  });

  it("reads its own store and orders, and another store's as null", async () => {
    const response = await service.query(
      `query($mine: ID!, $theirs: ID!, $myOrder: ID!, $theirOrder: ID!) {
        mine: store(id: $mine) { id orders { totalCount edges { node { id store { id } } } } }
        theirs: store(id: $theirs) { id }
        myOrder: order(id: $myOrder) { id }
        theirOrder: order(id: $theirOrder) { id }
        myOrderByTikTokId: orderByTikTokId(storeId: $mine, tiktokOrderId: "M1") { id }
        theirOrderByTikTokId: orderByTikTokId(storeId: $theirs, tiktokOrderId: "T1") { id }
      }`,
      { mine, theirs, myOrder, theirOrder },
      { as: me },
    );
    expect(response.body).toEqual({
      data: {
        mine: {
          id: mine,
          orders: { totalCount: 1, edges: [{ node: { id: myOrder, store: { id: mine } } }] },
        },
        theirs: null,
        myOrder: { id: myOrder },
        theirOrder: null,
        myOrderByTikTokId: { id: myOrder },
        theirOrderByTikTokId: null,
      },
    });
  });

  it('changes its own store and orders, with its subject as the actor', async () => {
    const response = await service.query(
      `mutation($rules: UpdateFbtSyncRulesInput!, $order: RecordTikTokOrderInput!, $retry: RetryOrderSyncInput!) {
        updateFbtSyncRules(input: $rules) { fbtSyncRules { mode updatedBy } userErrors { code } }
        recordTikTokOrder(input: $order) { order { tiktokOrderId } userErrors { code } }
        retryOrderSync(input: $retry) { order { syncStatus } userErrors { code } }
      }`,
      {
        rules: { storeId: mine, mode: 'WAIT_FOR_AWAITING_COLLECTION' },
        order: orderFacts(mine, 'M2'),
        retry: { orderId: myOrder },
      },
      { as: me },
    );
    expect(response.body).toEqual({
      data: {
        updateFbtSyncRules: {
          fbtSyncRules: { mode: 'WAIT_FOR_AWAITING_COLLECTION', updatedBy: 'merchant@mine' },
          userErrors: [],
        },
        recordTikTokOrder: { order: { tiktokOrderId: 'M2' }, userErrors: [] },
        retryOrderSync: { order: { syncStatus: 'PENDING' }, userErrors: [] },
      },
    });
  });

  it('cannot change another store or its orders: NOT_FOUND, nothing written', async () => {
    const before = await eventCount();
    const response = await service.query(
      `mutation($rules: UpdateFbtSyncRulesInput!, $order: RecordTikTokOrderInput!,
          $status: RecordTikTokOrderStatusInput!, $retry: RetryOrderSyncInput!) {
        updateFbtSyncRules(input: $rules) { store { id } fbtSyncRules { mode } userErrors { field code message } }
        recordTikTokOrder(input: $order) { order { id } userErrors { field code message } }
        recordTikTokOrderStatus(input: $status) { order { id } userErrors { field code message } }
        retryOrderSync(input: $retry) { order { id } userErrors { field code message } }
      }`,
      {
        rules: { storeId: theirs, mode: 'WAIT_FOR_AWAITING_COLLECTION' },
        order: orderFacts(theirs, 'X1'),
        status: {
          storeId: theirs,
          tiktokOrderId: 'T1',
          status: 'CANCELLED',
          changedAt: '2026-11-29T00:00:00Z',
        },
        retry: { orderId: theirOrder },
      },
      { as: me },
    );
    expect(response.body).toEqual({
      data: {
        updateFbtSyncRules: {
          store: null,
          fbtSyncRules: null,
          // The same answer as for a store that does not exist.
          userErrors: [
            { field: ['input', 'storeId'], code: 'NOT_FOUND', message: 'no such store' },
          ],
        },
        recordTikTokOrder: {
          order: null,
          userErrors: [
            {
              field: ['input', 'storeId'],
              code: 'NOT_FOUND',
              message: `no store with id ${theirs}`,
            },
          ],
        },
        recordTikTokOrderStatus: {
          order: null,
          userErrors: [
            {
              field: ['input', 'storeId'],
              code: 'NOT_FOUND',
              message: `no store with id ${theirs}`,
            },
          ],
        },
        retryOrderSync: {
          order: null,
          userErrors: [
            { field: ['input', 'orderId'], code: 'NOT_FOUND', message: `no order ${theirOrder}` },
          ],
        },
      },
    });
    expect(await eventCount()).toBe(before);
    expect(orderIdFor(theirs, 'T1')).toBe(theirOrder);
  });

  it.each([
    ['events', '{ events { hasMore } }', 'query'],
    ['projections', '{ projections { name } }', 'query'],
    [
      'connectStore',
      'mutation { connectStore(input: { name: "X", tiktokShopId: "iso-new", platform: WIX, plan: FREE }) { store { id } } }',
      'mutation',
    ],
    [
      'changeStorePlan',
      'mutation($id: ID!) { changeStorePlan(input: { storeId: $id, plan: ENTERPRISE }) { store { id } } }',
      'mutation',
    ],
  ])('is FORBIDDEN %s, which is admin only', async (name, query) => {
    const before = await eventCount();
    const response = await service.query(query, { id: mine }, { as: me });
    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: [name],
        message: `${name} is for admin tokens only`,
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect(await eventCount()).toBe(before);
  });
});
