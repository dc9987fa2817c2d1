import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { advisoryKeys } from '../db/leaderElection';
import type { Database } from '../db/schema';
import { compareCheckpoints, parseCheckpoint, START, toCheckpoint } from '../eventstore/checkpoint';
import { ensureCheckpoint, lockCheckpoint, storeCheckpoint } from '../eventstore/checkpoints';
import type { EventStore } from '../eventstore/createEventStore';
import type { Checkpoint, ReadAllResult, RecordedEvent } from '../eventstore/types';
import { openBulkWriter, type BulkWriter } from './copyRows';
import { type Projection, projectionCheckpointName, type ProjectionWork } from './projection';
import { announceReadModelsMoved } from './projectionCheckpoints';

/** Past this many rows held in memory, a rebuild lets them go once they are written. */
const MAX_ROWS_HELD = 1_000_000;

/** Read models are rebuilt here, beside the live ones in `public`. */
export const REBUILD_SCHEMA = 'fbt_rebuild';
const RETIRED_SCHEMA = 'fbt_retired';

export interface RebuildProgress {
  /** Events read so far. */
  events: number;
  /** Events in the log when the rebuild started (the bar's total). */
  total: number;
  eventsPerSecond: number;
  /** Seconds left at the current rate. */
  etaSeconds: number;
}

export interface RebuildOptions {
  db: Kysely<Database>;
  /** For the lock that keeps two rebuilds apart. */
  url: string;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** Events read per page (default 5000). */
  batchSize?: number;
  /**
   * Rows and progress are written (one transaction) after this many events
   * have been read (default 250,000): a crash loses at most this much work
   * (seconds of it), and an order that changes all along the log is written
   * once per 250,000 events rather than once per batch.
   */
  writeEvery?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

export class RebuildBusy extends Error {
  constructor() {
    super('another replay or verify is running on this database; try again when it has finished');
    this.name = 'RebuildBusy';
  }
}

/** Holds the rebuild lock for the duration of `run`: one replay or verify at a time. */
export async function exclusively<T>(url: string, run: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [k1, k2] = advisoryKeys('rebuild');
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS ok',
      [k1, k2],
    );
    if (!rows[0]?.ok) throw new RebuildBusy();
    return await run();
  } finally {
    await client.end();
  }
}

export const tablesOf = (projections: readonly Projection[]) =>
  projections.flatMap((p) => p.tables);

/**
 * The aside tables: same columns and primary keys as the live ones; other
 * indexes come after the bulk load. They are UNLOGGED while they load (rows
 * rewritten as they fold write no WAL) and made LOGGED, in one pass, before
 * they are swapped in. Should PostgreSQL itself crash meanwhile, it empties
 * them and their progress together, and the rebuild starts over.
 */
export async function createAsideTables(
  db: Kysely<Database>,
  projections: readonly Projection[],
): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(db);
  await sql`CREATE SCHEMA ${sql.id(REBUILD_SCHEMA)}`.execute(db);
  for (const table of tablesOf(projections)) {
    await sql`CREATE UNLOGGED TABLE ${sql.table(`${REBUILD_SCHEMA}.${table}`)}
      (LIKE ${sql.table(`public.${table}`)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`.execute(
      db,
    );
    const pk = await sql<{ name: string; definition: string }>`
      SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = ${`public.${table}`}::regclass AND contype = 'p'`.execute(db);
    for (const { name, definition } of pk.rows) {
      await sql`ALTER TABLE ${sql.table(`${REBUILD_SCHEMA}.${table}`)} ADD CONSTRAINT ${sql.id(name)} ${sql.raw(definition)}`.execute(
        db,
      );
    }
  }
  await sql`CREATE UNLOGGED TABLE ${sql.table(`${REBUILD_SCHEMA}.rebuild_progress`)} (
    projection text PRIMARY KEY, transaction_id xid8 NOT NULL, global_position bigint NOT NULL)`.execute(
    db,
  );
  for (const p of projections) {
    await sql`INSERT INTO ${sql.table(`${REBUILD_SCHEMA}.rebuild_progress`)} VALUES (${p.name}, '0'::xid8, 0)`.execute(
      db,
    );
  }
}

