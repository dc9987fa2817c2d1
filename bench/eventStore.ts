import { sql } from 'kysely';
import { createEventStore } from '../src/eventstore/createEventStore';
import { WrongExpectedVersion } from '../src/eventstore/errors';
import { START } from '../src/eventstore/checkpoint';
import type { Checkpoint } from '../src/eventstore/types';
import type { BenchServer } from './support/benchDatabase';
import type { Row, Section } from './support/report';
import { measurement, runConcurrently, type Measurement } from './support/stats';

/** An order-sized event, as the domain writes them. */
function orderEvent(n: number) {
  return {
    type: 'OrderPlaced',
    data: {
      orderId: `order-${n}`,
      tiktokOrderId: `57700${n}`,
      fulfillmentType: 'FULFILLED_BY_TIKTOK',
      status: 'AWAITING_SHIPMENT',
      lineItems: [{ sku: 'SKU-1', title: 'Mug', quantity: 2, unitPrice: '12.50' }],
      currency: 'USD',
      totalAmount: '25.00',
      placedAt: '2026-11-28T10:15:00.000Z',
    },
    metadata: { correlationId: `c-${n}`, actor: 'bench', schemaVersion: 1 },
  };
}

function compare(
  name: string,
  ours: Measurement,
  baseline: Measurement,
  baselineName: string,
  unit: string,
  targetRatio?: number,
  note?: string,
): Row {
  const ratio = ours.perSecond / baseline.perSecond;
  return {
    case: name,
    unit,
    value: ours.perSecond,
    p50Ms: ours.p50Ms,
    p99Ms: ours.p99Ms,
    baseline: {
      name: baselineName,
      value: baseline.perSecond,
      p50Ms: baseline.p50Ms,
      p99Ms: baseline.p99Ms,
    },
    ratio,
    ...(targetRatio !== undefined
      ? { target: `>= ${targetRatio}x baseline`, met: ratio >= targetRatio }
      : {}),
    ...(note ? { note } : {}),
  };
}

/** The better of two runs, so one hiccup (a checkpoint, autovacuum) does not decide the figure. */
function best(a: Measurement, b: Measurement): Measurement {
  return a.perSecond >= b.perSecond ? a : b;
}

