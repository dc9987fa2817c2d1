import { backoffCeilingMs } from '../backoff';
import { createAlarm } from './alarm';
import type { ReadAllOptions, ReadAllResult, Checkpoint, RecordedEvent } from './types';

export interface SubscriptionOptions {
  /** For logs and errors. */
  name: string;
  /** Where to start: called at the start and again after any failure, so it must read the stored checkpoint. */
  loadCheckpoint: () => Promise<Checkpoint>;
  /**
   * Handles one batch, in global order, and stores `checkpoint` (in the same
   * transaction as its writes, for a projection). Called with no events when a
   * filtered read only moved the checkpoint. `from` is the checkpoint the
   * batch was read after: a consumer can check it still stands (another
   * process, or a replay, may have moved it).
   */
  handle: (events: RecordedEvent[], checkpoint: Checkpoint, from: Checkpoint) => Promise<void>;
  batchSize?: number;
  types?: readonly string[];
  streamPrefix?: string;
  /** The slow poll that backs up the wake-ups (default 2 s). */
  pollIntervalMs?: number;
  onError?: (error: Error) => void;
}

export interface Subscription {
  readonly name: string;
  /** The checkpoint of the last handled batch. */
  readonly checkpoint: Checkpoint | undefined;
  /** Resolves once the subscription has read everything visible when it was called. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface Dependencies {
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  onWake(listener: () => void): () => void;
}

/**
 * A catch-up subscription: reads the global log from a checkpoint in batches,
 * hands each batch over once and in order, and then sleeps until a wake-up
 * (an append here, or a NOTIFY from another process) or the slow poll.
 */
export function subscribe(deps: Dependencies, options: SubscriptionOptions): Subscription {
  const { batchSize = 1000, pollIntervalMs = 2000 } = options;
  let checkpoint: Checkpoint | undefined;
  let stopped = false;
  let settledWaiters: Array<() => void> = [];
  const alarm = createAlarm();
  const unsubscribe = deps.onWake(() => alarm.wake());

  const loop = async () => {
    let failures = 0;
    // After a wake-up that found nothing new, an open transaction may be holding
    // the horizon back: look again soon, then less and less often.
    let retryMs = 0;
    while (!stopped) {
      try {
        checkpoint ??= await options.loadCheckpoint();
        const waiting = settledWaiters;
        settledWaiters = [];
        const wasWoken = alarm.takeWakeUp();
        const page = await deps.readAll({
          after: checkpoint,
          limit: batchSize,
          types: options.types,
          streamPrefix: options.streamPrefix,
        });
        const moved = page.checkpoint !== checkpoint;
        if (moved) {
          await options.handle(page.events, page.checkpoint, checkpoint);
          checkpoint = page.checkpoint;
        }
        failures = 0;
        if (page.hasMore) {
          settledWaiters.push(...waiting);
          continue;
        }
        for (const resolve of waiting) resolve();
        retryMs = moved
          ? 0
          : wasWoken
            ? 5
            : retryMs > 0
              ? Math.min(retryMs * 2, pollIntervalMs)
              : 0;
        await alarm.sleep(retryMs > 0 ? retryMs : pollIntervalMs);
      } catch (error) {
        failures++;
        options.onError?.(error as Error);
        // The batch may or may not have been stored: start again from the stored checkpoint.
        checkpoint = undefined;
        await alarm.sleep(backoffCeilingMs({ baseDelayMs: 200, maxDelayMs: 10_000 }, failures));
        alarm.takeWakeUp();
      }
    }
  };
  const running = loop();

  return {
    name: options.name,
    get checkpoint() {
      return checkpoint;
    },
    settled() {
      return new Promise<void>((resolve) => {
        settledWaiters.push(resolve);
        alarm.wake();
      });
    },
    async stop() {
      stopped = true;
      unsubscribe();
      alarm.stop();
      await running;
      for (const resolve of settledWaiters) resolve();
    },
  };
}
