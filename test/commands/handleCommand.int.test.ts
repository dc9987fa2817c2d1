import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError } from '../../src/domain/domainError';
import {
  changeStorePlan,
  connectStore,
  updateFbtSyncRules,
} from '../../src/commands/storeCommands';
import type { CommandContext } from '../../src/commands/commandContext';
import { createEventStore } from '../../src/eventstore/createEventStore';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let context: CommandContext;
beforeAll(async () => {
  database = await createTestDatabase(4);
  context = {
    eventStore: createEventStore({ db: database.db }),
    now: () => new Date('2026-11-28T10:00:00.000Z'),
    metadata: { correlationId: 'corr-1', actor: 'admin' },
  };
});
afterAll(() => database.drop());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('the command handler', () => {
  it('appends with the metadata of the command and returns the state it folded', async () => {
    const result = await connectStore(context, {
      name: 'Acme',
      tiktokShopId: 'shop-h1',
      platform: 'SHOPIFY',
      plan: 'PRO',
      shopDomain: 'acme.myshopify.com',
    });
    expect(result.version).toBe(0);
    expect(result.state).toMatchObject({ name: 'Acme', plan: 'PRO' });
    const [event] = (await context.eventStore.readStream(`store-${result.state!.storeId}`)).events;
    expect(event!.metadata).toEqual({ correlationId: 'corr-1', actor: 'admin', schemaVersion: 1 });
  });

  it('refuses a stale expectedVersion with VERSION_CONFLICT and writes nothing', async () => {
    const { state } = await connectStore(context, {
      name: 'B',
      tiktokShopId: 'shop-h2',
      platform: 'SHOPIFY',
      plan: 'PRO',
      shopDomain: 'b.myshopify.com',
    });
    const storeId = state!.storeId;
    await updateFbtSyncRules(context, {
      storeId,
      mode: 'WAIT_FOR_AWAITING_COLLECTION',
      orderTag: null,
      expectedVersion: 0,
    });
    const error = await refusal(
      updateFbtSyncRules(context, {
        storeId,
        mode: 'SYNC_AND_DEDUCT_INVENTORY',
        orderTag: 'x',
        expectedVersion: 0,
      }),
    );
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(error.problems[0].field).toEqual(['expectedVersion']);
    expect((await context.eventStore.readStream(`store-${storeId}`)).currentVersion).toBe(1);
    // The right version goes through.
    const ok = await changeStorePlan(context, { storeId, plan: 'FREE', expectedVersion: 1 });
    expect(ok.appended.map((e) => e.type)).toEqual(['StorePlanChanged', 'FbtSyncRulesReset']);
  });

  it('says NOT_FOUND (not VERSION_CONFLICT) for an unknown store, whatever version is expected', async () => {
    const error = await refusal(
      changeStorePlan(context, { storeId: 'nope', plan: 'PRO', expectedVersion: 3 }),
    );
    expect(error.code).toBe('NOT_FOUND');
  });

  it('re-decides when concurrent commands race on one stream: each plan change lands once, in some order', async () => {
    const { state } = await connectStore(context, {
      name: 'C',
      tiktokShopId: 'shop-h3',
      platform: 'SHOPIFY',
      plan: 'FREE',
      shopDomain: 'c.myshopify.com',
    });
    const plans = [
      'ESSENTIALS',
      'PRO',
      'ENTERPRISE',
      'FREE',
      'PRO',
      'ESSENTIALS',
      'ENTERPRISE',
      'FREE',
    ] as const;
    await Promise.all(
      plans.map((plan) => changeStorePlan(context, { storeId: state!.storeId, plan })),
    );
    const { events } = await context.eventStore.readStream(`store-${state!.storeId}`);
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i));
    // Each recorded change starts from the plan the previous one ended at.
    let current = 'FREE';
    for (const event of events.slice(1)) {
      const data = event.data as { previousPlan: string; plan: string };
      expect(data.previousPlan).toBe(current);
      current = data.plan;
    }
  });
});
