import { backoffCeilingMs } from '../../backoff';
import { type ConnectionRefusals, noRefusalReporter } from '../../db/connectionRefusals';
import { electLeader, type LeaderElection } from '../../db/leaderElection';
import { runWebhookAttempt, type WebhookAttemptDependencies } from './webhookAttempt';
import { claimNextWebhook, nextWebhookDueInMs } from './webhookInboxClaim';
import { pruneDoneWebhooks } from './webhookInboxMaintenance';
import {
  listenToWebhookInbox,
  notifyWebhookInbox,
  type WebhookInboxListener,
} from './webhookInboxWakeups';

export interface WebhookInboxWorkerOptions extends WebhookAttemptDependencies {
  /** The database's URL, for the leader's lock and the LISTEN connection. */
  url: string;
  /** How long a claimed row stays the worker's; longer than one TikTok call with its timeout. */
  leaseMs?: number;
  /** The slow poll behind the wake-ups. */
  pollIntervalMs?: number;
  /** Rows applied at once (different orders only: one order's rows go one by one). */
  concurrency?: number;
  /** Done rows are kept this long for deduplication. */
  keepDoneForMs?: number;
  pruneEveryMs?: number;
  leaderRetryMs?: number;
  /** Where the leader and LISTEN connections report the server refusing them (logged once per burst by serve). */
  refusals?: ConnectionRefusals;
}

export interface WebhookInboxWorker {
  start(): void;
  /** A row was written in this process and left to the worker. */
  wake(): void;
  readonly isLeading: boolean;
  /** While leading: resolves once every row due when it was called has been attempted. */
  settled(): Promise<void>;
  /** Stops after the attempts in progress; their rows are settled or their leases run out. */
  stop(): Promise<void>;
}

export const DEFAULT_WEBHOOK_LEASE_MS = 60_000;
/** The least pause between two empty rounds, so that a race never turns into a busy loop. */
const MIN_PAUSE_MS = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Applies the inbox's rows in the background. One process leads at a time
 * (an advisory lock); it wakes when a row is written here, on a NOTIFY from
 * another process, when the next retry is due, or on a slow poll, and
 * otherwise sleeps.
 */
export function createWebhookInboxWorker(options: WebhookInboxWorkerOptions): WebhookInboxWorker {
  const {
    db,
    url,
    log,
    leaseMs = DEFAULT_WEBHOOK_LEASE_MS,
    pollIntervalMs = 5000,
    concurrency = 4,
    keepDoneForMs = 30 * DAY_MS,
    pruneEveryMs = 60 * 60 * 1000,
    leaderRetryMs,
    refusals = noRefusalReporter,
  } = options;
  let election: LeaderElection | undefined;
  let leading = false;
  let woken = false;
  let interrupt: (() => void) | undefined;
  let settledWaiters: Array<() => void> = [];

  const pause = (ms: number, lost: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (woken || lost.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        lost.removeEventListener('abort', done);
        interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      lost.addEventListener('abort', done, { once: true });
      interrupt = done;
    });

  /** Claims and applies due rows, `concurrency` at a time, until none is left; returns how many. */
  async function drain(lost: AbortSignal): Promise<number> {
    let attempts = 0;
    const slot = async () => {
      while (!lost.aborted) {
        const row = await claimNextWebhook(db, leaseMs);
        if (row === undefined) return;
        attempts++;
        await runWebhookAttempt(options, row, { fetchUnknownOrder: true });
      }
    };
    // Every slot ends before a failure is reported, so no two rounds ever overlap.
    const results = await Promise.allSettled(Array.from({ length: concurrency }, slot));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return attempts;
  }

  async function lead(lost: AbortSignal): Promise<void> {
    leading = true;
    log.info('leading the TikTok Shop webhook inbox');
    let listener: WebhookInboxListener | undefined;
    let listenTriedAt = Number.NEGATIVE_INFINITY;
    let prunedAt = 0;
    let failures = 0;
    try {
      while (!lost.aborted) {
        const waiting = settledWaiters;
        settledWaiters = [];
        woken = false;
        try {
          // A broken LISTEN is retried at the pace of the slow poll, not on every wake-up.
          if (!listener?.listening && Date.now() - listenTriedAt >= pollIntervalMs) {
            listenTriedAt = Date.now();
            await listener?.close();
            listener = await listenToWebhookInbox(url, wake, (error) => {
              if (!refusals.refused(error))
                log.warn({ err: error }, 'webhook inbox LISTEN connection broke; polling');
            }).catch((error: unknown) => {
              if (!refusals.refused(error))
                log.warn({ err: error }, 'cannot LISTEN for webhook inbox rows; polling');
              return undefined;
            });
          }
          if (Date.now() - prunedAt >= pruneEveryMs) {
            const pruned = await pruneDoneWebhooks(db, keepDoneForMs);
            if (pruned > 0) log.info({ pruned }, 'pruned old done rows from the webhook inbox');
            prunedAt = Date.now();
          }
          if ((await drain(lost)) > 0) {
            failures = 0;
            settledWaiters.push(...waiting);
            continue;
          }
          failures = 0;
          for (const resolve of waiting) resolve();
          const dueInMs = await nextWebhookDueInMs(db);
          const ms =
            dueInMs === null
              ? pollIntervalMs
              : Math.min(pollIntervalMs, Math.max(MIN_PAUSE_MS, dueInMs));
          await pause(ms, lost);
        } catch (error) {
          settledWaiters.push(...waiting);
          failures++;
          if (!refusals.refused(error))
            log.warn({ err: error }, 'webhook inbox round failed; trying again');
          await pause(backoffCeilingMs({ baseDelayMs: 200, maxDelayMs: 30_000 }, failures), lost);
          woken = false;
        }
      }
    } finally {
      leading = false;
      await listener?.close();
    }
  }

  function wake(): void {
    if (leading) {
      woken = true;
      interrupt?.();
      return;
    }
    // Another process may lead: tell it. Should the NOTIFY be lost, its slow poll finds the row.
    notifyWebhookInbox(db).catch((error: unknown) =>
      log.debug({ err: error }, 'could not NOTIFY the webhook inbox worker'),
    );
  }

  return {
    start() {
      election ??= electLeader({
        url,
        name: 'tiktok-webhook-inbox',
        lead,
        retryMs: leaderRetryMs,
        onError: (error) => {
          if (!refusals.refused(error)) log.warn({ err: error }, 'webhook inbox leader election');
        },
      });
    },
    wake,
    get isLeading() {
      return leading;
    },
    settled() {
      return new Promise<void>((resolve) => {
        settledWaiters.push(resolve);
        woken = true;
        interrupt?.();
      });
    },
    async stop() {
      await election?.stop();
      for (const resolve of settledWaiters) resolve();
      settledWaiters = [];
    },
  };
}
