import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { runCli, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let env: NodeJS.ProcessEnv;

/** An inbox row as the worker leaves it (the worker's own failure path is tested in test/webhooks). */
async function inboxRow(id: string, state: 'pending' | 'done' | 'failed', lastError?: string) {
  await sql`
    INSERT INTO tiktok_webhook_inbox (notification_id, type, tiktok_shop_id, store_id,
      tiktok_order_id, order_status, status_changed_at, body, state, attempts, last_error,
      processed_at)
    VALUES (${id}, 1, 'shop-1', 'store-1', ${`order-${id}`}, 'AWAITING_SHIPMENT',
      '2026-11-20T10:00:00Z', '{}', ${state}, ${state === 'failed' ? 8 : 1}, ${lastError ?? null},
      ${state === 'pending' ? null : sql`now()`})`.execute(database.db);
}

beforeAll(async () => {
  database = await createTestDatabase(2);
  env = { DATABASE_URL: database.url, DATA_DIR: tempDataDir() };
  await inboxRow('n1', 'failed', 'API_ERROR: access token expired');
  await inboxRow('n2', 'failed', 'API_ERROR: order not found');
  await inboxRow('n3', 'done');
});
afterAll(() => database.drop());

const states = async () =>
  Object.fromEntries(
    (
      await sql<{ notification_id: string; state: string; attempts: number }>`
        SELECT notification_id, state, attempts FROM tiktok_webhook_inbox ORDER BY sequence`.execute(
        database.db,
      )
    ).rows.map((r) => [r.notification_id, `${r.state}/${r.attempts}`]),
  );

describe('webhooks failed / requeue on the command line', () => {
  it('lists failed webhooks, requeues the named ones, names those it left, then the rest', async () => {
    const listed = await runCli(['webhooks', 'failed'], env);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => [r.notificationId, r.lastError, r.attempts])).toEqual([
      ['n1', 'API_ERROR: access token expired', 8],
      ['n2', 'API_ERROR: order not found', 8],
    ]);
    expect(rows[0]).toMatchObject({
      storeId: 'store-1',
      tiktokOrderId: 'order-n1',
      orderStatus: 'AWAITING_SHIPMENT',
      statusChangedAt: '2026-11-20T10:00:00+00:00',
    });
    expect(rows[0]!.failedAt).toEqual(expect.any(String));
    expect(listed.stderr).toMatch(/^2 failed webhook\(s\)$/m);

    // A done row and an unknown id are left as they are, and the exit status says so.
    const named = await runCli(['webhooks', 'requeue', 'n2', 'n3', 'nope'], env);
    expect(named.code).toBe(1);
    expect(named.stdout).toBe('n2\n');
    expect(named.stderr).toMatch(/requeued 1 failed webhook\(s\)/);
    expect(named.stderr).toMatch(/not failed, left as they are: n3, nope/);
    expect(await states()).toEqual({ n1: 'failed/8', n2: 'pending/0', n3: 'done/1' });

    const rest = await runCli(['webhooks', 'requeue'], env);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toBe('n1\n');
    expect(await states()).toEqual({ n1: 'pending/0', n2: 'pending/0', n3: 'done/1' });

    const none = await runCli(['webhooks', 'failed'], env);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/^0 failed webhook\(s\)$/m);
  });
});
