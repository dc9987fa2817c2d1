import type { EventStore } from './createEventStore';
import type { RecordedEvent } from './types';

/** What folds a stream: a decider's first state and its evolve. */
export interface Evolver<State, Event> {
  initialState(): State;
  evolve(state: State, event: Event): State;
}

/**
 * The seam between the log and the domain, and its one cast: the domain's
 * event store stamps every event with its catalog's schema version and
 * upcasts older ones as it reads them (src/commands/domainEventStore), so an event
 * read from a domain stream is one of that stream's domain events.
 */
export function asDomainEvent<Event>(recorded: RecordedEvent): Event {
  return recorded as unknown as Event;
}

/** Folds events read from the log, in order, from the evolver's first state. */
export function foldEvents<State, Event>(
  evolver: Evolver<State, Event>,
  events: readonly RecordedEvent[],
): State {
  let state = evolver.initialState();
  for (const event of events) state = evolver.evolve(state, asDomainEvent<Event>(event));
  return state;
}

/** A stream read and folded (in the manner of Emmett's aggregateStream): its state, version and events. */
export async function aggregateStream<State, Event>(
  eventStore: Pick<EventStore, 'readStream'>,
  streamId: string,
  evolver: Evolver<State, Event>,
): Promise<{ state: State; currentVersion: number; events: RecordedEvent[] }> {
  const { events, currentVersion } = await eventStore.readStream(streamId);
  return { state: foldEvents(evolver, events), currentVersion, events };
}
