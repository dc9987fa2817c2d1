import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { createSandboxPlatform } from '../src/adapters/sandbox/createSandboxPlatform';
import { signWebhook } from '../src/adapters/tiktok/verifyWebhookSignature';
import {
  type FakeOrderSpec,
  startFakeTikTokShop,
  tikTokOrderJson,
  tikTokReturnJson,
} from '../test/support/fakeTikTokShop';
import { createGraphqlClient, Targets } from '../test/support/graphqlClient';
import type { BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { findOrCreateOrder, LINE_ITEMS } from './support/platformBaseline';
import { atRate, measurement, type Measurement, runConcurrently } from './support/stats';

/**
 * The whole service as a user runs it: a `serve` process (compiled, PLATFORM=sandbox)
 * driven through POST /graphql, each order recorded with recordTikTokOrder and
 * then synced by the reactor to the sandbox platform in the same PostgreSQL.
 */

const CLI = path.resolve(__dirname, '../src/cli/main.js');
export const AUTH_SECRET = `bench-end-to-end-${randomBytes(16).toString('hex')}`;

const RECORD_ORDER = `mutation RecordOrder($input: RecordTikTokOrderInput!) {
  recordTikTokOrder(input: $input) { order { id syncStatus } userErrors { code message } }
}`;

export interface Serve {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startServe(databaseUrl: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Serve> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fbt-bench-serve-'));
  // With this process's node flags (npm run bench passes the CLI's own).
  const child = spawn(process.execPath, [...process.execArgv, CLI, 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET,
      PLATFORM: 'sandbox',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      resolve({
        url: match[1]!,
        child,
        async stop() {
          child.kill('SIGTERM');
          await exited;
          rmSync(dataDir, { recursive: true, force: true });
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`serve exited:\n${output}`)));
  });
}

/** A Linux process's resident memory now and at its peak (VmRSS, VmHWM), in MiB. */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU seconds a Linux process has used (utime + stime; 100 ticks a second). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const sortedPercentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
  );
};

