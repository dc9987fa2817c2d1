import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { claimNextWebhook, nextWebhookDueInMs } from '../../src/adapters/tiktok/webhookInboxClaim';
import {
  pruneDoneWebhooks,
  requeueFailedWebhooks,
} from '../../src/adapters/tiktok/webhookInboxMaintenance';
import {
  recordWebhookNotification,
  type WebhookNotificationToRecord,
} from '../../src/adapters/tiktok/webhookInboxRecord';
import {
  completeWebhook,
  failWebhook,
  releaseWebhook,
  retryWebhookLater,
  type WebhookLease,
} from '../../src/adapters/tiktok/webhookInboxSettle';
import { readWebhookInboxStats } from '../../src/adapters/tiktok/webhookInboxStats';
import type { WebhookInboxRow } from '../../src/adapters/tiktok/webhookTables';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(4);
});
beforeEach(async () => {
  await sql`TRUNCATE tiktok_webhook_inbox`.execute(database.db);
});
afterAll(() => database.drop());

const LEASE_MS = 60_000;

function notification(notificationId: string, tiktokOrderId: string): WebhookNotificationToRecord {
  return {
    notificationId,
    type: 1,
    tiktokShopId: '7494',
    storeId: 'store-1',
    tiktokOrderId,
    orderStatus: 'AWAITING_SHIPMENT',
    statusChangedAt: '2024-01-23T08:55:00.000Z',
    body: '{"type":1}',
  };
}

const leaseOf = (row: WebhookInboxRow): WebhookLease => ({
  notificationId: row.notification_id,
  leaseToken: row.lease_token!,
});

/** Records a row and hands it back to the worker, as the route does for an unknown order. */
async function queued(notificationId: string, tiktokOrderId: string): Promise<void> {
  const recorded = await recordWebhookNotification(
    database.db,
    notification(notificationId, tiktokOrderId),
    LEASE_MS,
  );
  if (recorded.kind !== 'inserted') throw new Error('expected a new row');
  await releaseWebhook(database.db, leaseOf(recorded.row));
}

