import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CommandContext } from '../../src/commands/commandContext';
import { orderIdFor, storeIdFor } from '../../src/commands/ids';
import {
  recordOrderSynced,
  recordOrderSyncFailure,
  recordTikTokOrder,
  recordTikTokOrderStatus,
  retryOrderSync,
  startOrderSync,
  type OrderResult,
  type RecordTikTokOrderInput,
} from '../../src/commands/orderCommands';
import { connectStore, updateFbtSyncRules } from '../../src/commands/storeCommands';
import { DomainError } from '../../src/domain/domainError';
import { orderStreamId } from '../../src/domain/eventCatalog';
import type { OrderEvent } from '../../src/domain/orderEvents';
import type { FulfillmentType } from '../../src/domain/orderVocabulary';
import type { FbtSyncMode } from '../../src/domain/storeVocabulary';
import type { TikTokOrderStatus } from '../../src/domain/tiktokStatus';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import type { EventStore } from '../../src/eventstore/createEventStore';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  ACTOR,
  checkBlockedOnlyUnderWait,
  checkCancelledNeverSynced,
  checkFoldsAgree,
  checkInventoryDeductedOnceWithSync,
  checkSyncedOnlyAsTheTableSays,
  foldOrder,
  minute,
  STATUSES,
  MODEL_DEFAULT_SETTINGS,
  type ModelStore,
  type OrderExecuted,
  type OrderStep,
  type ScenarioRun,
} from '../support/domainArbitraries';

/** Commands racing on one order, each on a connection of its own (the test connection budget: test/support/database.ts). */
const RACERS = 16;

let database: TestDatabase;
let eventStore: EventStore;
let shops = 0;

beforeAll(async () => {
  // More connections than concurrent commands: the race is in the database, not in the pool.
  database = await createTestDatabase(RACERS + 4);
  eventStore = createDomainEventStore(database.db);
});
afterAll(() => database.drop());

const context = (now: string): CommandContext => ({
  eventStore,
  now: () => new Date(now),
  metadata: { correlationId: `concurrency-${now}`, actor: ACTOR },
});

async function eventCount(): Promise<number> {
  const row = await database.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A Shopify PRO store of its own, with the given FBT rules. */
async function newStore(mode: FbtSyncMode, orderTag: string | null) {
  shops += 1;
  const tiktokShopId = `concurrency-${shops}`;
  const now = minute(0);
  await connectStore(context(now), {
    name: `Concurrency ${shops}`,
    tiktokShopId,
    platform: 'SHOPIFY',
    plan: 'PRO',
    shopDomain: `concurrency-${shops}.myshopify.com`,
  });
  await updateFbtSyncRules(context(now), { storeId: storeIdFor(tiktokShopId), mode, orderTag });
  return storeIdFor(tiktokShopId);
}

const lineItems = [
  { sku: 'MUG', title: 'Mug', quantity: 2, unitPrice: '12.50' },
  { sku: 'MUG', title: null, quantity: 1, unitPrice: '0.00' },
];

function orderInput(
  storeId: string,
  fulfillmentType: FulfillmentType,
  status: TikTokOrderStatus,
): RecordTikTokOrderInput {
  return {
    storeId,
    tiktokOrderId: '577001',
    fulfillmentType,
    status,
    lineItems,
    currency: 'USD',
    placedAt: minute(1),
  };
}

/** One of the commands racing on the order: webhooks (new, duplicate, late) and the reactor. */
type Racer =
  | { kind: 'status'; status: TikTokOrderStatus }
  | { kind: 'recordAgain'; status: TikTokOrderStatus }
  | { kind: 'start' }
  | { kind: 'synced'; attempt: number }
  | { kind: 'failure'; attempt: number; retryable: boolean }
  | { kind: 'retry' };

const racerArb: fc.Arbitrary<Racer> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom(...STATUSES),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('recordAgain' as const),
      status: fc.constantFrom(...STATUSES),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('start' as const) }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('synced' as const),
      attempt: fc.integer({ min: 1, max: 3 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('failure' as const),
      attempt: fc.integer({ min: 1, max: 3 }),
      retryable: fc.boolean(),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('retry' as const) }), weight: 1 },
);

