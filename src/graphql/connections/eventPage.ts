import {
  compareCheckpoints,
  isCheckpoint,
  MAX_GLOBAL_POSITION,
  START,
} from '../../eventstore/checkpoint';
import type { EventStore } from '../../eventstore/createEventStore';
import type { Checkpoint, RecordedEvent } from '../../eventstore/types';
import { MAX_ID_LENGTH } from '../edge/inputChecks';
import { badUserInput } from '../errors';
import { checkFirst, MAX_PAGE_SIZE } from '../pagination/pageSize';
import type { EventPage } from '../types/EventPage';

/** Events scanned per read of the log when filtering by type. */
const SCAN = 1000;

export interface EventPageArgs {
  after?: string | null;
  first: number;
  streamId?: string | null;
  types?: string[] | null;
}

/** `after` as a checkpoint: a decimal global position (of an event) or a checkpoint string. */
async function afterCheckpoint(
  eventStore: EventStore,
  after: string | null | undefined,
): Promise<Checkpoint> {
  if (after === null || after === undefined) return START;
  if (isCheckpoint(after)) return after;
  if (/^\d{1,19}$/.test(after) && BigInt(after) <= MAX_GLOBAL_POSITION) {
    const found = await eventStore.checkpointAtPosition(after);
    if (found === null) throw badUserInput('after', `after: no event at global position ${after}`);
    return found;
  }
  throw badUserInput(
    'after',
    `after takes a global position (a decimal, e.g. a previous page's lastPosition) or a checkpoint, got ${JSON.stringify(after.slice(0, 64))}`,
  );
}

function page(events: RecordedEvent[], hasMore: boolean): EventPage {
  return { events, lastPosition: events[events.length - 1]?.globalPosition ?? null, hasMore };
}

/**
 * A page of the global log in its gap-safe order. It never comes back empty
 * while matching events remain: a type filter scans on until it has `first`
 * events or reaches the end. One stream is read by its own index instead of
 * scanning the log.
 */
export async function eventPage(eventStore: EventStore, args: EventPageArgs): Promise<EventPage> {
  const first = checkFirst(args.first, 1);
  const { streamId, types } = args;
  if (streamId != null && (streamId.length === 0 || streamId.length > MAX_ID_LENGTH))
    throw badUserInput('streamId', `streamId must be 1 to ${MAX_ID_LENGTH} characters`);
  if (
    types != null &&
    (types.length > MAX_PAGE_SIZE || types.some((t) => t.length > MAX_ID_LENGTH))
  )
    throw badUserInput(
      'types',
      `types takes at most ${MAX_PAGE_SIZE} names of at most ${MAX_ID_LENGTH} characters`,
    );
  const after = await afterCheckpoint(eventStore, args.after);
  if (types != null && types.length === 0) return page([], false);
  const wanted = types == null ? undefined : new Set(types);

  if (streamId != null) {
    const { events } = await eventStore.readStream(streamId);
    const matching = events.filter(
      (e) =>
        compareCheckpoints(e.checkpoint, after) > 0 && (wanted === undefined || wanted.has(e.type)),
    );
    return page(matching.slice(0, first), matching.length > first);
  }

  const events: RecordedEvent[] = [];
  for (let from = after; ;) {
    const scanned = await eventStore.readAll({
      after: from,
      limit: wanted === undefined ? first : SCAN,
      types: wanted === undefined ? undefined : [...wanted],
    });
    const room = first - events.length;
    events.push(...scanned.events.slice(0, room));
    if (scanned.events.length > room) return page(events, true);
    if (events.length === first || !scanned.hasMore) return page(events, scanned.hasMore);
    from = scanned.checkpoint;
  }
}
