import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CommandContext } from '../../src/commands/commandContext';
import {
  recordOrderSynced,
  recordOrderSyncFailure,
  recordPlatformMirrored,
  recordPlatformMirroringFailure,
  recordTikTokCancellation,
  recordTikTokOrder,
  recordTikTokOrderStatus,
  recordTikTokReturn,
  retryOrderSync,
  startOrderSync,
  startPlatformMirroring,
} from '../../src/commands/orderCommands';
import {
  changeStorePlan,
  connectStore,
  updateFbtSyncRules,
  updateOrderSettings,
} from '../../src/commands/storeCommands';
import type { DomainEvent } from '../../src/domain/eventCatalog';
import type { OrderEvent } from '../../src/domain/orderEvents';
import type { StoreEvent } from '../../src/domain/storeEvents';
import { parseCheckpoint, START } from '../../src/eventstore/checkpoint';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import type { EventStore } from '../../src/eventstore/createEventStore';
import type { Checkpoint } from '../../src/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  ACTOR,
  checkAfterSyncOnce,
  checkBlockedOnlyUnderWait,
  checkCancelledNeverSynced,
  checkFoldsAgree,
  checkInventoryDeductedOnceWithSync,
  checkRefundedNoMoreThanTotal,
  checkRestockedNoMoreThanDeducted,
  checkStoreRules,
  checkSyncedOnlyAsTheTableSays,
  checkVersions,
  emptyCoverage,
  foldOrder,
  foldStore,
  measureCoverage,
  rebuildStreamsFromLog,
  runScenario,
  scenarioArb,
  type CommandPort,
  type CoverageCase,
  type ScenarioRun,
} from '../support/domainArbitraries';

/**
 * The five invariants of docs/fbt-sync-rules.md, and those of its "After
 * sync" section, through the real command
 * functions and handler on PostgreSQL: the same generated scenarios as the
 * pure test (test/domain/invariants.property.unit.test.ts), fewer of them.
 * Every run uses TikTok shop ids of its own, so its stores and orders get
 * streams of their own and one database serves every run.
 */
const NUM_RUNS = 60;
const TIMEOUT = 120_000;

let database: TestDatabase;
let eventStore: EventStore;
let runs = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  // As the service uses the log: catalog versions stamped, older ones upcast on read.
  eventStore = createDomainEventStore(database.db);
});
afterAll(() => database.drop());

/** The command functions of src/commands, each with a fixed clock. */
function commandsOnDatabase(store: EventStore): CommandPort {
  const at = (now: string): CommandContext => ({
    eventStore: store,
    now: () => new Date(now),
    metadata: { correlationId: `property-${now}`, actor: ACTOR },
  });
  return {
    connectStore: (now, input) => connectStore(at(now), input),
    changeStorePlan: (now, input) => changeStorePlan(at(now), input),
    updateFbtSyncRules: (now, input) => updateFbtSyncRules(at(now), input),
    recordTikTokOrder: (now, input) => recordTikTokOrder(at(now), input),
    recordTikTokOrderStatus: (now, input) => recordTikTokOrderStatus(at(now), input),
    startOrderSync: (now, orderId) => startOrderSync(at(now), orderId),
    recordOrderSynced: (now, orderId, outcome) => recordOrderSynced(at(now), orderId, outcome),
    recordOrderSyncFailure: (now, orderId, failure) =>
      recordOrderSyncFailure(at(now), orderId, failure),
    retryOrderSync: (now, input) => retryOrderSync(at(now), input),
    updateOrderSettings: (now, input) => updateOrderSettings(at(now), input),
    recordTikTokCancellation: (now, input) => recordTikTokCancellation(at(now), input),
    recordTikTokReturn: (now, input) => recordTikTokReturn(at(now), input),
    startPlatformMirroring: (now, orderId, key) => startPlatformMirroring(at(now), orderId, key),
    recordPlatformMirrored: (now, orderId, outcome) =>
      recordPlatformMirrored(at(now), orderId, outcome),
    recordPlatformMirroringFailure: (now, orderId, failure) =>
      recordPlatformMirroringFailure(at(now), orderId, failure),
    readStream: async (streamId) => {
      const { events, currentVersion } = await store.readStream(streamId);
      return {
        events: events.map((e) => ({ type: e.type, data: e.data }) as DomainEvent),
        version: currentVersion,
      };
    },
  };
}

/** What every run of this file reached; the last test checks the table's rows all came up. */
const reached = emptyCoverage();
let scenarioRuns = 0;

/**
 * Runs the property over NUM_RUNS scenarios on the database, then checks the
 * runs reached the cases it names (only cases common enough that a batch of
 * NUM_RUNS all but surely meets them; rarer rows are checked over the file).
 */
async function forEveryScenario(
  check: (run: ScenarioRun, logBefore: Checkpoint) => void | Promise<void>,
  mustReach: CoverageCase[],
  numRuns = NUM_RUNS,
): Promise<void> {
  const coverage = emptyCoverage();
  await fc.assert(
    fc.asyncProperty(scenarioArb(), async (scenario) => {
      runs += 1;
      const logBefore = await eventStore.headCheckpoint();
      const run = await runScenario(commandsOnDatabase(eventStore), scenario, `run${runs}`);
      await check(run, logBefore);
      measureCoverage(run, coverage);
      measureCoverage(run, reached);
      scenarioRuns += 1;
    }),
    { numRuns },
  );
  for (const name of mustReach) expect({ [name]: coverage[name] }).not.toEqual({ [name]: 0 });
}

const transactionOf = (checkpoint: string) => parseCheckpoint(checkpoint).transactionId;

