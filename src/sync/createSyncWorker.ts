import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import type { Database } from '../db/schema';
import { createAlarm } from '../eventstore/alarm';
import { compareCheckpoints } from '../eventstore/checkpoint';
import type { Checkpoint } from '../eventstore/types';
import { type QueuedOrder, readQueuedOrders } from './readQueuedOrders';
import { backoffCeilingMs, jitteredBackoffMs } from '../backoff';
import type { SyncMetrics } from './syncMetrics';
import { syncOrder, type SyncOrderDependencies, type SyncOutcome } from './syncOrder';
import { STORE_NOT_READY_RECHECK_MS } from './platformStore';

export interface SyncWorkerOptions extends SyncOrderDependencies {
  db: Kysely<Database>;
  log: Logger;
  metrics: SyncMetrics;
  /** Attempts in flight at once (each on a different order). */
  concurrency: number;
  /** The longest sleep, in case a wake-up was missed. */
  safetyPollMs: number;
  /** How long stop() waits for attempts in flight. */
  stopTimeoutMs: number;
  /** Aborts when this process stops leading: no create is started after it. */
  signal: AbortSignal;
  /** Where a refused connection goes instead of the log (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

export interface SyncWorker {
  /** The queue's subscription stored a batch read up to this checkpoint. */
  queueAdvanced(checkpoint: Checkpoint): void;
  /** Stops taking orders and waits (at most stopTimeoutMs) for the attempts in flight. */
  stop(): Promise<void>;
}

/**
 * Takes due orders from the sync queue, a bounded number at once and never
 * two attempts of one order, and sleeps until the next one is due (or a
 * wake-up: the queue changed, an attempt ended).
 *
 * Only the queue's subscription writes the queue, so right after an attempt
 * the order's row still says what it said before. The worker leaves such an
 * order alone until the subscription has read past the attempt's own events
 * (`awaiting`), instead of taking it again and finding it not due.
 */

