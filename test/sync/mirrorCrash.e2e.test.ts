import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { recordTikTokCancellation, recordTikTokReturn } from '../../src/commands/orderCommands';
import { startServe, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeShopify, startFakeShopify } from '../support/fakeShopify';
import { shopifyLife, untilMirrored } from './mirrorHarness';
import {
  connectTestStore,
  orderOf,
  placeOrder,
  type Process,
  startProcess,
  type TestStore,
  until,
  untilSynced,
} from './syncHarness';

// `serve` runs the compiled dist/ (npm test builds it first).
let database: TestDatabase;
let fake: FakeShopify;
let tester: Process;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  database = await createTestDatabase(1);
  fake = await startFakeShopify();
  // TikTok's facts are recorded here, as the intake would; its NOTIFY wakes the serve process.
  tester = startProcess(database.url);
  env = {
    DATABASE_URL: database.url,
    DATA_DIR: tempDataDir(),
    PLATFORM: 'shopify',
    SHOPIFY_ADMIN_API_URL: fake.url,
    SHOPIFY_ACCESS_TOKEN: fake.accessToken,
  };
});
afterAll(async () => {
  await tester.close();
  await fake.close();
  await database.drop();
  expect(fake.validationFailures).toEqual([]);
});

const mutationsOf = (store: TestStore, operationName: string) =>
  fake.requests.filter((r) => r.shop === store.shopDomain && r.operationName === operationName);

/**
 * serve is SIGKILLed while Shopify holds the mutation it has applied: the
 * worst moment, between the platform's effect and the append of the outcome.
 * After a restart the attempt in flight is superseded, the platform's look-up
 * finds the effect, and the mirroring is recorded once, alreadyOnPlatform.
 */
async function crashBetweenEffectAndAppend(
  operationName: string,
  record: (store: TestStore, tiktokOrderId: string) => Promise<unknown>,
) {
  const store = await connectTestStore(tester.context, {});
  fake.addVariant(store.shopDomain, 'MUG-RED');
  fake.addVariant(store.shopDomain, 'CAP-BLUE');
  const first = await startServe(env);
  const { orderId, tiktokOrderId } = await placeOrder(tester.context, store, {
    fulfillmentType: 'FULFILLED_BY_SELLER',
  });
  await untilSynced(tester.eventStore, orderId);

  fake.inject({ kind: 'applyThenHang' }, { operation: operationName });
  await record(store, tiktokOrderId);
  await until(
    () => mutationsOf(store, operationName).some((r) => r.outcome === 'applied-then-hung'),
    `Shopify to hold the ${operationName} it applied`,
  );
  await first.stop('SIGKILL');
  const crashed = await orderOf(tester.eventStore, orderId);
  expect(crashed.afterSync.mirrorings[0]).toMatchObject({ status: 'PENDING', attemptInFlight: 1 });

  const second = await startServe(env);
  let metrics: string;
  try {
    await untilMirrored(tester, orderId);
    metrics = await (await fetch(`${second.url}/metrics`)).text();
  } finally {
    expect(await second.stop('SIGTERM')).toBe(0);
  }
  const mirrored = await orderOf(tester.eventStore, orderId);
  expect(mirrored.afterSync.mirrorings[0]).toMatchObject({ status: 'MIRRORED', attempts: 2 });
  expect(metrics).toMatch(
    /fbt_sync_mirrorings_done_total\{[^}]*already_on_platform="true"[^}]*\} 1/,
  );
  expect(mutationsOf(store, operationName)).toHaveLength(1);
  return { store, tiktokOrderId };
}

it('killed between orderCancel and its append: after a restart, the order cancelled exactly once', async () => {
  const { store, tiktokOrderId } = await crashBetweenEffectAndAppend(
    'CancelOrder',
    (store, tiktokOrderId) =>
      recordTikTokCancellation(tester.context, {
        storeId: store.storeId,
        tiktokOrderId,
        cancellationId: null,
        lines: null,
        reason: 'Buyer changed their mind',
        initiator: 'BUYER',
        cancelledAt: new Date().toISOString(),
      }),
  );
  expect(await shopifyLife(fake)(store, tiktokOrderId)).toMatchObject({
    cancelled: true,
    restockedOnCancel: true,
  });
}, 180_000);

it('killed between refundCreate and its append: after a restart, exactly one refund', async () => {
  const { store, tiktokOrderId } = await crashBetweenEffectAndAppend(
    'CreateRefund',
    (store, tiktokOrderId) =>
      recordTikTokReturn(tester.context, {
        storeId: store.storeId,
        tiktokOrderId,
        returnId: 'R-CRASH',
        status: 'COMPLETED',
        returnType: 'REFUND_ONLY',
        lines: [{ line: 0, quantity: 1 }],
        amount: '12.50',
        currency: 'USD',
        changedAt: new Date().toISOString(),
      }),
  );
  expect((await shopifyLife(fake)(store, tiktokOrderId)).refunds).toMatchObject([
    { key: 'refund:R-CRASH', amount: '12.50' },
  ]);
}, 180_000);
