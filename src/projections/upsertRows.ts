import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { type BulkCopy, toCopyText } from './copyRows';

export interface UpsertOptions {
  /** A row only replaces one of a lower version: an event already applied is never applied again. */
  version?: string;
  /**
   * COPY on the transaction's own connection (a rebuild's writer has one):
   * the rows travel in COPY's text format, which PostgreSQL takes in several
   * times cheaper than json_to_recordset.
   */
  copy?: BulkCopy;
  /** None of these rows exists in the table yet: with `copy`, they are copied straight in. */
  fresh?: boolean;
}

/**
 * Writes many rows in one statement: the rows travel as one JSON array and
 * PostgreSQL unpacks them (json_to_recordset: json input only checks the
 * text, where jsonb would build a document first), so a projection batch costs
 * one round trip whatever its size. With `copy` (inside a transaction), they
 * are copied into a temporary table of the transaction and upserted from
 * there, or, when `fresh`, copied into the table itself.
 */
export async function upsertRows(
  db: Kysely<Database>,
  schema: string,
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  key: readonly string[],
  rows: readonly object[],
  { version, copy, fresh }: UpsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  const columnList = sql.join(names.map((n) => sql.ref(n)));
  if (copy && fresh) {
    await copy.copy(
      `COPY ${quoted(schema)}.${quoted(table)} (${names.map(quoted).join(', ')}) FROM STDIN`,
      toCopyText(rows, columns),
    );
    return;
  }
  const updates = sql.raw(
    names
      .filter((name) => !key.includes(name))
      .map((name) => `"${name}" = excluded."${name}"`)
      .join(', '),
  );
  const guard = version
    ? sql`WHERE ${sql.ref(`${table}.${version}`)} < excluded.${sql.ref(version)}`
    : sql``;
  const definition = columns.map(([name, type]) => `${quoted(name)} ${type}`).join(', ');
  let source;
  let stage: string | undefined;
  if (copy) {
    stage = await copy.stage(`fbt_stage_${table}`, definition);
    await copy.copy(`COPY ${stage} FROM STDIN`, toCopyText(rows, columns));
    source = sql`${sql.raw(stage)} r`;
  } else {
    source = sql`json_to_recordset(${JSON.stringify(rows)}::json) AS r(${sql.raw(definition)})`;
  }
  await sql`
    INSERT INTO ${sql.table(`${schema}.${table}`)} (${columnList})
    SELECT ${sql.join(names.map((n) => sql.ref(`r.${n}`)))}
    FROM ${source}
    ON CONFLICT (${sql.join(key.map((k) => sql.ref(k)))}) DO UPDATE SET ${updates} ${guard}`.execute(
    db,
  );
  // The next slice of the same transaction starts from an empty stage.
  if (stage !== undefined) await sql`TRUNCATE ${sql.raw(stage)}`.execute(db);
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