/** The loop's pause after failing to read its queue: 200 ms, doubling, at most 10 s. */
const LOOP_BACKOFF = { baseDelayMs: 200, maxDelayMs: 10_000 };
export function createSyncWorker(options: SyncWorkerOptions): SyncWorker {
  const { db, metrics, concurrency, safetyPollMs, stopTimeoutMs, signal } = options;
  const log = options.log;
  const inFlight = new Map<string, Promise<void>>();
  const awaiting = new Map<string, Checkpoint>();
  const heldOff = new Map<string, NodeJS.Timeout>();
  /** Orders whose store cannot be called now (said once each). */
  const waiting = new Set<string>();
  // Consecutive errors per order that were not the platform's answer.
  const troubles = new Map<string, number>();
  const deps: SyncOrderDependencies = {
    ...options,
    onAttemptStarted: () => metrics.attempts.inc(),
  };
  let queueCheckpoint: Checkpoint | undefined;
  let stopped = false;
  const alarm = createAlarm();
  const wakeUp = () => alarm.wake();

  const queueHasRead = (checkpoint: Checkpoint) =>
    queueCheckpoint !== undefined && compareCheckpoints(checkpoint, queueCheckpoint) <= 0;

  function holdOff(orderId: string, ms: number) {
    if (stopped) return;
    clearTimeout(heldOff.get(orderId));
    heldOff.set(
      orderId,
      setTimeout(() => {
        heldOff.delete(orderId);
        wakeUp();
      }, ms),
    );
  }

  function holdOffAfterTrouble(orderId: string): number {
    const count = (troubles.get(orderId) ?? 0) + 1;
    troubles.set(orderId, count);
    const ms = jitteredBackoffMs(options.retry, count, options.random);
    holdOff(orderId, ms);
    return ms;
  }

  function settle(order: QueuedOrder, outcome: SyncOutcome, attemptLog: Logger) {
    const { orderId } = order;
    // Progress, or not the worker's to worry about: the count of troubles starts again.
    if (outcome.kind !== 'deferred' && outcome.kind !== 'superseded') troubles.delete(orderId);
    if (outcome.kind !== 'waiting') waiting.delete(orderId);
    switch (outcome.kind) {
      case 'synced': {
        metrics.synced.inc({ already_on_platform: String(outcome.alreadyOnPlatform) });
        if (order.requestedAt !== null) {
          const seconds = (options.now().getTime() - order.requestedAt.getTime()) / 1000;
          metrics.requestedToSynced.observe(Math.max(0, seconds));
        }
        attemptLog.info(
          {
            attempt: outcome.attempt,
            platformOrderId: outcome.platformOrderId,
            alreadyOnPlatform: outcome.alreadyOnPlatform,
          },
          'order synced',
        );
        break;
      }
      case 'failed': {
        (outcome.final ? metrics.failed : metrics.retried).inc({ kind: outcome.errorKind });
        attemptLog.warn(
          {
            attempt: outcome.attempt,
            kind: outcome.errorKind,
            reason: outcome.reason,
            final: outcome.final,
            nextAttemptAt: outcome.nextAttemptAt,
          },
          outcome.final ? 'order sync failed for good' : 'order sync failed; retry scheduled',
        );
        break;
      }
      case 'notDue': {
        attemptLog.debug({ syncStatus: outcome.syncStatus }, 'queued order is not due');
        // The queue had read the order's events already: its row is gone by
        // now (the order moved on while it was being taken). Look again later.
        if (outcome.checkpoint === undefined || queueHasRead(outcome.checkpoint)) {
          holdOff(orderId, safetyPollMs);
          return;
        }
        break;
      }
      case 'superseded':
        attemptLog.warn({ attempt: outcome.attempt }, 'sync attempt superseded by another');
        holdOffAfterTrouble(orderId);
        return;
      case 'abandoned':
        attemptLog.info(
          { attempt: outcome.attempt },
          'leadership lost before creating; the next leader takes over',
        );
        return;
      case 'deferred': {
        const retryInMs = holdOffAfterTrouble(orderId);
        attemptLog.warn(
          { reason: outcome.reason, retryInMs },
          'cancelled order with a crashed attempt could not be looked up on the platform',
        );
        return;
      }
      case 'waiting':
        // No attempt was started: the store needs credentials (an install).
        // Said once per order, then checked again quietly.
        if (!waiting.has(orderId)) {
          waiting.add(orderId);
          attemptLog.warn({ reason: outcome.reason }, 'order sync waits for the store');
        }
        holdOff(orderId, STORE_NOT_READY_RECHECK_MS);
        return;
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
    if (outcome.checkpoint !== undefined && !queueHasRead(outcome.checkpoint)) {
      awaiting.set(orderId, outcome.checkpoint);
    }
  }

  async function attempt(order: QueuedOrder): Promise<void> {
    const correlationId = order.correlationId ?? randomUUID();
    const attemptLog = log.child({ orderId: order.orderId, correlationId });
    try {
      const outcome = await syncOrder(deps, { orderId: order.orderId, correlationId }, signal);
      settle(order, outcome, attemptLog);
    } catch (error) {
      metrics.unexpected.inc();
      const retryInMs = holdOffAfterTrouble(order.orderId);
      attemptLog.error(
        { err: error, retryInMs },
        'sync attempt failed unexpectedly; the order stays queued',
      );
    }
  }

  function launch(order: QueuedOrder) {
    inFlight.set(
      order.orderId,
      attempt(order).finally(() => {
        inFlight.delete(order.orderId);
        wakeUp();
      }),
    );
  }

  /** Starts what is due; answers how long to sleep. */
  async function takeDueOrders(): Promise<number> {
    const free = concurrency - inFlight.size;
    // Full: the end of an attempt wakes the loop.
    if (free <= 0) return safetyPollMs;
    const queued = await readQueuedOrders(db, {
      limit: free,
      excluding: [...inFlight.keys(), ...awaiting.keys(), ...heldOff.keys()],
    });
    const now = options.now().getTime();
    for (const order of queued) {
      const dueInMs = order.dueAt.getTime() - now;
      if (dueInMs > 0) return Math.min(dueInMs, safetyPollMs);
      // Leadership lost: the next leader takes these.
      if (stopped || signal.aborted) break;
      launch(order);
    }
    return safetyPollMs;
  }

  const running = (async () => {
    let failures = 0;
    while (!stopped) {
      alarm.takeWakeUp();
      let pauseMs: number;
      try {
        pauseMs = await takeDueOrders();
        failures = 0;
      } catch (error) {
        failures++;
        pauseMs = backoffCeilingMs(LOOP_BACKOFF, failures);
        if (!(options.refusals ?? noRefusalReporter).refused(error))
          log.error({ err: error, retryInMs: pauseMs }, 'reading the sync queue failed');
        alarm.takeWakeUp();
      }
      await alarm.sleep(pauseMs);
    }
  })();

  return {
    queueAdvanced(checkpoint) {
      queueCheckpoint = checkpoint;
      for (const [orderId, appended] of awaiting) {
        if (compareCheckpoints(appended, checkpoint) <= 0) awaiting.delete(orderId);
      }
      wakeUp();
    },
    async stop() {
      stopped = true;
      alarm.stop();
      await running;
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled(inFlight.values()).then(() => true),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), stopTimeoutMs)),
        ),
      ]);
      clearTimeout(timer);
      if (!finished) {
        log.warn(
          { orderIds: [...inFlight.keys()] },
          'stopped before these sync attempts ended; the next attempt looks their orders up on the platform',
        );
      }
      for (const timer of heldOff.values()) clearTimeout(timer);
      heldOff.clear();
    },
  };
}
