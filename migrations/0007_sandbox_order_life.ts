import { type Kysely, sql } from 'kysely';

/**
 * The sandbox platform's orders after sync: cancelled once, refunded once
 * per TikTok fact, held and released, paid. Existing orders were created
 * paid and never held, which the defaults say.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sandbox_orders
      ADD COLUMN financial_status text NOT NULL DEFAULT 'PAID'
        CHECK (financial_status IN ('PENDING', 'PAID')),
      ADD COLUMN fulfillment_held boolean NOT NULL DEFAULT false,
      ADD COLUMN cancelled_at timestamptz,
      ADD COLUMN cancel_reason text,
      ADD COLUMN cancel_note text,
      ADD COLUMN restocked_on_cancel jsonb`.execute(db);
  // The unique (order, key) pair makes a second refund for one TikTok fact
  // impossible, whatever races the callers run.
  await sql`
    CREATE TABLE sandbox_refunds (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sandbox_order_id bigint NOT NULL REFERENCES sandbox_orders (id),
      refund_key text NOT NULL,
      note text NOT NULL,
      lines jsonb NOT NULL,
      amount numeric NOT NULL CHECK (amount >= 0),
      currency text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (sandbox_order_id, refund_key)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sandbox_refunds`.execute(db);
  await sql`
    ALTER TABLE sandbox_orders
      DROP COLUMN financial_status,
      DROP COLUMN fulfillment_held,
      DROP COLUMN cancelled_at,
      DROP COLUMN cancel_reason,
      DROP COLUMN cancel_note,
      DROP COLUMN restocked_on_cancel`.execute(db);
}
