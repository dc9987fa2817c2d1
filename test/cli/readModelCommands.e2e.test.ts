import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { startProjectionRunners } from '../../src/projections/runProjections';
import { CLI, runCli, tempDataDir } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { caughtUp } from '../support/projectionSupport';
import { commandContext, runScenario } from '../support/scenario';

let database: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  database = await createTestDatabase(6);
  env = { DATABASE_URL: database.url, DATA_DIR: tempDataDir() };
  const context = commandContext(database.db);
  await runScenario(context, { seed: 21, orders: 50, prefix: 'e' });
  const runners = startProjectionRunners({
    db: database.db,
    url: database.url,
    eventStore: context.eventStore,
    log: pino({ level: 'silent' }),
  });
  await caughtUp(database.db, context.eventStore);
  await runners.stop();
});
afterAll(() => database.drop());

describe('replay, verify, export and audit on the command line', () => {
  it('verify exits 0 when clean and 1 with a summary after a row is corrupted by hand; replay repairs it', async () => {
    const clean = await runCli(['verify'], env);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/every read model equals a rebuild/);

    await sql`UPDATE orders SET failure_reason = 'edited by hand' WHERE tiktok_order_id = 'e7'`.execute(
      database.db,
    );
    const dirty = await runCli(['verify'], env);
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(
      /orders: 1 row\(s\) only in the live table, 1 row\(s\) only in the rebuild/,
    );
    expect(dirty.stdout).toMatch(/"tiktok_order_id":"e7"/);

    const replay = await runCli(['replay'], env);
    expect(replay.code).toBe(0);
    // Not a terminal: plain progress lines, then a summary.
    expect(replay.stderr).toMatch(/replay: \d+\/\d+ events, \d+ events\/s, ETA \d+ s/);
    expect(replay.stderr).toMatch(/replayed stores, orders, inventory in/);
    expect((await runCli(['verify'], env)).code).toBe(0);
  });

  it('replays one projection by name; an unknown name is bad usage (exit 2)', async () => {
    const one = await runCli(['replay', '--projection', 'stores'], env);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/replayed stores in/);
    const bad = await runCli(['replay', '--projection', 'nope'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown projection nope; known: stores, orders, inventory/);
  });

  it('exports the log as NDJSON in global order, after a position, or one stream', async () => {
    const all = await runCli(['export'], env);
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            globalPosition: string;
            streamId: string;
            streamVersion: number;
            type: string;
            recordedAt: string;
            data: unknown;
            metadata: unknown;
            checkpoint: string;
          },
      );
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(
      database.db,
    );
    expect(lines).toHaveLength(count.rows[0]!.n);
    expect(new Set(lines.map((l) => l.globalPosition)).size).toBe(lines.length);
    expect(Object.keys(lines[0]!).sort()).toEqual([
      'checkpoint',
      'data',
      'globalPosition',
      'metadata',
      'recordedAt',
      'streamId',
      'streamVersion',
      'type',
    ]);
    // Within a stream, versions come in order.
    const lastVersion = new Map<string, number>();
    for (const line of lines) {
      expect(line.streamVersion).toBe((lastVersion.get(line.streamId) ?? -1) + 1);
      lastVersion.set(line.streamId, line.streamVersion);
    }

    const tail = await runCli(['export', '--after', lines[9]!.globalPosition], env);
    expect(
      tail.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { globalPosition: string }).globalPosition),
    ).toEqual(lines.slice(10).map((l) => l.globalPosition));
    const stream = await runCli(['export', '--stream', lines[0]!.streamId], env);
    expect(
      stream.stdout
        .trim()
        .split('\n')
        .every((l) => (JSON.parse(l) as { streamId: string }).streamId === lines[0]!.streamId),
    ).toBe(true);
    const unknown = await runCli(['export', '--after', '99999999999'], env);
    expect(unknown.code).toBe(2);
  });

  it("prints an order's history readably, with why it was blocked or synced", async () => {
    const blocked = await database.db
      .selectFrom('orders')
      .select('id')
      .where('sync_status', '=', 'BLOCKED')
      .executeTakeFirstOrThrow();
    const audit = await runCli(['audit', blocked.id], env);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(
      new RegExp(`^order ${blocked.id} — \\d+ event\\(s\\), oldest first`),
    );
    expect(audit.stdout).toMatch(
      /#0 OrderPlaced +TikTok order e\d+ \(FBT\) placed .* decided under WAIT_FOR_AWAITING_COLLECTION with tag "FBT"/,
    );
    expect(audit.stdout).toMatch(
      /#1 OrderBlocked +BLOCKED: FBT order held under WAIT_FOR_AWAITING_COLLECTION until TikTok Shop reports AWAITING_COLLECTION/,
    );

    const synced = await database.db
      .selectFrom('orders')
      .select(['store_id', 'tiktok_order_id'])
      .where('sync_status', '=', 'SYNCED')
      .executeTakeFirstOrThrow();
    const byTikTokId = await runCli(['audit', `${synced.store_id}/${synced.tiktok_order_id}`], env);
    expect(byTikTokId.stdout).toMatch(/due for sync: .*Plan: /);
    expect(byTikTokId.stdout).toMatch(/SYNCED as P-/);
    expect(byTikTokId.stdout).toMatch(/inventory deducted from (ECOMMERCE_PLATFORM|TIKTOK_SHOP)/);

    const missing = await runCli(['audit', 'no-such-order'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('fbt-sync: no order no-such-order\n');
  });
});