/** The racer as the command it is, and as the scenario step the invariant checks read. */
function race(
  racer: Racer,
  input: RecordTikTokOrderInput,
  orderId: string,
  now: string,
): { step: OrderStep; attempt: number | null; run: () => Promise<OrderResult> } {
  const target = { shop: 0, order: 0 };
  const at = context(now);
  switch (racer.kind) {
    case 'status':
      return {
        step: { kind: 'RecordTikTokOrderStatus', target, status: racer.status },
        attempt: null,
        run: () =>
          recordTikTokOrderStatus(at, {
            storeId: input.storeId,
            tiktokOrderId: input.tiktokOrderId,
            status: racer.status,
            changedAt: now,
          }),
      };
    case 'recordAgain':
      return {
        step: { kind: 'RecordTikTokOrder', target, status: racer.status },
        attempt: null,
        run: () => recordTikTokOrder(at, { ...input, status: racer.status }),
      };
    case 'start':
      return {
        step: { kind: 'StartOrderSync', target },
        attempt: null,
        run: () => startOrderSync(at, orderId),
      };
    case 'synced':
      return {
        step: {
          kind: 'RecordOrderSynced',
          target,
          attempt: 'inFlight',
          alreadyOnPlatform: false,
        },
        attempt: racer.attempt,
        // Whatever the plan, the reactor reports it; read the plan it started under.
        run: async () => {
          const { events } = await eventStore.readStream(orderStreamId(orderId));
          const plan = foldOrder(events as unknown as OrderEvent[])?.syncPlan;
          return recordOrderSynced(at, orderId, {
            attempt: racer.attempt,
            platformOrderId: 'gid://shopify/Order/1',
            platformOrderStatus: plan?.platformOrderStatus ?? 'AWAITING_SHIPMENT',
            tags: plan?.tags ?? [],
            alreadyOnPlatform: false,
          });
        },
      };
    case 'failure':
      return {
        step: {
          kind: 'RecordOrderSyncFailure',
          target,
          attempt: 'inFlight',
          retryable: racer.retryable,
          maxAttempts: 3,
          retryAfterMinutes: 0,
        },
        attempt: racer.attempt,
        run: () =>
          recordOrderSyncFailure(at, orderId, {
            attempt: racer.attempt,
            reason: 'timeout',
            retryable: racer.retryable,
            maxAttempts: 3,
            nextAttemptAt: now,
          }),
      };
    case 'retry':
      return {
        step: { kind: 'RetryOrderSync', target },
        attempt: null,
        run: () => retryOrderSync(at, { orderId }),
      };
  }
}

describe(`${RACERS} concurrent commands on one order`, () => {
  it('refuse only with DomainError, keep the stream contiguous and every invariant intact', async () => {
    let raced = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FbtSyncMode>('SYNC_AND_DEDUCT_INVENTORY', 'WAIT_FOR_AWAITING_COLLECTION'),
        fc.constantFrom<FulfillmentType>('FULFILLED_BY_TIKTOK', 'FULFILLED_BY_SELLER'),
        fc.constantFrom(...STATUSES),
        fc.array(racerArb, { minLength: RACERS, maxLength: RACERS }),
        async (mode, fulfillmentType, firstStatus, racers) => {
          const storeId = await newStore(mode, 'FBT');
          const input = orderInput(storeId, fulfillmentType, firstStatus);
          const placing = await recordTikTokOrder(context(minute(1)), input);
          const orderId = orderIdFor(storeId, input.tiktokOrderId);
          const streamId = orderStreamId(orderId);

          const commands = racers.map((racer, i) => race(racer, input, orderId, minute(2 + i)));
          const settled = await Promise.allSettled(commands.map((c) => c.run()));

          // Nothing but business-rule refusals: no WrongExpectedVersion, no database error.
          for (const result of settled) {
            if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DomainError);
          }

          // One version after the other, from 0, nothing missing or doubled.
          const stored = await eventStore.readStream(streamId);
          expect(stored.events.map((e) => e.streamVersion)).toEqual(stored.events.map((_, i) => i));
          const events = stored.events.map((e) => ({ type: e.type, data: e.data })) as OrderEvent[];

          // Each command appended exactly the events at the versions it reports, and
          // only the accepted ones wrote: together they account for the whole stream.
          const accepted: OrderExecuted[] = [];
          let appendedInRace = 0;
          settled.forEach((result, i) => {
            if (result.status !== 'fulfilled') return;
            const { version, appended, state } = result.value;
            const from = version - appended.length + 1;
            expect(events.slice(from, version + 1)).toEqual(appended);
            appendedInRace += appended.length;
            accepted.push({
              stream: 'order',
              index: i + 2,
              now: minute(2 + i),
              repeated: false,
              shop: 0,
              order: 0,
              streamId,
              versionBefore: from - 1,
              step: commands[i]!.step,
              attempt: commands[i]!.attempt,
              // Linearized: the command decided on the stream as it was at the version it read.
              before: foldOrder(events.slice(0, from)),
              outcome: { ok: true, appended, state, version },
              modelStore: null,
            });
          });
          expect(appendedInRace).toBe(events.length - placing.appended.length);
          raced += accepted.filter((a) => a.outcome.ok && a.outcome.appended.length > 0).length;

          accepted.sort((a, b) => a.versionBefore - b.versionBefore);
          const store: ModelStore = {
            platform: 'SHOPIFY',
            plan: 'PRO',
            rules: { mode, orderTag: 'FBT' },
            settings: MODEL_DEFAULT_SETTINGS,
          };
          const last = accepted.reduce<OrderExecuted | undefined>(
            (latest, a) =>
              a.outcome.ok && (!latest?.outcome.ok || a.outcome.version >= latest.outcome.version)
                ? a
                : latest,
            undefined,
          );
          const run: ScenarioRun = {
            runTag: storeId,
            scenario: {
              orders: [{ fulfillmentType, lineItems, currency: 'USD' }],
              steps: [],
            },
            executed: [
              {
                stream: 'order',
                index: 1,
                now: minute(1),
                repeated: false,
                shop: 0,
                order: 0,
                streamId,
                versionBefore: -1,
                step: {
                  kind: 'RecordTikTokOrder',
                  target: { shop: 0, order: 0 },
                  status: firstStatus,
                },
                attempt: null,
                before: null,
                outcome: {
                  ok: true,
                  appended: placing.appended,
                  state: placing.state,
                  version: placing.version,
                },
                modelStore: store,
              },
              ...accepted,
            ],
            orders: [
              {
                streamId,
                shop: 0,
                order: 0,
                facts: { fulfillmentType, lineItems, currency: 'USD' },
                events,
                live: last?.outcome.ok ? last.outcome.state : placing.state,
              },
            ],
            stores: [],
          };
          checkSyncedOnlyAsTheTableSays(run);
          checkInventoryDeductedOnceWithSync(run);
          checkBlockedOnlyUnderWait(run);
          checkCancelledNeverSynced(run);
          checkFoldsAgree(run, new Map([[streamId, events]]));
        },
      ),
      { numRuns: 40 },
    );
    expect(raced).toBeGreaterThan(0);
  }, 120_000);
});

