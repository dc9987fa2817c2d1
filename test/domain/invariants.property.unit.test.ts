import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainEvent } from '../../src/domain/eventCatalog';
import {
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
  createInMemoryCommands,
  emptyCoverage,
  measureCoverage,
  runScenario,
  scenarioArb,
  withoutStoreChangesAfter,
  type CoverageCase,
  type ScenarioRun,
} from '../support/domainArbitraries';

/**
 * The five invariants of docs/fbt-sync-rules.md, and those of its "After
 * sync" section (cancellations, partial cancellations and refunds after sync,
 * in any order, with duplicates), on the pure path: every
 * generated sequence runs through decideOrder/evolveOrder and
 * decideStore/evolveStore, one array per stream, exactly as the command
 * handler would (test/support/domainArbitraries.ts).
 */
const NUM_RUNS = 1000;
const NOW = '2026-11-28T10:00:00.000Z';

/** Runs the property over NUM_RUNS scenarios, then checks the runs reached the cases it is about. */
async function forEveryScenario(
  check: (run: ScenarioRun) => void | Promise<void>,
  mustReach: CoverageCase[],
): Promise<void> {
  const coverage = emptyCoverage();
  await fc.assert(
    fc.asyncProperty(scenarioArb(), async (scenario) => {
      const run = await runScenario(createInMemoryCommands(), scenario, 'pure');
      await check(run);
      measureCoverage(run, coverage);
    }),
    { numRuns: NUM_RUNS },
  );
  for (const name of mustReach) expect({ [name]: coverage[name] }).not.toEqual({ [name]: 0 });
}

/**
 * What a store would give back: each event through JSON, as the log stores
 * it, in the envelope it is read with (a fold must keep none of it).
 */
function storedCopies(run: ScenarioRun): Map<string, DomainEvent[]> {
  const streams = [...run.orders, ...run.stores];
  return new Map(
    streams.map((h) => [
      h.streamId,
      h.events.map(
        (event, streamVersion) =>
          ({
            ...(JSON.parse(JSON.stringify(event)) as DomainEvent),
            streamId: h.streamId,
            streamVersion,
            metadata: { correlationId: 'stored', schemaVersion: 1 },
          }) as unknown as DomainEvent,
      ),
    ]),
  );
}