/** Waits for every statement, then fails with the first failure: none is left running. */
async function settled(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The aside tables made durable, then given the live tables' secondary
 * indexes. Tables are finished side by side, and a table's indexes are built
 * side by side (CREATE INDEX takes a lock that does not conflict with
 * itself): the folding is over, so PostgreSQL has the cores to itself.
 */
async function finishAsideTables(
  db: Kysely<Database>,
  projections: readonly Projection[],
): Promise<void> {
  await settled(
    tablesOf(projections).map(async (table) => {
      await sql`ALTER TABLE ${sql.table(`${REBUILD_SCHEMA}.${table}`)} SET LOGGED`.execute(db);
      const indexes = await sql<{ definition: string }>`
        SELECT indexdef AS definition FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = ${table}
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = ${`public.${table}`}::regclass)`.execute(
        db,
      );
      await settled(
        indexes.rows.map(async ({ definition }) => {
          const aside = definition.replace(
            ` ON public.${table} `,
            ` ON ${REBUILD_SCHEMA}.${table} `,
          );
          if (aside === definition) throw new Error(`cannot copy index definition: ${definition}`);
          await sql.raw(aside).execute(db);
        }),
      );
    }),
  );
}

async function readProgress(db: Kysely<Database>): Promise<Map<string, Checkpoint> | null> {
  const exists = await sql<{
    found: boolean;
  }>`SELECT to_regclass(${`${REBUILD_SCHEMA}.rebuild_progress`}) IS NOT NULL AS found`.execute(db);
  if (!exists.rows[0]?.found) return null;
  const rows = await sql<{ projection: string; transaction_id: string; global_position: string }>`
    SELECT projection, transaction_id::text AS transaction_id, global_position::text AS global_position
    FROM ${sql.table(`${REBUILD_SCHEMA}.rebuild_progress`)}`.execute(db);
  return new Map(
    rows.rows.map((r) => [r.projection, toCheckpoint(r.transaction_id, r.global_position)]),
  );
}

async function writeProgress(
  db: Kysely<Database>,
  projection: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const { transactionId, globalPosition } = parseCheckpoint(checkpoint);
  await sql`UPDATE ${sql.table(`${REBUILD_SCHEMA}.rebuild_progress`)}
    SET transaction_id = ${transactionId}::xid8, global_position = ${globalPosition}::bigint
    WHERE projection = ${projection}`.execute(db);
}

const minCheckpoint = (checkpoints: Iterable<Checkpoint>) =>
  [...checkpoints].reduce((a, b) => (compareCheckpoints(a, b) <= 0 ? a : b));

interface Target {
  projection: Projection;
  types: ReadonlySet<string>;
  /** Where the aside tables stand (written and committed). */
  at: Checkpoint;
  /** Where the work in memory stands (folded, maybe not written yet). */
  folded: Checkpoint;
  /** Where to stop (undefined: the head of the log). */
  until?: Checkpoint;
  work: ProjectionWork;
}

/**
 * Applies the log to the aside tables from where each projection stands,
 * reading it once for all of them (the next page is read while this one is
 * folded), and writing the folded rows with each projection's progress in
 * one transaction every `writeEvery` events: a crash mid-way resumes from the
 * last write, with no duplicate and no gap.
 */
export async function catchUp(
  options: RebuildOptions,
  db: Kysely<Database>,
  targets: Target[],
  progress?: { events: number; total: number; started: number },
): Promise<void> {
  // Writing overlaps with reading and folding what comes next: the changes are
  // taken at once, written (with the progress they reach) in a transaction of
  // their own on the writer's connection, and waited for before the next
  // write. Inside a transaction (the swap's catch-up) everything goes one
  // after the other on its connection.
  const writer = db.isTransaction ? undefined : await openBulkWriter(options.url);
  try {
    await readAndWrite(options, db, writer, targets, progress);
  } finally {
    await writer?.close();
  }
}

async function readAndWrite(
  options: RebuildOptions,
  db: Kysely<Database>,
  writer: BulkWriter | undefined,
  targets: Target[],
  progress?: { events: number; total: number; started: number },
): Promise<void> {
  const { eventStore, batchSize = 5000, writeEvery = 250_000, onProgress } = options;
  const types = [...new Set(targets.flatMap((t) => [...t.types]))];
  const read = (after: Checkpoint) => eventStore.readAll({ after, limit: batchSize, types });
  let writing: Promise<void> = Promise.resolve();
  const write = async () => {
    await writing;
    const changes = targets.map((target) => ({
      target,
      folded: target.folded,
      write: target.work.takeChanges(),
    }));
    const commit = async (trx: Kysely<Database>) => {
      for (const { target, folded, write: writeChanges } of changes) {
        await writeChanges(trx, REBUILD_SCHEMA, writer?.copy);
        if (compareCheckpoints(folded, target.at) > 0)
          await writeProgress(trx, target.projection.name, folded);
      }
    };
    const done = (writer ? writer.db.transaction().execute(commit) : commit(db)).then(() => {
      for (const { target, folded } of changes) target.at = folded;
    });
    writing = done;
    if (db.isTransaction) await done;
    // Rows let go of must be written first: a fold would read them back from the table.
    if (targets.some((t) => t.work.held > MAX_ROWS_HELD)) {
      await done;
      for (const target of targets) if (target.work.held > MAX_ROWS_HELD) target.work.forget();
    }
  };

  let next: Promise<ReadAllResult> | undefined = read(minCheckpoint(targets.map((t) => t.at)));
  let unwritten = 0;
  try {
    while (next) {
      const page: ReadAllResult = await next;
      next = page.hasMore ? read(page.checkpoint) : undefined;
      const active = targets.filter(
        (t) => t.until === undefined || compareCheckpoints(t.folded, t.until) < 0,
      );
      if (active.length === 0) {
        // Every projection reached where it was asked to stop; the read ahead is dropped.
        void next?.catch(() => {});
        break;
      }
      const first = page.events[0];
      for (const target of active) {
        // Usually the whole page lies past where the projection stands and before
        // where it stops: then only the event types need checking.
        const inside =
          first !== undefined &&
          compareCheckpoints(first.checkpoint, target.folded) > 0 &&
          (target.until === undefined || compareCheckpoints(page.checkpoint, target.until) <= 0);
        const mine = page.events.filter(
          (e: RecordedEvent) =>
            target.types.has(e.type) &&
            (inside ||
              (compareCheckpoints(e.checkpoint, target.folded) > 0 &&
                (target.until === undefined ||
                  compareCheckpoints(e.checkpoint, target.until) <= 0))),
        );
        if (mine.length > 0) await target.work.fold(db, REBUILD_SCHEMA, mine);
        const reached =
          target.until !== undefined && compareCheckpoints(page.checkpoint, target.until) >= 0
            ? target.until
            : page.checkpoint;
        if (compareCheckpoints(reached, target.folded) > 0) target.folded = reached;
      }
      unwritten += page.events.length;
      if (unwritten >= writeEvery) {
        await write();
        unwritten = 0;
      }
      if (progress) {
        progress.events += page.events.length;
        const seconds = (Date.now() - progress.started) / 1000;
        const rate = seconds > 0 ? progress.events / seconds : 0;
        onProgress?.({
          events: progress.events,
          total: Math.max(progress.total, progress.events),
          eventsPerSecond: rate,
          etaSeconds: rate > 0 ? Math.max(0, progress.total - progress.events) / rate : 0,
        });
      }
    }
    await write();
    await writing;
  } catch (error) {
    // A write in flight ends (commits or fails) before the error goes on:
    // its connection is closed after this returns.
    await writing.catch(() => {});
    void next?.catch(() => {});
    throw error;
  }
}

/**
 * Rebuilds the projections' tables in the aside schema up to the head of the
 * log (or to `until`), resuming an interrupted rebuild of the same projections.
 */
export async function buildAside(
  options: RebuildOptions,
  until?: Map<string, Checkpoint>,
): Promise<Target[]> {
  const { db, eventStore, projections } = options;
  let stored = await readProgress(db);
  const sameProjections =
    stored !== null &&
    stored.size === projections.length &&
    projections.every((p) => stored!.has(p.name));
  if (!sameProjections) {
    await createAsideTables(db, projections);
    stored = await readProgress(db);
  }
  const targets: Target[] = projections.map((projection) => ({
    projection,
    types: new Set(projection.eventTypes),
    at: stored!.get(projection.name) ?? START,
    folded: stored!.get(projection.name) ?? START,
    until: until?.get(projection.name),
    // Rows and progress are committed together: no progress, no rows yet.
    work: projection.start({
      tablesEmpty: compareCheckpoints(stored!.get(projection.name) ?? START, START) === 0,
    }),
  }));
  const from = minCheckpoint(targets.map((t) => t.at));
  const total = await eventStore.countAfter(from);
  await catchUp(options, db, targets, { events: 0, total, started: Date.now() });
  return targets;
}

/**
 * `fbt-sync replay`: rebuilds the projections beside the live tables while the
 * API keeps serving, catches up to the live head, and swaps the tables in one
 * transaction. The live runners are held back only during the swap (they wait
 * on the checkpoint rows this takes), then carry on from the rebuilt checkpoint.
 */
export async function replayProjections(
  options: RebuildOptions,
): Promise<{ checkpoint: Checkpoint }> {
  const { db, projections, url } = options;
  return exclusively(url, async () => {
    const targets = await buildAside(options);
    await finishAsideTables(db, projections);
    let swappedAt: Checkpoint = START;
    await db.transaction().execute(async (trx) => {
      for (const p of projections) {
        await ensureCheckpoint(trx, projectionCheckpointName(p.name));
        await lockCheckpoint(trx, projectionCheckpointName(p.name));
      }
      // Events committed since the bulk load. Transactions that began after this
      // one are beyond the horizon; the live runners take them after the swap.
      await catchUp(options, trx, targets);
      await sql`CREATE SCHEMA ${sql.id(RETIRED_SCHEMA)}`.execute(trx);
      for (const table of tablesOf(projections)) {
        await sql`ALTER TABLE ${sql.table(`public.${table}`)} SET SCHEMA ${sql.id(RETIRED_SCHEMA)}`.execute(
          trx,
        );
        await sql`ALTER TABLE ${sql.table(`${REBUILD_SCHEMA}.${table}`)} SET SCHEMA public`.execute(
          trx,
        );
      }
      for (const target of targets) {
        await storeCheckpoint(trx, projectionCheckpointName(target.projection.name), target.at);
      }
      swappedAt = minCheckpoint(targets.map((t) => t.at));
      await announceReadModelsMoved(trx);
    });
    await sql`DROP SCHEMA ${sql.id(RETIRED_SCHEMA)} CASCADE`.execute(db);
    await sql`DROP SCHEMA ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(db);
    return { checkpoint: swappedAt };
  });
}
