import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDomainEventStore } from '../../src/commands/domainEventStore';
import { recordTikTokOrder } from '../../src/commands/orderCommands';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, runCli, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeTikTokShop, startFakeTikTokShop } from '../support/fakeTikTokShop';
import {
  connectStoreTwoDaysAgo,
  putScenarioOrder,
  scenarioOrders,
} from '../support/reconcileScenario';
import { credentials, orderState } from '../webhooks/webhookTestService';

// Runs the compiled command line (dist/): `npx tsc -p tsconfig.build.json` first, as `npm test` does.
const shopId = '7494000000000000077';
let database: TestDatabase;
let fake: FakeTikTokShop;
let env: NodeJS.ProcessEnv;
let storeId: string;
const parts = () => ({ eventStore: createDomainEventStore(database.db) });
const orders = scenarioOrders('579100', 12);

beforeAll(async () => {
  database = await createTestDatabase(2);
  fake = await startFakeTikTokShop(credentials);
  env = {
    DATABASE_URL: database.url,
    DATA_DIR: tempDataDir(),
    TIKTOK_APP_KEY: credentials.appKey,
    TIKTOK_APP_SECRET: credentials.appSecret,
    TIKTOK_ACCESS_TOKEN: credentials.accessToken,
    TIKTOK_API_BASE_URL: fake.baseUrl,
  };
  storeId = await connectStoreTwoDaysAgo(parts().eventStore, shopId);
  for (const order of orders) putScenarioOrder(fake, order, true);
  // One order is known at an earlier status: its later webhook was lost.
  const known = orders.find((o) => o.laterStatus === 'AWAITING_COLLECTION')!;
  await recordTikTokOrder(
    {
      eventStore: parts().eventStore,
      now: () => new Date(),
      metadata: { correlationId: 'x', actor: 'test' },
    },
    {
      storeId,
      tiktokOrderId: known.tiktokOrderId,
      fulfillmentType: 'FULFILLED_BY_SELLER',
      status: 'UNPAID',
      lineItems: [{ sku: 'MUG-RED', title: 'Red mug', quantity: 2, unitPrice: '12.50' }],
      currency: 'USD',
      placedAt: new Date(known.createTime * 1000).toISOString(),
    },
  );
});
afterAll(async () => {
  await fake.close();
  await database.drop();
});

const written = async () =>
  (
    await sql<{ events: number; watermarks: number }>`
      SELECT (SELECT count(*) FROM events)::int AS events,
        (SELECT count(*) FROM tiktok_reconcile_watermarks)::int AS watermarks`.execute(database.db)
  ).rows[0]!;
const watermark = async () =>
  (
    await database.db
      .selectFrom('tiktok_reconcile_watermarks')
      .select('watermark')
      .where('store_id', '=', storeId)
      .executeTakeFirst()
  )?.watermark;

