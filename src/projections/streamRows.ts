import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { RecordedEvent } from '../eventstore/types';
import type { WriteChanges } from './projection';
import { upsertRows } from './upsertRows';

interface Entry<State> {
  state: State;
  version: number;
  /** The state as the table has it (null: no row yet), to tell what a write changes. */
  stored: State | null;
  dirty: boolean;
}

export interface StreamRowsOptions<State, Row> {
  table: 'orders' | 'stores';
  streamPrefix: string;
  evolve: (state: State | null, event: RecordedEvent) => State | null;
  fromRow: (row: Row) => State;
  toRow: (state: State, version: number) => object;
  columns: ReadonlyArray<readonly [string, string]>;
  /** Called for each row written, with what the table had before; e.g. to keep counts in step. */
  onWrite?: (before: State | null, after: State) => void;
  /** The table is empty and only this writes it: nothing to read back (see StartOptions). */
  tableEmpty?: boolean;
}

/**
 * One row per stream, holding the stream folded by the domain's own evolve
 * (so a read model cannot disagree with the deciders), and the stream version
 * it reflects.
 */
export class StreamRows<State, Row extends { id: string; version: number }> {
  private readonly entries = new Map<string, Entry<State>>();
  /** Whether every row of the table is in `entries` (then a missing one does not exist). */
  private holdsAll: boolean;

  constructor(private readonly options: StreamRowsOptions<State, Row>) {
    this.holdsAll = options.tableEmpty === true;
  }

  async fold(
    db: Kysely<Database>,
    schema: string,
    events: readonly RecordedEvent[],
  ): Promise<void> {
    const { streamPrefix, table, evolve, fromRow } = this.options;
    const missing = new Set<string>();
    if (!this.holdsAll) {
      for (const event of events) {
        const id = event.streamId.slice(streamPrefix.length);
        if (!this.entries.has(id)) missing.add(id);
      }
    }
    if (missing.size > 0) {
      const rows = (await db
        .withSchema(schema)
        .selectFrom(table)
        .selectAll()
        .where('id', 'in', [...missing])
        .execute()) as unknown as Row[];
      for (const row of rows) {
        const state = fromRow(row);
        this.entries.set(row.id, { state, version: row.version, stored: state, dirty: false });
      }
    }
    for (const event of events) {
      const id = event.streamId.slice(streamPrefix.length);
      const entry = this.entries.get(id);
      if (entry && event.streamVersion <= entry.version) continue;
      const state = evolve(entry?.state ?? null, event);
      if (state === null) continue;
      if (entry) {
        entry.state = state;
        entry.version = event.streamVersion;
        entry.dirty = true;
      } else {
        this.entries.set(id, { state, version: event.streamVersion, stored: null, dirty: true });
      }
    }
  }

  /** Snapshots the changed rows now; the returned function writes them. */
  takeChanges(): WriteChanges {
    const { table, toRow, columns, onWrite } = this.options;
    // Rows the table does not have yet (none was read back, none written) and
    // rows it has: with COPY at hand the first are copied straight in.
    const fresh: object[] = [];
    const stored: object[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.dirty) continue;
      onWrite?.(entry.stored, entry.state);
      (entry.stored === null ? fresh : stored).push(toRow(entry.state, entry.version));
      entry.stored = entry.state;
      entry.dirty = false;
    }
    return async (db, schema, copy) => {
      // Large writes go in slices, so one statement stays a sensible size.
      for (const [rows, isFresh] of [
        [fresh, true],
        [stored, false],
      ] as const) {
        for (let i = 0; i < rows.length; i += 5000) {
          await upsertRows(db, schema, table, columns, ['id'], rows.slice(i, i + 5000), {
            version: 'version',
            copy,
            fresh: isFresh,
          });
        }
      }
    };
  }

  get held(): number {
    return this.entries.size;
  }

  forget(): void {
    this.entries.clear();
    this.holdsAll = false;
  }
}