export async function endToEndBench(server: BenchServer, quick: boolean): Promise<Section> {
  const database = await server.freshDatabase(4);
  // TikTok Shop's side for the after-sync mix: a local fake that checks each signed call.
  const tiktok = {
    appKey: 'benche2e',
    appSecret: randomBytes(16).toString('hex'),
    accessToken: 'TTP_bench',
  };
  const tiktokShop = await startFakeTikTokShop(tiktok);
  const serve = await startServe(database.url, {
    TIKTOK_APP_KEY: tiktok.appKey,
    TIKTOK_APP_SECRET: tiktok.appSecret,
    TIKTOK_ACCESS_TOKEN: tiktok.accessToken,
    TIKTOK_API_BASE_URL: tiktokShop.baseUrl,
    RECONCILE_INTERVAL_S: '0',
  });
  const client = createGraphqlClient({ targets: new Targets([serve.url]), secret: AUTH_SECRET });
  const platform = createSandboxPlatform(database.db);
  const rows: Row[] = [];
  try {
    const { connectStore } = await client.request<{ connectStore: { store: { id: string } } }>(
      `mutation($input: ConnectStoreInput!) { connectStore(input: $input) { store { id } } }`,
      {
        input: {
          name: 'Bench end to end',
          tiktokShopId: 'bench-e2e',
          platform: 'SHOPIFY',
          plan: 'PRO',
          shopDomain: 'bench-e2e.myshopify.com',
        },
      },
    );
    const storeId = connectStore.store.id;
    let nextOrder = 0;
    const tiktokIdOf = new Map<string, string>();
    /** Records one paid FBT order (due at once under the default rule); answers its id. */
    const record = async () => {
      const tiktokOrderId = `62${String(++nextOrder).padStart(10, '0')}`;
      const { recordTikTokOrder } = await client.request<{
        recordTikTokOrder: { order: { id: string } | null; userErrors: unknown[] };
      }>(RECORD_ORDER, {
        input: {
          storeId,
          tiktokOrderId,
          fulfillmentType: 'FULFILLED_BY_TIKTOK',
          status: 'AWAITING_SHIPMENT',
          lineItems: LINE_ITEMS,
          currency: 'USD',
          placedAt: new Date(Date.now() - 1000).toISOString(),
        },
      });
      if (recordTikTokOrder.order === null)
        throw new Error(`recordTikTokOrder: ${JSON.stringify(recordTikTokOrder.userErrors)}`);
      tiktokIdOf.set(recordTikTokOrder.order.id, tiktokOrderId);
      return recordTikTokOrder.order.id;
    };
    /** Waits until these orders are synced; answers each one's syncedAt (ms since the epoch). */
    const untilSynced = async (orderIds: string[]): Promise<Map<string, number>> => {
      for (;;) {
        const { rows: synced } = await sql<{ order_id: string; synced_at: string }>`
          SELECT data->>'orderId' AS order_id, data->>'syncedAt' AS synced_at FROM events
          WHERE type = 'OrderSynced' AND data->>'orderId' = ANY(${orderIds}::text[])`.execute(
          database.db,
        );
        if (synced.length === orderIds.length)
          return new Map(synced.map((r) => [r.order_id, Date.parse(r.synced_at)]));
        await delay(20);
      }
    };
    let bare = 0;
    const platformCalls = async () => {
      const tiktokOrderId = `63${String(++bare).padStart(10, '0')}`;
      await findOrCreateOrder(platform, 'bench-e2e-baseline', tiktokOrderId);
    };

    // Warm the process, its pools and the JIT.
    await untilSynced(await Promise.all(Array.from({ length: 50 }, record)));
    const idle = memoryOf(serve.child.pid!);

    // 1. Saturated: 16 clients record orders as fast as the API answers; the reactor syncs behind.
    const total = quick ? 400 : 4000;
    const concurrency = 16;
    const ids: string[] = [];
    const t0 = Date.now();
    const cpu0 = cpuSecondsOf(serve.child.pid!);
    const recorded = await runConcurrently(concurrency, total, async () => {
      ids.push(await record());
    });
    const syncedAt = await untilSynced(ids);
    const allSyncedSeconds = (Math.max(...syncedAt.values()) - t0) / 1000;
    const busy = (cpuSecondsOf(serve.child.pid!) - cpu0) / ((Date.now() - t0) / 1000);
    const trivial = await runConcurrently(concurrency, total, async () => {
      await client.request('{ __typename }');
    });
    const recordRate = measurement(recorded.latenciesMs, recorded.seconds);
    const trivialRate = measurement(trivial.latenciesMs, trivial.seconds);
    rows.push({
      case: `recordTikTokOrder through POST /graphql, ${concurrency} clients, sync running`,
      unit: 'requests/s',
      value: recordRate.perSecond,
      p50Ms: recordRate.p50Ms,
      p99Ms: recordRate.p99Ms,
      baseline: {
        name: `{ __typename } through the same API, ${concurrency} clients (HTTP, auth, GraphQL; no domain)`,
        value: trivialRate.perSecond,
        p50Ms: trivialRate.p50Ms,
        p99Ms: trivialRate.p99Ms,
      },
      ratio: recordRate.perSecond / trivialRate.perSecond,
      note: `${total.toLocaleString('en-US')} orders`,
    });
    const platformAlone = await runConcurrently(12, total, platformCalls);
    const platformRate = measurement(platformAlone.latenciesMs, platformAlone.seconds);
    const endToEnd = total / allSyncedSeconds;
    rows.push({
      case: `recorded and SYNCED to the sandbox, end to end, ${concurrency} clients`,
      unit: 'orders/s',
      value: endToEnd,
      baseline: {
        name: 'sandbox findOrder + createOrder alone, 12 at once (the reactor’s concurrency)',
        value: platformRate.perSecond,
        p50Ms: platformRate.p50Ms,
        p99Ms: platformRate.p99Ms,
      },
      ratio: endToEnd / platformRate.perSecond,
      note: `the last of ${total.toLocaleString('en-US')} orders SYNCED ${allSyncedSeconds.toFixed(1)} s after the first was sent; the serve process meanwhile used ${Math.round(busy * 100)}% of one core`,
    });

    // 2. Below saturation: a steady rate, the latency from sending recordTikTokOrder to OrderSynced.
    const rate = Math.max(10, Math.min(100, Math.floor(endToEnd / 2)));
    const seconds = quick ? 3 : 15;
    const sentAt = new Map<string, number>();
    const mutationMs: number[] = [];
    await atRate(rate, rate * seconds, async () => {
      const sent = Date.now();
      const t = performance.now();
      const id = await record();
      mutationMs.push(performance.now() - t);
      sentAt.set(id, sent);
    });
    const steadySynced = await untilSynced([...sentAt.keys()]);
    const latencies = [...sentAt].map(([id, sent]) => steadySynced.get(id)! - sent);
    const steady: Measurement = measurement(latencies, seconds);
    const bareAtRate: number[] = [];
    await atRate(rate, rate * seconds, async () => {
      const t = performance.now();
      await platformCalls();
      bareAtRate.push(performance.now() - t);
    });
    const baselineP50 = sortedPercentile(mutationMs, 50) + sortedPercentile(bareAtRate, 50);
    const baselineP99 = sortedPercentile(mutationMs, 99) + sortedPercentile(bareAtRate, 99);
    rows.push({
      case: `recordTikTokOrder sent → OrderSynced at ${rate} orders/s for ${seconds} s`,
      unit: 'ms p50',
      value: steady.p50Ms,
      p50Ms: steady.p50Ms,
      p99Ms: steady.p99Ms,
      baseline: {
        name: 'the recordTikTokOrder call + sandbox findOrder/createOrder alone, same rate (percentiles summed)',
        value: baselineP50,
        p50Ms: baselineP50,
        p99Ms: baselineP99,
      },
      ratio: baselineP50 / steady.p50Ms,
      note: `${(rate * seconds).toLocaleString('en-US')} orders; timed from the client's send to the OrderSynced event's syncedAt`,
    });

    // 3. After sync, a mix: 16 clients, half recording new orders, half sending TikTok's
    // signed webhooks of cancellations (whole, some units) and completed returns of synced
    // orders; serve reads each fact from the fake TikTok Shop and mirrors it on the sandbox.
    const facts = quick ? 150 : 1500;
    const kinds = ['cancel', 'cancel-lines', 'refund'] as const;
    const factOrders = ids.slice(0, facts);
    const factSentAt = new Map<string, number>();
    const mixOrders: string[] = [];
    let notifications = 0;
    const sendFact = async (index: number) => {
      const orderId = factOrders[index]!;
      const tiktokOrderId = tiktokIdOf.get(orderId)!;
      const kind = kinds[index % kinds.length]!;
      const spec: FakeOrderSpec = {
        id: tiktokOrderId,
        status: kind === 'cancel' ? 'CANCELLED' : 'AWAITING_SHIPMENT',
        fulfillmentType: 'FULFILLMENT_BY_TIKTOK',
        createTime: Math.floor(Date.now() / 1000) - 3600,
        updateTime: Math.floor(Date.now() / 1000),
        cancelReason: 'Buyer changed their mind',
        cancellationInitiator: 'BUYER',
        items: LINE_ITEMS.map((line, i) => ({
          sellerSku: line.sku,
          productName: line.title,
          salePrice: line.unitPrice,
          quantity: line.quantity,
          cancelledUnits: kind === 'cancel-lines' && i === 0 ? 1 : 0,
        })),
      };
      const json = tikTokOrderJson(spec);
      tiktokShop.addOrder(json);
      if (kind === 'refund') {
        tiktokShop.addReturn(
          tikTokReturnJson({
            returnId: `41${tiktokOrderId}`,
            orderId: tiktokOrderId,
            status: 'RETURN_OR_REFUND_REQUEST_COMPLETE',
            refundTotal: '12.50',
            unitIds: [(json.line_items as Array<{ id: string }>)[0]!.id],
            updateTime: Math.floor(Date.now() / 1000),
          }),
        );
      }
      const body = JSON.stringify({
        type: kind === 'refund' ? 12 : 11,
        tts_notification_id: `7399${String(++notifications).padStart(12, '0')}`,
        shop_id: 'bench-e2e',
        timestamp: Math.floor(Date.now() / 1000),
        data: { order_id: tiktokOrderId },
      });
      factSentAt.set(orderId, Date.now());
      const response = await fetch(`${serve.url}/webhooks/tiktok-shop`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: signWebhook({ rawBody: body, ...tiktok }),
        },
        body,
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${text}`);
    };
    /** Waits until these orders' after-sync facts are mirrored; answers each one's mirroredAt. */
    const untilMirrored = async (orderIds: string[]): Promise<Map<string, number>> => {
      for (;;) {
        const { rows: mirrored } = await sql<{ order_id: string; mirrored_at: string }>`
          SELECT data->>'orderId' AS order_id, max(data->>'mirroredAt') AS mirrored_at FROM events
          WHERE type = 'PlatformMirrored' AND data->>'orderId' = ANY(${orderIds}::text[])
          GROUP BY 1`.execute(database.db);
        if (mirrored.length === orderIds.length)
          return new Map(mirrored.map((r) => [r.order_id, Date.parse(r.mirrored_at)]));
        await delay(20);
      }
    };
    const mixStarted = Date.now();
    const mixCpu0 = cpuSecondsOf(serve.child.pid!);
    let factsSent = 0;
    await runConcurrently(concurrency, facts * 2, async (index) => {
      if (index % 2 === 0) await sendFact(factsSent++);
      else mixOrders.push(await record());
    });
    const mirroredAt = await untilMirrored(factOrders);
    await untilSynced(mixOrders);
    const mixSeconds = (Math.max(...mirroredAt.values()) - mixStarted) / 1000;
    const mixBusy = (cpuSecondsOf(serve.child.pid!) - mixCpu0) / ((Date.now() - mixStarted) / 1000);
    const factLatency = measurement(
      [...factSentAt].map(([id, sent]) => mirroredAt.get(id)! - sent),
      mixSeconds,
    );
    // Baseline: the same cancellations and refunds made on the sandbox directly, 12 at once.
    const baselineRefs: string[] = [];
    for (let i = 0; i < facts; i++) {
      const tiktokOrderId = `64${String(i).padStart(10, '0')}`;
      const created = await platform.createOrder({
        store: { storeId: 'bench-e2e-baseline', shopDomain: null },
        orderId: `baseline-${tiktokOrderId}`,
        tiktokOrderId,
        lineItems: LINE_ITEMS,
        currency: 'USD',
        totalAmount: '34.90',
        placedAt: new Date().toISOString(),
        status: 'AWAITING_SHIPMENT',
        inventoryBehaviour: 'DECREMENT_OBEYING_POLICY',
        tags: [],
      });
      baselineRefs.push(created.platformOrderId);
    }
    const mirrorAlone = await runConcurrently(12, facts, async (index) => {
      const ref = {
        store: { storeId: 'bench-e2e-baseline', shopDomain: null },
        platformOrderId: baselineRefs[index]!,
      };
      const kind = kinds[index % kinds.length]!;
      if (kind === 'cancel') {
        await platform.cancelOrder({ ...ref, reason: 'CUSTOMER', reasonText: null, restock: true });
      } else {
        await platform.refundLines({
          ...ref,
          key: `${kind}:${index}`,
          note: 'bench',
          lines: [{ sku: 'MUG-RED', quantity: 1, restockType: 'NO_RESTOCK' }],
          amount: '12.50',
          currency: 'USD',
        });
      }
    });
    const mirrorAloneRate = measurement(mirrorAlone.latenciesMs, mirrorAlone.seconds);
    const factsPerSecond = facts / mixSeconds;
    rows.push({
      case: `after sync, a mix: ${concurrency} clients, half recording orders, half sending signed webhooks of cancellations (whole, lines) and completed returns; fact sent → PlatformMirrored on the sandbox`,
      unit: 'facts/s',
      value: factsPerSecond,
      p50Ms: factLatency.p50Ms,
      p99Ms: factLatency.p99Ms,
      baseline: {
        name: 'sandbox cancelOrder / refundLines alone, the same mix, 12 at once',
        value: mirrorAloneRate.perSecond,
        p50Ms: mirrorAloneRate.p50Ms,
        p99Ms: mirrorAloneRate.p99Ms,
      },
      ratio: factsPerSecond / mirrorAloneRate.perSecond,
      note: `${facts.toLocaleString('en-US')} facts (each read from the fake TikTok Shop: Get Order Detail, Search Returns) and ${mixOrders.length.toLocaleString('en-US')} new orders; the last fact mirrored ${mixSeconds.toFixed(1)} s after the first was sent; serve used ${Math.round(mixBusy * 100)}% of one core`,
    });

    const peak = memoryOf(serve.child.pid!);
    if (peak && idle) {
      rows.push({
        case: 'peak RSS of the serve process over the whole run (VmHWM)',
        unit: 'MiB',
        value: peak.peakMiB,
        baseline: { name: 'its RSS idle after start-up and warm-up', value: idle.rssMiB },
        ratio: idle.rssMiB / peak.peakMiB,
      });
    }
  } finally {
    await serve.stop();
    await tiktokShop.close();
  }
  return {
    name: 'end to end',
    description:
      'A `serve` process (compiled, PLATFORM=sandbox) driven over HTTP: paid FBT orders recorded with recordTikTokOrder through POST /graphql, synced by the reactor to the sandbox platform in the same PostgreSQL. Throughput with 16 clients as fast as the API answers; then the latency from the client sending recordTikTokOrder to the OrderSynced event at a steady rate of half the measured end-to-end throughput (at most 100/s). Baselines from the same run: a trivial query through the same API; the sandbox platform calls made directly; for the latency, the mutation alone plus the platform calls alone at the same rate. Then a mix after sync: 16 clients, half recording new orders, half posting signed TikTok webhooks (types 11 and 12) of whole and partial cancellations and completed returns of synced orders, each fact read from a local fake TikTok Shop and mirrored on the sandbox; throughput and latency from the webhook sent to PlatformMirrored, beside the same cancellations and refunds made on the sandbox directly.',
    rows,
  };
}
