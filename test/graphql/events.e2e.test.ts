import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderStreamId } from '../../src/domain/eventCatalog';
import type { RecordedEvent } from '../../src/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGraphqlTestService, type GraphqlTestService } from './graphqlTestService';
import { seedOrder, seedStore, seedSynced } from './seed';

let database: TestDatabase;
let service: GraphqlTestService;
let orderId: string;
let log: RecordedEvent[];

const EVENTS = `query($after: String, $first: Int, $streamId: String, $types: [String!]) {
  events(after: $after, first: $first, streamId: $streamId, types: $types) {
    lastPosition hasMore events { globalPosition streamId streamVersion type data metadata recordedAt }
  }
}`;

interface Page {
  lastPosition: string | null;
  hasMore: boolean;
  events: Array<{ globalPosition: string; type: string; streamId: string; streamVersion: number }>;
}

async function eventsPage(variables: Record<string, unknown>): Promise<Page> {
  const response = await service.query<{ events: Page }>(EVENTS, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.events;
}

/** Follows lastPosition until hasMore is false; every page must hold events. */
async function readAllPages(variables: Record<string, unknown>): Promise<string[]> {
  const positions: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const page: Page = await eventsPage({ ...variables, after });
    if (page.events.length === 0) {
      expect(page).toEqual({ events: [], lastPosition: null, hasMore: false });
      return positions;
    }
    expect(page.lastPosition).toBe(page.events[page.events.length - 1]!.globalPosition);
    positions.push(...page.events.map((e) => e.globalPosition));
    if (!page.hasMore) return positions;
    after = page.lastPosition;
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startGraphqlTestService(database);
  const { commands } = service;
  const storeId = await seedStore(commands, 'events-shop');
  orderId = await seedOrder(commands, storeId, 'E1', { fulfillmentType: 'FULFILLED_BY_SELLER' });
  await seedOrder(commands, storeId, 'E2');
  // More events than one scan of the log reads, none of the types asked for below.
  await commands.eventStore.appendToStream(
    'audit-1',
    Array.from({ length: 1500 }, (_, i) => ({ type: 'AuditNote', data: { i } })),
    { expectedVersion: 'no_stream' },
  );
  await seedSynced(commands, orderId);
  await service.caughtUp();
  log = [];
  for (let after = undefined as RecordedEvent['checkpoint'] | undefined; ;) {
    const page = await commands.eventStore.readAll({ after, limit: 1000 });
    log.push(...page.events);
    if (!page.hasMore) break;
    after = page.checkpoint;
  }
});
afterAll(async () => {
  await service.stop();
  await database.drop();
});

describe('events (admin)', () => {
  it('reads the whole log in its order, page by page, from lastPosition', async () => {
    expect(await readAllPages({ first: 100 })).toEqual(log.map((e) => e.globalPosition));
  });

  it('shows each event as stored', async () => {
    const page = await eventsPage({ first: 1 });
    expect(page).toEqual({
      lastPosition: log[0]!.globalPosition,
      hasMore: true,
      events: [
        {
          globalPosition: log[0]!.globalPosition,
          streamId: log[0]!.streamId,
          streamVersion: 0,
          type: 'StoreConnected',
          data: expect.objectContaining({ tiktokShopId: 'events-shop' }),
          metadata: expect.objectContaining({ actor: 'test', schemaVersion: 1 }),
          recordedAt: expect.stringMatching(/Z$/),
        },
      ],
    });
  });

  it('reads on after a checkpoint, or after a global position', async () => {
    const fifth = log[4]!;
    const rest = log.slice(5, 8).map((e) => e.globalPosition);
    for (const after of [fifth.checkpoint, fifth.globalPosition]) {
      const page = await eventsPage({ after, first: 3 });
      expect(page.events.map((e) => e.globalPosition)).toEqual(rest);
    }
  });

  it('never answers an empty page while matching events remain, however many others lie between', async () => {
    const synced = log.filter((e) => e.type === 'OrderSynced').map((e) => e.globalPosition);
    expect(synced).toHaveLength(1);
    const page = await eventsPage({ types: ['OrderSynced'], first: 5 });
    expect(page.events.map((e) => e.globalPosition)).toEqual(synced);
    expect(page.hasMore).toBe(false);

    const wanted = log.filter((e) => ['OrderPlaced', 'InventoryDeducted'].includes(e.type));
    expect(await readAllPages({ types: ['OrderPlaced', 'InventoryDeducted'], first: 1 })).toEqual(
      wanted.map((e) => e.globalPosition),
    );
  });

  it('answers an empty list of types with an empty last page', async () => {
    expect(await eventsPage({ types: [] })).toEqual({
      events: [],
      lastPosition: null,
      hasMore: false,
    });
  });

  it("reads one stream's events, with or without types", async () => {
    const stream = log.filter((e) => e.streamId === orderStreamId(orderId));
    expect(await readAllPages({ streamId: orderStreamId(orderId), first: 2 })).toEqual(
      stream.map((e) => e.globalPosition),
    );
    const page = await eventsPage({ streamId: orderStreamId(orderId), types: ['OrderSynced'] });
    expect(page.events.map((e) => e.type)).toEqual(['OrderSynced']);
    expect(page.hasMore).toBe(false);
    expect(await eventsPage({ streamId: 'order-nope' })).toEqual({
      events: [],
      lastPosition: null,
      hasMore: false,
    });
  });

  it.each([
    [{ first: 0 }],
    [{ first: 101 }],
    [{ after: 'yesterday' }],
    [{ after: '999999999' }],
    [{ streamId: 'x'.repeat(101) }],
  ])('refuses %j with BAD_USER_INPUT', async (variables) => {
    const response = await service.query(EVENTS, variables);
    expect(response.body.data).toBeNull();
    expect(response.body.errors!.map((e) => e.extensions!.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('projections (admin)', () => {
  it('names each read model, the position it has applied and its lag', async () => {
    const response = await service.query('{ projections { name position lag } }');
    const last = log[log.length - 1]!.globalPosition;
    expect(response.body.data!.projections).toEqual([
      { name: 'stores', position: last, lag: 0 },
      { name: 'orders', position: last, lag: 0 },
      { name: 'inventory', position: last, lag: 0 },
    ]);
  });
});
