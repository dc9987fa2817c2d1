import type { Migration } from 'kysely';
import * as m0001 from './0001_event_store';

/** Every migration, by name; names sort in the order they apply. Never edit one that has landed. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': m0001,
};
