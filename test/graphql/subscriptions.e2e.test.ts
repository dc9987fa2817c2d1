import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { recordTikTokOrder, recordTikTokOrderStatus } from '../../src/commands/orderCommands';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  admin,
  startGraphqlTestService,
  storeViewer,
  tokenFor,
  type GraphqlTestService,
} from './graphqlTestService';
import { orderFacts, seedStore, seedWaitingStore } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let waitingStore: string;
let otherStore: string;
const clients: Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  waitingStore = await seedWaitingStore(service.commands, 'SUB-1');
  otherStore = await seedStore(service.commands, 'SUB-2');
  await service.caughtUp();
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await service.stop();
  await database.drop();
});

function connect(authorization: string | undefined, onClosed?: (code: number) => void): Client {
  const client = createClient({
    url: `${service.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {}, // a refused connection is what one test wants
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
  clients.push(client);
  return client;
}

interface Next {
  data?: { orderChanged: Record<string, unknown> } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Subscribes and collects what arrives; `until` resolves once a result passes the test. */
function follow(client: Client, query: string, variables: Record<string, unknown>) {
  const results: Next[] = [];
  const waiters: Array<{ test: (r: Next) => boolean; resolve: (r: Next) => void }> = [];
  let ended: unknown = undefined;
  const stop = client.subscribe<Next['data']>(
    { query, variables },
    {
      next: (result) => {
        results.push(result as Next);
        for (const w of [...waiters])
          if (w.test(result as Next)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(result as Next);
          }
      },
      error: (error) => (ended = error ?? 'error'),
      complete: () => (ended ??= 'complete'),
    },
  );
  return {
    results,
    ended: () => ended,
    stop,
    until(test: (r: Next) => boolean, timeoutMs = 20_000): Promise<Next> {
      const found = results.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`nothing matched; got ${JSON.stringify(results)}`)),
          timeoutMs,
        );
        waiters.push({ test, resolve: (r) => (clearTimeout(timer), resolve(r)) });
      });
    },
  };
}

const ORDER_CHANGED = `subscription ($storeId: ID!) {
  orderChanged(storeId: $storeId) {
    id tiktokOrderId syncStatus tiktokStatus blockedReason version
    store { id }
    history { type }
  }
}`;

/** Gives the server a moment to register the subscription's first checkpoint. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('orderChanged over graphql-ws', () => {
  it('pushes an order when the projections take in its change, history and all', async () => {
    const client = connect(`Bearer ${await tokenFor(admin)}`);
    const feed = follow(client, ORDER_CHANGED, { storeId: waitingStore });
    await settle();
    await recordTikTokOrder(service.commands, orderFacts(waitingStore, 'SUB-A1'));
    const blocked = await feed.until((r) => r.data?.orderChanged.tiktokOrderId === 'SUB-A1');
    expect(blocked.data?.orderChanged).toMatchObject({
      syncStatus: 'BLOCKED',
      tiktokStatus: 'AWAITING_SHIPMENT',
      store: { id: waitingStore },
    });
    expect(blocked.data?.orderChanged.blockedReason).toEqual(expect.any(String));

    await recordTikTokOrderStatus(service.commands, {
      storeId: waitingStore,
      tiktokOrderId: 'SUB-A1',
      status: 'AWAITING_COLLECTION',
      changedAt: '2026-11-28T12:00:00.000Z',
    });
    const collected = await feed.until(
      (r) => r.data?.orderChanged.tiktokStatus === 'AWAITING_COLLECTION',
    );
    // Each change reads the history afresh (not from the loaders of the first one).
    const types = (collected.data?.orderChanged.history as Array<{ type: string }>).map(
      (e) => e.type,
    );
    expect(types.length).toBeGreaterThan((blocked.data?.orderChanged.history as unknown[]).length);
    expect(feed.results.every((r) => r.errors === undefined)).toBe(true);
    feed.stop();
  });

  it("sends a store's changes only to its own subscribers", async () => {
    const client = connect(`Bearer ${await tokenFor(admin)}`);
    const mine = follow(client, ORDER_CHANGED, { storeId: otherStore });
    await settle();
    await recordTikTokOrder(service.commands, orderFacts(waitingStore, 'SUB-B1'));
    await recordTikTokOrder(service.commands, orderFacts(otherStore, 'SUB-B2'));
    await mine.until((r) => r.data?.orderChanged.tiktokOrderId === 'SUB-B2');
    expect(mine.results.map((r) => r.data?.orderChanged.tiktokOrderId)).not.toContain('SUB-B1');
    mine.stop();
  });

  it("refuses a store token another store's orders, and serves it its own", async () => {
    const client = connect(`Bearer ${await tokenFor(storeViewer(otherStore))}`);
    const refused = follow(client, ORDER_CHANGED, { storeId: waitingStore });
    const ended = await new Promise((resolve) => {
      const check = setInterval(() => {
        if (refused.ended() !== undefined) {
          clearInterval(check);
          resolve([refused.ended(), refused.results]);
        }
      }, 20);
    });
    expect(JSON.stringify(ended)).toContain('FORBIDDEN');

    const own = follow(client, ORDER_CHANGED, { storeId: otherStore });
    await settle();
    await recordTikTokOrder(service.commands, orderFacts(otherStore, 'SUB-C1'));
    await own.until((r) => r.data?.orderChanged.tiktokOrderId === 'SUB-C1');
    own.stop();
  });

  it('closes a connection with no valid token (4403)', async () => {
    const code = await new Promise<number>((resolve) => {
      const client = connect('Bearer not.a.token', resolve);
      follow(client, ORDER_CHANGED, { storeId: waitingStore });
    });
    expect(code).toBe(4403);
  });

  it('closes the connection (4401) once its token has expired, with nothing of the change sent', async () => {
    let closedWith: number | undefined;
    const client = connect(`Bearer ${await tokenFor(admin, '2s')}`, (code) => (closedWith = code));
    const feed = follow(client, ORDER_CHANGED, { storeId: waitingStore });
    await settle();
    await recordTikTokOrder(service.commands, orderFacts(waitingStore, 'SUB-E1'));
    await feed.until((r) => r.data?.orderChanged.tiktokOrderId === 'SUB-E1');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await recordTikTokOrder(service.commands, orderFacts(waitingStore, 'SUB-E2'));
    for (let waited = 0; closedWith === undefined && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(closedWith).toBe(4401);
    expect(JSON.stringify(feed.results)).not.toContain('SUB-E2');

    // A new subscription on a socket signed in with an expired token is refused too.
    const late = connect(`Bearer ${await tokenFor(admin, '1s')}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const refused = follow(late, ORDER_CHANGED, { storeId: waitingStore });
    for (let waited = 0; refused.ended() === undefined && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(JSON.stringify(refused.ended())).toMatch(/UNAUTHENTICATED|expired|4401|4403/);
  });

  it('runs only subscriptions: queries go to POST /graphql', async () => {
    const client = connect(`Bearer ${await tokenFor(admin)}`);
    const query = follow(client, '{ stores { totalCount } }', {});
    const ended = await new Promise((resolve) => {
      const check = setInterval(() => {
        if (query.ended() !== undefined) {
          clearInterval(check);
          resolve(query.ended());
        }
      }, 20);
    });
    expect(JSON.stringify(ended)).toContain('only subscriptions');
  });

  it('refuses a subscription that would cost too much per push', async () => {
    const client = connect(`Bearer ${await tokenFor(admin)}`);
    const heavy = follow(
      client,
      `subscription ($storeId: ID!) { orderChanged(storeId: $storeId) {
        store {
          a: orders(first: 100) { edges { node { id history { type } } } }
          b: orders(first: 100) { edges { node { id history { type } } } }
          c: orders(first: 100) { edges { node { id history { type } } } }
        } } }`,
      { storeId: waitingStore },
    );
    const ended = await new Promise((resolve) => {
      const check = setInterval(() => {
        if (heavy.ended() !== undefined) {
          clearInterval(check);
          resolve(heavy.ended());
        }
      }, 20);
    });
    expect(JSON.stringify(ended)).toContain('QUERY_TOO_COMPLEX');
  });
});