describe('the webhook inbox', () => {
  it('has nothing due when it is empty (not "due now": the worker must sleep)', async () => {
    expect(await nextWebhookDueInMs(database.db)).toBeNull();
    expect(await claimNextWebhook(database.db, LEASE_MS)).toBeUndefined();
  });

  it('records a notification once, born leased to the request that wrote it', async () => {
    const first = await recordWebhookNotification(database.db, notification('n1', 'o1'), LEASE_MS);
    expect(first).toMatchObject({ kind: 'inserted', behind: false });
    expect(first.kind === 'inserted' && first.row).toMatchObject({
      state: 'pending',
      attempts: 1,
      tiktok_order_id: 'o1',
    });
    expect(
      await recordWebhookNotification(database.db, notification('n1', 'o1'), LEASE_MS),
    ).toEqual({
      kind: 'duplicate',
    });
    // Leased: the worker leaves it alone until the lease runs out.
    expect(await claimNextWebhook(database.db, LEASE_MS)).toBeUndefined();
    expect(await nextWebhookDueInMs(database.db)).toBeGreaterThan(LEASE_MS / 2);

    const second = await recordWebhookNotification(database.db, notification('n2', 'o1'), LEASE_MS);
    expect(second).toMatchObject({ kind: 'inserted', behind: true });
  });

  it('hands out one order’s rows one at a time, in the order they came, other orders alongside', async () => {
    await queued('a1', 'order-a');
    await queued('b1', 'order-b');
    await queued('a2', 'order-a');
    expect(await nextWebhookDueInMs(database.db)).toBe(0);

    const first = await claimNextWebhook(database.db, LEASE_MS);
    const second = await claimNextWebhook(database.db, LEASE_MS);
    expect([first?.notification_id, second?.notification_id]).toEqual(['a1', 'b1']);
    expect(first).toMatchObject({ attempts: 1 });
    // a2 waits for a1, even though a1 is only leased, not done.
    expect(await claimNextWebhook(database.db, LEASE_MS)).toBeUndefined();

    expect(
      await completeWebhook(database.db, leaseOf(first!), 'order_recorded'),
    ).toBeGreaterThanOrEqual(0);
    expect((await claimNextWebhook(database.db, LEASE_MS))?.notification_id).toBe('a2');
  });

  it('holds a row back until its retry is due, and lets later rows of its order wait behind it', async () => {
    await queued('a1', 'order-a');
    await queued('a2', 'order-a');
    const row = await claimNextWebhook(database.db, LEASE_MS);
    await retryWebhookLater(database.db, leaseOf(row!), 'TikTok answered 503', 60_000);

    expect(await claimNextWebhook(database.db, LEASE_MS)).toBeUndefined();
    expect(await nextWebhookDueInMs(database.db)).toBeGreaterThan(30_000);
    const kept = await database.db
      .selectFrom('tiktok_webhook_inbox')
      .selectAll()
      .where('notification_id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(kept).toMatchObject({
      state: 'pending',
      attempts: 1,
      last_error: 'TikTok answered 503',
      lease_token: null,
    });
  });

  it('ignores a settlement from a claimer whose lease is gone', async () => {
    await queued('a1', 'order-a');
    const row = await claimNextWebhook(database.db, LEASE_MS);
    const stale: WebhookLease = {
      ...leaseOf(row!),
      leaseToken: '00000000-0000-4000-8000-000000000000',
    };
    expect(await completeWebhook(database.db, stale, 'status_recorded')).toBeUndefined();
    await failWebhook(database.db, stale, 'no');
    const after = await database.db
      .selectFrom('tiktok_webhook_inbox')
      .select(['state', 'lease_token'])
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ state: 'pending', lease_token: row!.lease_token });
  });

  it('lets a failed row stop blocking its order, counts it, and queues it again on request', async () => {
    await queued('a1', 'order-a');
    await queued('a2', 'order-a');
    const row = await claimNextWebhook(database.db, LEASE_MS);
    await failWebhook(database.db, leaseOf(row!), 'API_ERROR: refused');
    expect((await claimNextWebhook(database.db, LEASE_MS))?.notification_id).toBe('a2');
    expect(await readWebhookInboxStats(database.db)).toMatchObject({ pending: 1, failed: 1 });

    expect(await requeueFailedWebhooks(database.db)).toEqual(['a1']);
    const requeued = await database.db
      .selectFrom('tiktok_webhook_inbox')
      .selectAll()
      .where('notification_id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(requeued).toMatchObject({ state: 'pending', attempts: 0, processed_at: null });
  });

  it('reports the age of the oldest pending row as the lag', async () => {
    expect(await readWebhookInboxStats(database.db)).toEqual({
      pending: 0,
      failed: 0,
      lagSeconds: 0,
    });
    await queued('a1', 'order-a');
    await sql`UPDATE tiktok_webhook_inbox SET received_at = now() - interval '90 seconds'`.execute(
      database.db,
    );
    const stats = await readWebhookInboxStats(database.db);
    expect(stats.pending).toBe(1);
    expect(stats.lagSeconds).toBeGreaterThanOrEqual(90);
  });

  it('prunes done rows past the deduplication window, and nothing else', async () => {
    await queued('old', 'order-a');
    await queued('new', 'order-b');
    await queued('failed', 'order-c');
    for (let i = 0; i < 3; i++) {
      const row = await claimNextWebhook(database.db, LEASE_MS);
      if (row!.notification_id === 'failed') await failWebhook(database.db, leaseOf(row!), 'x');
      else await completeWebhook(database.db, leaseOf(row!), 'status_recorded');
    }
    await sql`UPDATE tiktok_webhook_inbox SET processed_at = now() - interval '31 days'
      WHERE notification_id IN ('old', 'failed')`.execute(database.db);
    expect(await pruneDoneWebhooks(database.db, 30 * 24 * 60 * 60 * 1000)).toBe(1);
    const left = await database.db
      .selectFrom('tiktok_webhook_inbox')
      .select('notification_id')
      .orderBy('notification_id')
      .execute();
    expect(left.map((row) => row.notification_id)).toEqual(['failed', 'new']);
  });
});