describe('export of a large log', () => {
  /** Runs export and samples the child's peak resident memory (VmHWM) from /proc. */
  function exportPeakKiB(dbEnv: NodeJS.ProcessEnv): Promise<{ lines: number; peakKiB: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=48', CLI, 'export'], {
        env: { ...process.env, LOG_LEVEL: 'warn', ...dbEnv },
      });
      let lines = 0;
      let peakKiB = 0;
      const sample = () => {
        try {
          const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
        } catch {
          // The process has exited.
        }
      };
      const timer = setInterval(sample, 20);
      child.stdout.on('data', (chunk: Buffer) => {
        sample();
        for (const byte of chunk) if (byte === 10) lines++;
      });
      child.on('error', reject);
      child.on('exit', () => {
        clearInterval(timer);
        resolve({ lines, peakKiB });
      });
    });
  }

  it('streams in constant memory: ten times the log through a 48 MB heap', async () => {
    const small = await createTestDatabase(2);
    const large = await createTestDatabase(2);
    try {
      const fill = async (db: TestDatabase, events: number) => {
        // Order-sized events, written in bulk straight into the log.
        await sql`INSERT INTO events (stream_id, stream_version, type, data, metadata)
          SELECT 'order-' || (n / 10), n % 10, 'OrderStatusChanged',
            jsonb_build_object('orderId', n / 10, 'note', repeat('x', 300)), '{"schemaVersion": 1}'::jsonb
          FROM generate_series(0, ${events - 1}) AS n`.execute(db.db);
      };
      await fill(small, 20_000);
      await fill(large, 200_000);
      const a = await exportPeakKiB({ DATABASE_URL: small.url, DATA_DIR: tempDataDir() });
      const b = await exportPeakKiB({ DATABASE_URL: large.url, DATA_DIR: tempDataDir() });
      expect(a.lines).toBe(20_000);
      expect(b.lines).toBe(200_000);
      // 200,000 events of ~400 bytes are ~80 MB of NDJSON, through a 48 MB heap
      // (the process would die of it if the log were held in memory), and the
      // peak resident memory grows by far less than the log.
      expect(b.peakKiB - a.peakKiB).toBeLessThan(80 * 1024);
    } finally {
      await small.drop();
      await large.drop();
    }
  });
});
