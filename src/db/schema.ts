import type { ColumnType, Generated } from 'kysely';
import type { ProjectionTables } from '../projections/tables';
import type { SandboxTables } from '../adapters/sandbox/tables';
import type { SyncTables } from '../sync/tables';
import type { TikTokReconcileTables } from '../adapters/tiktok/reconcileTables';
import type { CredentialTables } from '../credentials/credentialTables';
import type { TikTokWebhookTables } from '../adapters/tiktok/webhookTables';

/** The event log: one append-only table, a stream per store and per order. */
export interface EventsTable {
  /** bigint identity; pg returns int8 as a string. */
  global_position: ColumnType<string, never, never>;
  /** xid8 of the writing transaction; read it cast to text. */
  transaction_id: ColumnType<string, never, never>;
  stream_id: string;
  stream_version: number;
  type: string;
  data: ColumnType<unknown, string, never>;
  metadata: ColumnType<unknown, string, never>;
  recorded_at: ColumnType<Date, never, never>;
}

/** Where each checkpointed subscription has read to: the (transaction id, position) pair. */
export interface SubscriptionCheckpointsTable {
  name: string;
  transaction_id: string;
  global_position: string;
  updated_at: Generated<Date>;
}

export interface EventStoreTables {
  events: EventsTable;
  subscription_checkpoints: SubscriptionCheckpointsTable;
}

/** Every table, so that every query is checked against the schema. */
export interface Database
  extends
    EventStoreTables,
    ProjectionTables,
    SandboxTables,
    SyncTables,
    TikTokWebhookTables,
    TikTokReconcileTables,
    CredentialTables {}