export async function eventStoreBench(server: BenchServer, quick: boolean): Promise<Section> {
  const database = await server.freshDatabase(40);
  const { db } = database;
  const store = createEventStore({ db, pool: database.pool });
  await sql`
    CREATE TABLE bench_plain (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      stream_id text NOT NULL, stream_version integer NOT NULL, type text NOT NULL,
      data json NOT NULL, metadata json NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`.execute(
    db,
  );

  const rows: Row[] = [];
  let streamCounter = 0;
  const scale = quick ? 0.1 : 1;

  const plainInsert = async (n: number) => {
    const e = orderEvent(n);
    await sql`INSERT INTO bench_plain (stream_id, stream_version, type, data, metadata)
      VALUES (${`plain-${n}`}, 0, ${e.type}, ${JSON.stringify(e.data)}::json, ${JSON.stringify(e.metadata)}::json)`.execute(
      db,
    );
  };
  const plainBatch = async (n: number) => {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const e = orderEvent(n * 100 + i);
      return sql`(${`plain-batch-${n}`}, ${i}, ${e.type}, ${JSON.stringify(e.data)}::json, ${JSON.stringify(e.metadata)}::json)`;
    });
    await sql`INSERT INTO bench_plain (stream_id, stream_version, type, data, metadata) VALUES ${sql.join(rows)}`.execute(
      db,
    );
  };

  // Warm the pool and the caches.
  await runConcurrently(8, 500, async (i) => {
    await plainInsert(-i - 1);
    await store.appendToStream(`warm-${i}`, [orderEvent(i)], { expectedVersion: 'no_stream' });
  });

  for (const writers of [1, 8, 32]) {
    const total = Math.round((writers === 1 ? 3000 : 12000) * scale);
    const ours = async () => {
      const base = streamCounter;
      streamCounter += total;
      const run = await runConcurrently(writers, total, (i) =>
        store
          .appendToStream(`order-${base + i}`, [orderEvent(base + i)], {
            expectedVersion: 'no_stream',
          })
          .then(() => {}),
      );
      return measurement(run.latenciesMs, run.seconds);
    };
    const plain = async () => {
      const base = streamCounter;
      streamCounter += total;
      const run = await runConcurrently(writers, total, (i) => plainInsert(base + i));
      return measurement(run.latenciesMs, run.seconds);
    };
    const a1 = await ours();
    const b1 = await plain();
    const b2 = await plain();
    const a2 = await ours();
    rows.push(
      compare(
        `append 1 event, ${writers} writer(s), distinct streams`,
        best(a1, a2),
        best(b1, b2),
        'single-row INSERT',
        'events/s',
        writers === 8 ? 0.8 : undefined,
      ),
    );
  }

  for (const writers of [1, 8]) {
    const total = Math.round((writers === 1 ? 100 : 400) * scale);
    const ours = async () => {
      const base = streamCounter;
      streamCounter += total;
      const run = await runConcurrently(writers, total, (i) =>
        store
          .appendToStream(
            `batch-${base + i}`,
            Array.from({ length: 100 }, (_, j) => orderEvent(j)),
            { expectedVersion: 'no_stream' },
          )
          .then(() => {}),
      );
      return measurement(run.latenciesMs, run.seconds, 100);
    };
    const plain = async () => {
      const base = streamCounter;
      streamCounter += total;
      const run = await runConcurrently(writers, total, (i) => plainBatch(base + i));
      return measurement(run.latenciesMs, run.seconds, 100);
    };
    const a1 = await ours();
    const b1 = await plain();
    const b2 = await plain();
    const a2 = await ours();
    rows.push(
      compare(
        `append 100-event batches, ${writers} writer(s)`,
        best(a1, a2),
        best(b1, b2),
        '100-row INSERT',
        'events/s',
        writers === 8 ? 0.8 : undefined,
      ),
    );
  }

  // All writers on one hot stream: each appends at the version it last saw and, on a conflict, at the actual one.
  for (const writers of [8, 32]) {
    const total = Math.round(3000 * scale);
    const stream = `hot-${writers}`;
    await store.appendToStream(stream, [orderEvent(0)], { expectedVersion: 'no_stream' });
    let conflicts = 0;
    const seen = Array.from({ length: writers }, () => 0);
    const run = await runConcurrently(writers, total, async (i, w) => {
      for (;;) {
        try {
          seen[w] = (
            await store.appendToStream(stream, [orderEvent(i)], { expectedVersion: seen[w]! })
          ).nextExpectedVersion;
          return;
        } catch (error) {
          if (!(error instanceof WrongExpectedVersion)) throw error;
          conflicts++;
          seen[w] = error.actualVersion;
        }
      }
    });
    const m = measurement(run.latenciesMs, run.seconds);
    rows.push({
      case: `append 1 event, ${writers} writers, one hot stream`,
      unit: 'events/s',
      value: m.perSecond,
      p50Ms: m.p50Ms,
      p99Ms: m.p99Ms,
      note: `${conflicts.toLocaleString('en-US')} WrongExpectedVersion conflicts for ${total.toLocaleString('en-US')} appends, each retried at the actual version`,
    });
  }

  // readAll over the whole log, in batches of 1000, against a keyset scan of the bare table.
  const readAllRun = async () => {
    let after: Checkpoint = START;
    let events = 0;
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    for (;;) {
      const s = process.hrtime.bigint();
      const page = await store.readAll({ after, limit: 1000 });
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      events += page.events.length;
      after = page.checkpoint;
      if (!page.hasMore) break;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { ...measurement(latencies, seconds, 1000), perSecond: events / seconds, events };
  };
  const plainScan = async () => {
    let after = '0';
    let rowsRead = 0;
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    for (;;) {
      const s = process.hrtime.bigint();
      const page = await sql<{ id: string; data: unknown }>`
        SELECT id::text AS id, stream_id, stream_version, type, data, metadata, recorded_at
        FROM bench_plain WHERE id > ${after}::bigint ORDER BY bench_plain.id LIMIT 1000`.execute(
        db,
      );
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      rowsRead += page.rows.length;
      if (page.rows.length < 1000) break;
      after = page.rows[page.rows.length - 1]!.id;
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { ...measurement(latencies, seconds, 1000), perSecond: rowsRead / seconds };
  };
  // Read a settled log, as a reader does once autovacuum has been by: the
  // appends above leave hint bits to set and statistics to gather. One
  // unmeasured pass of each warms the JIT and the caches; then the best of two.
  await sql`VACUUM (ANALYZE) events`.execute(db);
  await sql`VACUUM (ANALYZE) bench_plain`.execute(db);
  await readAllRun();
  await plainScan();
  const r1 = await readAllRun();
  const p1 = await plainScan();
  const r2 = await readAllRun();
  const ours = best(r1, r2);
  const plain = best(p1, await plainScan());
  rows.push({
    ...compare(
      `readAll in batches of 1,000 (${r1.events.toLocaleString('en-US')} events)`,
      ours,
      plain,
      'keyset SELECT of the bare table',
      'events/s',
    ),
    target: '>= 200,000 events/s',
    met: ours.perSecond >= 200_000,
  });

  return {
    name: 'event-store',
    description:
      'Appends through the event store (one INSERT per append, guarded by the expected version) against plain INSERTs of the same rows into a bare table through the same pool; readAll in gap-safe order against a keyset scan of the bare table.',
    rows,
  };
}