describe('idempotency and unknown ids', () => {
  it('records the same order twice as one order: the second time appends nothing, same id and stream', async () => {
    const storeId = await newStore('SYNC_AND_DEDUCT_INVENTORY', null);
    const input = orderInput(storeId, 'FULFILLED_BY_TIKTOK', 'AWAITING_SHIPMENT');
    const first = await recordTikTokOrder(context(minute(1)), input);
    const second = await recordTikTokOrder(context(minute(2)), input);

    expect(first.appended.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderSyncRequested']);
    expect(second.appended).toEqual([]);
    expect(second.version).toBe(first.version);
    expect(second.state?.orderId).toBe(first.state?.orderId);
    expect(first.state?.orderId).toBe(orderIdFor(storeId, input.tiktokOrderId));
    const { events } = await eventStore.readStream(orderStreamId(first.state!.orderId));
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderSyncRequested']);
  });

  // Two deliveries of the same webhook at once: both decide "new order", one
  // appends at no_stream, the other gets WrongExpectedVersion, reads again
  // and finds the order there.
  it('records the same order delivered twice at once as one order', async () => {
    const storeId = await newStore('SYNC_AND_DEDUCT_INVENTORY', null);
    const input = orderInput(storeId, 'FULFILLED_BY_SELLER', 'UNPAID');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => recordTikTokOrder(context(minute(1)), input)),
    );
    expect(new Set(results.map((r) => r.state?.orderId))).toEqual(
      new Set([orderIdFor(storeId, input.tiktokOrderId)]),
    );
    expect(results.filter((r) => r.appended.length > 0)).toHaveLength(1);
    const { events } = await eventStore.readStream(
      orderStreamId(orderIdFor(storeId, input.tiktokOrderId)),
    );
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced']);
  });

  it('refuses a status change for an unknown order with NOT_FOUND and writes nothing', async () => {
    const storeId = await newStore('SYNC_AND_DEDUCT_INVENTORY', null);
    const before = await eventCount();
    const refusal = recordTikTokOrderStatus(context(minute(1)), {
      storeId,
      tiktokOrderId: 'never-recorded',
      status: 'AWAITING_COLLECTION',
      changedAt: minute(1),
    });
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await eventCount()).toBe(before);
    const stream = await eventStore.readStream(
      orderStreamId(orderIdFor(storeId, 'never-recorded')),
    );
    expect(stream.currentVersion).toBe(-1);
  });

  it("refuses an order for an unknown store with NOT_FOUND on ['storeId'] and writes nothing", async () => {
    const before = await eventCount();
    const storeId = storeIdFor('never-connected');
    const refusal = recordTikTokOrder(
      context(minute(1)),
      orderInput(storeId, 'FULFILLED_BY_TIKTOK', 'AWAITING_SHIPMENT'),
    );
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({
      code: 'NOT_FOUND',
      problems: [expect.objectContaining({ code: 'NOT_FOUND', field: ['storeId'] })],
    });
    expect(await eventCount()).toBe(before);
    const stream = await eventStore.readStream(orderStreamId(orderIdFor(storeId, '577001')));
    expect(stream.currentVersion).toBe(-1);
  });
});