describe('fbt-sync reconcile', () => {
  it('refuses a bad --since or an unknown store with exit 2 and one line, writing nothing', async () => {
    const before = await written();
    for (const [args, message] of [
      [['--since', 'yesterday'], /^fbt-sync: --since must be an ISO-8601 instant with a time zone/],
      [['--since', '2026-02-30T00:00:00Z'], /^fbt-sync: --since must be an ISO-8601 instant/],
      [
        ['--since', '2999-01-01T00:00:00Z'],
        /^fbt-sync: --since 2999-01-01T00:00:00Z is in the future$/,
      ],
      [['--store', 'no-such-store'], /^fbt-sync: no store no-such-store/],
    ] as const) {
      const result = await runCli(['reconcile', ...args], env);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
    }
    expect(await written()).toEqual(before);
  });

  it('says which variable is missing, exit 1', async () => {
    const result = await runCli(['reconcile'], {
      ...env,
      TIKTOK_APP_KEY: '',
      TIKTOK_APP_SECRET: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'fbt-sync: TIKTOK_APP_KEY: is required to search TikTok Shop orders',
    );
  });

  it('without the global token, a store that never authorized the app is not reconciled: NOT_AUTHORIZED, naming where to authorize it', async () => {
    const before = await written();
    const all = await runCli(['reconcile'], { ...env, TIKTOK_ACCESS_TOKEN: '' });
    expect({ code: all.code, stdout: all.stdout }).toEqual({ code: 0, stdout: '' });
    expect(all.stderr.trim()).toMatch(/^no store has authorized the app on TikTok Shop/);
    const one = await runCli(['reconcile', '--store', storeId], {
      ...env,
      TIKTOK_ACCESS_TOKEN: '',
    });
    expect(one.code).toBe(1);
    expect(one.stderr.trim()).toMatch(
      new RegExp(
        `^fbt-sync: store ${storeId}: reconcile failed: TikTok Shop API NOT_AUTHORIZED: .*/auth/tiktok-shop\\?store=${storeId}`,
      ),
    );
    expect(await written()).toEqual(before);
  });

  it('fails with one clear line when TikTok refuses the token, and the watermark does not move', async () => {
    const before = await written();
    const result = await runCli(['reconcile', '--store', storeId], {
      ...env,
      TIKTOK_ACCESS_TOKEN: 'TTP_revoked',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^fbt-sync: store ${storeId}: reconcile failed: TikTok Shop API AUTH_FAILED: .*105001`,
        ),
      ),
    ]);
    expect(await written()).toEqual(before);
  });

  it('records the orders whose webhooks were lost, with progress and a summary; a second run appends nothing', async () => {
    const first = await runCli(['reconcile', '--store', storeId], env);
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    // Not a terminal: progress lines rather than a bar, on stderr.
    expect(first.stderr).toMatch(
      new RegExp(`^reconcile ${storeId}: \\d+/12 orders, 1 pages$`, 'm'),
    );
    expect(first.stdout).toMatch(
      new RegExp(
        `^store ${storeId}: 12 orders found, 11 were missing and are now recorded, 1 status changes applied, 0 returns found, 0 cancellations and 0 refunds after sync recorded, 1 pages, searched \\S+ to \\S+, watermark \\S+Z\\n$`,
      ),
    );
    const mark = await watermark();
    expect(mark).toBeInstanceOf(Date);
    for (const order of orders) {
      const state = await orderState(parts(), shopId, order.tiktokOrderId);
      expect({ id: order.tiktokOrderId, status: state?.tiktokStatus }).toEqual({
        id: order.tiktokOrderId,
        status: order.laterStatus ?? order.firstStatus,
      });
    }

    const before = await written();
    const second = await runCli(['reconcile', '--store', shopId], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /12 orders found, 0 were missing and are now recorded, 0 status changes applied/,
    );
    expect(await written()).toEqual(before);
    expect((await watermark())!.getTime()).toBeGreaterThanOrEqual(mark!.getTime());
  });

  it('draws a progress bar on a terminal', async () => {
    // script(1) runs the command on a pseudo-terminal; stdout and stderr both come back through it.
    if (spawnSync('script', ['--version']).status !== 0) return;
    const command = `'${process.execPath}' '${CLI}' reconcile --store ${storeId}`;
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain(`reconcile ${storeId} [`);
    expect(result.output).toMatch(/\[=+\] 12\/12 orders \| 1 pages/);
    expect(result.output).toContain(`store ${storeId}: 12 orders found, 0 were missing`);
  });

  it('reconciles every connected store without --store, from --since when given', async () => {
    // The stores read model lists the stores, as serve's projections keep it.
    expect((await runCli(['replay', '--projection', 'stores'], env)).code).toBe(0);
    const before = await written();
    const since = new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString();
    const result = await runCli(['reconcile', '--since', since], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^store ${storeId}: 12 orders found, 0 were missing.*searched ${since.replace(/\.\d+Z$/, '.000Z').replace(/[.]/g, '\\.')} to `,
      ),
    );
    expect(await written()).toEqual(before);
  });
});
