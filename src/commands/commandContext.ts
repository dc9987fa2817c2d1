import type { EventStore } from '../eventstore/createEventStore';
import type { CommandMetadata } from './handleCommand';

/** What every command needs from outside the domain: the log, the time, and who asks why. */
export interface CommandContext {
  eventStore: EventStore;
  /** The clock; tests pass their own. */
  now(): Date;
  metadata: CommandMetadata;
}

export const isoNow = (context: CommandContext): string => context.now().toISOString();
