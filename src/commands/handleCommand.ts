import { aggregateStream } from '../eventstore/aggregateStream';
import { DomainError } from '../domain/domainError';
import type { EventStore } from '../eventstore/createEventStore';
import { WrongExpectedVersion } from '../eventstore/errors';
import type { Checkpoint, EventMetadata } from '../eventstore/types';

export interface Decider<State, Command, Event extends { type: string; data: unknown }> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export interface CommandMetadata {
  correlationId: string;
  causationId?: string;
  actor: string;
}

export interface HandleResult<State, Event> {
  /** The state after the command (folded from the stream plus what was appended). */
  state: State;
  /** The stream's version after the command (-1: no stream). */
  version: number;
  /** What this command appended; empty when it changed nothing (idempotent). */
  appended: Event[];
  /** Global positions of the appended events. */
  positions: string[];
  /** Checkpoint of the last appended event (undefined when nothing was appended). */
  checkpoint: Checkpoint | undefined;
}

export interface HandleOptions {
  /** The caller's expectation of the stream's version; a mismatch is VERSION_CONFLICT, never retried. */
  expectedVersion?: number;
  metadata: CommandMetadata;
  /** Re-read and re-decide at most this many times when another writer got in first. */
  maxAttempts?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Read the stream, fold it, decide, append with the version that was read.
 * When another writer appended in between, the append fails with
 * WrongExpectedVersion and the command is decided again on the new state
 * (a bounded number of times, with jittered backoff). Nothing is ever
 * overwritten; a command that changes nothing appends nothing.
 */
export async function handleCommand<State, Command, Event extends { type: string; data: unknown }>(
  eventStore: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  { expectedVersion, metadata, maxAttempts = 30 }: HandleOptions,
): Promise<HandleResult<State, Event>> {
  for (let attempt = 1; ; attempt++) {
    const stream = await aggregateStream(eventStore, streamId, decider);
    let { state } = stream;
    // A stream that does not exist is the decider's to refuse (NOT_FOUND), not a version conflict.
    if (
      expectedVersion !== undefined &&
      stream.currentVersion !== -1 &&
      expectedVersion !== stream.currentVersion
    ) {
      throw DomainError.of(
        'VERSION_CONFLICT',
        ['expectedVersion'],
        `expected version ${expectedVersion}, but the stream is at version ${stream.currentVersion}`,
      );
    }

    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      return {
        state,
        version: stream.currentVersion,
        appended: [],
        positions: [],
        checkpoint: undefined,
      };
    }
    const eventMetadata: EventMetadata = { ...metadata };
    try {
      const result = await eventStore.appendToStream(
        streamId,
        decided.map((event) => ({ type: event.type, data: event.data, metadata: eventMetadata })),
        { expectedVersion: stream.currentVersion === -1 ? 'no_stream' : stream.currentVersion },
      );
      for (const event of decided) state = decider.evolve(state, event);
      return {
        state,
        version: result.nextExpectedVersion,
        appended: decided,
        positions: result.positions,
        checkpoint: result.checkpoint,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (expectedVersion !== undefined) {
        throw DomainError.of(
          'VERSION_CONFLICT',
          ['expectedVersion'],
          `the stream moved on to version ${error.actualVersion} while this change was being made`,
        );
      }
      if (attempt >= maxAttempts) throw error;
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
}
