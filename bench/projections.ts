import { sql } from 'kysely';
import { createDomainEventStore } from '../src/commands/domainEventStore';
import { START } from '../src/eventstore/checkpoint';
import type { Checkpoint } from '../src/eventstore/types';
import { allProjections } from '../src/projections/allProjections';
import type { Projection } from '../src/projections/projection';
import { replayProjections } from '../src/projections/rebuild';
import type { BenchServer } from './support/benchDatabase';
import { generateLog } from './support/generateLog';
import type { Row, Section } from './support/report';

/**
 * Rebuild rates: the whole log through each projection alone and through all
 * of them at once (one read of the log feeding every projection), against the
 * same-run baseline of a bare scan of the log in the same batches.
 */
export async function projectionsBench(server: BenchServer, quick: boolean): Promise<Section> {
  const database = await server.freshDatabase(8);
  const { db } = database;
  const eventStore = createDomainEventStore(db, undefined, database.pool);
  const target = quick ? 100_000 : 1_000_000;
  const t0 = Date.now();
  const log = await generateLog(db, target);
  process.stdout.write(
    `  generated ${log.events.toLocaleString('en-US')} events (${log.orders.toLocaleString('en-US')} orders, ${log.stores.length} stores) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  await sql`VACUUM ANALYZE events`.execute(db);

  const scan = async () => {
    let after: Checkpoint = START;
    let events = 0;
    const started = process.hrtime.bigint();
    for (;;) {
      const page = await eventStore.readAll({ after, limit: 5000 });
      events += page.events.length;
      after = page.checkpoint;
      if (!page.hasMore) break;
    }
    return events / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const scanRate = Math.max(await scan(), await scan());

  const rebuild = async (projections: readonly Projection[]) => {
    // Each rebuild writes a few hundred MB of WAL (tables made durable, indexes
    // built); a checkpoint first keeps the last one's from landing in this one.
    await sql`CHECKPOINT`.execute(db);
    const started = process.hrtime.bigint();
    await replayProjections({ db, url: database.url, eventStore, projections, batchSize: 5000 });
    return log.events / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const rows: Row[] = [];
  for (const projection of allProjections) {
    const rate = await rebuild([projection]);
    rows.push({
      case: `rebuild ${projection.name} alone from ${log.events.toLocaleString('en-US')} events`,
      unit: 'events/s',
      value: rate,
      baseline: { name: 'bare scan of the log (readAll, 5,000 a batch)', value: scanRate },
      ratio: rate / scanRate,
    });
  }
  const all = await rebuild(allProjections);
  rows.push({
    case: `rebuild all read models from ${log.events.toLocaleString('en-US')} events`,
    unit: 'events/s',
    value: all,
    baseline: { name: 'bare scan of the log (readAll, 5,000 a batch)', value: scanRate },
    ratio: all / scanRate,
    target: '>= 50,000 events/s',
    met: all >= 50_000,
  });
  return {
    name: 'projections',
    description: `Rebuilding read models from a generated log (${log.events.toLocaleString('en-US')} events: ${log.orders.toLocaleString('en-US')} FBT and seller orders in ${log.stores.length} stores under both rules, with payments, duplicate and stale statuses, cancellations, syncs and failures) with \`replay\`: rebuilt beside the live tables and swapped in.`,
    rows,
  };
}
