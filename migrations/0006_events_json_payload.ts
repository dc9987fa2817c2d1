import { type Kysely, sql } from 'kysely';

/**
 * An event's data and metadata are kept as json rather than jsonb. The log
 * is written once and read whole, in order; nothing queries inside a payload.
 * json's input only checks the text and its output is the text, where jsonb
 * parses every payload on append and prints it again on every read: for
 * readers of the log (projections, replay, subscriptions) that printing was
 * PostgreSQL's largest cost. The text is what the event store wrote, so keys
 * keep their order.
 *
 * The change rewrites the table once (it holds an exclusive lock meanwhile).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events
      ALTER COLUMN data TYPE json USING data::json,
      ALTER COLUMN metadata TYPE json USING metadata::json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE events
      ALTER COLUMN data TYPE jsonb USING data::jsonb,
      ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb`.execute(db);
}