describe('FBT sync invariants, on the pure deciders', () => {
  it('1. at most one OrderSynced per order, only when the table says so, under the rules it was placed under', async () => {
    await forEveryScenario(checkSyncedOnlyAsTheTableSays, [
      'sellerSynced',
      'fbtDefaultSynced',
      'fbtSyncedWithTag',
      'waitSynced',
      'syncedRecordedTwice',
      'rulesChangedAfterPlacement',
    ]);
  });

  // The same scenario without the store changes that came after orders were
  // placed: their streams must be the same event for event, whatever the
  // merchant chose later.
  it('1. rules changed after an order was placed do not change its decision', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (scenario) => {
        const run = await runScenario(createInMemoryCommands(), scenario, 'pure');
        // The first store change (one that appended something) after the first order was placed.
        const placings = run.executed.filter(
          (e) => e.outcome.ok && e.outcome.appended.some((event) => event.type === 'OrderPlaced'),
        );
        const firstPlaced = placings[0];
        const change = run.executed.find(
          (e) =>
            e.stream === 'store' &&
            firstPlaced !== undefined &&
            e.index > firstPlaced.index &&
            e.outcome.ok &&
            e.outcome.appended.length > 0,
        );
        if (change === undefined) return;
        const without = await runScenario(
          createInMemoryCommands(),
          withoutStoreChangesAfter(scenario, change.index - 1),
          'pure',
        );
        // Every order placed before that change: the same stream, event for event.
        for (const placed of placings.filter((p) => p.index < change.index)) {
          const before = run.orders.find((h) => h.streamId === placed.streamId);
          const after = without.orders.find((h) => h.streamId === placed.streamId);
          expect(after?.events).toEqual(before?.events);
          compared += 1;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(compared).toBeGreaterThan(0);
  });

  it('2. inventory is deducted at most once per order, at one location, with OrderSynced', async () => {
    await forEveryScenario(checkInventoryDeductedOnceWithSync, [
      'sellerSynced',
      'fbtDefaultSynced',
      'waitSynced',
      'syncedRecordedTwice',
      'resultNotInFlight',
    ]);
  });

  it('3. BLOCKED only for FBT orders placed under WAIT_FOR_AWAITING_COLLECTION, and only before AWAITING_COLLECTION', async () => {
    await forEveryScenario(checkBlockedOnlyUnderWait, [
      'waitBlockedThenSynced',
      'waitFirstSeenAtCollection',
      'blockedStillBlocked',
    ]);
  });

  it('4. a CANCELLED-before-sync order is never synced; statuses only move on', async () => {
    await forEveryScenario(checkCancelledNeverSynced, [
      'cancelledBeforeSync',
      'cancelledWithAttemptInFlight',
      'cancelledAfterSync',
      'cancelledAfterDeliveredIgnored',
      'duplicateStatusIgnored',
      'staleStatusIgnored',
      'orderRecordedTwice',
    ]);
  });

  it('5. live, replayed and stored-then-rebuilt folds agree, and rows picked up again fold on alike', async () => {
    await forEveryScenario(
      (run) => checkFoldsAgree(run, storedCopies(run)),
      [
        'retriedAfterFailure',
        'finalFailure',
        'waitSynced',
        'settingsRecorded',
        'syncedOnHold',
        'holdReleaseRequested',
        'cancelledAfterSyncRequested',
        'linesCancelledAfterSync',
        'refundRequested',
        'restockedOnMirror',
        'mirroringRetried',
      ],
    );
  });

  it('after sync: at most one platform cancellation per order; each TikTok fact mirrored at most once; duplicates, stale and rejected facts append nothing', async () => {
    await forEveryScenario(checkAfterSyncOnce, [
      'cancelledAfterSyncRequested',
      'platformCancellationMirrored',
      'cancelledInHoldWindow',
      'linesCancelledAfterSync',
      'factRecordedBeforeSync',
      'refundRequested',
      'returnNotCompletedIgnored',
      'duplicateFactIgnored',
      'holdReleaseRequested',
      'holdReleaseSuperseded',
      'mirroringFailedFinal',
      'mirroringRetried',
      'mirroringAnswerRefused',
    ]);
  });

  it('after sync: never more restocked than deducted, per line and per location, as the rules say', async () => {
    await forEveryScenario(checkRestockedNoMoreThanDeducted, [
      'cancelledAfterSyncRequested',
      'cancelledAfterSyncNotRestocked',
      'linesCancelledAfterSync',
      'refundRestocked',
      'restockedOnMirror',
      'unitsLeftOut',
    ]);
  });

  it("after sync: never more refunded than the order's total", async () => {
    await forEveryScenario(checkRefundedNoMoreThanTotal, [
      'refundRequested',
      'refundClamped',
      'linesCancelledAfterSync',
    ]);
  });

  it('store streams: no FBT rules on FREE/ESSENTIALS, WAIT and tags only on Shopify, resets recorded', async () => {
    await forEveryScenario(checkStoreRules, ['rulesResetOnPlanChange', 'ruleChangeRefused']);
  });

  // "A tag is 1–40 characters": a merchant's 21-emoji tag is 21 characters,
  // whatever JavaScript's String.length (UTF-16 code units) says.
  it('store: a tag of 1–40 characters is taken, counting characters outside the BMP as one', async () => {
    const characterArb = fc.constantFrom('🎁', '📦', '𝔽', 'é', 'T', '-');
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(characterArb, { minLength: 1, maxLength: 40, size: 'max' })
          .map((chars) => chars.join('')),
        async (tag) => {
          const commands = createInMemoryCommands();
          const { state } = await commands.connectStore(NOW, {
            name: 'Emoji shop',
            tiktokShopId: 'emoji-shop',
            platform: 'SHOPIFY',
            plan: 'PRO',
            shopDomain: 'emoji.myshopify.com',
          });
          const result = await commands.updateFbtSyncRules(NOW, {
            storeId: state!.storeId,
            mode: 'WAIT_FOR_AWAITING_COLLECTION',
            orderTag: tag,
          });
          expect(result.state?.rules.orderTag).toBe(tag);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refused commands append nothing', async () => {
    await forEveryScenario(checkVersions, ['resultNotInFlight', 'ruleChangeRefused']);
  });
});
