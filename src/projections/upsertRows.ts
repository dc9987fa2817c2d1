import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Writes many rows in one statement: the rows travel as one JSON array and
 * PostgreSQL unpacks them (json_to_recordset: json input only checks the
 * text, where jsonb would build a document first), so a projection batch costs
 * one round trip whatever its size. With `version`, a row only replaces one
 * of a lower version: an event already applied is never applied again.
 */
export async function upsertRows(
  db: Kysely<Database>,
  schema: string,
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  key: readonly string[],
  rows: readonly object[],
  { version }: { version?: string } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  const definition = sql.raw(columns.map(([name, type]) => `"${name}" ${type}`).join(', '));
  const updates = sql.raw(
    names
      .filter((name) => !key.includes(name))
      .map((name) => `"${name}" = excluded."${name}"`)
      .join(', '),
  );
  const guard = version
    ? sql`WHERE ${sql.ref(`${table}.${version}`)} < excluded.${sql.ref(version)}`
    : sql``;
  await sql`
    INSERT INTO ${sql.table(`${schema}.${table}`)} (${sql.join(names.map((n) => sql.ref(n)))})
    SELECT ${sql.join(names.map((n) => sql.ref(`r.${n}`)))}
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(${definition})
    ON CONFLICT (${sql.join(key.map((k) => sql.ref(k)))}) DO UPDATE SET ${updates} ${guard}`.execute(
    db,
  );
}
