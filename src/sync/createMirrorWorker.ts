import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { type ConnectionRefusals, noRefusalReporter } from '../db/connectionRefusals';
import type { Database } from '../db/schema';
import { createAlarm } from '../eventstore/alarm';
import { compareCheckpoints } from '../eventstore/checkpoint';
import type { Checkpoint } from '../eventstore/types';
import type { MirrorMetrics } from './mirrorMetrics';
import { mirrorOrder, type MirrorOrderDependencies, type MirrorOutcome } from './mirrorOrder';
import { type QueuedMirroring, readQueuedMirrorings } from './readQueuedMirrorings';
import { backoffCeilingMs, jitteredBackoffMs } from '../backoff';
import { STORE_NOT_READY_RECHECK_MS } from './platformStore';

export interface MirrorWorkerOptions extends MirrorOrderDependencies {
  db: Kysely<Database>;
  log: Logger;
  metrics: MirrorMetrics;
  /** Attempts in flight at once (each on a different order). */
  concurrency: number;
  /** The longest sleep, in case a wake-up was missed. */
  safetyPollMs: number;
  /** How long stop() waits for attempts in flight. */
  stopTimeoutMs: number;
  /** Aborts when this process stops leading: no platform call is started after it. */
  signal: AbortSignal;
  /** Where reading the queue reports the server refusing connections (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

export interface MirrorWorker {
  /** The queue's subscription stored a batch read up to this checkpoint. */
  queueAdvanced(checkpoint: Checkpoint): void;
  /** Stops taking mirrorings and waits (at most stopTimeoutMs) for the attempts in flight. */
  stop(): Promise<void>;
}

/**
 * Takes due mirrorings from mirror_queue, a bounded number at once and never
 * two of one order at once (readQueuedMirrorings: each order's first), and
 * sleeps until the next one is due or a wake-up comes. As the sync worker
 * does, it leaves an order alone after an attempt until the queue's
 * subscription has read past the attempt's own events.
 */

/** The loop's pause after failing to read its queue: 200 ms, doubling, at most 10 s. */
const LOOP_BACKOFF = { baseDelayMs: 200, maxDelayMs: 10_000 };
export function createMirrorWorker(options: MirrorWorkerOptions): MirrorWorker {
  const { db, metrics, concurrency, safetyPollMs, stopTimeoutMs, signal, log } = options;
  const inFlight = new Map<string, Promise<void>>();
  const awaiting = new Map<string, Checkpoint>();
  const heldOff = new Map<string, NodeJS.Timeout>();
  /** Orders whose store cannot be called now (said once each). */
  const waiting = new Set<string>();
  // Consecutive errors per order that were not the platform's answer.
  const troubles = new Map<string, number>();
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

  function settle(queued: QueuedMirroring, outcome: MirrorOutcome, attemptLog: Logger) {
    const { orderId } = queued;
    if (outcome.kind !== 'superseded') troubles.delete(orderId);
    if (outcome.kind !== 'waiting') waiting.delete(orderId);
    switch (outcome.kind) {
      case 'mirrored':
        metrics.mirrored.inc({
          mirroring: outcome.mirroring,
          already_on_platform: String(outcome.alreadyOnPlatform),
        });
        attemptLog.info(
          { attempt: outcome.attempt, alreadyOnPlatform: outcome.alreadyOnPlatform },
          'mirrored on the platform',
        );
        break;
      case 'failed':
        (outcome.final ? metrics.failed : metrics.retried).inc({
          mirroring: outcome.mirroring,
          kind: outcome.errorKind,
        });
        attemptLog.warn(
          {
            attempt: outcome.attempt,
            kind: outcome.errorKind,
            reason: outcome.reason,
            final: outcome.final,
            nextAttemptAt: outcome.nextAttemptAt,
          },
          outcome.final ? 'mirroring failed for good' : 'mirroring failed; retry scheduled',
        );
        break;
      case 'notDue':
        // The row is behind the order (its subscription will catch up) or
        // due later than the row says: look again later.
        attemptLog.debug('queued mirroring is not due');
        holdOff(orderId, Math.min(safetyPollMs, 1_000));
        return;
      case 'superseded':
        attemptLog.warn({ attempt: outcome.attempt }, 'mirroring attempt superseded by another');
        holdOffAfterTrouble(orderId);
        return;
      case 'abandoned':
        attemptLog.info(
          { attempt: outcome.attempt },
          'leadership lost before calling the platform; the next leader takes over',
        );
        return;
      case 'waiting':
        // No attempt was started: the store needs credentials (an install).
        // Said once per order, then checked again quietly.
        if (!waiting.has(orderId)) {
          waiting.add(orderId);
          attemptLog.warn({ reason: outcome.reason }, 'mirroring waits for the store');
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

  async function attempt(queued: QueuedMirroring): Promise<void> {
    const correlationId = randomUUID();
    const attemptLog = log.child({ orderId: queued.orderId, key: queued.key, correlationId });
    try {
      const outcome = await mirrorOrder(
        {
          ...options,
          onAttemptStarted: (mirroring) => metrics.attempts.inc({ mirroring }),
        },
        { orderId: queued.orderId, key: queued.key, correlationId },
        signal,
      );
      settle(queued, outcome, attemptLog);
    } catch (error) {
      metrics.unexpected.inc();
      const retryInMs = holdOffAfterTrouble(queued.orderId);
      attemptLog.error(
        { err: error, retryInMs },
        'mirroring attempt failed unexpectedly; the mirroring stays queued',
      );
    }
  }

  function launch(queued: QueuedMirroring) {
    inFlight.set(
      queued.orderId,
      attempt(queued).finally(() => {
        inFlight.delete(queued.orderId);
        wakeUp();
      }),
    );
  }

  /** Starts what is due; answers how long to sleep. */
  async function takeDueMirrorings(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return safetyPollMs;
    const queued = await readQueuedMirrorings(db, {
      limit: free,
      excludingOrders: [...inFlight.keys(), ...awaiting.keys(), ...heldOff.keys()],
    });
    const now = options.now().getTime();
    for (const mirroring of queued) {
      const dueInMs = mirroring.dueAt.getTime() - now;
      if (dueInMs > 0) return Math.min(dueInMs, safetyPollMs);
      if (stopped || signal.aborted) break;
      launch(mirroring);
    }
    return safetyPollMs;
  }

  const running = (async () => {
    let failures = 0;
    while (!stopped) {
      alarm.takeWakeUp();
      let pauseMs: number;
      try {
        pauseMs = await takeDueMirrorings();
        failures = 0;
      } catch (error) {
        failures++;
        pauseMs = backoffCeilingMs(LOOP_BACKOFF, failures);
        if (!(options.refusals ?? noRefusalReporter).refused(error))
          log.error({ err: error, retryInMs: pauseMs }, 'reading the mirroring queue failed');
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
          'stopped before these mirroring attempts ended; the next attempt finds their effect on the platform',
        );
      }
      for (const timer of heldOff.values()) clearTimeout(timer);
      heldOff.clear();
    },
  };
}