describe('FBT sync invariants, through the command handler on PostgreSQL', () => {
  it(
    '1. at most one OrderSynced per order, only when the table says so, under the rules it was placed under',
    async () => {
      await forEveryScenario(checkSyncedOnlyAsTheTableSays, ['rulesChangedAfterPlacement']);
    },
    TIMEOUT,
  );

  it(
    '2. inventory is deducted at most once per order, at one location, with OrderSynced in one transaction',
    async () => {
      await forEveryScenario(
        async (run) => {
          checkInventoryDeductedOnceWithSync(run);
          // "The same append": one INSERT, so one transaction in the log.
          for (const history of run.orders) {
            const { events } = await eventStore.readStream(history.streamId);
            const synced = events.find((e) => e.type === 'OrderSynced');
            const deducted = events.find((e) => e.type === 'InventoryDeducted');
            if (synced && deducted) {
              expect(transactionOf(deducted.checkpoint)).toBe(transactionOf(synced.checkpoint));
              expect(deducted.streamVersion).toBe(synced.streamVersion + 1);
            }
          }
        },
        ['resultNotInFlight'],
      );
    },
    TIMEOUT,
  );

  it(
    '3. BLOCKED only for FBT orders placed under WAIT_FOR_AWAITING_COLLECTION, and only before AWAITING_COLLECTION',
    async () => {
      await forEveryScenario(checkBlockedOnlyUnderWait, []);
    },
    TIMEOUT,
  );

  it(
    '4. a CANCELLED-before-sync order is never synced; statuses only move on',
    async () => {
      await forEveryScenario(checkCancelledNeverSynced, [
        'cancelledBeforeSync',
        'staleStatusIgnored',
        'orderRecordedTwice',
      ]);
    },
    TIMEOUT,
  );

  it(
    '5. live, replayed and rebuilt-from-the-log folds agree',
    async () => {
      await forEveryScenario(
        async (run, logBefore) => {
          // The log as a projection rebuild reads it: in small batches, from
          // before the run (its streams have no earlier events), grouped by stream.
          const streams = [...run.orders, ...run.stores];
          const rebuilt = await rebuildStreamsFromLog(eventStore, {
            after: logBefore,
            batchSize: 7,
            streamIds: new Set(streams.map((h) => h.streamId)),
            expectedCounts: new Map(streams.map((h) => [h.streamId, h.events.length])),
          });
          checkFoldsAgree(run, rebuilt);
        },
        ['orderRecordedTwice'],
      );

      // And the whole log of every run so far, from the start, against each stream read alone.
      const all = await database.db.selectFrom('events').select(['stream_id']).distinct().execute();
      const ids = all.map((row) => row.stream_id);
      const byStream = await eventStore.readStreams(ids);
      const rebuilt = await rebuildStreamsFromLog(eventStore, {
        after: START,
        batchSize: 97,
        streamIds: new Set(ids),
        expectedCounts: new Map([...byStream].map(([id, events]) => [id, events.length])),
      });
      for (const [id, events] of byStream) {
        const read = events.map((e) => ({ type: e.type, data: e.data }));
        expect(rebuilt.get(id)).toEqual(read);
        if (id.startsWith('order-')) {
          expect(foldOrder(rebuilt.get(id) as OrderEvent[])).toEqual(
            foldOrder(read as OrderEvent[]),
          );
        } else {
          expect(foldStore(rebuilt.get(id) as StoreEvent[])).toEqual(
            foldStore(read as StoreEvent[]),
          );
        }
      }
    },
    TIMEOUT,
  );

  it(
    "after sync: one platform cancellation per order, each TikTok fact mirrored once, never more restocked than deducted nor refunded than the order's total",
    async () => {
      await forEveryScenario(
        (run) => {
          checkAfterSyncOnce(run);
          checkRestockedNoMoreThanDeducted(run);
          checkRefundedNoMoreThanTotal(run);
        },
        ['refundRequested'],
      );
    },
    TIMEOUT,
  );

  it(
    'store streams: no FBT rules on FREE/ESSENTIALS, WAIT and tags only on Shopify, resets recorded',
    async () => {
      await forEveryScenario(checkStoreRules, ['ruleChangeRefused']);
    },
    TIMEOUT,
  );

  it(
    'refused commands append nothing',
    async () => {
      await forEveryScenario(checkVersions, ['resultNotInFlight']);
    },
    TIMEOUT,
  );

  // Run alone (jest -t), this test makes up the runs, with every check at once.
  it(
    'the runs reached every row of the table',
    async () => {
      const wanted = 6 * NUM_RUNS;
      if (scenarioRuns < wanted) {
        await forEveryScenario(
          (run) => {
            checkSyncedOnlyAsTheTableSays(run);
            checkInventoryDeductedOnceWithSync(run);
            checkBlockedOnlyUnderWait(run);
            checkCancelledNeverSynced(run);
            checkStoreRules(run);
            checkVersions(run);
            checkAfterSyncOnce(run);
            checkRestockedNoMoreThanDeducted(run);
            checkRefundedNoMoreThanTotal(run);
          },
          [],
          wanted - scenarioRuns,
        );
      }
      const rows: CoverageCase[] = [
        'sellerSynced',
        'fbtDefaultSynced',
        'waitSynced',
        'waitFirstSeenAtCollection',
        'cancelledWithAttemptInFlight',
        'cancelledAfterDeliveredIgnored',
        'duplicateStatusIgnored',
        'syncedRecordedTwice',
        'finalFailure',
        'rulesResetOnPlanChange',
        'syncedOnHold',
        'holdReleaseRequested',
        'cancelledAfterSyncRequested',
        'linesCancelledAfterSync',
        'refundRequested',
        'restockedOnMirror',
      ];
      for (const name of rows) expect({ [name]: reached[name] }).not.toEqual({ [name]: 0 });
    },
    TIMEOUT,
  );
});
