import type { Migration } from 'kysely';
import * as m0001 from './0001_event_store';
import * as m0002 from './0002_read_models';

/** Every migration, by name; names sort in the order they apply. Never edit one that has landed. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': m0001,
  '0002_read_models': m0002,
};
