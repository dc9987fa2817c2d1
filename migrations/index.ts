import type { Migration } from 'kysely';
import * as m0001 from './0001_event_store';
import * as m0002 from './0002_read_models';
import * as m0003 from './0003_sync';
import * as m0004 from './0004_tiktok_webhooks';
import * as m0005 from './0005_orders_json_columns';
import * as m0006 from './0006_events_json_payload';
import * as m0007 from './0007_sandbox_order_life';
import * as m0008 from './0008_tiktok_reconcile_watermarks';
import * as m0009 from './0009_mirror_queue';
import * as m0010 from './0010_order_life_read_models';
import * as m0011 from './0011_store_credentials';
import * as m0012 from './0012_shopify_connection';
import * as m0013 from './0013_tiktok_authorization';

/** Every migration, by name; names sort in the order they apply. Never edit one that has landed. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': m0001,
  '0002_read_models': m0002,
  '0003_sync': m0003,
  '0004_tiktok_webhooks': m0004,
  '0005_orders_json_columns': m0005,
  '0006_events_json_payload': m0006,
  '0007_sandbox_order_life': m0007,
  '0008_tiktok_reconcile_watermarks': m0008,
  '0009_mirror_queue': m0009,
  '0010_order_life_read_models': m0010,
  '0011_store_credentials': m0011,
  '0012_shopify_connection': m0012,
  '0013_tiktok_authorization': m0013,
};
