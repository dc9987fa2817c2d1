import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../db/schema';

/**
 * COPY FROM STDIN on the connection of the transaction at hand, with rows
 * already in COPY's text format, and the transaction's staging tables.
 */
export interface BulkCopy {
  copy(statement: string, data: string): Promise<void>;
  /**
   * A temporary table with these columns, emptied at each commit; returns
   * its name as SQL. Only for use inside a transaction: its rows do not
   * outlive it.
   */
  stage(name: string, definition: string): Promise<string>;
}

/** BulkCopy on one pg client, which must not run anything else meanwhile. */
export function bulkCopyOn(client: pg.ClientBase): BulkCopy {
  return {
    async copy(statement, data) {
      await pipeline(Readable.from([data]), client.query(copyFrom(statement)));
    },
    async stage(name, definition) {
      // Created when missing, every time: one made in a transaction that
      // rolled back is gone again.
      const table = `pg_temp."${name.replaceAll('"', '""')}"`;
      await client.query(
        `CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${definition}) ON COMMIT DELETE ROWS`,
      );
      return table;
    },
  };
}

/**
 * A connection of its own to write bulk rows through: kysely does not lend
 * its pool's connections out, and COPY needs the transaction's connection.
 * `db` runs its statements there, one at a time.
 */
export interface BulkWriter {
  db: Kysely<Database>;
  copy: BulkCopy;
  close(): Promise<void>;
}

export async function openBulkWriter(url: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url });
  // A connection that breaks fails the write on it, which fails the rebuild;
  // the 'error' event itself must not bring the process down.
  client.on('error', () => {});
  await client.connect();
  const lent = {
    query: (text: string, values: unknown[]) => client.query(text, values),
    release: () => {},
  } as unknown as PostgresPoolClient;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: { connect: () => Promise.resolve(lent), end: () => Promise.resolve() },
    }),
  });
  return {
    db,
    copy: bulkCopyOn(client),
    async close() {
      await db.destroy();
      await client.end();
    },
  };
}

/** The characters COPY's text format escapes with a backslash. */
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escape = (text: string) => text.replace(SPECIALS, (c) => ESCAPES[c]!);

/** A non-string value of a scalar column as its JSON form would carry it (instants as ISO text). */
function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/**
 * Rows in COPY's text format, one line each, columns in the given order,
 * tab-separated, `\N` for null. Values of `json` columns are written as JSON
 * text; other values as their text (instants in ISO form, as JSON would
 * write them). Text cannot hold NUL: the event store refuses payloads that
 * carry one.
 */
export function toCopyText(
  rows: readonly object[],
  columns: ReadonlyArray<readonly [string, string]>,
): string {
  const names = columns.map(([name]) => name);
  const json = columns.map(([, type]) => type === 'json' || type === 'jsonb');
  const lines: string[] = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const values = valuesInOrder(rows[r]!, names);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) {
        values[i] = '\\N';
      } else if (json[i]) {
        // JSON text holds no raw line break or tab; only its backslashes need doubling.
        const text = JSON.stringify(value);
        values[i] = text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
      } else {
        const text = typeof value === 'string' ? value : scalarText(value);
        values[i] = SPECIAL.test(text) ? escape(text) : text;
      }
    }
    lines[r] = values.join('\t');
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * A row's values in column order. A row whose own keys are the columns in
 * order (a projection's rows are object literals written that way) gives
 * them with Object.values, several times cheaper than a lookup per column.
 */
function valuesInOrder(row: object, names: readonly string[]): unknown[] {
  const keys = Object.keys(row);
  let inOrder = keys.length === names.length;
  for (let i = 0; inOrder && i < keys.length; i++) inOrder = keys[i] === names[i];
  if (inOrder) return Object.values(row);
  const record = row as Record<string, unknown>;
  return names.map((name) => record[name]);
}
